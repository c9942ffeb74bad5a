"""Validation tools for the SCO and China-Central Asia relations data package."""

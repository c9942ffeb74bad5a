"""Versions as a contract: what changed between two commits (Table Schemas, rows), the bump it
needs, and `make diff`."""

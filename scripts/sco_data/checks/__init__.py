"""`make validate`: every check on the package, one module per layer, and the report.

`pipeline` runs them in order; ARCHITECTURE.md says which module holds which rule."""

"""The Great Expectations layer: the stored suites, what each table's suite is fed, the GX
session that runs them, and the worker process it runs in.

Only the standard library here: the worker imports this package before anything heavy."""

LAYER = "great-expectations"
DATA_DOCS = "reports/data-docs"  # where the GX layer writes its HTML report

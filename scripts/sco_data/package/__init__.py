"""Reading the package: the descriptor, its Table Schemas, the CSV files, typed tables and dates
with a precision. Nothing here judges the data; `sco_data.checks` does."""

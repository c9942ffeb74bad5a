"""Load the package as typed pandas DataFrames, built from the Table Schemas.

    from sco_data.load import load_package
    tables = load_package(".")          # {"events": DataFrame, ...}

The public home of `load_package`; how it types each column is in `sco_data.package.typed`.
"""

from sco_data.package.typed import load_package

__all__ = ["load_package"]

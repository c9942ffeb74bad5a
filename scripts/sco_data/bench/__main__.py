"""`python -m sco_data.bench`: see `sco_data.bench.benchmark`."""

import sys

from sco_data.bench.benchmark import main

sys.exit(main())

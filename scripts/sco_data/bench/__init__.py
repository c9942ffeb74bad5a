"""`make bench`: a synthetic package of any size, and the timing of `make validate` on it."""

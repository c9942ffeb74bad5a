"""Giving freed memory back to the system between the large steps of a run.

glibc keeps much of what a process frees for its own later use: the arrays of a table just
checked, freed in the middle of its heap, still count as the process's memory. On a long run
that is what made the peak grow with the data even where the data held did not.
`malloc_trim` returns those pages; elsewhere than glibc there is nothing to do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys


def give_back_freed_memory(collect: bool = False) -> None:
    """`collect`: first free what reference cycles hold (GX's objects hold batches so);
    a full collection costs about 0.1 s in a process that imported GX."""
    if collect:
        gc.collect()
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc (musl has no malloc_trim): its allocator returns memory itself

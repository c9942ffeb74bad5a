"""Giving freed memory back to the system between the large steps of a run.

glibc keeps much of what a process frees for its own later use: the arrays of a table just
checked, freed in the middle of its heap, still count as the process's memory. On a long run
that is what made the peak grow with the data even where the data held did not.
`malloc_trim` returns those pages; elsewhere than glibc there is nothing to do.
"""

from __future__ import annotations

import ctypes
import gc
import sys


def keep_for_the_run() -> None:
    """Set what exists now (imported modules, GX's context) outside the collector's sight: it
    lives as long as the process, and a full collection then walks only what came after. In the
    GX worker that takes a collection from about 0.1 s to a few milliseconds."""
    gc.freeze()


def give_back_freed_memory(collect: bool = False) -> None:
    """`collect`: first free what reference cycles hold (GX's objects hold batches so); cheap
    once `keep_for_the_run` has set the imports aside."""
    if collect:
        gc.collect()
    if not sys.platform.startswith("linux"):
        return
    try:
        # The running program's own symbols, libc's among them: `find_library` would run
        # `ldconfig` in a subprocess on every call.
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc (musl has no malloc_trim): its allocator returns memory itself

"""Start-up without the cyclic garbage collector walking what start-up makes.

Importing the libraries, loading the knowledge and indexing it make a few hundred
thousand objects that live as long as the core. The collector's passes over them,
again and again as they are made, find nothing to free. This module imports nothing
heavy, so the command line can pause the collector before importing the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Run the block with the collector off, then restore it (even on error).

    ``freeze`` also moves every object alive at the end out of the collector's way
    (``gc.freeze``): for a program whose core lives until it exits, so that no later
    pass walks it, neither while answering nor at exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()

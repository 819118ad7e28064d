"""Python's cyclic garbage collector, paused while a step makes millions of objects.

The collector runs whenever some hundreds more objects were made than freed, and each time the
objects that survived grew by a quarter it walks every one of them. A step that builds a
province (millions of YAML values, seed records, quads, graph nodes, lines of text) spends a
good part of its time there: at 25,000 companies, loading the seeds took 7.8 s with it and
4.3 s without, mapping them 4.1 s and 2.0 s, projecting the graph 3.0 s and 2.5 s, writing the
analytics as Turtle 3.2 s and 2.5 s. What these steps make is freed by reference counting
(trees, records, tuples); the few cycles among them (an exception's traceback, a networkx
graph's cached views) wait for the first collection after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The body runs with the cyclic collector off; it is on again afterwards if it was before.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def memory_released() -> None:
    """Collect the cycles a paused collector left behind (a province's projected graph held
    0.3 GB in them), then hand the C heap's free pages back to the system: glibc keeps what
    was freed for reuse (0.7 GB more after a province's analytics), so the process would go
    on holding it while the store loads beside. A no-op for the heap without glibc."""
    gc.collect()
    import ctypes  # only here: kg's start-up stays light

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)

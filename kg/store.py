"""Opening the built graph with Oxigraph: in memory for one-off reads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def load_store(turtle_path: str | Path) -> ox.Store:
    """An in-memory Oxigraph store holding the Turtle file, in its default graph."""
    store = ox.Store()
    store.bulk_load(path=str(turtle_path), format=ox.RdfFormat.TURTLE)
    return store

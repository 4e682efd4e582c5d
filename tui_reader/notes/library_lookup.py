"""Finding the stories notes are on, by story id, in the library's index.

``import`` scans the library (through the index cache, so only changed files are read):
notes are attached to what is there now. ``export`` only loads the cached index the reader
keeps, to describe stories without reading each file; a story the cache does not know is
read from its file (:class:`~tui_reader.notes.sources.StoryResolver`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tui_reader.core.stories import StoryMeta
from tui_reader.library.identity import assign_ids
from tui_reader.library.index import Item, LibraryIndex

__all__ = ["Lookup", "cached_lookup", "library_lookup"]

Lookup = Callable[[str], StoryMeta | None]
"""Finds a story of the library by its id."""


def _by_id(items: Iterable[Item]) -> Lookup:
    by_id: dict[str, StoryMeta] = {}
    for item in items:
        if isinstance(item, StoryMeta):
            by_id.setdefault(item.story_id, item)
    return by_id.get


def library_lookup(roots: Sequence[Path], index: LibraryIndex | None = None) -> Lookup:
    """A lookup over the stories in ``roots`` as they are now (scanned; the cache is updated)."""
    cache = index or LibraryIndex()
    return _by_id(assign_ids((item for root in roots for item in cache.refresh(root)), roots))


def cached_lookup(roots: Sequence[Path], index: LibraryIndex | None = None) -> Lookup:
    """A lookup over the stories the reader last saw in ``roots`` (no file is read)."""
    cache = index or LibraryIndex()
    return _by_id(assign_ids((item for root in roots for item in cache.load(root)), roots))

"""The stories part of a search index, built once and copied by every new data dir.

A search index holds one library's stories and one data dir's notes (see
:mod:`.search_index`). Many data dirs may read the same library: every user of ``tui-reader
serve`` reads the served folder. Each new data dir would parse every story again to build its
own index (seconds of CPU for a big folder, and a share of each session's memory while it
runs), although the stories part would come out the same for all of them.

So ``tui-reader serve`` builds a *seed* for the folder it serves (in a process of its own,
once it listens: :mod:`tui_reader.serve.seeding`): an index of the library's stories and no
notes, ``search-seed-<hash>.sqlite`` in the cache dir, keyed by the library's folders alone.
A data dir with no index yet starts from a copy of the seed (SQLite's backup API: a consistent
snapshot, even while the seed is written) and then syncs as usual: its notes are added, and
any story file that changed since the seed was written (compared by ``(mtime_ns, size)``, as
always) is read again. A seed that is missing, outdated or unreadable is simply not used: the
index is built from the files as before.

Pure module: no Textual. Nothing happens at import.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from tui_reader.core.atomic import private_name
from tui_reader.core.paths import folders_digest
from tui_reader.library.index import Item
from tui_reader.library.search_index import SCHEMA, SearchIndex
from tui_reader.library.search_text import Reader

__all__ = ["adopt_seed", "build_seed", "seed_path"]


def seed_path(cache_dir: Path, roots: Sequence[Path]) -> Path:
    """The seed index of a library (its folders), for every data dir that reads it."""
    return cache_dir / f"search-seed-{folders_digest(roots)}.sqlite"


def build_seed(
    cache_dir: Path, roots: Sequence[Path], items: Sequence[Item], read: Reader | None = None
) -> int:
    """Bring the seed of ``roots`` up to date with the scanned ``items`` (stories only;
    ``read``: how batches of files are read, see :meth:`SearchIndex.apply`).

    Returns:
        How many story files were (re)indexed (0 when the seed was already up to date).

    Raises:
        IndexBroken: the seed cannot be kept in the cache dir.
        sqlite3.Error: writing it failed.
    """
    seed = SearchIndex(seed_path(cache_dir, roots))
    try:
        seed.open()
        return seed.apply(seed.plan(items), read=read)
    finally:
        seed.close()


def adopt_seed(index: Path, cache_dir: Path, roots: Sequence[Path]) -> bool:
    """Start the missing index file ``index`` as a copy of the seed of ``roots``.

    The copy is made beside ``index`` and linked into place only if ``index`` still does not
    exist: a second session of the same data dir that started at the same moment keeps the
    index the first one made (and may already have written its notes to).

    Returns:
        True when the copy was made; False when ``index`` exists already, there is no seed of
        this schema, or it could not be copied (the index is then built from the files).
    """
    seed = seed_path(cache_dir, roots)
    if index.exists() or not seed.is_file():
        return False
    copy = index.with_name(private_name(index.name, "seed"))
    try:
        with closing(sqlite3.connect(f"{seed.as_uri()}?mode=ro", uri=True)) as source:
            if source.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                return False
            with closing(sqlite3.connect(copy)) as target:
                source.backup(target)
        os.link(copy, index)  # fails if the index appeared meanwhile: that one stays
        return True
    except (sqlite3.Error, OSError):
        return False  # a broken seed, no room, or an index made meanwhile: built as before
    finally:
        SearchIndex(copy).remove_files()

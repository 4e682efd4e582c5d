"""Build a library's search index in a process of its own: ``python -m tui_reader.library.build``.

The reader starts this for a big build (a cold start indexes every story): parsing 10,000
stories is seconds of Python, which in the reader's own process would hold the interpreter
the list needs to answer keys. Here it runs on another core; the reader reads the progress
lines (``progress DONE TOTAL``) and searches what is already written meanwhile (SQLite WAL).

Usage: ``python -m tui_reader.library.build --cache DIR --data-dir DIR ROOT...``. Exits 0 when
the index is up to date, 1 with a one-line reason on stderr. Pure module: no Textual.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_reader.core.stories import StoryError
    from tui_reader.library.search_text import Indexed

__all__ = ["command", "main"]


def command(cache_dir: Path, data_dir: Path, roots: Sequence[Path]) -> list[str]:
    """The argv that builds the index of ``roots`` and ``data_dir`` in a child process."""
    return [
        sys.executable,
        "-m",
        "tui_reader.library.build",
        "--cache",
        str(cache_dir),
        "--data-dir",
        str(data_dir),
        *map(str, roots),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Scan the library (the metadata cache makes this quick), then index what changed."""
    import argparse  # here: the reader imports this module for command() alone

    parser = argparse.ArgumentParser(prog="python -m tui_reader.library.build")
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args(argv)
    from tui_reader.library.finder import Finder
    from tui_reader.library.index import LibraryIndex
    from tui_reader.library.search_index import BATCH, IndexBroken
    from tui_reader.storage.store import Store

    library = LibraryIndex(args.cache)
    items = [item for root in args.roots for item in library.refresh(root)]
    store = Store.open(args.data_dir)
    finder = Finder(args.cache, args.roots, args.data_dir)

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    # Parsing is most of the work: two processes parse while this one writes. On a 2-core
    # machine the reader itself is idle meanwhile (it only waits for keys).
    from concurrent.futures import ProcessPoolExecutor

    from tui_reader.library.search_text import read_for_index

    pool: ProcessPoolExecutor | None = None

    def read(paths: list[Path]) -> list[Indexed | StoryError]:
        nonlocal pool
        if pool is None and len(paths) < BATCH:
            # Less than one batch in all: starting the pool's two interpreters (~0.5 s of
            # CPU, ~0.25 s of wall time) would cost more than it saves.
            return [read_for_index(path) for path in paths]
        if pool is None:
            import multiprocessing

            # Spawned, not forked: a forked child would inherit this process's SQLite handles.
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(max(1, min(2, os.cpu_count() or 1)), mp_context=context)
        return list(pool.map(read_for_index, paths, chunksize=25))

    try:
        finder.prepare()
        finder.sync(items, store, progress, read=read)
    except (IndexBroken, sqlite3.Error, OSError) as exc:
        print(f"search index: {exc}", file=sys.stderr)
        return 1
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        finder.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build a library's search index in a process of its own: ``python -m tui_reader.library.build``.

The reader starts this for a big build (a cold start indexes every story): parsing 10,000
stories is seconds of Python, which in the reader's own process would hold the interpreter
the list needs to answer keys. Here it runs on another core; the reader reads the progress
lines (``progress DONE TOTAL``) and searches what is already written meanwhile (SQLite WAL).
``tui-reader serve`` starts it with ``--seed`` for the folder it serves: the stories part
every new user's index starts from (:mod:`.search_seed`).

Usage: ``python -m tui_reader.library.build --cache DIR (--data-dir DIR | --seed) ROOT...``.
Exits 0 when the index is up to date (``--seed`` prints ``seeded N``: the stories read), 1 with
a one-line reason on stderr. Pure module: no Textual.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from tui_reader.core.stories import StoryError
    from tui_reader.library.index import Item
    from tui_reader.library.search_text import Indexed, Reader

__all__ = ["command", "main", "seed_command"]


def command(cache_dir: Path, data_dir: Path, roots: Sequence[Path]) -> list[str]:
    """The argv that builds the index of ``roots`` and ``data_dir`` in a child process."""
    return [sys.executable, "-m", "tui_reader.library.build", "--cache", str(cache_dir),
            "--data-dir", str(data_dir), *map(str, roots)]  # fmt: skip


def seed_command(cache_dir: Path, roots: Sequence[Path]) -> list[str]:
    """The argv that brings the seed of ``roots`` (stories only) up to date in a child process."""
    return [sys.executable, "-m", "tui_reader.library.build", "--cache", str(cache_dir),
            "--seed", *map(str, roots)]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Scan the library (the metadata cache makes this quick), then index what changed."""
    import argparse  # here: the reader imports this module for command() alone

    parser = argparse.ArgumentParser(prog="python -m tui_reader.library.build")
    parser.add_argument("--cache", required=True, type=Path)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--data-dir", type=Path)
    target.add_argument("--seed", action="store_true", help="the stories only, for every data dir")
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args(argv)
    from tui_reader.library.index import LibraryIndex
    from tui_reader.library.search_index import IndexBroken

    library = LibraryIndex(args.cache)
    items = [item for root in args.roots for item in library.refresh(root)]
    pool: list[ProcessPoolExecutor] = []  # started for the first full batch, if one comes
    try:
        if args.seed:
            from tui_reader.library.search_seed import build_seed

            print(f"seeded {build_seed(args.cache, args.roots, items, _reader(pool))}", flush=True)
        else:
            _build(args.cache, args.data_dir, args.roots, items, _reader(pool))
    except (IndexBroken, sqlite3.Error, OSError) as exc:
        print(f"search index: {exc}", file=sys.stderr)
        return 1
    finally:
        for executor in pool:
            executor.shutdown(cancel_futures=True)
    return 0


def _build(cache: Path, data_dir: Path, roots: Sequence[Path], items: Sequence[Item],
           read: Reader) -> None:  # fmt: skip
    """The index of ``roots`` and ``data_dir`` (its notes too), with progress lines."""
    from tui_reader.library.finder import Finder
    from tui_reader.storage.store import Store

    store = Store.open(data_dir)
    finder = Finder(cache, roots, data_dir)

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    try:
        finder.prepare()
        finder.sync(items, store, progress, read=read)
    finally:
        finder.close()
        store.close()


def _reader(pool: list[ProcessPoolExecutor]) -> Reader:
    """How batches of story files are read: parsing is most of the work, so two processes
    parse while this one writes (on a 2-core machine the reader itself is idle meanwhile: it
    only waits for keys). ``pool`` receives the executor once one is started."""
    from tui_reader.library.search_index import BATCH
    from tui_reader.library.search_text import read_for_index

    def read(paths: list[Path]) -> list[Indexed | StoryError]:
        if not pool and len(paths) < BATCH:
            # Less than one batch in all: starting the pool's two interpreters (~0.5 s of
            # CPU, ~0.25 s of wall time) would cost more than it saves.
            return [read_for_index(path) for path in paths]
        if not pool:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Spawned, not forked: a forked child would inherit this process's SQLite handles.
            context = multiprocessing.get_context("spawn")
            workers = max(1, min(2, os.cpu_count() or 1))
            pool.append(ProcessPoolExecutor(workers, mp_context=context))
        return list(pool[0].map(read_for_index, paths, chunksize=25))

    return read


if __name__ == "__main__":
    raise SystemExit(main())

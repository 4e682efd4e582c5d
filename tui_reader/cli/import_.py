"""``tui-reader import FILE|-``: notes from W3C Web Annotations, Hypothesis or our own JSON.

Reads the whole file (``-``: standard input) and checks it before writing anything; prints
what was attached, orphaned (with the source each points to) and skipped (with why). A
malformed file changes nothing and exits with status 1, naming the line or field.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui_reader.cli.options import add_data_dir
from tui_reader.cli.output import err, say

__all__ = ["import_main", "import_parser"]


def import_parser() -> argparse.ArgumentParser:
    """The ``import`` command line."""
    parser = argparse.ArgumentParser(
        prog="tui-reader import",
        description="Add notes from a file: W3C Web Annotations (JSON-LD: one annotation, a "
        "list or a collection), Hypothesis API JSON, or tui-reader's own JSON export. Each "
        "note goes to the story with its URL and is found again by its quote; importing the "
        "same file twice adds nothing.",
    )
    parser.add_argument("file", metavar="FILE", help="the file to read, or - for standard input")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be imported; change nothing"
    )
    parser.add_argument(
        "--stories",
        metavar="DIR",
        help="the library to attach notes to (default: the reader's, as when started "
        "without a folder)",
    )
    add_data_dir(parser)
    return parser


def _read(name: str, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of the file (so a larger one is noticed, not read whole)."""
    if name == "-":
        return sys.stdin.buffer.read(limit + 1)
    with open(name, "rb") as handle:
        return handle.read(limit + 1)


def import_main(argv: Sequence[str]) -> int:
    """Run ``tui-reader import``; returns the exit status."""
    args = import_parser().parse_args(argv)
    from tui_reader.cli.library import reader_library
    from tui_reader.core.paths import resolve_data_dir
    from tui_reader.library.index import LibraryIndex
    from tui_reader.notes.anchor_cache import AnchorCache
    from tui_reader.notes.formats.incoming import Malformed
    from tui_reader.notes.importer import MAX_IMPORT_BYTES, ImportReport, import_notes
    from tui_reader.notes.library_lookup import library_lookup
    from tui_reader.storage.store import Store

    name = "standard input" if args.file == "-" else args.file
    try:
        data = _read(args.file, MAX_IMPORT_BYTES)
    except OSError as exc:
        err(f"cannot read {name}: {exc.strerror or exc}")
        return 1
    data_dir = resolve_data_dir(args.data_dir)
    stories = Path(args.stories).expanduser().absolute() if args.stories else None
    if stories is not None and not stories.is_dir():
        err(f"{stories} is not a folder of stories")
        return 2
    index = LibraryIndex()
    lookup = library_lookup(reader_library(stories, data_dir), index)
    store = Store.open(data_dir)
    try:
        for notice in store.notices:
            err(notice)
        # The export after this import then finds every note it attached without reading.
        with AnchorCache.beside(index.cache_dir, store.data_dir) as anchors:
            outcome = import_notes(data, store, lookup, dry_run=args.dry_run, anchors=anchors)
    finally:
        store.close()
    if isinstance(outcome, ImportReport):
        say("\n".join(outcome.lines()))
        return 0
    if isinstance(outcome, Malformed):
        err(f"{name}: {outcome}; nothing was imported")
        return 1
    err(outcome.message + "; nothing was imported")
    return 1

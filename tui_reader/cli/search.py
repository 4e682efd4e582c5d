"""Command line: ``tui-reader search QUERY... [--json] [--sort ORDER] [--stories DIR]``.

Runs the reader's search (the same query language as ``/``, see
:mod:`tui_reader.library.query`) over the library and the user's notes, and prints each match:
title and date, then its path, URL and a snippet. ``--json`` prints one JSON array for
scripts. The exit status is 0 with matches, 1 with none, 2 for a query that cannot be run.
The search index is brought up to date first (built on first use, with progress on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from tui_reader.cli.options import add_data_dir
from tui_reader.cli.output import err, say
from tui_reader.core.textsafe import sanitize_line
from tui_reader.library.finder import Found, metas_by_path

__all__ = ["search_main"]

ORDERS = ("relevance", "newest", "oldest", "title", "feed", "unread")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader search",
        description=(
            "Search stories (titles, bylines, text) and your notes. Words must all match; "
            '"a phrase", prefix*, -word; filters is:unread is:read is:bookmarked has:note '
            "has:highlight tag:NAME feed:NAME by:NAME since:2021-09-01 until:... in:notes "
            "in:title."
        ),
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help="the search (words join)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--sort", choices=ORDERS, default="relevance", help="order of matches")
    parser.add_argument("--limit", type=int, default=0, metavar="N", help="print at most N")
    parser.add_argument("--stories", metavar="DIR", help="the library (default: as the reader)")
    add_data_dir(parser, "the notes, bookmarks and read state searched")
    return parser


def _as_json(found: Found) -> bytes:
    rows = [
        {
            "title": sanitize_line(m.meta.title),
            "date": m.meta.date.isoformat() if m.meta.date else None,
            "path": str(m.meta.path),
            "url": m.meta.url,
            "byline": m.meta.byline,
            "feed": m.meta.feed,
            "story_id": m.meta.story_id,
            "snippet": sanitize_line(m.hit.snippet),
            "in_note": m.hit.in_note,
        }
        for m in found.matches
    ]
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2)


def _as_text(found: Found) -> str:
    blocks = []
    for match in found.matches:
        meta, hit = match.meta, match.hit
        lines = [f"{meta.date.isoformat() if meta.date else '----------'}  {meta.title}"]
        lines.append(f"            {meta.path}")
        if meta.url:
            lines.append(f"            {meta.url}")
        if hit.snippet:
            lines.append(f"            {'in your note: ' if hit.in_note else ''}{hit.snippet}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def search_main(
    argv: Sequence[str], reader_library: Callable[[Path | None, Path], list[Path]]
) -> int:
    """Run ``tui-reader search``; returns the exit status.

    ``reader_library`` gives the folders the reader would show (see :mod:`.main`).
    """
    args = _parser().parse_args(argv)
    from tui_reader.core.paths import resolve_data_dir
    from tui_reader.library.finder import Finder
    from tui_reader.library.index import LibraryIndex
    from tui_reader.library.order import parse_sort
    from tui_reader.library.query import QueryError, parse
    from tui_reader.library.search_index import IndexBroken
    from tui_reader.storage.store import Store

    try:
        query = parse(" ".join(args.query))
    except QueryError as exc:
        err(f"search: {exc}")
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    given = Path(args.stories).expanduser() if args.stories else None
    roots = reader_library(given, data_dir)
    library = LibraryIndex()
    items = [item for root in roots for item in library.refresh(root)]
    store = Store.open(data_dir)
    for notice in store.notices:
        err(notice)
    finder = Finder(library.cache_dir, roots, data_dir)
    showing = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if showing:
            sys.stderr.write(f"\rtui-reader: indexing {done}/{total} stories…")
            sys.stderr.flush()

    try:
        finder.prepare()
        finder.sync(items, store, progress)
        if showing:
            sys.stderr.write("\r\x1b[K")
        found = finder.find(query, store, metas_by_path(items), parse_sort(args.sort))
    except IndexBroken as exc:
        err(f"search: {exc}")
        return 2
    finally:
        finder.close()
        store.close()
    if args.limit > 0:
        found = Found(found.matches[: args.limit], found.query, found.complete)
    if args.json:
        sys.stdout.buffer.write(_as_json(found) + b"\n")
    elif found.matches:
        say(_as_text(found))
    return 0 if found.matches else 1

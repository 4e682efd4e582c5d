"""Command line: ``tui-reader save URL|- [--stories DIR] [--data-dir DIR] [--tag T]``.

Saves a web page's article as a story in ``<library>/saved/`` (the library as for feeds:
``--stories DIR``, else ``<data dir>/feeds``) and prints its path and title. ``-`` reads URLs
from standard input, one a line (blank lines and ``#`` comments skipped). Each failure is one
line on stderr, ``tui-reader: save URL: <what is wrong>``, and leaves the library unchanged;
the exit status is 1 when any URL failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from tui_reader.cli.options import add_data_dir, add_fetch_limits
from tui_reader.core.paths import default_feeds_library, resolve_data_dir
from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.model import FeedError

__all__ = ["save_main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader save",
        description="Save a web page's article as a story file, to read (and annotate) later.",
    )
    parser.add_argument("url", metavar="URL", help="an http(s) URL, or - to read URLs from stdin")
    parser.add_argument(
        "--stories",
        metavar="DIR",
        help="the library (default: <data dir>/feeds); the story goes to its saved/ folder",
    )
    add_data_dir(parser)
    parser.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="tag the story (repeatable)"
    )
    add_fetch_limits(parser)
    return parser


def _urls(given: str) -> Iterator[str]:
    if given != "-":
        yield given
        return
    for line in sys.stdin:
        text = line.strip()
        if text and not text.startswith("#"):
            yield text


def save_main(argv: Sequence[str]) -> int:
    """``tui-reader save ...``; returns 0 when every URL was saved, else 1."""
    args = _parser().parse_args(argv)
    from tui_reader.feeds.save import save_url

    library = (
        Path(args.stories).expanduser()
        if args.stories
        else default_feeds_library(resolve_data_dir(args.data_dir))
    )
    failed = 0
    for url in _urls(args.url):
        shown = sanitize_line(url)
        try:
            saved = save_url(
                url, library, tags=args.tag, timeout=args.timeout, deadline=args.deadline
            )
        except FeedError as exc:
            print(f"tui-reader: save {shown}: {sanitize_line(str(exc))}", file=sys.stderr)
            failed += 1
            continue
        except OSError as exc:
            print(
                f"tui-reader: save {shown}: cannot write the story: {exc.strerror or exc}",
                file=sys.stderr,
            )
            failed += 1
            continue
        verb = "Updated" if saved.updated else "Saved"
        print(f"{verb} {saved.path}\n    {sanitize_line(saved.title)}")
    return 1 if failed else 0

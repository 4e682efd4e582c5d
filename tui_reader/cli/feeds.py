"""Command line for feeds: ``tui-reader feeds add|list|set|remove|import-opml|export-opml`` and
``tui-reader refresh``.

Every subcommand takes ``--stories DIR`` and ``--data-dir DIR`` like the reader. The feed list
lives in the data dir; each feed's stories go into a subfolder of the library it was added to
(``--stories DIR``, or ``<data dir>/feeds`` when none is given, which the reader shows beside
the bundled stories). Errors go to stderr as ``tui-reader: feed NAME: <what is wrong>``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui_reader.cli.options import add_data_dir, add_fetch_limits
from tui_reader.cli.output import err, say
from tui_reader.core.paths import default_feeds_library, resolve_data_dir
from tui_reader.feeds.model import FeedError
from tui_reader.feeds.refresh import FetchLimits, RefreshReport, feed_folder, refresh_feeds
from tui_reader.feeds.subscriptions import (
    add_feed,
    export_opml,
    find_feed,
    import_opml,
    normalize_source,
    remove_feed,
    set_full_text,
)
from tui_reader.storage.store import Store, StoreError

__all__ = ["feeds_main", "refresh_main"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stories",
        metavar="DIR",
        help="the library the feeds' stories go into (default: <data dir>/feeds)",
    )
    add_data_dir(parser, "the feed list, bookmarks and notes")


def _err(message: str) -> None:
    err(message)


class _Context:
    """The data dir, the store and the library a command works on."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.data_dir = resolve_data_dir(args.data_dir)
        self.store = Store.open(self.data_dir)
        for notice in self.store.notices:
            _err(notice)
        self.library_given = bool(args.stories)
        self.library = (
            Path(args.stories).expanduser()
            if args.stories
            else default_feeds_library(self.data_dir)
        )


def _print_report(report: RefreshReport, prefix: str = "") -> None:
    lines = "\n".join([prefix + report.summary, *(f"    {line}" for line in report.details)])
    if report.ok:
        say(lines)
    else:
        err(lines)


def _add(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    feed, report = add_feed(
        ctx.store,
        args.source,
        ctx.library,
        name=args.name,
        limits=FetchLimits(args.timeout, args.deadline),
        full_text=args.full_text,
    )
    if feed.url != normalize_source(args.source):
        say(f"{args.source} is a web page; it links to its feed at {feed.url}")
    say(f"Added feed {feed.name} ({feed.url}); its stories go to {feed_folder(feed)}")
    _print_report(report)
    return 0 if report.ok else 1


def _list(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    feeds = ctx.store.feeds_writing_to(ctx.library) if ctx.library_given else ctx.store.feeds()
    if not feeds:
        say("No feeds yet. Add one with: tui-reader feeds add URL")
        return 0
    for feed in feeds:
        state = (
            f"error: {feed.error}"
            if feed.error
            else (f"checked {feed.checked}" if feed.checked else "never refreshed")
        )
        say(f"{feed.name}\n    {feed.url}\n    -> {feed_folder(feed)}\n    {state}")
        if feed.full_text:
            say("    full text: each new entry's page is saved")
    return 0


def _set(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    feed = set_full_text(ctx.store, args.name, args.full_text == "on")
    state = "on: new entries get their page's article" if feed.full_text else "off"
    say(f"Feed {feed.name}: full text {state}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    feed = remove_feed(ctx.store, args.name)
    say(
        f"Removed feed {feed.name}. Its stories stay in {feed_folder(feed)} "
        "(with their notes); delete that folder to remove them."
    )
    return 0


def _import_opml(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    try:
        data = Path(args.file).expanduser().read_bytes()
    except OSError as exc:
        _err(f"cannot read {args.file}: {exc.strerror or exc}")
        return 1
    try:
        result = import_opml(ctx.store, data, ctx.library)
    except FeedError as exc:
        raise FeedError(f"{args.file}: {exc}") from exc
    for feed in result.added:
        say(f"Added feed {feed.name} ({feed.url})")
    if result.already:
        say(f"{len(result.already)} feed(s) were already in the list.")
    if result.added:
        say("Run 'tui-reader refresh' to fetch their stories.")
    return 0


def _export_opml(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    text = export_opml(ctx.store)
    if args.file in (None, "-"):
        sys.stdout.write(text)
        return 0
    try:
        Path(args.file).expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"cannot write {args.file}: {exc.strerror or exc}")
        return 1
    say(f"Wrote {len(ctx.store.feeds())} feed(s) to {args.file}")
    return 0


def feeds_main(argv: Sequence[str]) -> int:
    """``tui-reader feeds ...``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="tui-reader feeds",
        description="Manage the feeds (RSS, Atom, JSON Feed) whose entries fill the library.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="subscribe to a feed URL or file and fetch it")
    add.add_argument("source", metavar="URL-or-FILE")
    add.add_argument("--name", help="the feed's name (default: its title)")
    add.add_argument(
        "--full-text",
        action="store_true",
        help="fetch each new entry's page and keep its article (for feeds of teasers)",
    )
    _common(add)
    add_fetch_limits(add)
    add.set_defaults(run=_add)
    listing = commands.add_parser("list", help="show the feeds and their last refresh")
    _common(listing)
    listing.set_defaults(run=_list)
    setting = commands.add_parser("set", help="change a feed's settings")
    setting.add_argument("name", metavar="NAME")
    setting.add_argument(
        "--full-text",
        choices=("on", "off"),
        required=True,
        help="fetch each new entry's page and keep its article",
    )
    _common(setting)
    setting.set_defaults(run=_set)
    remove = commands.add_parser("remove", help="unsubscribe (the stories stay)")
    remove.add_argument("name", metavar="NAME")
    _common(remove)
    remove.set_defaults(run=_remove)
    opml_in = commands.add_parser("import-opml", help="subscribe to every feed in an OPML file")
    opml_in.add_argument("file", metavar="FILE")
    _common(opml_in)
    opml_in.set_defaults(run=_import_opml)
    opml_out = commands.add_parser("export-opml", help="write the feed list as OPML")
    opml_out.add_argument("file", metavar="FILE", nargs="?", help="default: standard output")
    _common(opml_out)
    opml_out.set_defaults(run=_export_opml)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except FeedError as exc:
        _err(str(exc))
    except StoreError as exc:
        _err(f"could not save the feed list: {exc}")
    return 1


def refresh_main(argv: Sequence[str]) -> int:
    """``tui-reader refresh [NAME]``; returns 0 when every feed refreshed, else 1."""
    parser = argparse.ArgumentParser(
        prog="tui-reader refresh",
        description="Fetch the feeds and write their new and changed entries as stories.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="only this feed")
    _common(parser)
    add_fetch_limits(parser)
    args = parser.parse_args(argv)
    ctx = _Context(args)
    if args.name:
        feed = find_feed(ctx.store, args.name)
        if feed is None:
            _err(f"feed {args.name}: no such feed (see 'tui-reader feeds list')")
            return 1
        feeds = [feed]
    else:
        feeds = ctx.store.feeds_writing_to(ctx.library) if ctx.library_given else ctx.store.feeds()
    if not feeds:
        where = f" writing to {ctx.library}" if ctx.library_given else ""
        say(f"No feeds{where}. Add one with: tui-reader feeds add URL")
        return 0
    total = len(feeds)
    done = 0

    def show(report: RefreshReport) -> None:
        nonlocal done
        done += 1
        _print_report(report, f"[{done}/{total}] " if total > 1 else "")

    reports = refresh_feeds(ctx.store, feeds, show, limits=FetchLimits(args.timeout, args.deadline))
    return 0 if all(r.ok for r in reports) else 1

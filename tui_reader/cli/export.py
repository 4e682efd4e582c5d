"""``tui-reader export``: notes and highlights as JSON, Markdown, W3C Web Annotations or CSV.

Writes to standard output (or ``-o FILE``; ``-o DIR`` with Markdown writes one file per
story), one note at a time. A data dir that does not exist or holds no notes is an error,
never an empty export.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from tui_reader.cli.options import add_data_dir
from tui_reader.cli.output import err

if TYPE_CHECKING:
    from tui_reader.notes.anchor_cache import AnchorCache
    from tui_reader.notes.selection import Filter, Selected
    from tui_reader.storage.store import Store

__all__ = ["export_main", "export_parser"]


def export_parser() -> argparse.ArgumentParser:
    """The ``export`` command line."""
    from tui_reader.notes.export import FORMATS

    parser = argparse.ArgumentParser(
        prog="tui-reader export",
        description="Write your notes and highlights (and, as json, bookmarks) to standard "
        "output or a file: json (everything, for scripts and backups), markdown (to read, "
        "or -o DIR for one file per story in a notes vault), w3c (W3C Web Annotations, "
        "JSON-LD) or csv (for spreadsheets).",
    )
    parser.add_argument("--format", choices=FORMATS, default="json")
    parser.add_argument("--story", metavar="ID|URL", help="only this story's notes")
    parser.add_argument("--tag", metavar="T", help="only notes tagged T (or on a story tagged T)")
    parser.add_argument(
        "--since", metavar="DATE", help="only notes changed since DATE (2026-11-29)"
    )
    parser.add_argument(
        "--flat", action="store_true", help="w3c: a plain list, not an AnnotationCollection"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE|DIR", help="write here instead of standard output"
    )
    parser.add_argument(
        "--stories",
        metavar="DIR",
        help="the library the reader shows (default: as when it is started without a folder); "
        "its index describes the stories without reading every file",
    )
    add_data_dir(parser)
    return parser


def export_main(argv: Sequence[str], *, program: bool = False) -> int:
    """Run ``tui-reader export``; returns the exit status.

    ``program``: the export is the whole process (``tui-reader export``): once it is written
    and everything is closed, the process ends there (see :func:`_end_now`).
    """
    args = export_parser().parse_args(argv)
    from tui_reader.core.paths import resolve_data_dir
    from tui_reader.notes.selection import Filter, parse_since, story_key
    from tui_reader.storage.store import Store

    data_dir = resolve_data_dir(args.data_dir)
    if not Store.holds_store(data_dir):
        what = "does not exist" if not data_dir.exists() else "holds no tui-reader notes"
        err(f"{data_dir} {what}: give the data dir with --data-dir (see tui-reader --help)")
        return 1
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        err(str(exc))
        return 2
    wanted = Filter(story_key(args.story) if args.story else None, args.tag, since)
    with _collector_off():
        store = Store.open(data_dir)
        try:
            for notice in store.notices:
                err(notice)
            selected, anchors = _selection(store, args, wanted)
            with anchors:
                code = _write(selected, args, anchors)
        finally:
            store.close()
        if program:
            _end_now(code)  # the store and the selection are still referenced here
    return code


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """Python's cycle collector held off while the export runs.

    Opening the store makes ~300,000 objects for 10,000 notes, all kept to the end, and the
    export makes next to no cycles: the collector would walk them again and again (a fifth of
    the time it takes to open the store and list its notes). What the export drops is still
    freed, by reference counting.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _end_now(code: int) -> NoReturn:
    """End the process at once with ``code``: the last step of ``tui-reader export``.

    Everything the export made is still referenced by the caller: the store's ~300,000
    objects for 10,000 notes, the notes selected, the library. A normal exit would free them
    one by one and then tear every module down (~80 ms of such an export), for memory the
    system takes back whole. The output is written and the store and the anchor cache are
    closed; only the standard streams are left to flush. A flush that fails makes the exit
    status 120, as Python's own exit does.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    os._exit(code)


def _selection(
    store: Store, args: argparse.Namespace, wanted: Filter
) -> tuple[Selected, AnchorCache]:
    """The notes to export, with their stories (from the library's index), and the cache of
    where their passages were found."""
    from tui_reader.cli.library import reader_library
    from tui_reader.library.index import LibraryIndex
    from tui_reader.notes.anchor_cache import AnchorCache
    from tui_reader.notes.library_lookup import cached_lookup
    from tui_reader.notes.selection import Selected

    stories = Path(args.stories).expanduser().absolute() if args.stories else None
    index = LibraryIndex()
    known = cached_lookup(reader_library(stories, store.data_dir), index)
    return Selected(store, wanted, known), AnchorCache.beside(index.cache_dir, store.data_dir)


def _write(selected: Selected, args: argparse.Namespace, anchors: AnchorCache) -> int:
    from tui_reader.notes.export import write_selected, write_selected_dir

    target = Path(args.output).expanduser() if args.output else None
    folder = target is not None and (target.is_dir() or args.output.endswith(os.sep))
    if folder and args.format != "markdown":
        err(f"{target} is a folder: only --format markdown writes one file per story")
        return 2
    try:
        if target is not None and folder:
            files = write_selected_dir(selected, target, anchors)
            err(f"wrote {len(files)} file(s) to {target}")
        elif target is not None:
            with _replacing(target) as out:
                count = write_selected(selected, args.format, out, flat=args.flat, anchors=anchors)
            err(f"wrote {count} note(s) to {target}")
        else:
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            write_selected(selected, args.format, out, flat=args.flat, anchors=anchors)
            out.flush()
            out.detach()
    except BrokenPipeError:
        # The reader of the output went away (| head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        # A folder export names the file that failed, not only the folder.
        where = exc.filename if folder and exc.filename else target or "the output"
        err(f"cannot write {where}: {exc.strerror or exc}")
        return 1
    return 0


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    """A private file written beside ``target`` and renamed over it when complete."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)

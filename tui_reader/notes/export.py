"""Notes out of the reader (``tui-reader export``): one entry point for every format.

The formats live in :mod:`tui_reader.notes.formats`; this module picks one and streams the
selected notes through it. Nothing here writes to the store.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui_reader.notes.selection import Filter, Selected

if TYPE_CHECKING:
    from tui_reader.notes.anchor_cache import AnchorCache
    from tui_reader.notes.library_lookup import Lookup
    from tui_reader.storage.store import Store

__all__ = [
    "FORMATS",
    "export_json",
    "write_export",
    "write_export_dir",
    "write_selected",
    "write_selected_dir",
]

FORMATS = ("json", "markdown", "w3c", "csv")
"""What ``export --format`` accepts."""


def write_export(
    store: Store,
    fmt: str,
    out: TextIO,
    wanted: Filter | None = None,
    *,
    flat: bool = False,
    known: Lookup | None = None,
    anchors: AnchorCache | None = None,
) -> int:
    """Write the notes ``wanted`` takes in format ``fmt`` to ``out``.

    Args:
        store: the open store.
        fmt: one of :data:`FORMATS`.
        out: where the text goes, written piece by piece.
        wanted: which notes (all by default).
        flat: W3C only: a plain list of annotations instead of a collection.
        known: stories the library's index knows (see :func:`~.library_lookup.cached_lookup`).
        anchors: Markdown only: where notes were found in their stories by the last export
            (see :mod:`~.anchor_cache`); without it every annotated story is read.

    Returns:
        The number of annotations written.
    """
    return write_selected(Selected(store, wanted, known), fmt, out, flat=flat, anchors=anchors)


def write_selected(
    selected: Selected,
    fmt: str,
    out: TextIO,
    *,
    flat: bool = False,
    anchors: AnchorCache | None = None,
) -> int:
    """:func:`write_export` of notes already selected (``selected`` keeps what it made)."""
    # Each format is imported when it is asked for: a command-line export pays for its own
    # format's imports only (Markdown's reach the story parser and anchoring).
    if fmt == "json":
        from tui_reader.notes.formats.native import write_json

        return write_json(selected, out)
    if fmt == "markdown":
        from tui_reader.notes.formats.markdown import write_markdown

        return write_markdown(selected, out, anchors)
    if fmt == "w3c":
        from tui_reader.notes.formats.w3c import write_w3c

        return write_w3c(selected, out, flat=flat)
    if fmt == "csv":
        from tui_reader.notes.formats.spreadsheet import write_csv

        return write_csv(selected, out)
    raise ValueError(f"unknown export format {fmt!r}")


def write_export_dir(
    store: Store,
    folder: Path,
    wanted: Filter | None = None,
    known: Lookup | None = None,
    anchors: AnchorCache | None = None,
) -> list[Path]:
    """Write one Markdown file per story into ``folder``; returns the files written.

    ``known`` and ``anchors`` as for :func:`write_export`.

    Raises:
        OSError: a file could not be written.
    """
    return write_selected_dir(Selected(store, wanted, known), folder, anchors)


def write_selected_dir(
    selected: Selected, folder: Path, anchors: AnchorCache | None = None
) -> list[Path]:
    """:func:`write_export_dir` of notes already selected."""
    from tui_reader.notes.formats.markdown import write_markdown_dir

    return write_markdown_dir(selected, folder, anchors)


def export_json(store: Store, wanted: Filter | None = None) -> str:
    """All (or the ``wanted``) bookmarks and annotations as our JSON, in one string."""
    out = io.StringIO()
    write_export(store, "json", out, wanted)
    return out.getvalue()

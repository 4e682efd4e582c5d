"""Notes as CSV for spreadsheets (``export --format csv``): one row per annotation.

Columns: ``story_title, url, author, story_date, quote, note, tags, created, updated, id``
(tags separated by ``, ``). RFC 4180 quoting (newlines stay inside quoted cells); cells that
would start a formula get a leading ``'`` (see :func:`~.text.csv_cell`).
"""

from __future__ import annotations

import csv
from typing import TextIO

from tui_reader.notes.citation import quote_of
from tui_reader.notes.formats.text import csv_row
from tui_reader.notes.selection import Selected

__all__ = ["COLUMNS", "write_csv"]

COLUMNS = (
    "story_title",
    "url",
    "author",
    "story_date",
    "quote",
    "note",
    "tags",
    "created",
    "updated",
    "id",
)


def write_csv(selected: Selected, out: TextIO) -> int:
    """Write a header and one row per selected annotation; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for annotation, story in selected.annotations():
        row = (
            story.title,
            story.url or "",
            story.author or "",
            story.date.isoformat() if story.date else "",
            quote_of(annotation.selectors),
            annotation.note,
            ", ".join(annotation.tags),
            annotation.created,
            annotation.updated,
            annotation.id,
        )
        writer.writerow(csv_row(row))
        count += 1
    return count

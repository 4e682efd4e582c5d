"""tui-reader's own JSON (``export --format json``): everything the store knows, for scripts
and backups, out and back in.

Version 2 (version 1 gave each note its story's bookmark tags and no story URL)::

    {"version": 2, "exported_at": "...",
     "bookmarks": [{"story_id", "story_title", "story_url", "path", "tags", "created"}],
     "annotations": [{"id", "story_id", "story_title", "story_url", "story_author",
                      "story_date", "path", "quote", "note", "tags", "kind", "created",
                      "updated", "selectors"}]}

Written one record at a time, so a large export never sits in memory as one string.
"""

from __future__ import annotations

from typing import Any, TextIO

import orjson

from tui_reader.core.textsafe import sanitize, sanitize_line
from tui_reader.notes.citation import quote_of
from tui_reader.notes.formats.incoming import Incoming, IncomingBookmark, Malformed, Node, stamp
from tui_reader.notes.formats.incoming import selectors as read_selectors
from tui_reader.notes.formats.text import json_safe
from tui_reader.notes.selection import Selected
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation, Bookmark, now_iso

__all__ = ["EXPORT_VERSION", "is_native", "read_native", "write_json"]

EXPORT_VERSION = 2


def _story(story: StoryInfo) -> dict[str, Any]:
    return {
        "story_title": story.title,
        "story_url": story.url,
        "story_author": story.author,
        "story_date": story.date.isoformat() if story.date else None,
    }


def bookmark_json(bookmark: Bookmark, story: StoryInfo) -> dict[str, Any]:
    """One bookmark as exported."""
    return {
        "story_id": bookmark.story_id,
        "story_title": story.title,
        "story_url": story.url,
        "path": story.path,
        "tags": list(bookmark.tags),
        "created": bookmark.created,
    }


def annotation_json(annotation: Annotation, story: StoryInfo) -> dict[str, Any]:
    """One annotation as exported."""
    return {
        "id": annotation.id,
        "story_id": annotation.story_id,
        **_story(story),
        "path": story.path,
        "quote": quote_of(annotation.selectors),
        "note": annotation.note,
        "tags": list(annotation.tags),
        "kind": "note" if annotation.note else "highlight",
        "created": annotation.created,
        "updated": annotation.updated,
        "selectors": annotation.selectors,
    }


def _dump(doc: dict[str, Any]) -> str:
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    return json_safe("    " + text.replace("\n", "\n    "))


def write_json(selected: Selected, out: TextIO) -> int:
    """Write the selected bookmarks and annotations; returns how many annotations."""
    out.write(f'{{\n  "version": {EXPORT_VERSION},\n  "exported_at": "{now_iso()}",\n')
    out.write('  "bookmarks": [')
    count = 0
    for bookmark, story in selected.bookmarks():
        out.write(("," if count else "") + "\n" + _dump(bookmark_json(bookmark, story)))
        count += 1
    out.write("\n  ],\n" if count else "],\n")
    out.write('  "annotations": [')
    count = 0
    for annotation, story in selected.annotations():
        out.write(("," if count else "") + "\n" + _dump(annotation_json(annotation, story)))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


# ----- reading --------------------------------------------------------------------------------


def is_native(node: Node) -> bool:
    """Whether a top-level value is our own export."""
    return node.obj() and node.has("version") and node.has("annotations")


def read_native(root: Node) -> tuple[list[Incoming], list[IncomingBookmark]]:
    """The annotations and bookmarks of our own export (version 1 or 2)."""
    version = root.get("version").value
    if version not in (1, 2):
        raise Malformed("version", f"unknown version {version!r} (this reader knows 1 and 2)")
    notes = []
    for node in root.items("annotations", lone=False):
        if not node.obj():
            raise Malformed(node.path, "expected an annotation object")
        found, others = read_selectors(node.get("selectors"))
        item = Incoming(
            where=node.path,
            ident=node.text("id"),
            story_id=node.text("story_id") or None,
            source=node.text("story_url"),
            title=sanitize_line(node.text("story_title")),
            selectors=found,
            unsupported=others,
            note=sanitize(node.text("note")),
            # Version 1 gave each note its bookmark's tags: not the note's own.
            tags=node.strings("tags") if version == 2 else (),
            created=stamp(node, "created"),
        )
        item.updated = stamp(node, "updated") or item.created
        notes.append(item)
    marks = []
    for node in root.items("bookmarks", lone=False):
        story_id = node.text("story_id")
        if not story_id:
            raise Malformed(node.path, "a bookmark needs a story_id")
        marks.append(
            IncomingBookmark(
                story_id,
                node.strings("tags"),
                sanitize_line(node.text("story_title")),
                stamp(node, "created"),
            )
        )
    return notes, marks

"""Machine-readable export of bookmarks and annotations (``tui-reader export --format json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from tui_reader.storage.records import now_iso
from tui_reader.storage.store import Store

EXPORT_VERSION = 1


def export_json(store: Store, titles: Mapping[str, tuple[str, str]] | None = None) -> str:
    """Return all bookmarks and annotations as pretty JSON, sorted for stable diffs.

    Args:
        store: the open store.
        titles: optional current ``story_id -> (title, path)`` from the library; it wins over
            the title and path remembered when the bookmark or note was made.

    Returns:
        A JSON object: ``{"version", "exported_at", "bookmarks": [...], "annotations": [...]}``;
        each annotation has ``quote`` (the TextQuoteSelector's ``exact``, or "") and the
        ``tags`` of its story's bookmark.
    """
    titles = titles or {}
    marks = store.bookmarks()
    bookmarks: list[dict[str, Any]] = []
    for sid, bm in sorted(marks.items()):
        title, path = titles.get(sid, (bm.title, bm.path))
        bookmarks.append(
            {
                "story_id": sid,
                "story_title": title,
                "path": path,
                "tags": list(bm.tags),
                "created": bm.created,
            }
        )
    annotations: list[dict[str, Any]] = []
    for ann in store.all_annotations():
        title, path = titles.get(ann.story_id, (ann.story_title, ann.story_path))
        quote = next(
            (
                str(s.get("exact", ""))
                for s in ann.selectors
                if s.get("type") == "TextQuoteSelector"
            ),
            "",
        )
        annotations.append(
            {
                "id": ann.id,
                "story_id": ann.story_id,
                "story_title": title,
                "path": path,
                "quote": quote,
                "note": ann.note,
                "tags": list(marks[ann.story_id].tags) if ann.story_id in marks else [],
                "kind": "note" if ann.note else "highlight",
                "created": ann.created,
                "updated": ann.updated,
                "selectors": ann.selectors,
            }
        )
    doc = {
        "version": EXPORT_VERSION,
        "exported_at": now_iso(),
        "bookmarks": bookmarks,
        "annotations": annotations,
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()

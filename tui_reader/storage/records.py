"""The plain records the store hands out, and their conversion to and from stored docs.

Conversion is lenient: a doc with a missing or mistyped field becomes a record with a default
rather than an error, so one odd entry never hides the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

Selector = dict[str, Any]


def now_iso() -> str:
    """Return the current time as an ISO-8601 UTC string, e.g. ``2026-11-29T10:15:00.123456Z``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Bookmark:
    """A bookmarked story, with the title and path it had when last bookmarked."""

    story_id: str
    tags: tuple[str, ...]
    title: str
    path: str
    created: str


@dataclass(frozen=True)
class Annotation:
    """A highlight (empty ``note``) or note on a story; ``selectors`` are W3C-style dicts."""

    id: str
    story_id: str
    selectors: list[Selector]
    note: str
    created: str
    updated: str
    story_title: str = ""
    story_path: str = ""
    tags: tuple[str, ...] = ()
    """The note's own tags (stored as a list; absent in files from before tags: none)."""


@dataclass(frozen=True)
class Draft:
    """A note being typed: a new one (``annotation_id`` None) or an edit of an existing one."""

    story_id: str
    selectors: list[Selector]
    note: str
    annotation_id: str | None = None
    saved_at: str = ""


def copy_selectors(value: Any) -> list[Selector]:
    """Copy stored selectors so callers cannot mutate the store's memory."""
    if not isinstance(value, list):
        return []
    # Stored selectors are dicts: their type is checked before the ABC's slower check (an
    # export reads every note).
    return [dict(s) for s in value if type(s) is dict or isinstance(s, Mapping)]


def checked_selectors(selectors: Sequence[Mapping[str, Any]]) -> list[Selector]:
    """Copy selectors given by a caller, checking that they are JSON data.

    Raises:
        ValueError: a selector holds something JSON cannot store.
    """
    copied = [dict(s) for s in selectors]
    try:
        orjson.dumps(copied)
    except TypeError as exc:
        raise ValueError(f"selectors must be plain JSON data: {exc}") from exc
    return copied


def annotation_from(ann_id: str, doc: Mapping[str, Any]) -> Annotation:
    """Build an :class:`Annotation` from a stored doc."""
    get = doc.get
    created = str(get("created", ""))
    return Annotation(
        ann_id,
        str(get("story_id", "")),
        copy_selectors(get("selectors")),
        str(get("note", "")),
        created,
        str(get("updated", created)),
        str(get("story_title", "")),
        str(get("story_path", "")),
        _tags(get("tags")),
    )


def _tags(value: Any) -> tuple[str, ...]:
    return tuple(map(str, value)) if isinstance(value, list) else ()


def annotation_doc(ann: Annotation) -> dict[str, Any]:
    """The stored form of an annotation (its id is the doc id)."""
    return {
        "story_id": ann.story_id,
        "selectors": ann.selectors,
        "note": ann.note,
        "created": ann.created,
        "updated": ann.updated,
        "story_title": ann.story_title,
        "story_path": ann.story_path,
        "tags": list(ann.tags),
    }


def bookmark_doc(bm: Bookmark) -> dict[str, Any]:
    """The stored form of a bookmark (its story id is the doc id)."""
    return {"tags": list(bm.tags), "title": bm.title, "path": bm.path, "created": bm.created}


def bookmark_from(story_id: str, doc: Mapping[str, Any]) -> Bookmark:
    """Build a :class:`Bookmark` from a stored doc."""
    return Bookmark(
        story_id=story_id,
        tags=_tags(doc.get("tags")),
        title=str(doc.get("title", "")),
        path=str(doc.get("path", "")),
        created=str(doc.get("created", "")),
    )


@dataclass(frozen=True)
class FeedRecord:
    """A subscribed feed: where it comes from, where its stories go, and its fetch state.

    Attributes:
        name: The user's name for the feed; unique, and the key in the store.
        url: An http(s) URL, or a local file's path or ``file://`` URL.
        library: The stories folder (absolute path) the feed's stories are written into.
        folder: The feed's subfolder of ``library``.
        added: When the feed was added (ISO-8601 UTC).
        checked: When it was last refreshed, successfully or not ("" if never).
        error: What went wrong on the last refresh ("" if it worked).
        etag: The last ``ETag`` sent by the server, for a conditional request.
        last_modified: The last ``Last-Modified`` sent by the server.
        known: Dedupe keys of every entry ever written, so an entry whose file the user
            deleted is not written again.
        full_text: Fetch each new entry's page and keep its article as the story's body.
    """

    name: str
    url: str
    library: str
    folder: str
    added: str = ""
    checked: str = ""
    error: str = ""
    etag: str = ""
    last_modified: str = ""
    known: tuple[str, ...] = ()
    full_text: bool = False


def feed_doc(feed: FeedRecord) -> dict[str, Any]:
    """The stored form of a feed (its name is the doc id)."""
    return {
        "url": feed.url,
        "library": feed.library,
        "folder": feed.folder,
        "added": feed.added,
        "checked": feed.checked,
        "error": feed.error,
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "known": list(feed.known),
        "full_text": feed.full_text,
    }


def feed_from(name: str, doc: Mapping[str, Any]) -> FeedRecord:
    """Build a :class:`FeedRecord` from a stored doc."""
    known = doc.get("known")
    return FeedRecord(
        name=name,
        url=str(doc.get("url", "")),
        library=str(doc.get("library", "")),
        folder=str(doc.get("folder", "")),
        added=str(doc.get("added", "")),
        checked=str(doc.get("checked", "")),
        error=str(doc.get("error", "")),
        etag=str(doc.get("etag", "")),
        last_modified=str(doc.get("last_modified", "")),
        known=tuple(str(k) for k in known) if isinstance(known, list) else (),
        full_text=doc.get("full_text") is True,
    )


def draft_doc(draft: Draft) -> dict[str, Any]:
    """The stored form of a draft."""
    return {
        "story_id": draft.story_id,
        "selectors": draft.selectors,
        "note": draft.note,
        "annotation_id": draft.annotation_id,
        "saved_at": draft.saved_at,
    }


def draft_from(doc: Mapping[str, Any]) -> Draft:
    """Build a :class:`Draft` from a stored doc."""
    ann_id = doc.get("annotation_id")
    return Draft(
        story_id=str(doc.get("story_id", "")),
        selectors=copy_selectors(doc.get("selectors")),
        note=str(doc.get("note", "")),
        annotation_id=ann_id if isinstance(ann_id, str) else None,
        saved_at=str(doc.get("saved_at", "")),
    )

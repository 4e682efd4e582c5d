"""Moving a story's saved data from one story id to another (:meth:`Store.relink`).

Owns how bookmarks, reading state and annotations are merged or moved when a story's id changes
(its file was edited so that its title, date, byline or URL changed). Each step is idempotent and
ordered so that a crash part-way leaves a duplicate, never a loss; calling relink again completes
it. The caller holds the store lock and has synced the files (``Store._writing``).
"""

from __future__ import annotations

from tui_reader.storage.base import ANN
from tui_reader.storage.files import JsonFile
from tui_reader.storage.records import bookmark_from, now_iso

__all__ = ["move_annotations", "relink_bookmark", "relink_state"]


def relink_bookmark(bookmarks: JsonFile, old: str, new: str) -> None:
    """Move the bookmark of ``old`` to ``new``, merging with one ``new`` already has.

    Tags are the union (``new``'s first), title and path prefer ``new``'s, and the creation
    time is the earlier of the two.
    """
    raw = bookmarks.raw("bookmarks")
    if old not in raw:
        return
    a = bookmark_from(old, raw[old])
    b = bookmark_from(new, raw[new]) if new in raw else a
    doc = {
        "tags": list(dict.fromkeys(b.tags + a.tags)),
        "title": b.title or a.title,
        "path": b.path or a.path,
        "created": min(a.created, b.created),
    }
    bookmarks.put("bookmarks", new, doc)
    bookmarks.delete("bookmarks", [old])


def relink_state(state: JsonFile, old: str, new: str) -> None:
    """Move the read mark and reading position of ``old`` to ``new`` (``new``'s own win).

    The last-open story is repointed to ``new`` when it was ``old``.
    """
    for name in ("read", "positions"):
        raw = state.raw(name)
        if old in raw:
            if new not in raw:
                state.put(name, new, dict(raw[old]))
            state.delete(name, [old])
    if state.raw("session").get("last_open", {}).get("story_id") == old:
        state.put("session", "last_open", {"story_id": new, "at": now_iso()})


def move_annotations(src: JsonFile, dst: JsonFile, old: str, new: str) -> int:
    """Give ``old``'s annotations in shard ``src`` the id ``new``, moving them to shard ``dst``.

    Returns:
        The number of annotations moved.
    """
    moving = {k: d for k, d in src.raw(ANN).items() if d.get("story_id") == old}
    if moving and src is dst:
        src.patch(ANN, moving, {"story_id": new})
    elif moving:  # copy first: a crash in between leaves a duplicate, never a loss
        copies = {k: {**d, "story_id": new} for k, d in moving.items()}
        dst.insert_many(ANN, {k: d for k, d in copies.items() if k not in dst.raw(ANN)})
        src.delete(ANN, moving)
    return len(moving)

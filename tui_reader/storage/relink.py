"""Moving a story's saved data from one story id to others (:meth:`Store.relink`,
:meth:`Store.split_story`).

Owns how bookmarks, reading state and annotations are merged or moved when a story's id changes
(its file was edited so that its title, date, byline or URL changed), or when data saved under
one id belongs to several stories (two files shared the id). Each step is idempotent and
ordered so that a crash part-way leaves a duplicate, never a loss; calling relink again completes
it. The caller holds the store lock and has synced the files (``Store._writing``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui_reader.storage.base import ANN
from tui_reader.storage.files import JsonFile
from tui_reader.storage.records import bookmark_from, now_iso

__all__ = [
    "Owner",
    "copy_id",
    "move_annotations",
    "relink_bookmark",
    "relink_state",
    "split_annotations",
    "split_bookmark",
    "split_state",
]


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


@dataclass(frozen=True)
class Owner:
    """A story that takes over data saved under another id: its id, title and file."""

    story_id: str
    title: str = ""
    path: str = ""


def copy_id(ann_id: str, story_id: str) -> str:
    """The id of the copy of annotation ``ann_id`` kept on ``story_id`` (the same every time,
    so splitting again after a crash adds no second copy)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tui-reader:copy:{ann_id}:{story_id}"))


def split_annotations(
    shard_of: Callable[[str], JsonFile], old: str, plan: Mapping[str, Sequence[Owner]]
) -> int:
    """Give each annotation of ``old`` to its owners: the first keeps it (and its id), the
    others get a copy. Copies and moves to other shards are written before the originals
    change, so a crash part-way leaves a duplicate, never a loss.

    Returns:
        The number of copies made.
    """
    src = shard_of(old)
    docs = src.raw(ANN)
    inserts: dict[int, tuple[JsonFile, dict[str, dict[str, Any]]]] = {}
    in_place: dict[Owner, list[str]] = {}
    moved_away: list[str] = []
    copies = 0
    for ann_id, owners in plan.items():
        doc = docs.get(ann_id)
        if doc is None or doc.get("story_id") != old or not owners:
            continue
        for n, owner in enumerate(owners):
            dst = shard_of(owner.story_id)
            if n == 0 and dst is src:
                in_place.setdefault(owner, []).append(ann_id)
                continue
            new_id = ann_id if n == 0 else copy_id(ann_id, owner.story_id)
            copies += n > 0
            if new_id not in dst.raw(ANN):
                batch = inserts.setdefault(id(dst), (dst, {}))[1]
                batch[new_id] = {**doc, **_owned_by(owner)}
        if shard_of(owners[0].story_id) is not src:
            moved_away.append(ann_id)
    for dst, batch in inserts.values():
        dst.insert_many(ANN, batch)
    for owner, ids in in_place.items():
        src.patch(ANN, ids, _owned_by(owner))
    if moved_away:
        src.delete(ANN, moved_away)
    return copies


def _owned_by(owner: Owner) -> dict[str, str]:
    fields = {"story_id": owner.story_id}
    if owner.title:
        fields["story_title"] = owner.title
    if owner.path:
        fields["story_path"] = owner.path
    return fields


def split_bookmark(bookmarks: JsonFile, old: str, owners: Sequence[str]) -> None:
    """Give the bookmark of ``old`` to each of ``owners`` (merged as :func:`relink_bookmark`
    merges), then remove it."""
    if old not in bookmarks.raw("bookmarks") or not owners:
        return
    a = bookmark_from(old, bookmarks.raw("bookmarks")[old])
    for new in owners:
        raw = bookmarks.raw("bookmarks")
        b = bookmark_from(new, raw[new]) if new in raw else a
        doc = {
            "tags": list(dict.fromkeys(b.tags + a.tags)),
            "title": b.title or a.title,
            "path": b.path or a.path,
            "created": min(a.created, b.created),
        }
        bookmarks.put("bookmarks", new, doc)
    bookmarks.delete("bookmarks", [old])


def split_state(state: JsonFile, old: str, owners: Sequence[str]) -> None:
    """Copy the read mark and reading position of ``old`` to each of ``owners`` (their own
    win), then remove them; the last-open story becomes the first owner."""
    if not owners:
        return
    for name in ("read", "positions"):
        raw = state.raw(name)
        if old in raw:
            for new in owners:
                if new not in state.raw(name):
                    state.put(name, new, dict(raw[old]))
            state.delete(name, [old])
    if state.raw("session").get("last_open", {}).get("story_id") == old:
        state.put("session", "last_open", {"story_id": owners[0], "at": now_iso()})

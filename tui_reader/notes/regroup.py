"""Putting notes back on the right story when one id had been shared by several.

Two ways a story id used to cover more than one story: a "URL" that was a permalink template
(``url: /:section/:slug/``, shared by every story built from it) or a relative path, and two
files with the same identity (a story and its truncated copy). Today's ids tell them apart
(:mod:`tui_reader.core.urls`, :mod:`tui_reader.library.identity`), so what was saved under the
old shared id is shared out among the stories it belongs to, once the library is known:

* a note goes to the one story whose text holds its passage; when several hold it, to the one
  it was written on (its stored path); when that says nothing either, a copy stays on each of
  them, so nothing is dropped (a copy whose passage is missing is listed as unanchored);
* the bookmark goes to the story it was made on (its path), else to each of them;
* the read mark and reading position go to the stories the notes or bookmark were made on.

The same rule settles ids that change later: a file joining (or leaving) a group of files with
one identity, a file of such a group moved. It runs after each full scan of the library; when
nothing is saved under an id no story has, it costs one pass over the stored ids. It is
idempotent (what has been shared out is no longer under the old id), and the first run is
recorded in the store as :data:`MIGRATION`. No Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui_reader.anchoring import anchor
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, StoryMeta, load_story
from tui_reader.core.story import base_of
from tui_reader.core.urls import web_url
from tui_reader.notes.outcomes import Failed
from tui_reader.storage.store import Annotation, Owner, Store, StoreError

__all__ = ["MIGRATION", "Regrouped", "regroup", "story_text"]

MIGRATION = "story-ids-2"
"""The name under which the first run is recorded (the data dir's move to unique story ids)."""

TextOf = Callable[[StoryMeta], str | None]
"""Gives a story's plain text (what notes anchor to), or None when it cannot be read."""


@dataclass(frozen=True)
class Regrouped:
    """What sharing out came to."""

    moved: int = 0
    """Notes now on the one story they belong to."""
    copied: int = 0
    """Extra copies kept because a note could belong to several stories."""
    changed: frozenset[str] = frozenset()
    """The story ids that received something (to redraw)."""
    first_run: bool = False
    """This run migrated a data dir from before unique ids (it is now recorded)."""


def story_text(meta: StoryMeta) -> str | None:
    """The plain text of the story in ``meta``'s file, or None when it cannot be read."""
    story = load_story(meta.path)
    return build_document(story.body).text if isinstance(story, Story) else None


def _legacy_url_id(sid: str) -> bool:
    """A ``url:`` id that no web address gives (a template or path taken for a URL)."""
    return sid.startswith("url:") and web_url("https://" + sid[4:]) is None


def _candidates(
    sid: str, by_identity: dict[str, list[StoryMeta]], paths: list[StoryMeta]
) -> list[StoryMeta]:
    """The stories what is saved under ``sid`` (an id no story has now) may belong to."""
    if sid in by_identity:  # files that share this identity now have ids of their own
        return by_identity[sid]
    if base_of(sid) != sid:  # one of those files moved, or its partners are gone
        return by_identity.get(base_of(sid), [])
    if _legacy_url_id(sid):  # a template taken for a URL: the files it was saved on
        return paths
    if sid.startswith("url:"):  # a relative path taken for a URL: the same, unless the file
        return [m for m in paths if not m.identity.startswith("url:")]  # has a (new) URL
    return []  # a story that is not in the library (any more): left as it is


class _Texts:
    def __init__(self, text_of: TextOf) -> None:
        self._text_of = text_of
        self._texts: dict[str, str | None] = {}

    def holds(self, meta: StoryMeta, note: Annotation) -> bool:
        if meta.story_id not in self._texts:
            self._texts[meta.story_id] = self._text_of(meta)
        text = self._texts[meta.story_id]
        return text is not None and anchor(text, note.selectors) is not None


def _owners(note: Annotation, candidates: list[StoryMeta], texts: _Texts) -> list[StoryMeta]:
    holders = [c for c in candidates if texts.holds(c, note)]
    written_on = [c for c in candidates if str(c.path) == note.story_path]
    if len(holders) == 1:
        return holders
    if holders:
        return [c for c in holders if c in written_on] or holders
    return written_on or candidates


def _owner(meta: StoryMeta) -> Owner:
    return Owner(meta.story_id, meta.title, str(meta.path))


def _inside(path: str, roots: Sequence[Path]) -> bool:
    """Whether a note written on the file at ``path`` was written in this library."""
    return not path or not roots or any(Path(path).is_relative_to(root) for root in roots)


def regroup(
    store: Store,
    stories: Sequence[StoryMeta],
    text_of: TextOf = story_text,
    roots: Sequence[Path] = (),
) -> Regrouped | Failed:
    """Share out what is saved under ids no story of the library has, where it is known
    which stories it belongs to (see the module docstring).

    Args:
        store: the reader's store.
        stories: every story of the library, with the ids the library gave them.
        text_of: reads a story's text (the files are read only for ids to share out).
        roots: the library's folders: a note or bookmark made on a file outside them (the
            same story in another library) stays where it is.

    Returns:
        What moved; or ``Failed`` when the store could not be written (what was not
        written stays where it was, and the next run goes on).
    """
    listed = {meta.story_id for meta in stories}
    by_identity: dict[str, list[StoryMeta]] = {}
    by_path: dict[str, StoryMeta] = {}
    for meta in stories:
        by_identity.setdefault(meta.identity, []).append(meta)
        by_path[str(meta.path)] = meta
    first_run = store.migration(MIGRATION) is None
    texts = _Texts(text_of)
    moved = copied = 0
    changed: set[str] = set()
    bookmarks = store.bookmarks()
    for sid in sorted(store.stored_ids() - listed):
        saved = store.annotations_for(sid)
        notes = [n for n in saved if _inside(n.story_path, roots)]
        bookmark = bookmarks.get(sid)
        if bookmark is not None and not _inside(bookmark.path, roots):
            bookmark = None
        elsewhere = len(notes) < len(saved) or (sid in bookmarks and bookmark is None)
        if elsewhere and not notes:
            continue  # the same story in another library: its notes are that one's
        paths = [n.story_path for n in notes] + ([bookmark.path] if bookmark else [])
        known = [by_path[p] for p in dict.fromkeys(paths) if p in by_path]
        candidates = _candidates(sid, by_identity, known)
        if not candidates:
            continue
        plan = {n.id: [_owner(m) for m in _owners(n, candidates, texts)] for n in notes}
        marked = [c for c in candidates if bookmark and str(c.path) == bookmark.path]
        readers = [c.story_id for c in candidates if c in known] or [c.story_id for c in candidates]
        try:
            copied += store.split_story(
                sid,
                plan,
                bookmark=[c.story_id for c in marked or candidates] if bookmark else [],
                state=[] if elsewhere else readers,
            )
        except StoreError as exc:
            return Failed("the notes of stories that shared an id", str(exc))
        moved += len(notes)
        changed.update(owner.story_id for owners in plan.values() for owner in owners)
        changed.update(c.story_id for c in candidates)
    if first_run:
        try:
            store.record_migration(MIGRATION, {"moved": moved, "copied": copied})
        except StoreError as exc:
            return Failed("the notes of stories that shared an id", str(exc))
    return Regrouped(moved, copied, frozenset(changed), first_run)

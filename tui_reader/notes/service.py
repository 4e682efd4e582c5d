"""The annotation service: the note being typed, undo, and every annotation write.

No Textual here. The UI forwards what the reader does (select, type, save, delete, undo) and
renders the typed outcome it gets back (:mod:`tui_reader.notes.outcomes`). The rules that keep a
note from being lost live here, in one place:

* the text being typed is always known to the service (the editor reports each change), so a
  hang-up writes it as a draft without asking the UI;
* a save that fails leaves the draft in place (and on disk when possible): the UI keeps the
  editor open with the text;
* an edit of a note another session deleted is saved as a new note on the same passage;
* a delete keeps the note for one undo.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_reader.core.stories import Story
from tui_reader.core.textsafe import sanitize
from tui_reader.notes.citation import quote_of
from tui_reader.notes.outcomes import Deleted, Failed, Gone, Saved
from tui_reader.storage.store import Annotation, Draft, NotFound, Store, StoreError

if TYPE_CHECKING:
    from tui_reader.anchoring import Anchor

__all__ = ["AnnotationService", "NoteDraft", "Placed", "Target"]


@dataclass(frozen=True)
class Target:
    """The story an annotation is written on."""

    story_id: str
    title: str = ""
    path: str = ""

    @classmethod
    def of(cls, story: Story) -> Target:
        """The target for an open story."""
        return cls(story.story_id, story.title, str(story.path))


@dataclass(frozen=True)
class NoteDraft:
    """A note being typed: a new one (``annotation_id`` None) or an edit of an existing one."""

    target: Target
    selectors: list[dict[str, Any]]
    note: str = ""
    annotation_id: str | None = None

    @property
    def quote(self) -> str:
        """The passage the note is about."""
        return quote_of(self.selectors)


@dataclass(frozen=True)
class Placed:
    """An annotation and where it sits in the current text (None: orphaned)."""

    annotation: Annotation
    anchor: Anchor | None


class AnnotationService:
    """Owns the draft, undo and every annotation write of one reader. Thread-safe."""

    def __init__(self, store: Store, *, cache_dir: Path | None = None) -> None:
        """``cache_dir``: where the export's anchor cache is kept (see :meth:`keep_places`)."""
        self.store = store
        self.cache_dir = cache_dir
        self._lock = threading.RLock()
        self._draft: NoteDraft | None = None
        self._draft_on_disk = ""
        """The text last written as a draft; a flush with nothing new writes nothing."""
        self._undo: Annotation | None = None

    # ----- reading ---------------------------------------------------------------------------

    def placed(self, story: Story, text: str) -> list[Placed]:
        """A story's annotations, each re-anchored on ``text``, the text of its body (slow
        on long texts: a worker's job; this is the one re-anchoring path)."""
        # Imported here: anchoring is first needed when a story opens, not at start-up.
        from tui_reader.anchoring import anchor_many

        annotations = self.store.annotations_for(story.story_id)
        anchors = anchor_many(text, [a.selectors for a in annotations])
        return [Placed(a, where) for a, where in zip(annotations, anchors, strict=True)]

    def keep_places(self, story: Story, placed: Sequence[Placed]) -> None:
        """Keep where :meth:`placed` found a story's notes in the export's anchor cache
        (with ``cache_dir``), if the file is still as it was read: they are what the Markdown
        export would find, so the export after a reading session reads no story opened since
        its notes last changed. A few ms of disk (after the notes are shown, in a worker);
        a cache that cannot be written costs the export time, never a note."""
        if self.cache_dir is None or story.stamp is None or not placed:
            return
        from tui_reader.notes.anchor_cache import AnchorCache, file_stamp

        path = os.path.abspath(story.path)  # as the export names it (from an absolute root)
        if file_stamp(path) != story.stamp:
            return  # changed since it was read: no export could use it
        notes = [p.annotation for p in placed]
        starts = [p.anchor.start if p.anchor else None for p in placed]
        # Its own cache each time: placing runs in workers, and a connection is per thread.
        with AnchorCache.beside(self.cache_dir, self.store.data_dir) as cache:
            cache.remember(story.story_id, path, story.stamp, notes, starts)

    # ----- highlights ------------------------------------------------------------------------

    def highlight(self, target: Target, selectors: Sequence[Mapping[str, Any]]) -> Saved | Failed:
        """Save a highlight (a passage without a note) at once."""
        return self._add(target, list(map(dict, selectors)), "", "the highlight")

    # ----- the note being typed ----------------------------------------------------------------

    @property
    def draft(self) -> NoteDraft | None:
        """The note being typed, if any."""
        return self._draft

    def begin(
        self,
        target: Target,
        selectors: Sequence[Mapping[str, Any]],
        *,
        note: str = "",
        annotation_id: str | None = None,
    ) -> NoteDraft:
        """Start typing a note (a new one, or an edit of ``annotation_id``)."""
        with self._lock:
            self._draft = NoteDraft(target, list(map(dict, selectors)), note, annotation_id)
            self._draft_on_disk = ""
            return self._draft

    def typed(self, text: str) -> None:
        """The editor's text changed: remember it (it is what a hang-up saves)."""
        with self._lock:
            if self._draft is not None:
                self._draft = replace(self._draft, note=text)

    def save(self, text: str) -> Saved | Failed:
        """Save the note being typed with ``text``.

        Returns:
            ``Saved`` (``recreated`` when the note was deleted elsewhere meanwhile), or
            ``Failed``: then the draft stays, so the editor keeps the text.
        """
        with self._lock:
            draft = self._draft
            if draft is None:
                return Failed("the note", "no note is being written")
            self.typed(text)
            note = sanitize(text)
            outcome: Saved | Failed
            if draft.annotation_id is None:
                outcome = self._add(draft.target, draft.selectors, note, "the note")
            else:
                outcome = self._update(draft, note)
            if isinstance(outcome, Failed):
                self.flush_draft()  # best effort: on disk too, in case the reader quits now
                return outcome
            self._draft = None
            self._forget_draft_on_disk()
            return outcome

    def cancel(self) -> None:
        """The reader threw the note away: forget it, on disk too."""
        with self._lock:
            self._draft = None
            self._forget_draft_on_disk()

    def flush_draft(self, *, force: bool = False) -> Failed | None:
        """Write the note being typed to disk as a draft (every few seconds, and on hang-up)."""
        with self._lock:
            draft = self._draft
            if draft is None or (draft.note == self._draft_on_disk and not force):
                return None
            stored = Draft(
                story_id=draft.target.story_id,
                selectors=draft.selectors,
                note=draft.note,
                annotation_id=draft.annotation_id,
            )
            try:
                self.store.save_draft(stored)
            except (StoreError, ValueError) as exc:
                return Failed("the draft", str(exc))
            self._draft_on_disk = draft.note
            return None

    def pending(self) -> Draft | None:
        """A note that was being typed when the last session ended (worth offering back)."""
        draft = self.store.draft()
        return draft if draft is not None and draft.note.strip() else None

    def resume(self, draft: Draft, title: str = "", path: str = "") -> NoteDraft:
        """Go on typing a note kept from the last session."""
        target = Target(draft.story_id, title, path)
        resumed = self.begin(
            target, draft.selectors, note=draft.note, annotation_id=draft.annotation_id
        )
        self._draft_on_disk = draft.note
        return resumed

    def drop_pending(self) -> Failed | None:
        """The reader does not want the kept note back."""
        try:
            self.store.clear_draft()
        except StoreError as exc:
            return Failed("the draft", str(exc))
        return None

    # ----- tags --------------------------------------------------------------------------------

    def retag(self, annotation_id: str, tags: Sequence[str]) -> Saved | Failed | Gone:
        """Give a note these tags (its own, not its story's bookmark's), replacing its old ones.

        Returns:
            ``Saved`` with the note as stored; ``Gone`` when another session deleted it;
            ``Failed`` with the reason (nothing was written).
        """
        clean = list(dict.fromkeys(t for t in (sanitize(tag).strip() for tag in tags) if t))
        try:
            return Saved(self.store.update_annotation(annotation_id, tags=clean))
        except NotFound:
            return Gone("the note")
        except StoreError as exc:
            return Failed("the note's tags", str(exc))

    # ----- deleting and undo ----------------------------------------------------------------

    def delete(self, annotation_id: str) -> Deleted | Failed | Gone:
        """Delete an annotation, keeping it for one undo."""
        try:
            removed = self.store.delete_annotation(annotation_id)
        except StoreError as exc:
            return Failed("the deletion", str(exc))
        if removed is None:
            return Gone("the note")
        self._undo = removed
        return Deleted(removed)

    def undo(self) -> Saved | Failed | None:
        """Bring back the last deleted annotation; None when there is nothing to undo."""
        restored = self._undo
        if restored is None:
            return None
        try:
            self.store.restore_annotation(restored)
        except StoreError as exc:
            return Failed("the note", str(exc))
        self._undo = None
        return Saved(restored)

    # ----- writes ------------------------------------------------------------------------------

    def _add(
        self, target: Target, selectors: list[dict[str, Any]], note: str, what: str
    ) -> Saved | Failed:
        try:
            saved = self.store.add_annotation(
                target.story_id,
                selectors,
                note,
                story_title=target.title,
                story_path=target.path,
            )
        except (StoreError, ValueError) as exc:
            return Failed(what, str(exc))
        return Saved(saved)

    def _update(self, draft: NoteDraft, note: str) -> Saved | Failed:
        assert draft.annotation_id is not None
        try:
            return Saved(self.store.update_annotation(draft.annotation_id, note=note))
        except NotFound:
            # Deleted in another session while being edited: the words are the reader's, so
            # they become a new note on the same passage.
            outcome = self._add(draft.target, draft.selectors, note, "the note")
            if isinstance(outcome, Saved):
                return Saved(outcome.annotation, recreated=True)
            return outcome
        except StoreError as exc:
            return Failed("the note", str(exc))

    def _forget_draft_on_disk(self) -> None:
        self._draft_on_disk = ""
        try:
            self.store.clear_draft()
        except StoreError:
            # The note itself is safe; a stale draft only means it is offered back once more.
            return

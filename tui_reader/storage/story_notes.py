"""A story's annotations as the store holds them, made into records only when asked for.

What :meth:`~tui_reader.storage.store.Store.story_notes` gives: the Markdown export groups
notes by story before it forks, and each process makes the records of the stories it renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui_reader.storage.records import Annotation, annotation_from

__all__ = ["StoryNotes"]


class StoryNotes:
    """A story's annotations as the store holds them, made into records only when asked:
    an export can share that work with a forked child (see :meth:`Store.story_notes`)."""

    def __init__(self, story_id: str, docs: list[tuple[str, str, Mapping[str, Any]]]) -> None:
        self.story_id = story_id
        self._docs = docs  # (created, id, stored doc), oldest first
        self.first = annotation_from(docs[0][1], docs[0][2])
        """Its oldest annotation (the story's title and path as it was saved with)."""

    def notes(self) -> list[Annotation]:
        """Every annotation of the story, oldest first (as :meth:`Store.all_annotations`)."""
        return [annotation_from(ann_id, doc) for _, ann_id, doc in self._docs]

"""A story's notes in the story's order, and the ones whose passage it no longer holds.

What the Markdown export lists, per story. Finding it means reading the story and anchoring
every note on its text; an :class:`~.anchor_cache.AnchorCache` keeps the outcome, so a story
whose file and notes are unchanged since the last export is not read again. No Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_reader.core.story import base_of
from tui_reader.notes.anchor_cache import AnchorCache, file_stamp
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation

__all__ = ["Placed", "place"]

Placed = tuple[list[Annotation], list[Annotation]]
"""The notes in the story's order (then by when they were made), and the orphaned ones."""


def _starts(story: StoryInfo, notes: Sequence[Annotation]) -> list[int | None]:
    """Where each note's passage starts in the story's file now (None: not there)."""
    # Imported here: an export whose stories are all in the cache never parses or anchors.
    from tui_reader.anchoring import anchor_many
    from tui_reader.core.document_text import document_text
    from tui_reader.core.stories import Story, load_story

    loaded = load_story(Path(story.path))
    if not isinstance(loaded, Story) or loaded.identity != base_of(story.story_id):
        return [None] * len(notes)  # another story is at that path now
    text = document_text(loaded.body)  # the text notes anchor to, built only if need be
    anchors = anchor_many(text, [a.selectors for a in notes])
    return [where.start if where else None for where in anchors]


def place(story: StoryInfo, notes: list[Annotation], cache: AnchorCache | None = None) -> Placed:
    """``notes`` (all on ``story``) in the story's order, and those not in its text.

    With ``cache``, a story whose file and notes are as the cache knows them is not read.
    """
    if not story.found:
        return [], notes
    stamp = file_stamp(story.path) if cache is not None else None
    starts = cache.places(story.story_id, story.path, stamp, notes) if cache and stamp else None
    if starts is None:
        starts = _starts(story, notes)
        # Kept only if the file did not change while it was read.
        if cache is not None and stamp is not None and file_stamp(story.path) == stamp:
            cache.remember(story.story_id, story.path, stamp, notes, starts)
    pairs = list(zip(notes, starts, strict=True))
    placed = sorted(((s, a.created, a) for a, s in pairs if s is not None), key=lambda t: t[:2])
    return [a for _, _, a in placed], [a for a, start in pairs if start is None]

"""A story's notes in the story's order, and the ones whose passage it no longer holds.

What the Markdown export lists, per story. Finding it means reading the story and anchoring
every note on its text; an :class:`~.anchor_cache.AnchorCache` keeps the outcome, so a story
whose file and notes are unchanged since the last export is not read again. No Textual.

The Markdown export does each story's work (reading it if need be, then rendering its notes)
with :func:`~tui_reader.core.halves.in_halves`: a forked child shares the stories, each
process taking the next one when it is free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tui_reader.core.halves import in_halves
from tui_reader.core.story import base_of
from tui_reader.notes.anchor_cache import AnchorCache, FileStamp, Row, file_stamp, is_row
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation
from tui_reader.storage.story_notes import StoryNotes

__all__ = ["Group", "Placed", "placed_and_done"]

Group = tuple[StoryInfo, StoryNotes]
"""A story and its notes as stored, as :meth:`~.selection.Selected.by_story` gives them."""

Taken = Callable[[StoryInfo, StoryNotes], list[Annotation]]
"""The notes of a group an export takes, as records, oldest first
(:meth:`~.selection.Selected.taken`)."""

Placed = tuple[list[Annotation], list[Annotation]]
"""The notes in the story's order (then by when they were made), and the orphaned ones."""

Starts = list[int | None]
"""Where each note's passage starts in its story's text (None: orphaned)."""


def _starts(story: StoryInfo, notes: Sequence[Annotation]) -> Starts:
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


def _ordered(notes: list[Annotation], starts: Sequence[int | None] | None) -> Placed:
    if starts is None:  # the story is not in the library: every note is an orphan
        return [], notes
    pairs = list(zip(notes, starts, strict=True))
    placed = sorted(((s, a.created, a) for a, s in pairs if s is not None), key=lambda t: t[:2])
    return [a for _, _, a in placed], [a for a, start in pairs if start is None]


Done = Any
"""What the caller's work on a placed story gives (JSON data: it may cross a pipe)."""


def placed_and_done(
    groups: Sequence[Group],
    cache: AnchorCache | None,
    then: Callable[[StoryInfo, list[Annotation], Placed], Done],
    fits: Callable[[object, Group], bool],
    taken: Taken,
) -> Iterator[Done]:
    """``then(story, notes, placed)`` for every group, in order, once its notes (those
    ``taken`` gives, possibly none) are placed.

    Each story's work (its notes' places from the cache, or the story read if the cache does
    not know them; then ``then``) is done by :func:`~tui_reader.core.halves.in_halves`, and
    handed out as it comes; what was read is kept in ``cache``. ``fits`` says whether an
    answer of ``then`` from the child is whole.
    """
    stamps: list[FileStamp | None] = [
        file_stamp(story.path) if story.found and cache else None for story, _ in groups
    ]
    # Asked before the child is forked: the cache's rows are read here, once, for both.
    any_unread = any(
        story.found
        and not (stamp and cache and cache.knows_file(story.story_id, story.path, stamp))
        for (story, _), stamp in zip(groups, stamps, strict=True)
    )

    def work(index: int) -> list[Any]:  # [the cache row of what was read here, or None; then's]
        story, stored = groups[index]
        notes = taken(story, stored)  # records made here, in whichever process takes it
        stamp = stamps[index]
        starts = cache.places(story.story_id, story.path, stamp, notes) if stamp and cache else None
        row: Row | None = None
        if starts is None and story.found and notes:
            starts = _starts(story, notes)
            if stamp and cache:
                row = cache.row(story.story_id, story.path, stamp, notes, starts)
        return [row, then(story, notes, _ordered(notes, starts))]

    def fits_work(answer: object, index: int) -> bool:
        if not isinstance(answer, list) or len(answer) != 2:
            return False
        row, done = answer
        return (row is None or _fits_row(row, groups[index])) and fits(done, groups[index])

    if any_unread:
        # Imported before the child is forked, so that it has them too.
        import tui_reader.anchoring
        import tui_reader.core.document_text
        import tui_reader.core.stories  # noqa: F401
    for index, (row, done) in enumerate(in_halves(range(len(groups)), work, fits_work)):
        story = groups[index][0]
        # Kept only if the file did not change while it was read.
        if row is not None and cache and file_stamp(story.path) == stamps[index]:
            cache.keep((row[0], row[1], row[2], row[3], row[4]))  # a list, from the child
        yield done


def _fits_row(row: object, group: Group) -> bool:
    """Whether ``row`` (from the child) is a cache row of ``group``'s story."""
    return is_row(row) and isinstance(row, list) and row[0] == group[0].story_id

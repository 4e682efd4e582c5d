"""A story's notes in the story's order, and the ones whose passage it no longer holds.

What the Markdown export lists, per story. Finding it means reading the story and anchoring
every note on its text; an :class:`~.anchor_cache.AnchorCache` keeps the outcome, so a story
whose file and notes are unchanged since the last export is not read again. The stories that
must be read are shared with a forked child where that is safe (see :func:`place_all`): on
two cores, a first export of a vault takes about 15% less time. No Textual.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import orjson

from tui_reader.core.story import base_of
from tui_reader.notes.anchor_cache import AnchorCache, file_stamp
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation

__all__ = ["Placed", "place", "place_all"]

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


_TOGETHER = 32
"""Fewer stories to read than this are read by this process alone (a second one costs ~10 ms)."""


def place(story: StoryInfo, notes: list[Annotation], cache: AnchorCache | None = None) -> Placed:
    """``notes`` (all on ``story``) in the story's order, and those not in its text.

    With ``cache``, a story whose file and notes are as the cache knows them is not read.
    """
    return place_all([(story, notes)], cache)[0]


def place_all(
    groups: Sequence[tuple[StoryInfo, list[Annotation]]], cache: AnchorCache | None = None
) -> list[Placed]:
    """:func:`place` for every ``(story, notes)`` group, in order.

    The stories the cache does not know are read by two processes where the system allows
    (a fork, from a process with no other thread): reading and parsing them is most of a
    first export's time, and each story is read on its own.
    """
    stamps = [file_stamp(story.path) if story.found and cache else None for story, _ in groups]
    starts: list[list[int | None] | None] = [
        cache.places(story.story_id, story.path, stamp, notes) if cache and stamp else None
        for (story, notes), stamp in zip(groups, stamps, strict=True)
    ]
    todo = [i for i, (story, _) in enumerate(groups) if story.found and starts[i] is None]
    for i, found in zip(todo, _read_all([groups[i] for i in todo]), strict=True):
        starts[i] = found
        story, notes = groups[i]
        stamp = stamps[i]
        # Kept only if the file did not change while it was read.
        if cache is not None and stamp is not None and file_stamp(story.path) == stamp:
            cache.remember(story.story_id, story.path, stamp, notes, found)
    return [
        _ordered(notes, found) if found is not None else ([], notes)
        for (_story, notes), found in zip(groups, starts, strict=True)
    ]


def _ordered(notes: list[Annotation], starts: Sequence[int | None]) -> Placed:
    pairs = list(zip(notes, starts, strict=True))
    placed = sorted(((s, a.created, a) for a, s in pairs if s is not None), key=lambda t: t[:2])
    return [a for _, _, a in placed], [a for a, start in pairs if start is None]


def _read_all(groups: list[tuple[StoryInfo, list[Annotation]]]) -> list[list[int | None]]:
    """Each group's starts (see :func:`_starts`); a forked child reads every other story."""
    if len(groups) < _TOGETHER or not hasattr(os, "fork") or threading.active_count() > 1:
        return [_starts(story, notes) for story, notes in groups]
    # Imported before the fork, so that the child has them too.
    import tui_reader.anchoring
    import tui_reader.core.document_text
    import tui_reader.core.stories  # noqa: F401

    theirs = groups[1::2]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its half, as JSON down the pipe, then gone without any clean-up
        code = 1
        try:
            os.close(read_end)
            view = memoryview(orjson.dumps([_starts(story, notes) for story, notes in theirs]))
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    try:
        mine = [_starts(story, notes) for story, notes in groups[0::2]]
        answer = pipe.read()
    finally:
        pipe.close()  # first: a child still writing then fails, and ends, instead of waiting
        _, status = os.waitpid(pid, 0)
    other = _theirs(answer, theirs) if status == 0 else None
    if other is None:  # the child failed: its half is read here
        other = [_starts(story, notes) for story, notes in theirs]
    return [mine[i // 2] if i % 2 == 0 else other[i // 2] for i in range(len(groups))]


def _theirs(
    data: bytes, groups: list[tuple[StoryInfo, list[Annotation]]]
) -> list[list[int | None]] | None:
    """The child's answer, if whole: one list of starts per group, each as long as its notes."""
    try:
        answer = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(answer, list) or len(answer) != len(groups):
        return None
    for starts, (_story, notes) in zip(answer, groups, strict=True):
        if not isinstance(starts, list) or len(starts) != len(notes):
            return None
        if not all(s is None or type(s) is int for s in starts):
            return None
    return answer

"""Story ids within a library: one id per file, even when two files claim the same identity.

A story's identity comes from its file alone (:func:`tui_reader.core.story.story_id`: its URL,
else its title, date and byline, else its file name). Two different files can claim the same
one: a story and a truncated copy of it, two pages that share a canonical URL. Only the library
sees every file, so it is the library that tells them apart: each file of such a group gets
``<identity>#<8 hex digits>``, the digits from the file's path inside its stories folder, and
keeps its own bookmark and notes. A story whose identity no other file claims keeps the
identity as its id, so a moved, renamed or re-imported copy of the same story keeps its notes.

Pure module: no Textual, no IO.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from tui_reader.core.story import StoryError, StoryMeta, with_disambiguator

__all__ = ["assign_ids", "place_of"]

Item = StoryMeta | StoryError


def place_of(path: Path, roots: Sequence[Path]) -> str:
    """Where ``path`` is in the library: its POSIX path relative to the first root holding it
    (its absolute path when none does)."""
    for root in roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def assign_ids(items: Iterable[Item], roots: Sequence[Path]) -> list[Item]:
    """``items`` with each story's id made unique across them (see the module docstring).

    Idempotent: ids are recomputed from each story's own identity, so a story whose partner
    has gone gets its identity back.

    Args:
        items: every row of the library (stories of all its folders, and errors).
        roots: the library's folders, for each file's place in it.

    Returns:
        The rows in the same order; only stories whose id changed are new objects.
    """
    rows = list(items)
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(rows):
        if isinstance(item, StoryMeta):
            groups.setdefault(item.identity, []).append(index)
    for identity, members in groups.items():
        if len(members) == 1:
            wanted = {members[0]: identity}
        else:
            wanted = {
                i: with_disambiguator(identity, place_of(rows[i].path, roots)) for i in members
            }
            if len(set(wanted.values())) < len(members):
                # The same place under two roots: the absolute paths differ.
                wanted = {i: with_disambiguator(identity, rows[i].path.as_posix()) for i in members}
        for index, sid in wanted.items():
            item = rows[index]
            assert isinstance(item, StoryMeta)
            if item.story_id != sid:
                base = None if sid == identity else identity
                rows[index] = replace(item, story_id=sid, base_id=base)
    return rows

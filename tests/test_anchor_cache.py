"""The Markdown export's anchor cache: a second export reads no story file, and whatever
changed in between (a story edited, moved away or replaced, a note added, moved or deleted)
gives exactly the export made without any cache. A broken, locked or impossible cache file
costs time, never a note. Real story files and a real store under tmp_path; the stories read
are counted by wrapping the real reader."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app_helpers import write_story
from tests.notes_helpers import loaded, note_on, text_of
from tui_reader.anchoring import describe
from tui_reader.notes.anchor_cache import AnchorCache
from tui_reader.notes.export import write_export, write_export_dir
from tui_reader.storage.store import Store

HARBOUR = (
    "The council met on Monday to weigh the harbour plan once more.\n\n"
    "A vote was taken late at night, and the plan passed by two votes.\n\n"
    "Critics said the harbour would flood again next winter."
)
BRIDGE = (
    "Engineers inspected the bridge.\n\nThey found cracks in two piers.\n\nRepairs take months."
)


class Library:
    """Two stories with notes made out of document order, and a store."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "stories"
        self.harbour = loaded(write_story(self.folder, "harbour.md", "Harbour", HARBOUR))
        self.bridge = loaded(write_story(self.folder, "bridge.md", "Bridge", BRIDGE))
        self.store = Store.open(root / "data")
        self.notes = {
            "flood": note_on(self.store, self.harbour, "would flood again", "flood"),
            "vote": note_on(self.store, self.harbour, "passed by two votes", "vote"),
            "weigh": note_on(self.store, self.harbour, "weigh the harbour plan", "weigh"),
            "repairs": note_on(self.store, self.bridge, "Repairs take months", "repairs"),
            "cracks": note_on(self.store, self.bridge, "cracks in two piers", "cracks"),
        }
        self.cache_path = root / "cache" / "anchors.sqlite"

    def export(self, *, cached: bool = True) -> str:
        out = io.StringIO()
        if not cached:
            write_export(self.store, "markdown", out)
            return out.getvalue()
        with AnchorCache(self.cache_path) as anchors:
            write_export(self.store, "markdown", out, anchors=anchors)
        return out.getvalue()


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    return Library(tmp_path)


def _order(text: str) -> list[str]:
    names = {"flood", "vote", "weigh", "repairs", "cracks", "new"}
    return [line for line in text.split("\n") if line in names]


def test_a_second_export_reads_no_story_and_writes_the_same(
    lib: Library, story_reads: list[str]
) -> None:
    first = lib.export()
    assert sorted(story_reads) == ["bridge.md", "harbour.md"]
    assert _order(first) == ["cracks", "repairs", "weigh", "vote", "flood"]
    story_reads.clear()
    assert lib.export() == first
    assert story_reads == []
    assert lib.export(cached=False) == first
    assert os.stat(lib.cache_path).st_mode & 0o777 == 0o600  # its ids say what was annotated


def _edit_top(lib: Library) -> None:
    """A paragraph added at the top: every stored position is off (and the size changes)."""
    path = lib.folder / "harbour.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("The council met", "Update.\n\nThe council met"))


def _delete_passage(lib: Library) -> None:
    path = lib.folder / "harbour.md"
    path.write_text(path.read_text("utf-8").replace(" and the plan passed by two votes", ""))


def _same_size_edit(lib: Library) -> None:
    """The first and last paragraphs swap places: the file keeps its size to the byte."""
    path = lib.folder / "harbour.md"
    before = os.stat(path)
    text = path.read_text("utf-8")
    first, _, last = HARBOUR.split("\n\n")
    swapped = text.replace(first, "\0").replace(last, first).replace("\0", last)
    assert len(swapped) == len(text) and swapped != text
    path.write_text(swapped)
    # Within one tick of the file's clock, the rewrite would go unseen (the cache's known
    # blind spot, like the library index's): the clock has moved on, as it has for a person.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert os.stat(path).st_size == before.st_size


def _move_note(lib: Library) -> None:
    """A note's selectors changed (its passage re-chosen): it moves to the top."""
    text = text_of(lib.harbour)
    start = text.index("The council met")
    lib.store.update_annotation(lib.notes["flood"].id, selectors=describe(text, start, start + 9))


def _add_note(lib: Library) -> None:
    note_on(lib.store, lib.harbour, "A vote was taken", "new")


def _delete_note(lib: Library) -> None:
    lib.store.delete_annotation(lib.notes["vote"].id)


def _file_gone(lib: Library) -> None:
    (lib.folder / "harbour.md").unlink()


def _another_story_there(lib: Library) -> None:
    """Another story (another URL, so another identity) now at the harbour's path."""
    write_story(lib.folder, "harbour.md", "Other", HARBOUR, url="https://example.org/other")


@pytest.mark.parametrize(
    ("change", "read"),
    [
        (_edit_top, ["harbour.md"]),  # the order is the same; every position is new
        (_delete_passage, ["harbour.md"]),
        (_same_size_edit, ["harbour.md"]),
        (_move_note, ["harbour.md"]),
        (_add_note, ["harbour.md"]),
        (_delete_note, []),  # the notes left are all known where they are
        (_file_gone, []),  # its notes are orphans without reading anything
        (_another_story_there, []),  # not the notes' story: orphans, as it is not read
    ],
)
def test_what_changed_is_found_again(
    lib: Library, story_reads: list[str], change: Callable[[Library], None], read: list[str]
) -> None:
    before = lib.export()
    change(lib)
    story_reads.clear()
    after = lib.export()
    assert story_reads == read
    assert after == lib.export(cached=False)
    assert (after == before) is (change is _edit_top)
    story_reads.clear()
    assert lib.export() == after  # and what was found is kept
    assert story_reads == []


def test_the_folder_export_uses_it_too(
    lib: Library, story_reads: list[str], tmp_path: Path
) -> None:
    with AnchorCache(lib.cache_path) as anchors:
        first = write_export_dir(lib.store, tmp_path / "a", anchors=anchors)
    story_reads.clear()
    with AnchorCache(lib.cache_path) as anchors:
        second = write_export_dir(lib.store, tmp_path / "b", anchors=anchors)
    assert story_reads == []
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_broken_cache_is_made_again(lib: Library, story_reads: list[str]) -> None:
    truth = lib.export(cached=False)
    lib.cache_path.parent.mkdir(parents=True)
    lib.cache_path.write_bytes(b"not a database, " * 512)
    assert lib.export() == truth
    with sqlite3.connect(lib.cache_path) as db:  # a real cache again, with every note
        notes = "SELECT sum((SELECT count(*) FROM json_each(notes))) FROM placed"
        assert db.execute(notes).fetchone() == (5,)
    story_reads.clear()
    assert lib.export() == truth
    assert story_reads == []


def test_a_cache_that_cannot_be_made_costs_nothing_but_time(
    lib: Library, story_reads: list[str], tmp_path: Path
) -> None:
    truth = lib.export(cached=False)
    (tmp_path / "cache").write_text("a file where the cache dir belongs")
    story_reads.clear()
    assert lib.export() == truth
    assert sorted(story_reads) == ["bridge.md", "harbour.md"]


def test_a_cache_locked_by_another_export(lib: Library, story_reads: list[str]) -> None:
    """Another process holds the cache: this export anchors for itself and keeps nothing."""
    truth = lib.export()
    _delete_passage(lib)
    holder = sqlite3.connect(lib.cache_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        expected = lib.export(cached=False)
        assert expected != truth
        assert lib.export() == expected
    finally:
        holder.close()
    story_reads.clear()
    assert lib.export() == expected  # the edit was not kept while locked: found again now
    assert story_reads == ["harbour.md"]

"""The reader and ``import`` leave the Markdown export's anchor cache warm: where they found
each note is what the export would find, so the first export after a reading session or an
import reads no story it already knows, and writes what an export without any cache writes.
Real story files, a real store and the real app (Pilot); the story files the export reads
are counted by wrapping the real reader."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.app_helpers import build, wait_for_rows, wait_for_story, write_story
from tests.notes_helpers import loaded, note_on
from tui_reader.core.stories import Story
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.anchor_cache import AnchorCache
from tui_reader.notes.export import write_export
from tui_reader.notes.importer import ImportReport, import_notes
from tui_reader.notes.library_lookup import library_lookup
from tui_reader.notes.service import AnnotationService
from tui_reader.storage.store import Store

HARBOUR = (
    "The council met on Monday to weigh the harbour plan once more.\n\n"
    "A vote was taken late at night, and the plan passed by two votes.\n\n"
    "Critics said the harbour would flood again next winter."
)
BRIDGE = "Engineers inspected the bridge.\n\nThey found cracks in two piers."


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """Two stories with notes (one on each, out of document order on the harbour)."""
    folder = tmp_path / "stories"
    harbour = loaded(write_story(folder, "harbour.md", "Harbour", HARBOUR))
    bridge = loaded(write_story(folder, "bridge.md", "Bridge", BRIDGE))
    store = Store.open(tmp_path / "data")
    note_on(store, harbour, "would flood again", "flood")
    note_on(store, harbour, "weigh the harbour plan", "weigh")
    note_on(store, bridge, "cracks in two piers", "cracks")
    store.close()
    return {"stories": folder, "data": tmp_path / "data", "cache": tmp_path / "cache"}


def _export(data: Path, cache: Path | None) -> str:
    """The Markdown export of ``data``, with the anchor cache kept in ``cache`` (or none)."""
    out = io.StringIO()
    store = Store.open(data)
    try:
        if cache is None:
            write_export(store, "markdown", out)
        else:
            with AnchorCache.beside(cache, data) as anchors:
                write_export(store, "markdown", out, anchors=anchors)
    finally:
        store.close()
    return out.getvalue()


async def test_a_story_opened_in_the_reader_is_not_read_by_the_next_export(
    world: dict[str, Path], story_reads: list[str]
) -> None:
    app = build(world["stories"].parent)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await wait_for_rows(pilot, 2)
        rows.focus()
        titles = [row.title for row in rows.rows]
        await pilot.press(*["down"] * titles.index("Harbour"), "enter")
        await wait_for_story(pilot, "Harbour")
    story_reads.clear()  # what the reader itself read
    exported = _export(world["data"], world["cache"])
    assert story_reads == ["bridge.md"]  # the harbour's notes were placed by the reader
    assert exported == _export(world["data"], None)
    assert exported.index("weigh") < exported.index("flood")  # the story's order


def test_a_file_changed_since_the_reader_read_it_is_read_again(
    world: dict[str, Path], story_reads: list[str]
) -> None:
    """What the reader found holds for the file as it read it, not for what it became."""
    path = world["stories"] / "harbour.md"
    harbour = loaded(path)
    text = path.read_text("utf-8")
    path.write_text(text.replace("The council met", "Update.\n\nThe council met"), "utf-8")
    stamp = os.stat(path)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))  # surely a later tick
    store = Store.open(world["data"])
    try:
        service = AnnotationService(store, cache_dir=world["cache"])
        service.keep_places(harbour, service.placed(harbour, _load_text(harbour)))
    finally:
        store.close()
    story_reads.clear()
    exported = _export(world["data"], world["cache"])
    assert sorted(story_reads) == ["bridge.md", "harbour.md"]
    assert exported == _export(world["data"], None)


def _load_text(story: Story) -> str:
    from tui_reader.core.document_text import document_text

    return document_text(story.body)


def test_an_import_leaves_the_places_of_what_it_attached(
    world: dict[str, Path], story_reads: list[str], tmp_path: Path
) -> None:
    """Every note of every story an import attached notes to is placed for the export."""
    out = io.StringIO()
    store = Store.open(world["data"])
    write_export(store, "w3c", out)
    store.close()
    empty = tmp_path / "imported"
    index = LibraryIndex(tmp_path / "index")
    lookup = library_lookup([world["stories"].absolute()], index)
    store = Store.open(empty)
    try:
        with AnchorCache.beside(world["cache"], empty) as anchors:
            report = import_notes(out.getvalue().encode(), store, lookup, anchors=anchors)
    finally:
        store.close()
    assert isinstance(report, ImportReport) and len(report.attached) == 3
    story_reads.clear()
    exported = _export(empty, world["cache"])
    assert story_reads == []
    assert exported == _export(empty, None)
    assert exported.count("\n> ") == 3


def test_a_cache_dir_that_cannot_be_written_costs_the_reader_nothing(
    world: dict[str, Path], tmp_path: Path
) -> None:
    """Keeping places is a favour to the export: where it cannot be done, nothing is said
    and nothing fails (the cache dir here is a file, so no cache can be made in it)."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache dir should be", "utf-8")
    harbour = loaded(world["stories"] / "harbour.md")
    store = Store.open(world["data"])
    try:
        service = AnnotationService(store, cache_dir=blocked / "cache")
        placed = service.placed(harbour, _load_text(harbour))
        service.keep_places(harbour, placed)
    finally:
        store.close()
    assert sorted(p.annotation.note for p in placed) == ["flood", "weigh"]
    assert all(p.anchor is not None for p in placed)
    assert blocked.read_text("utf-8") == "a file where the cache dir should be"

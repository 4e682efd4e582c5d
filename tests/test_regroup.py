"""Sharing out what was saved under one id among the stories it belongs to (real store files)."""

from __future__ import annotations

from pathlib import Path

from tui_reader.anchoring import describe
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, StoryMeta, load_story
from tui_reader.library.identity import assign_ids
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.outcomes import Failed
from tui_reader.notes.regroup import MIGRATION, Regrouped, regroup
from tui_reader.storage.store import Owner, Store

BOTH = "The council approved the budget after a long session."
ONLY_FULL = "The mayor promised a review of the parking charges before the summer."
FULL = f"{BOTH}\n\nLibraries keep their opening hours.\n\n{ONLY_FULL}"


def seed(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# Council budget vote\n\nBy City Desk\n\nMarch 3, 2024\n\n{body}\n", "utf-8")
    return path


def library(tmp_path: Path) -> tuple[Path, Path, list[StoryMeta]]:
    stories = tmp_path / "stories"
    full = seed(stories, "council.md", FULL)
    copy = seed(stories, "copy.md", BOTH)
    rows = LibraryIndex(tmp_path / "cache").refresh(stories)
    return full, copy, [r for r in assign_ids(rows, [stories]) if isinstance(r, StoryMeta)]


def note_on(store: Store, story_id: str, path: Path, passage: str, note: str) -> str:
    story = load_story(path)
    assert isinstance(story, Story)
    text = build_document(story.body).text
    start = text.index(passage)
    selectors = describe(text, start, start + len(passage))
    return store.add_annotation(story_id, selectors, note, story_path=str(path)).id


def by_story(store: Store, metas: list[StoryMeta]) -> dict[str, list[str]]:
    names = {m.story_id: m.path.name for m in metas}
    found: dict[str, list[str]] = {}
    for note in store.all_annotations():
        found.setdefault(names.get(note.story_id, note.story_id), []).append(note.note)
    return {k: sorted(v) for k, v in found.items()}


def test_notes_go_to_the_story_whose_text_holds_them(tmp_path: Path) -> None:
    full, copy, metas = library(tmp_path)
    shared = metas[0].identity  # what both files were called before
    store = Store.open(tmp_path / "data")
    note_on(store, shared, full, ONLY_FULL, "only in the full one")
    note_on(store, shared, full, BOTH, "written on the full one")
    note_on(store, shared, copy, BOTH, "written on the copy")
    outcome = regroup(store, metas)
    assert isinstance(outcome, Regrouped) and outcome.moved == 3 and outcome.copied == 0
    assert by_story(store, metas) == {
        "council.md": ["only in the full one", "written on the full one"],
        "copy.md": ["written on the copy"],
    }


def test_a_note_that_could_be_on_either_is_kept_on_both(tmp_path: Path) -> None:
    full, copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    # Written on a file that has moved since: its passage is in both, its path in neither.
    first = note_on(store, metas[0].identity, full, BOTH, "written before the move")
    for note in store.all_annotations():
        store.split_story(note.story_id, {note.id: [Owner(note.story_id, "", "/gone.md")]})
    outcome = regroup(store, metas)
    assert isinstance(outcome, Regrouped) and outcome.copied == 1
    assert by_story(store, metas) == {
        "council.md": ["written before the move"],
        "copy.md": ["written before the move"],
    }
    assert store.get_annotation(first) is not None  # the original keeps its id


def test_the_bookmark_and_reading_state_follow_the_story_they_were_made_on(
    tmp_path: Path,
) -> None:
    full, copy, metas = library(tmp_path)
    shared = metas[0].identity
    store = Store.open(tmp_path / "data")
    store.set_bookmark(shared, True, tags=["budget"], title="Council", path=str(copy))
    store.mark_read(shared)
    store.set_position(shared, 40)
    store.set_last_open(shared)
    assert isinstance(regroup(store, metas), Regrouped)
    ids = {m.path.name: m.story_id for m in metas}
    assert set(store.bookmarks()) == {ids["copy.md"]}
    assert store.bookmarks()[ids["copy.md"]].tags == ("budget",)
    assert store.read_ids() == {ids["copy.md"]} and store.position(ids["copy.md"]) == 40
    assert store.last_open() == ids["copy.md"] and store.position(shared) is None


def test_sharing_out_runs_once_and_is_recorded(tmp_path: Path) -> None:
    full, _copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    note_on(store, metas[0].identity, full, ONLY_FULL, "a note")
    first = regroup(store, metas)
    assert isinstance(first, Regrouped) and first.first_run and first.moved == 1
    recorded = Store.open(tmp_path / "data").migration(MIGRATION)
    assert recorded is not None and recorded["moved"] == 1
    before = store.all_annotations()
    again = regroup(store, metas)
    assert again == Regrouped()
    assert store.all_annotations() == before


def test_a_story_whose_copy_is_gone_gets_its_notes_back(tmp_path: Path) -> None:
    full, copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    mine = next(m for m in metas if m.path == full)
    note_on(store, mine.story_id, full, ONLY_FULL, "mine")
    copy.unlink()
    alone = [
        r
        for r in LibraryIndex(tmp_path / "cache").refresh(tmp_path / "stories")
        if isinstance(r, StoryMeta)
    ]
    assert alone[0].story_id == mine.identity != mine.story_id
    assert isinstance(regroup(store, alone), Regrouped)
    assert [n.story_id for n in store.all_annotations()] == [mine.identity]


def test_notes_of_a_story_not_in_the_library_are_left_alone(tmp_path: Path) -> None:
    _full, _copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    store.add_annotation("url:example.org/gone", [], "kept", story_path="/elsewhere.md")
    store.set_bookmark("meta:0123456789abcdef", True, path="/elsewhere.md")
    assert regroup(store, metas) == Regrouped(first_run=True)
    assert [n.story_id for n in store.all_annotations()] == ["url:example.org/gone"]
    assert set(store.bookmarks()) == {"meta:0123456789abcdef"}


def test_splitting_twice_adds_no_second_copy(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data")
    ann = store.add_annotation("old", [], "n", story_path="/a.md")
    plan = {ann.id: [Owner("one", "One", "/a.md"), Owner("two", "Two", "/b.md")]}
    assert store.split_story("old", plan) == 1
    # A crash before the original moved: the copy is there, the original still under "old".
    store.restore_annotation(ann)
    store.split_story("old", plan)
    notes = sorted((n.story_id, n.story_path) for n in store.all_annotations())
    assert notes == [("one", "/a.md"), ("two", "/b.md")]


def test_a_read_only_store_fails_and_keeps_everything(tmp_path: Path) -> None:
    full, _copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    note_on(store, metas[0].identity, full, ONLY_FULL, "a note")
    newer = '{"meta": {"schema": {"kind": "bookmarks", "version": 99}}}'
    (tmp_path / "data" / "bookmarks.json").write_text(newer)
    blocked = Store.open(tmp_path / "data")
    outcome = regroup(blocked, metas)
    assert isinstance(outcome, Failed) and "newer" in outcome.reason
    assert [n.story_id for n in Store.open(tmp_path / "data").all_annotations()] == [
        metas[0].identity
    ]


def test_the_same_story_in_another_library_keeps_its_notes(tmp_path: Path) -> None:
    full, _copy, metas = library(tmp_path)
    store = Store.open(tmp_path / "data")
    elsewhere = seed(tmp_path / "other-library", "council.md", FULL)
    note_on(store, metas[0].identity, elsewhere, ONLY_FULL, "made in the other library")
    store.set_bookmark(metas[0].identity, True, path=str(elsewhere))
    outcome = regroup(store, metas, roots=[tmp_path / "stories"])
    assert isinstance(outcome, Regrouped) and outcome.moved == 0
    assert [n.story_id for n in store.all_annotations()] == [metas[0].identity]
    assert set(store.bookmarks()) == {metas[0].identity}
    # ... while one made on a file of this library is shared out as usual.
    note_on(store, metas[0].identity, full, ONLY_FULL, "made here")
    regroup(store, metas, roots=[tmp_path / "stories"])
    placed = {n.note: n.story_id for n in store.all_annotations()}
    assert placed["made in the other library"] == metas[0].identity
    assert placed["made here"] == next(m.story_id for m in metas if m.path == full)

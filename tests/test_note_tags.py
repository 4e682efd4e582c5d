"""A note's own tags: `t` in the notes sidebar, shown there, kept in the store and exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_helpers import (
    build,
    open_first_story,
    screen_text,
    select_and_annotate,
    wait_until,
    write_story,
)
from tests.pty_helpers import Terminal
from tui_reader.notes.outcomes import Failed, Gone, Saved
from tui_reader.notes.service import AnnotationService
from tui_reader.storage.store import Store
from tui_reader.ui.screens.tags import TagsScreen
from tui_reader.ui.widgets.notes import NotesSidebar

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

BODY = "The council approved the budget.\n\nLibraries keep their opening hours."


def library(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    write_story(stories, "council.md", "Council budget vote", BODY)
    return stories


def test_retag_replaces_a_notes_tags_and_says_when_it_is_gone(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data")
    service = AnnotationService(store)
    note = store.add_annotation("url:example.org/a", [], "a note")
    outcome = service.retag(note.id, ["climate", " to-read ", "climate", ""])
    assert isinstance(outcome, Saved) and outcome.annotation is not None
    assert outcome.annotation.tags == ("climate", "to-read")
    stored = Store.open(tmp_path / "data").get_annotation(note.id)
    assert stored is not None and stored.tags == ("climate", "to-read")
    store.delete_annotation(note.id)
    assert isinstance(service.retag(note.id, ["x"]), Gone)


async def test_t_in_the_sidebar_tags_the_note_not_the_bookmark(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_story(pilot)
        await select_and_annotate(pilot, "worth reading")
        sidebar = app.screen.query_one(NotesSidebar)
        sidebar.focus()
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagsScreen), "the tags dialog")
        assert "Note tags" in screen_text(app) and "The council approved" in screen_text(app)
        await pilot.press(*"climate, to-read", "enter")
        await wait_until(pilot, lambda: "#climate #to-read" in screen_text(app), "the tags")
        assert sidebar.has_focus
    store = Store.open(tmp_path / "data")
    (note,) = store.all_annotations()
    assert note.tags == ("climate", "to-read")
    assert store.bookmarks() == {}  # the story's bookmark was not touched
    command = [sys.executable, "-m", "tui_reader", "export", "--data-dir", str(tmp_path / "data")]
    exported = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert '"climate"' in exported and '"to-read"' in exported


async def test_tags_that_cannot_be_saved_are_offered_again(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_story(pilot)
        await select_and_annotate(pilot, "worth reading")
        shards = (tmp_path / "data" / "annotations").glob("*.json")
        shard = next(p for p in shards if "worth" in p.read_text())
        good = shard.read_text()
        newer = json.loads(good)
        newer["meta"]["schema"]["version"] = 99  # a newer reader wrote it: not ours to change
        shard.write_text(json.dumps(newer))
        app.screen.query_one(NotesSidebar).focus()
        await pilot.press("t", *"climate", "enter")
        await wait_until(pilot, lambda: any("Could not save" in t for t in app.told), "the error")
        await wait_until(pilot, lambda: isinstance(app.screen, TagsScreen), "the dialog again")
        assert app.screen.tags == ("climate",)  # what was typed is still there
        shard.write_text(good)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "#climate" in screen_text(app), "the tag saved")
    assert Store.open(tmp_path / "data").all_annotations()[0].tags == ("climate",)


def test_tagging_a_note_by_keys_in_a_terminal(tmp_path: Path) -> None:
    term = Terminal([str(library(tmp_path)), "--data-dir", str(tmp_path / "data")], tmp_path)
    try:
        term.wait_for("Council budget vote")
        term.send("\r", settle=0.8)
        term.wait_for("Libraries keep")
        term.send("Va" + "worth reading" + "\x13", settle=0.5)
        term.wait_for("Note saved")
        term.send("s", settle=0.5)  # the notes sidebar, over the article at 80 columns
        term.send("t" + "climate, to-read" + "\r", settle=0.5)  # one write
        term.wait_for("Note tagged")
        term.pump(3.5)  # the notice has gone: the tags are the sidebar's
        assert "Note tagged" not in term.text() and "#climate #to-read" in term.text()
    finally:
        term.close()
    assert Store.open(tmp_path / "data").all_annotations()[0].tags == ("climate", "to-read")


def test_failed_outcome_names_the_tags() -> None:
    assert Failed("the note's tags", "disk full").message.startswith("Could not save the note's")

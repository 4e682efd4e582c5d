"""What the reader shows when its data is corrupt, foreign or cannot be saved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.app_helpers import (
    SEED,
    build,
    notices,
    open_first_story,
    screen_text,
    seed_library,
    wait_for_rows,
    wait_until,
)
from tui_reader.core.stories import Story, load_story
from tui_reader.storage.store import Store
from tui_reader.ui.screens.note_editor import NoteEditor


def bookmark_one(data: Path, story_id: str = "url:example.org/x") -> None:
    store = Store.open(data)
    store.set_bookmark(story_id, True, title="X")
    store.close()


async def test_corrupt_bookmarks_file_is_moved_aside_and_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bookmark_one(data)
    bookmark_one(data, "url:example.org/y")  # a second write leaves a good backup
    (data / "bookmarks.json").write_text('{"bookmarks": {"oops": ', "utf-8")
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.pause()
        shown = " ".join(notices(app))
        assert "bookmarks.json" in shown and "corrupt" in shown
        aside = list(data.glob("bookmarks.json.corrupt-*"))
        assert len(aside) == 1
        assert aside[0].read_text("utf-8") == '{"bookmarks": {"oops": '
        assert aside[0].name in shown
        # The last good backup came back: at least the first bookmark survives.
        assert "url:example.org/x" in app.store.bookmarks()
        await pilot.press("b")  # and the reader keeps working and saving
        await pilot.pause()
    store = Store.open(data)
    assert len(store.bookmarks()) >= 2
    store.close()


async def test_newer_schema_is_left_alone_and_saving_says_it_failed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bookmark_one(data)
    path = data / "bookmarks.json"
    content = json.loads(path.read_text("utf-8"))
    content["meta"]["schema"]["version"] = 99
    path.write_text(json.dumps(content), "utf-8")
    before = path.read_bytes()
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 1)
        assert any("99" in n or "newer" in n for n in notices(app))
        assert "★" not in screen_text(app)
        await pilot.press("b")
        await wait_until(
            pilot,
            lambda: any(n.startswith("Could not save the bookmark") for n in notices(app)),
            "the failed bookmark to be reported",
        )
        await pilot.pause()  # a frame for the list to redraw
        # Neither the screen nor the list's state claims a bookmark that is not on disk.
        assert "★" not in screen_text(app)
        assert story_list.rows[0].story_id not in story_list.bookmarked
    assert path.read_bytes() == before


async def test_a_note_that_cannot_be_saved_is_not_lost(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stories = seed_library(tmp_path)
    seed = load_story(stories / SEED.name)
    assert isinstance(seed, Story)
    store = Store.open(data)
    store.add_annotation(seed.story_id, [], "an older note")  # creates the story's shard
    store.close()
    for shard in (data / "annotations").glob("*.json"):
        content = json.loads(shard.read_text("utf-8"))
        content["meta"]["schema"]["version"] = 99
        shard.write_text(json.dumps(content), "utf-8")
    app = build(tmp_path, stories, data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("V", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        await pilot.press(*"precious words")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: any(n.startswith("Could not save the note") for n in notices(app)),
            "the failed save to be reported",
        )
        # Back in the editor with the text intact, so it can be retried or copied out.
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.text == "precious words"


async def test_another_session_s_bookmark_appears_without_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 1)
        story_id = story_list.rows[0].story_id
        assert story_id not in story_list.bookmarked
        # A second session of the same user, in its own process, bookmarks the story.
        code = (
            "import sys; from pathlib import Path; from tui_reader.storage.store import Store; "
            "s = Store.open(Path(sys.argv[1])); s.set_bookmark(sys.argv[2], True); s.close()"
        )
        subprocess.run([sys.executable, "-c", code, str(data), story_id], check=True)
        app.screen.refresh_from_disk()  # what the 5 s timer and terminal focus-in do
        await pilot.pause()
        assert story_id in story_list.bookmarked

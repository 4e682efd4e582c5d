"""A data dir made by the release before unique story ids, opened by this one: nothing lost,
every note on its own story.

``tests/fixtures/identity_v1/data`` was written by that release's own app (its ``make.py``
says how to regenerate it): a bookmark and notes on two stories whose front matter URL is the
same Hugo template, and notes on a story and its truncated copy, which shared an id too.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.app_helpers import build, screen_text, wait_for_rows, wait_for_story, wait_until
from tests.fixtures.identity_v1.make import ROOT
from tui_reader.notes.regroup import MIGRATION
from tui_reader.storage.store import Store
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

FIXTURE = Path(__file__).parent / "fixtures" / "identity_v1"
OLD_NOTES = {
    "note on the floods",
    "",  # the highlight on the floods
    "note on the drought",
    "written on the full story",
    "only in the full story",
    "written on the copy",
}


def old_data_dir(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture's stories and data dir under ``tmp_path``, the data pointing at them."""
    stories = tmp_path / "stories"
    shutil.copytree(FIXTURE / "stories", stories)
    data = tmp_path / "data"
    for source in (FIXTURE / "data").rglob("*.json"):
        target = data / source.relative_to(FIXTURE / "data")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text("utf-8").replace(f"{ROOT}/stories", str(stories)))
    os.chmod(data, 0o700)
    return stories, data


async def notes_of(pilot, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the story at ``path`` and read its notes from the sidebar."""
    reader = next(s for s in pilot.app.screen_stack if isinstance(s, ReaderScreen))
    story_list = reader.query_one(StoryList)
    story_list.select_key(str(path))
    story_list.focus()
    await pilot.pause()
    await pilot.press("enter")
    article = await wait_for_story(pilot)
    await wait_until(pilot, lambda: article.story is not None and article.story.path == path, "it")
    await wait_for_story(pilot)
    return sorted(entry.note for entry in reader.query_one(NotesSidebar).entries)


async def test_an_old_data_dir_keeps_every_note_each_on_its_own_story(tmp_path: Path) -> None:
    stories, data = old_data_dir(tmp_path)
    before = {n.id for n in Store.open(data).all_annotations()}
    assert {n.note for n in Store.open(data).all_annotations()} == OLD_NOTES
    app = build(tmp_path, stories, data)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_rows(pilot, 4)
        await wait_until(pilot, lambda: Store.open(data).migration(MIGRATION) is not None, "it")
        assert await notes_of(pilot, stories / "floods.md") == ["", "note on the floods"]
        assert await notes_of(pilot, stories / "drought.md") == ["note on the drought"]
        assert await notes_of(pilot, stories / "council.md") == [
            "only in the full story",
            "written on the full story",
        ]
        assert await notes_of(pilot, stories / "council-copy.md") == ["written on the copy"]
        # The bookmark is on the story it was made on, not on the other template story.
        starred = [line for line in screen_text(app).splitlines() if "★" in line]
        assert len(starred) == 1 and "Floods" in starred[0]
        assert "Unanchored" not in screen_text(app)
    store = Store.open(data)
    assert {n.id for n in store.all_annotations()} == before  # nothing dropped, no copies
    recorded = store.migration(MIGRATION)
    assert recorded is not None and (recorded["moved"], recorded["copied"]) == (6, 0)
    # A second start changes nothing.
    app = build(tmp_path, stories, data)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_rows(pilot, 4)
        assert await notes_of(pilot, stories / "council-copy.md") == ["written on the copy"]
    assert Store.open(data).all_annotations() == store.all_annotations()


async def test_a_note_that_could_belong_to_either_copy_is_kept_on_both(tmp_path: Path) -> None:
    stories, data = old_data_dir(tmp_path)
    # The full story moved after its notes were written: the note on a passage both copies
    # have can no longer be told apart by its file.
    (stories / "archive").mkdir()
    os.replace(stories / "council.md", stories / "archive" / "council.md")
    app = build(tmp_path, stories, data)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_rows(pilot, 4)
        await wait_until(pilot, lambda: Store.open(data).migration(MIGRATION) is not None, "it")
        assert await notes_of(pilot, stories / "archive" / "council.md") == [
            "only in the full story",
            "written on the full story",
        ]
        assert await notes_of(pilot, stories / "council-copy.md") == [
            "written on the copy",
            "written on the full story",
        ]
        assert any("kept on more than one" in told for told in app.told)
    notes = Store.open(data).all_annotations()
    assert sorted(n.note for n in notes) == sorted([*OLD_NOTES, "written on the full story"])

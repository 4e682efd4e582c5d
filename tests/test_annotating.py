"""The annotation journey by keys: select, annotate, save, relaunch, edit, delete, bookmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import (
    SEED,
    SEED_TITLE,
    build,
    notices,
    open_first_story,
    screen_text,
    seed_library,
    select_and_annotate,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tui_reader.storage.store import Store
from tui_reader.ui.screens.note_editor import NoteEditor
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)


def quotes(data: Path) -> list[tuple[str, str]]:
    """(quote, note) of every stored annotation, read straight from the data dir."""
    store = Store.open(data)
    try:
        found = []
        for annotation in store.all_annotations():
            exact = next(
                s["exact"] for s in annotation.selectors if s["type"] == "TextQuoteSelector"
            )
            found.append((exact, annotation.note))
        return sorted(found)
    finally:
        store.close()


async def test_select_annotate_relaunch_edit_delete(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.press("enter")
        article = await wait_for_story(pilot, SEED_TITLE)
        # Cursor starts at the first word; select two words, then extend to the sentence end.
        await pilot.press("v", "e", "e")
        assert article.selection is not None
        assert article.document is not None
        start, end = article.selection
        assert article.document.text[start:end] == "Russian Defense"
        await select_and_annotate(pilot, "Who else attended?", keys=())  # the selection above
        assert "Note saved" in notices(app)
        # Saved means on disk: another Store instance reads it at once.
        assert quotes(tmp_path / "data") == [("Russian Defense", "Who else attended?")]
        # A second passage by sentence motion: ) moves to the next sentence start.
        await pilot.press("}", "w", "v", ")")
        start, end = article.selection or (0, 0)
        assert article.document.text[start:end].strip() == (
            "Countries allied with Russia and China were preparing for a series of meetings on "
            "Afghanistan Wednesday held in the crisis-hit country's neighbor, Tajikistan."
        )
        await pilot.press("h")
        await pilot.pause()
        assert len(article.highlights) == 2
        await pilot.press("q")

    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        assert app.screen.query_one(StoryList).note_counts  # the list shows a notes count
        await pilot.press("enter")
        article = await wait_for_story(pilot, SEED_TITLE)
        await pilot.pause()
        assert article.document is not None
        drawn = sorted(article.document.text[h.start : h.end] for h in article.highlights)
        assert drawn[1] == "Russian Defense"
        assert drawn[0].startswith("Countries allied")
        # Open the sidebar, edit the first note.
        await pilot.press("s")
        await pilot.pause()
        sidebar = app.screen.query_one(NotesSidebar)
        assert sidebar.has_focus
        assert "Who else attended?" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*" Lavrov.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert ("Russian Defense", "Who else attended? Lavrov.") in quotes(tmp_path / "data")
        # Delete it, undo, delete again.
        await pilot.press("d")
        await pilot.pause()
        assert len(quotes(tmp_path / "data")) == 1
        await pilot.press("u")
        await pilot.pause()
        assert len(quotes(tmp_path / "data")) == 2
        await pilot.press("d")
        await pilot.pause()
        assert [q for q, _ in quotes(tmp_path / "data")] == [drawn[0]]


async def test_escape_in_editor_asks_before_discarding(tmp_path: Path) -> None:
    app = build(tmp_path, seed_library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("V", "a")
        await pilot.pause()
        await pilot.press(*"draft text")
        await pilot.press("escape")
        await pilot.pause()
        assert "Discard this note?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert quotes(tmp_path / "data") == []


async def test_annotate_without_selection_explains(tmp_path: Path) -> None:
    app = build(tmp_path, seed_library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert any("Select a passage first" in n for n in notices(app))
        assert not isinstance(app.screen, NoteEditor)


async def test_next_and_previous_note_jump(tmp_path: Path) -> None:
    app = build(tmp_path, seed_library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        await pilot.press("V", "h")  # first paragraph
        for _ in range(6):
            await pilot.press("}")
        await pilot.press("w", "V", "h")  # a later paragraph
        await pilot.press("g")
        await pilot.pause()
        first, second = sorted(article.highlights, key=lambda h: h.start)
        await pilot.press("n")
        assert article.cursor == second.start or article.cursor == first.start
        landed = article.cursor
        await pilot.press("n")
        assert article.cursor != landed
        await pilot.press("N")
        assert article.cursor == landed


async def test_bookmark_and_filter(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    write_story(stories, "b.md", "Second Story", "Text.", date="2022-01-01")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 2)
        assert story_list.current is not None and story_list.current.title == "Second Story"
        await pilot.press("j", "b")
        await pilot.pause()
        assert "★" in screen_text(app)
        await pilot.press("B")
        await pilot.pause()
        assert [row.title for row in story_list.rows] == [SEED_TITLE]
        await pilot.press("B")
        await pilot.pause()
        assert len(story_list.rows) == 2
        # The bookmark key works from the article too, and shows in the header.
        await pilot.press("k", "enter")
        article = await wait_for_story(pilot, "Second Story")
        await pilot.press("b")
        await pilot.pause()
        assert article.bookmarked
        assert "★ Second Story" in screen_text(app)
        await pilot.press("q")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 2)
        await pilot.press("B")
        await pilot.pause()
        assert sorted(row.title for row in story_list.rows) == ["Second Story", SEED_TITLE]


async def test_notes_follow_renamed_and_edited_story(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("}", "w", "V", "h", "b")
        await pilot.pause()
        await pilot.press("q")
    # Rename the file and edit text before the highlighted paragraph.
    text = (stories / SEED.name).read_text("utf-8")
    text = text.replace(
        "Countries allied", "CORRECTION: an earlier version misnamed a bloc.\n\nCountries allied"
    )
    (stories / SEED.name).unlink()
    (stories / "renamed").mkdir()
    (stories / "renamed" / "moved.md").write_text(text, "utf-8")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        await pilot.pause()
        assert article.document is not None
        assert len(article.highlights) == 1
        mark = article.highlights[0]
        assert article.document.text[mark.start : mark.end].startswith("Countries allied")
        assert article.bookmarked


async def test_deleted_passage_is_listed_unanchored(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_story(pilot)
        await select_and_annotate(pilot, "keep me", keys=("}", "w", "V"))
        await pilot.press("q")
    text = (stories / SEED.name).read_text("utf-8")
    start = text.index("Countries allied")
    end = text.index("\n", start)
    (stories / SEED.name).write_text(text[:start] + text[end:], "utf-8")
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        await pilot.pause()
        assert article.highlights == []
        shown = screen_text(app)
        assert "Unanchored" in shown and "keep me" in shown
    assert [n for _, n in quotes(tmp_path / "data")] == ["keep me"]


async def test_tag_a_bookmark_by_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"afghanistan, to-read,, afghanistan")
        await pilot.press("enter")
        await pilot.pause()
        assert "Tags: afghanistan, to-read" in screen_text(app)
        assert "★ Security Blocs" in screen_text(app)
    store = Store.open(data)
    (bookmark,) = store.bookmarks().values()
    store.close()
    assert bookmark.tags == ("afghanistan", "to-read")


async def test_notes_follow_a_retitled_story_without_url(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    path = stories / "memo.md"
    path.write_text("# Old Title\n\nFirst paragraph of the memo.\n\nSecond one.\n", "utf-8")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.press("b", "enter")
        await wait_for_story(pilot, "Old Title")
        await pilot.press("V", "h")
        await pilot.pause()
        await pilot.press("q")
    # No URL, and the title (part of its id) changed: the file is still the same story.
    path.write_text("# New Title\n\nFirst paragraph of the memo.\n\nSecond one.\n", "utf-8")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 1)
        await pilot.press("enter")
        article = await wait_for_story(pilot, "New Title")
        await wait_until(pilot, lambda: article.highlights, "the highlight to re-anchor")
        assert article.document is not None
        (mark,) = article.highlights
        assert article.document.text[mark.start : mark.end] == "First paragraph of the memo."
        assert article.bookmarked
        assert story_list.rows[0].story_id in story_list.bookmarked


async def test_jumping_to_a_note_with_the_sidebar_hidden_shows_it(tmp_path: Path) -> None:
    app = build(tmp_path, seed_library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        assert not app.screen.query_one(NotesSidebar).display  # collapsed at 80x24
        await select_and_annotate(pilot, "remember the CSTO", keys=("}", "w", "V"))
        await pilot.press("g", "n")
        await pilot.pause()
        assert notices(app)[-1] == "remember the CSTO"


async def test_escape_while_editing_a_note_asks_about_the_changes_and_keeps_it(
    tmp_path: Path,
) -> None:
    app = build(tmp_path, seed_library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        await pilot.press("v", "e", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor")
        await pilot.press(*"first words", "ctrl+s")
        await wait_until(pilot, lambda: quotes(tmp_path / "data") != [], "the note saved")
        await pilot.press("s")
        await wait_until(pilot, lambda: app.screen.query_one(NotesSidebar).has_focus, "sidebar")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        await pilot.press(*" and more", "escape")
        await wait_until(
            pilot,
            lambda: "Discard your changes to this note?" in screen_text(app),
            "a question about the changes, not about the note",
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "editor closed")
        assert [note for _, note in quotes(tmp_path / "data")] == ["first words"]

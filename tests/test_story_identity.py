"""A note belongs to one story: what a story's URL is, and ids unique in a library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app_helpers import (
    build,
    screen_text,
    select_and_annotate,
    wait_for_rows,
    wait_for_story,
    wait_until,
)
from tui_reader.core.stories import Story, StoryMeta, load_story, read_meta
from tui_reader.core.story import base_of
from tui_reader.core.urls import web_url
from tui_reader.library.identity import assign_ids
from tui_reader.library.index import LibraryIndex
from tui_reader.storage.store import Store
from tui_reader.ui.screens.message import MessageScreen
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

TEMPLATE = "/:section/:year/:month/:slug/"


def hugo(folder: Path, name: str, title: str, body: str, url: str = TEMPLATE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: 2024-03-02\nurl: {url}\n---\n\n{body}\n", "utf-8")
    return path


def seed(folder: Path, name: str, body: str, title: str = "Council budget vote") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# {title}\n\nBy City Desk\n\nMarch 3, 2024\n\n{body}\n", "utf-8")
    return path


FULL = (
    "The council approved the budget after a long session.\n\n"
    "Libraries keep their opening hours, but the pool closes on Mondays.\n\n"
    "The mayor promised a review of the parking charges before the summer."
)
TRUNCATED = FULL.split("\n\n", 1)[0]


# ----- what a URL is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "/:section/:year/:month/:slug/",
        "https://example.org/:slug",
        "{{ .Permalink }}",
        "https://example.org/{{ .Slug }}",
        "https://example.org/story/%s",
        "${url}",
        "#",
        "story.html",
        "../2021/09/story/",
        "ftp://example.org/story",
        "https://",
        "javascript:alert(1)",
    ],
)
def test_templates_paths_and_fragments_are_not_urls(value: str) -> None:
    assert web_url(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/2024/03/floods",
        "http://Example.org/a%20b?x=1",
        "https://en.wikipedia.org/wiki/Special:Search",
        "https://[::1]:8080/story",
    ],
)
def test_absolute_web_addresses_are_urls(value: str) -> None:
    assert web_url(value) == value


def test_a_permalink_template_is_neither_the_url_nor_the_identity(tmp_path: Path) -> None:
    a = load_story(hugo(tmp_path, "a.md", "Floods in the valley", "Water."))
    b = load_story(hugo(tmp_path, "b.md", "Drought in the hills", "Dust."))
    assert isinstance(a, Story) and isinstance(b, Story)
    assert a.url is None and b.url is None
    assert a.story_id != b.story_id
    assert not a.story_id.startswith("url:")


def test_front_matter_falls_back_to_a_key_that_is_a_url(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: T\nurl: /:slug/\nlink: https://example.org/t\n---\n\nBody.\n", "utf-8"
    )
    story = load_story(path)
    assert isinstance(story, Story)
    assert story.url == "https://example.org/t" and story.story_id == "url:example.org/t"


@pytest.mark.parametrize("footer", ["<https://example.org/:slug>", "<ftp://example.org/a>"])
def test_a_footer_that_is_not_a_web_address_is_no_url(tmp_path: Path, footer: str) -> None:
    path = tmp_path / "a.md"
    text = f"# Title\n\nMarch 3, 2024\n\nBody.\n\nOriginal url:\n\n{footer}\n"
    path.write_text(text, "utf-8")
    story = load_story(path)
    assert isinstance(story, Story)
    assert story.url is None and story.story_id.startswith("meta:")
    assert "Original url" not in story.body  # still the footer, cut from the text


# ----- ids unique in a library ------------------------------------------------------------


def test_a_story_and_its_truncated_copy_get_ids_of_their_own(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    seed(stories, "council.md", FULL)
    seed(stories / "old", "council.md", TRUNCATED)
    seed(stories, "other.md", "Other.", title="Something else")
    index = LibraryIndex(tmp_path / "cache")
    rows = [r for r in index.refresh(stories) if isinstance(r, StoryMeta)]
    ids = {r.path.relative_to(stories).as_posix(): r.story_id for r in rows}
    assert len(set(ids.values())) == 3
    own = read_meta(stories / "council.md")
    assert isinstance(own, StoryMeta)
    assert ids["council.md"] != own.story_id and base_of(ids["council.md"]) == own.story_id
    assert ids["other.md"] == read_meta(stories / "other.md").story_id  # type: ignore[union-attr]
    # The same ids from the cache, in the whole index and in its quick first rows.
    again = LibraryIndex(tmp_path / "cache")
    cached = {r.story_id for r in again.load(stories) if isinstance(r, StoryMeta)}
    head = {r.story_id for r in again.load_head(stories) if isinstance(r, StoryMeta)}
    assert cached == head == set(ids.values())
    # Once the copy is gone, the story has its own identity back.
    (stories / "old" / "council.md").unlink()
    alone = [r for r in index.refresh(stories) if isinstance(r, StoryMeta)]
    assert own.story_id in {r.story_id for r in alone}


def test_ids_are_unique_across_the_folders_of_a_library(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    seed(one, "council.md", FULL)
    seed(two, "council.md", TRUNCATED)
    items = [read_meta(one / "council.md"), read_meta(two / "council.md")]
    assigned = assign_ids(items, [one, two])
    assert len({i.story_id for i in assigned if isinstance(i, StoryMeta)}) == 2
    assert assign_ids(assigned, [one, two]) == assigned  # idempotent


def test_a_moved_story_keeps_its_id(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    seed(stories, "council.md", FULL)
    index = LibraryIndex(tmp_path / "cache")
    before = [r.story_id for r in index.refresh(stories) if isinstance(r, StoryMeta)]
    (stories / "2024").mkdir()
    os.replace(stories / "council.md", stories / "2024" / "renamed.md")
    after = [r.story_id for r in index.refresh(stories) if isinstance(r, StoryMeta)]
    assert before == after


# ----- in the reader ----------------------------------------------------------------------


async def open_path(pilot, path: Path, title: str):  # type: ignore[no-untyped-def]
    story_list = pilot.app.screen.query_one(StoryList)
    story_list.select_key(str(path))
    story_list.focus()
    await pilot.pause()
    await pilot.press("enter")
    return await wait_for_story(pilot, title)


async def test_bookmarking_one_template_story_stars_only_it(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    floods = hugo(stories, "floods.md", "Floods in the valley", "The river rose overnight.")
    hugo(stories, "drought.md", "Drought in the hills", "No rain for eleven weeks.")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 2)
        await open_path(pilot, floods, "Floods in the valley")
        await pilot.press("b")
        await wait_until(pilot, lambda: "★" in screen_text(app), "the star")
        rows = [line for line in screen_text(app).splitlines() if "2024-03-02" in line]
        assert len(rows) == 2  # both stories are listed, the bookmarked one starred
        assert [("★" in row, "Floods" in row) for row in rows] in (
            [(True, True), (False, False)],
            [(False, False), (True, True)],
        )
        # Neither the header nor o shows the template as the story's URL.
        assert ":section" not in screen_text(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageScreen), "the links")
        assert "(none)" in screen_text(app) and ":slug" not in screen_text(app)
    store = Store.open(tmp_path / "data")
    assert len(store.bookmarks()) == 1


async def test_a_note_on_a_story_is_not_on_its_truncated_copy(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    full = seed(stories, "council.md", FULL)
    copy = seed(stories, "council-copy.md", TRUNCATED)
    app = build(tmp_path, stories)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_rows(pilot, 2)
        assert screen_text(app).count("Council budget vote") == 2  # both are listed
        await open_path(pilot, full, "Council budget vote")
        await select_and_annotate(pilot, "on the full story")
        sidebar = app.screen.query_one(NotesSidebar)
        await wait_until(pilot, lambda: len(sidebar.entries) == 1, "the note in the sidebar")
        await open_path(pilot, copy, "Council budget vote")
        await wait_until(pilot, lambda: not sidebar.entries, "the copy's own (empty) notes")
        assert "Unanchored" not in screen_text(app)
        await pilot.press("b")
    store = Store.open(tmp_path / "data")
    notes = store.all_annotations()
    assert [n.story_path for n in notes] == [str(full)]
    assert list(store.bookmarks().values())[0].path == str(copy)
    assert notes[0].story_id not in store.bookmarks()

"""The reader's search, read marks, order and saved searches, driven by keys (Pilot)."""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from tests.app_helpers import (
    build,
    notices,
    screen_text,
    select_and_annotate,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tui_reader.core.config import Config, load_config
from tui_reader.library.finder import Finder, Found, TooSlow
from tui_reader.ui.app import ReaderApp, create_app
from tui_reader.ui.parts import search as search_part
from tui_reader.ui.screens.feed_picker import FeedPicker
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList
from tui_reader.ui.widgets.story_row import StoryRow

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)


def library(tmp_path: Path, count: int = 30) -> Path:
    stories = tmp_path / "stories"
    for i in range(count):
        body = (
            f"Dispatch {i:02d} about the port. "
            + ("Lighthouse keepers vote. " if i % 10 == 3 else "Nothing else today. ") * 3
        )
        write_story(stories, f"s{i:02d}.md", f"Story {i:02d}", body,
                    date=f"January {i % 28 + 1}, {2000 + i}")  # fmt: skip
    write_story(stories, "moscow.md", "Новости", "В Москве открылся мост. Москва рада. "
                "МОСКВА! Мост.", date="March 1, 1999")  # fmt: skip
    return stories


def reader(app: ReaderApp) -> ReaderScreen:
    return next(s for s in app.screen_stack if isinstance(s, ReaderScreen))


async def ready(pilot: Pilot[None], rows: int) -> StoryList:
    """The list is showing and the search index has caught up with it."""
    story_list = await wait_for_rows(pilot, rows)
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await wait_until(pilot, lambda: app.finder.complete and not reader(app).finding.index.busy,
                     "the search index")  # fmt: skip
    return story_list


def titles(story_list: StoryList) -> list[str]:
    return [row.title for row in story_list.rows]


async def test_slash_finds_words_in_stories_and_notes_and_esc_goes_back(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        await pilot.press(*["j"] * 20, "enter")
        await wait_for_story(pilot, "Story 09")
        await select_and_annotate(pilot, "ask the ferrymen")  # indexed as it is saved
        await pilot.press("escape")
        await pilot.press(*["k"] * 8)
        before = story_list.current.key if story_list.current else None
        top = story_list.scroll_y
        assert top > 0
        await pilot.press("slash", *"lighthouse keepers")
        await wait_until(pilot, lambda: len(story_list.rows) == 3, "three matches")
        assert sorted(titles(story_list)) == ["Story 03", "Story 13", "Story 23"]
        assert all("Lighthouse keepers" in row.detail for row in story_list.rows)
        assert "Lighthouse keepers vote" in screen_text(app)  # the snippet is on the row
        await pilot.press(*["backspace"] * len("lighthouse keepers"), *"ferrymen", "enter")
        await wait_until(pilot, lambda: titles(story_list) == ["Story 09"], "the noted story")
        assert story_list.rows[0].in_note and "✎ ask the ferrymen" in screen_text(app)
        await pilot.press("escape")  # in the list: the search ends, the list is back
        await wait_until(pilot, lambda: len(story_list.rows) == 31, "the whole list")
        assert story_list.current is not None and story_list.current.key == before
        await wait_until(pilot, lambda: story_list.scroll_y == top, "the list scrolled back")


async def test_a_query_typed_in_one_burst_runs_once(tmp_path: Path) -> None:
    """Over SSH, ``/``, the query and enter come in one read: the query runs once, on all of
    it, not once per key (each partial query would redraw the list or say it does not parse)."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        search = reader(app).finding.search
        before = search.number
        names = {"/": "slash", " ": "space", "\r": "enter"}
        for key in "/lighthouse keepers\r":  # posted at once, as a terminal's read delivers them
            app.post_message(events.Key(names.get(key, key), key))
        await wait_until(pilot, lambda: len(story_list.rows) == 3, "three matches")
        assert sorted(titles(story_list)) == ["Story 03", "Story 13", "Story 23"]
        assert not search.typing and search.text == "lighthouse keepers"
        assert search.number - before == 1, f"{search.number - before} queries ran for one burst"


async def test_a_query_in_one_burst_draws_its_line_and_rows_once_with_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``/`` is the app's own key: the burst typed with it is taken in the same turn, so the
    first frame that shows the search line already shows the results. (A frame of the line
    alone would cost one more frame's time, and Textual spaces frames 1/60 s apart.) The
    first screen's snippets are made before the rows are listed: they are listed once."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        line = app.screen.query_one(SearchLine)
        drawn: list[int] = []  # the rows listed each time the search line is drawn
        real = line.render_lines

        def render_lines(crop: Region) -> list[Strip]:
            drawn.append(len(story_list.rows))
            return real(crop)

        monkeypatch.setattr(line, "render_lines", render_lines)
        listed: list[list[str]] = []  # the snippets of the rows, each time rows are set
        set_rows = story_list.set_rows

        def spy(rows: Sequence[StoryRow], *, keep: str | None = None) -> None:
            listed.append([row.detail for row in rows])
            set_rows(rows, keep=keep)

        monkeypatch.setattr(story_list, "set_rows", spy)
        names = {"/": "slash", " ": "space", "\r": "enter"}
        for key in "/lighthouse keepers\r":
            app.post_message(events.Key(names.get(key, key), key))
        await wait_until(pilot, lambda: len(story_list.rows) == 3 and drawn, "the results")
        await pilot.pause()
        assert drawn and set(drawn) == {3}, f"the line was drawn over {drawn} rows"
        # The rows are set once, with the snippets of those in view already there.
        assert len(listed) == 1 and all(listed[0]), listed


async def test_snippets_too_slow_for_the_frame_come_from_the_background_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the first screen's snippets cannot be made in time, the rows are listed without
    them and the background makes them: the UI thread does not try a second time."""
    app = build(tmp_path, library(tmp_path))
    tries: list[int] = []
    real = Finder.fill

    def fill(self: Finder, found: Found, paths: Collection[str], deadline: float | None = None,
             *, longest: int | None = None) -> Found:  # fmt: skip
        if deadline is not None:  # on the UI thread, against the frame's deadline
            tries.append(len(paths))
            raise TooSlow("the snippets would miss the frame")
        return real(self, found, paths, deadline, longest=longest)

    monkeypatch.setattr(Finder, "fill", fill)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        names = {"/": "slash", " ": "space", "\r": "enter"}
        for key in "/dispatch port\r":
            app.post_message(events.Key(names.get(key, key), key))
        await wait_until(pilot, lambda: len(story_list.rows) == 30, "thirty matches")
        await wait_until(pilot, lambda: all(r.detail for r in story_list.rows), "the snippets")
        assert len(tries) == 1, f"{len(tries)} tries on the UI thread"


async def test_the_search_line_takes_the_key_bar_row_and_moves_no_pane(tmp_path: Path) -> None:
    """Opening a search must not shift the panes a row (a whole-screen repaint per search over
    SSH): the search line covers the key bar's row, and the bar is back when it ends."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        story_list = await ready(pilot, 31)
        article = app.screen.query_one("#article")
        places = (story_list.region, article.region)
        bottom = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        assert "⏎ Open" in bottom()
        await pilot.press("slash")
        await wait_until(pilot, lambda: bottom().startswith(" /"), "the search line at the bottom")
        assert (story_list.region, article.region) == places
        await pilot.press(*"lighthouse keepers", "enter")
        await wait_until(pilot, lambda: len(story_list.rows) == 3, "three matches")
        assert "/lighthouse keepers  3 stories" in bottom()
        assert (story_list.region, article.region) == places
        await pilot.press("escape")  # ends the search: the key bar is back, nothing moved
        await wait_until(pilot, lambda: "⏎ Open" in bottom(), "the key bar again")
        assert (story_list.region, article.region) == places and len(story_list.rows) == 31


async def test_results_come_with_the_snippets_in_view_on_the_spot_or_from_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quick query is answered on the UI thread: the rows in view have their snippets as
    soon as the rows are there. A slow one (no time at all allowed here) runs in a worker,
    with the same answer."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        search = reader(app).finding.search
        names = {"/": "slash", " ": "space", "\r": "enter"}
        for key in "/dispatch port\r":  # in one burst: the answer is drawn with the query
            app.post_message(events.Key(names.get(key, key), key))
        await wait_until(pilot, lambda: len(story_list.rows) == 30, "thirty matches")
        height = story_list.size.height
        assert 0 < height < 30
        assert all("Dispatch" in row.detail for row in story_list.rows[:height])
        await wait_until(pilot, lambda: all(r.detail for r in story_list.rows), "the rest filled")
        first = [(row.key, row.detail) for row in story_list.rows]
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(story_list.rows) == 31, "the whole list")
        monkeypatch.setattr(search_part, "ON_THE_SPOT", 0.0)
        await pilot.press("slash", *"dispatch port", "enter")
        answered = lambda: search.found is not None and all(r.detail for r in story_list.rows)  # noqa: E731
        await wait_until(pilot, answered, "the worker's answer")
        assert [(row.key, row.detail) for row in story_list.rows] == first


async def test_a_result_opens_with_its_words_highlighted_and_n_moves(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        await pilot.press("slash", *"москва", "enter")
        await wait_until(pilot, lambda: titles(story_list) == ["Новости"], "the Cyrillic match")
        await pilot.press("enter")
        article = await wait_for_story(pilot, "Новости")
        await wait_until(pilot, lambda: len(article.matches) == 2, "Москве and Москва marked")
        text = article.document.text if article.document else ""
        assert [text[a:b] for a, b in article.matches] == ["Москва", "МОСКВА"]  # whole words
        assert "1/2" in screen_text(app)
        await pilot.press("n")
        assert "2/2" in screen_text(app) and article.current_match == 1
        await pilot.press("escape")  # the matches go; the next esc goes back to the list
        assert article.matches == []
        await pilot.press("f", *"МОСТ")
        await wait_until(pilot, lambda: len(article.matches) == 2, "find in the story")
        assert [text[a:b] for a, b in article.matches] == ["мост", "Мост"]


async def test_a_malformed_query_says_so_instead_of_no_results(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path, 3))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, 4)
        await pilot.press("slash", *"colour:red")
        await pilot.pause()
        shown = screen_text(app)
        assert "Unknown filter colour:" in shown and "Nothing matches" not in shown


async def test_mark_all_read_then_undo(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 6)
        assert "6/6 unread" in screen_text(app)
        await pilot.press("m")
        assert story_list.rows[0].story_id in app.store.read_ids()
        await pilot.press("M")
        assert app.store.read_ids() == {row.story_id for row in story_list.rows}
        assert "0/6 unread" in screen_text(app)
        assert any("Marked 5 stories read. u undoes it." in n for n in notices(app))
        await pilot.press("u")
        assert app.store.read_ids() == {story_list.rows[0].story_id}  # the m stays
        await pilot.press("H")  # hide read stories
        await wait_until(pilot, lambda: len(story_list.rows) == 5, "read stories hidden")
        await pilot.press("n")  # next unread
        assert story_list.current is not None and story_list.current.story_id not in (
            app.store.read_ids()
        )


async def test_sort_order_is_remembered_across_a_restart(tmp_path: Path) -> None:
    stories = library(tmp_path, 4)
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 5)
        assert titles(story_list)[0] == "Story 03"
        await pilot.press("O")  # newest first -> oldest first
        assert titles(story_list)[0] == "Новости"
        await pilot.press("O")  # -> by title
        assert titles(story_list) == ["Story 00", "Story 01", "Story 02", "Story 03", "Новости"]
        await pilot.press("q")
    again = build(tmp_path, stories)
    async with again.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 5)
        assert titles(story_list)[0] == "Story 00"
        assert "by title" in screen_text(again)


async def test_saved_searches_show_in_F_with_their_counts(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 31)
        app.store.mark_read_many([story_list.rows[-4].story_id])  # Story 03 (oldest are last)
        await pilot.press("slash", *"keepers since:2010", "enter")
        await wait_until(pilot, lambda: len(story_list.rows) == 2, "two matches")
        await pilot.press("plus", *"new keepers", "enter")
        await pilot.pause()
        assert app.store.saved_searches() == {"new keepers": "keepers since:2010"}
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(story_list.rows) == 31, "the whole list")
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedPicker), "the picker")
        await pilot.pause()
        assert "/ new keepers  2/2 unread" in screen_text(app)
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: titles(story_list) == ["Story 23", "Story 13"]
                         or sorted(titles(story_list)) == ["Story 13", "Story 23"],
                         "the saved search's stories")  # fmt: skip
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedPicker), "the picker")
        await pilot.press("end", "d")
        await pilot.pause()
        assert app.store.saved_searches() == {}
        assert isinstance(app.screen, ReaderScreen)


def test_list_settings_in_the_config_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('sort = "oldest"\nhide_read = true\nmark_read_on_open = false\n', "utf-8")
    config = load_config(path)
    assert (config.sort, config.hide_read, config.mark_read_on_open) == ("oldest", True, False)
    path.write_text('sort = "random"\nhide_read = "yes"\n', "utf-8")
    config = load_config(path)
    assert (config.sort, config.hide_read) == ("newest", False)
    assert any("'sort' must be one of newest" in p for p in config.problems)
    assert any("'hide_read' must be true or false" in p for p in config.problems)


async def test_config_sets_the_first_order_and_whether_opening_marks_read(tmp_path: Path) -> None:
    stories = library(tmp_path, 3)
    config = Config(sort="oldest", mark_read_on_open=False)
    app = create_app(stories, tmp_path / "data", config, cache_dir=tmp_path / "cache")
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await ready(pilot, 4)
        assert titles(story_list)[0] == "Новости"  # oldest first
        await pilot.press("enter")
        await wait_for_story(pilot, "Новости")
        assert app.store.read_ids() == set()  # opened, but not marked read
        await pilot.press("m")  # the article has focus: m marks the open story
        assert app.store.read_ids() == {story_list.rows[0].story_id}


async def test_a_query_typed_while_another_runs_shows_at_once(tmp_path: Path) -> None:
    """The line is drawn once per burst, after the keys of it; a key typed while a query runs
    in a worker still shows at once (the worker here waits for the index, held by this test
    as another search would hold it), and the results follow for the last query."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        story_list = await ready(pilot, 31)
        bottom = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        held, done = threading.Event(), threading.Event()

        def other_search() -> None:  # holds the index's reading connection until told
            with app.finder.index.reading():
                held.set()
                done.wait(30)

        holder = threading.Thread(target=other_search)
        holder.start()
        try:
            assert held.wait(10), "the other search never got the index"
            await pilot.press("slash", "l")
            await wait_until(pilot, lambda: "/l▏  searching…" in bottom(), "the first key")
            await pilot.press(*"ighthouse keepers")
            await wait_until(pilot, lambda: "/lighthouse keepers▏  searching…" in bottom(),
                             "the keys typed while the first query waits")  # fmt: skip
        finally:
            done.set()
            holder.join(10)
        await wait_until(pilot, lambda: len(story_list.rows) == 3, "three matches")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "/lighthouse keepers  3 stories" in bottom(), "kept")


@pytest.mark.parametrize("narrower", [0, 6])
async def test_result_rows_fill_the_list_exactly_at_any_width(tmp_path: Path,
                                                              narrower: int) -> None:  # fmt: skip
    """A result row (markers, title, snippet, date) is exactly as wide as the list: its right
    border stays in one column on every row, in a wide list and in a narrow one (no date)."""
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        story_list = await ready(pilot, 31)
        await pilot.press(*["less_than_sign"] * narrower)
        await pilot.press("slash", *"dispatch port", "enter")
        await wait_until(pilot, lambda: len(story_list.rows) == 30, "thirty matches")
        region = story_list.region
        lines = screen_text(app).splitlines()[region.y + 1 : region.bottom - 1]
        rows = [line[region.x : region.right] for line in lines]
        results = [row for row in rows if "Story" in row]
        assert len(results) == min(30, len(rows)), rows
        # Each row ends at the border: not one cell past it (the border pushed right), not
        # one short of it (a gap before the border, or the date off its column).
        assert all(row[0] == row[-1] == "┃" for row in results), rows
        if narrower == 0:
            assert all(re.search(r"  Dispatch \d\d .* \d{4}-01-\d\d┃$", row) for row in results)
        else:
            assert story_list.size.width < 36, "the list is too wide to drop the date"
            assert all(re.search(r"Story \d\d  Disp.*[^\d]┃$", row) for row in results), rows

"""The caret is where the selection starts: one, always drawn, moved by the reading keys."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.pilot import Pilot

from tests.app_helpers import build, open_first_story, select_and_annotate, wait_until, write_story
from tui_reader.ui.widgets.article import Article

PARAGRAPH = "Paragraph {} has a good number of words in it, so that it wraps onto a second line."


def long_story(tmp_path: Path, paragraphs: int = 40) -> Path:
    stories = tmp_path / "stories"
    body = "\n\n".join(PARAGRAPH.format(p) for p in range(paragraphs))
    write_story(stories, "long.md", "A long story", body)
    return stories


def cells(article: Article, wanted: Style) -> list[tuple[int, int]]:
    """The (row on screen, column) of every cell drawn with ``wanted``'s attributes."""
    found = []
    for y in range(article.scrollable_content_region.height):
        x = 0
        for segment in article.render_line(y):
            style = segment.style or Style()
            hit = all(getattr(style, name) == value for name, value in _attrs(wanted))
            for _ in segment.text:
                if hit:
                    found.append((y, x))
                x += 1
    return found


def _attrs(style: Style) -> list[tuple[str, object]]:
    return [(name, True) for name in ("reverse", "underline") if getattr(style, name)]


CARET = Style(reverse=True, underline=True)


def caret_on_screen(article: Article) -> tuple[int, int]:
    """Where the caret is drawn (there is exactly one)."""
    found = cells(article, CARET)
    assert len(found) == 1, f"expected one caret cell, found {found}"
    return found[0]


def row_on_screen(article: Article, offset: int) -> int:
    return article._row_of(offset) - int(article.scroll_y)


async def open_long(tmp_path: Path, pilot: Pilot[None]) -> Article:
    article = await open_first_story(pilot)
    assert article.story is not None and article.story.title == "A long story"
    return article


async def test_opening_a_story_puts_the_caret_at_the_start_of_the_body(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        assert article.cursor == 0 and article.scroll_y == 0
        assert caret_on_screen(article) == (row_on_screen(article, 0), 0)
        # Drawn when the article does not have the focus too (drawn afresh: a new width, one
        # where the list beside it does not take the article's rows when it has the focus).
        await pilot.press("tab")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not article.has_focus
        assert caret_on_screen(article) == (row_on_screen(article, 0), 0)


async def test_j_and_k_move_the_caret_and_v_starts_where_it_is_drawn(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await pilot.press("j", "j", "j")
        y, x = caret_on_screen(article)
        assert y == row_on_screen(article, article.cursor) and article.cursor > 0
        await pilot.press("v")
        assert article.select_from == article.cursor
        assert caret_on_screen(article) == (y, x)  # v did not move it


async def test_after_two_pages_and_g_v_starts_on_the_first_character(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await pilot.press("space", "space")
        assert article.scroll_y > 0
        y, _ = caret_on_screen(article)
        assert 0 <= y < article.scrollable_content_region.height
        await pilot.press("g", "v")
        assert article.select_from == 0 == article.cursor
        assert caret_on_screen(article) == (row_on_screen(article, 0), 0)


async def test_k_moves_the_caret_up_however_many_times_it_is_pressed(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await pilot.press("G")
        assert article.scroll_y == article.max_scroll_y
        rows = []
        for _ in range(36):
            await pilot.press("k")
            rows.append(article._row_of(article.cursor))
        assert rows == sorted(rows, reverse=True) and len(set(rows)) == 36
        y, _ = caret_on_screen(article)
        assert y == row_on_screen(article, article.cursor)


async def test_pages_take_the_caret_along_and_g_and_big_g_reach_the_ends(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await pilot.press("j", "j")
        before = caret_on_screen(article)[0]
        start = article.cursor
        await pilot.press("pagedown")
        # A page further on, about where it was on the screen (the nearest line of text).
        assert article.scroll_y > 0 and abs(caret_on_screen(article)[0] - before) <= 1
        assert article.cursor > start
        await pilot.press("pageup")
        assert article.scroll_y == 0 and abs(caret_on_screen(article)[0] - before) <= 1
        await pilot.press("G")
        assert article.document is not None
        last = article._lines[article._line_index[-1]]
        assert article.cursor == last.start and "Paragraph 39" in last.source.plain
        await pilot.press("v", "g")  # selecting from the end back to the start: all of it
        assert article.selection == (0, last.start)


async def test_a_click_puts_the_caret_under_the_pointer(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        row = row_on_screen(article, 0) + 3  # "Paragraph 1 ..."
        await pilot.click(Article, offset=(6, row + 1))  # +1: the border
        assert article.document is not None
        assert article.document.text[article.cursor :].startswith("raph 1 has")
        assert article.select_from is None
        assert caret_on_screen(article) == (row, 5)


async def test_the_mouse_wheel_brings_the_caret_along(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        article.scroll_to(y=20, animate=False, immediate=True)  # what the wheel does
        await pilot.pause()
        y, _ = caret_on_screen(article)
        top = article._text_row(20, forward=True)
        assert y == top - 20 and article.cursor == article._lines[top].start
        await pilot.press("v")
        assert article.select_from == article.cursor


async def test_the_caret_and_the_reading_position_are_restored(tmp_path: Path) -> None:
    stories = long_story(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await pilot.press("space", "space", "j", "j", "w", "w")
        kept = (article.top_offset, article.cursor, caret_on_screen(article))
        await pilot.press("q")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await wait_until(pilot, lambda: article.top_offset == kept[0], "the reading position")
        assert (article.top_offset, article.cursor) == kept[:2]
        assert caret_on_screen(article) == (row_on_screen(article, kept[1]), kept[2][1])


async def test_a_selection_inside_a_highlight_is_drawn_as_a_selection(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path, 3))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_long(tmp_path, pilot)
        await select_and_annotate(pilot, "the whole first paragraph")
        await wait_until(pilot, lambda: bool(article.highlights), "the highlight")
        await pilot.press("g", "w", "v", "w", "w")  # "has a " inside the highlight
        selection = article.selection
        assert selection is not None
        y = row_on_screen(article, selection[0])
        start, end = selection[0] - article._lines[article._row_of(selection[0])].start, 0
        end = start + (selection[1] - selection[0])
        strip = list(article.render_line(y))
        styles = []
        for segment in strip:
            styles.extend([segment.style or Style()] * len(segment.text))
        inside = styles[start:end]
        highlighted = styles[0]  # "Paragraph": highlighted, not selected
        assert highlighted.bgcolor is not None and not highlighted.reverse
        assert all(s.reverse for s in inside)
        # The selection's own look, not the highlight's colour reversed.
        assert all(s.bgcolor != highlighted.bgcolor for s in inside)

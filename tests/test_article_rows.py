"""The article draws the rows a page key shows next ahead of the key, while the reader reads,
and lets go of rows far from where they read."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import build, open_first_story, wait_until, write_story
from tests.test_caret import CARET, cells
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.article_rows import KEEP_PAGES

PARAGRAPH = "Paragraph {} has a good number of words in it, so that it wraps onto a second line."


def long_story(tmp_path: Path, paragraphs: int) -> Path:
    stories = tmp_path / "stories"
    body = "\n\n".join(PARAGRAPH.format(p) for p in range(paragraphs))
    write_story(stories, "long.md", "A long story", body)
    return stories


def next_page(article: Article) -> range:
    """The rows a page-down brings into view."""
    top, height = int(article.scroll_y), article.scrollable_content_region.height
    return range(top + height, min(top + 2 * height, len(article._lines)))


def drawn_ahead(article: Article) -> bool:
    return all(article._rows.get(row) is not None for row in next_page(article))


async def test_a_page_down_shows_the_rows_drawn_ahead_of_it(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path, 60))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        await pilot.press("pagedown")  # from a page with a page above and below it
        await wait_until(pilot, lambda: drawn_ahead(article), "the next page drawn ahead")
        ahead = {row: article._rows.get(row) for row in next_page(article)}
        assert len(ahead) >= 10

        await pilot.press("pagedown")
        await pilot.pause()
        top, height = int(article.scroll_y), article.scrollable_content_region.height
        caret_row = article._row_of(article.cursor)
        both = [row for row in range(top, top + height) if row in ahead and row != caret_row]
        assert len(both) >= height - 5, (top, sorted(ahead))
        for row in both:  # the strip drawn before the key, not drawn again for its frame
            assert article.render_line(row - top) is ahead[row], f"row {row} was drawn again"
        assert len(cells(article, CARET)) == 1  # the caret is drawn once, on its new row


async def test_a_row_drawn_ahead_shows_what_changed_after_it_was_drawn(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path, 60))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        await wait_until(pilot, lambda: drawn_ahead(article), "the next page drawn ahead")
        row = next(r for r in reversed(next_page(article)[:-3]) if article._lines[r].selectable)
        line = article._lines[row]
        article.set_matches([(line.start, line.end)])  # the whole row, not shown yet
        await pilot.press("pagedown")
        await pilot.pause()
        y = row - int(article.scroll_y)
        assert 0 <= y < article.scrollable_content_region.height
        assert row != article._row_of(article.cursor)  # not drawn again for the caret
        # A match is drawn bold italic (over a theme's colours).
        marked = "".join(s.text for s in article.render_line(y) if s.style and s.style.italic)
        assert marked == line.plain, f"the match is not drawn on row {y}: {marked!r}"


async def test_rows_far_from_the_view_are_let_go(tmp_path: Path) -> None:
    app = build(tmp_path, long_story(tmp_path, 200))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        height = article.scrollable_content_region.height
        pages = len(article._lines) // height
        assert pages > 2 * (2 * KEEP_PAGES + 2)  # more rows than may be kept
        for _ in range(2 * pages):  # to the end (a page-down keeps two rows of the last page)
            await pilot.press("pagedown")
            await wait_until(pilot, lambda: drawn_ahead(article), "the next page drawn ahead")
            if article.scroll_y == article.max_scroll_y:
                break
        assert article.scroll_y == article.max_scroll_y
        assert len(article._rows) <= (2 * KEEP_PAGES + 2) * height


async def test_a_key_in_the_list_costs_the_article_nothing(tmp_path: Path) -> None:
    """Textual asks every pane for its lines on each frame; the article answers from its cache
    and starts no drawing ahead when a key in the list changed nothing of it."""
    stories = long_story(tmp_path, 60)
    write_story(stories, "short.md", "A short story", "One paragraph.")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        await wait_until(pilot, lambda: drawn_ahead(article), "the next page drawn ahead")
        await pilot.press("escape")  # back to the list; the story stays in the article
        await wait_until(pilot, lambda: app.focused is not article, "the list has the keys")
        await wait_until(pilot, lambda: article._rows._timer is None, "drawing ahead done")
        drawn: list[int] = []
        ahead: list[None] = []
        draw, start = article.render_line, article._rows.drawn

        def counted(y: int) -> object:
            drawn.append(y)
            return draw(y)

        def started() -> None:
            ahead.append(None)
            start()

        article.render_line = counted  # type: ignore[method-assign]
        article._rows.drawn = started  # type: ignore[method-assign]
        for key in "jkjk":
            await pilot.press(key)
            await pilot.pause()
        assert (drawn, ahead) == ([], [])
        assert article.story is not None
        await pilot.press("G", "enter")  # another story: the article draws, then draws ahead
        await wait_until(pilot, lambda: bool(ahead), "drawing ahead after the article drew")

"""The article pane has no scrollbar: its bottom border says where the view is in the story
(``Top``, ``NN%``, ``Bot``, ``All``, as vim says it), and a key waiting for the rest of a long
story says so there instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import build, open_first_story, screen_text, wait_until, write_story
from tui_reader.ui.widgets.article_position import position_label

PARAGRAPH = "Paragraph {0} of the long story, with words enough to wrap over a line or two here."


@pytest.mark.parametrize(
    ("top", "height", "total", "complete", "label"),
    [
        (0, 20, 10, True, "All"),
        (0, 20, 10, False, ""),  # more may come: not "All" yet
        (0, 20, 100, True, "Top"),
        (0, 20, 100, False, "Top"),
        (40, 20, 100, True, "50%"),
        (40, 20, 100, False, ""),  # the share of a story not laid out yet is not known
        (80, 20, 100, True, "Bot"),
        (0, 20, 0, True, ""),  # no story
    ],
)
def test_position_label(top: int, height: int, total: int, complete: bool, label: str) -> None:
    assert position_label(top, height, total, complete) == label


def _bottom_border(text: str) -> str:
    return next(line for line in reversed(text.splitlines()) if "━━" in line or "──" in line)


async def test_the_border_says_where_the_view_is_as_the_reader_pages(tmp_path: Path) -> None:
    body = "\n\n".join(PARAGRAPH.format(p) for p in range(60))
    write_story(tmp_path / "stories", "long.md", "A long story", body)
    write_story(tmp_path / "stories", "short.md", "A short one", "Just a line.", date="2020-01-01")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        assert article.story is not None and article.story.title == "A long story"
        await wait_until(pilot, lambda: article.border_subtitle == "Top", "Top in the border")
        assert _bottom_border(screen_text(app)).endswith("Top ━┛")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: str(article.border_subtitle).endswith("%"), "a share")
        share = int(str(article.border_subtitle).rstrip("%"))
        assert 0 < share < 100
        assert _bottom_border(screen_text(app)).endswith(f"{share}% ━┛")
        await pilot.press("pagedown")
        later = str(article.border_subtitle)
        assert later == "Bot" or int(later.rstrip("%")) > share
        await pilot.press("G")
        await wait_until(pilot, lambda: article.border_subtitle == "Bot", "Bot at the end")
        await pilot.press("g")
        await wait_until(pilot, lambda: article.border_subtitle == "Top", "Top again")
        # The short story fits the pane: all of it is in view.
        await pilot.press("]")
        await wait_until(
            pilot,
            lambda: article.story is not None and article.story.title == "A short one",
            "the next story",
        )
        await wait_until(pilot, lambda: article.border_subtitle == "All", "All in the border")

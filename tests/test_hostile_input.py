"""Hostile input: nothing a story, a feed, a server or a user types can crash the reader, act,
or put a control byte on the terminal (issue 11).

Every surface is driven through the real app (Pilot) or the real command line; the screen is
read from Textual's public SVG screenshot, which holds every character the terminal would get.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app_helpers import (
    build,
    open_first_story,
    screen_svg,
    screen_text,
    wait_for_rows,
    wait_for_story,
    write_story,
)
from tui_reader.core.config import Config
from tui_reader.core.stories import read_meta
from tui_reader.storage.store import FeedRecord, Store
from tui_reader.ui.app import create_app
from tui_reader.ui.screens.feed_picker import FeedPicker

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach the terminal: C0 (but tab/newline), DEL, C1, bidi controls."""

PIECES = [
    "[/]",
    "[@click=app.quit]HERE[/]",
    "[@click=app.screenshot('orjson.py','../u8')]MORE[/]",
    "[link=file:///etc/passwd]L[/link]",
    "[bold red]b",
    "\x1b[2J",
    "\x1b]0;PWNED-TITLE\x1b\\",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1bP+q544e\x1b\\",
    "\x9b31m",
    "\x85",
    "\u202eevil",
    "\x00",
    "\r\n",
    "\x7f",
    "%s{0}\\",
    "W" * 600,
]
hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=5
).map("".join)


def assert_clean(app: object, where: str) -> None:
    """The screen holds no control character (checked on the raw screenshot too)."""
    svg = screen_svg(app)  # type: ignore[arg-type]
    found = CONTROL.search(svg) or CONTROL.search(screen_text(app, svg))  # type: ignore[arg-type]
    assert found is None, f"{where}: control character {found.group()!r} on screen"


def front_matter_story(folder: Path, name: str, title: str, *, feed: str = "") -> Path:
    """A story whose title (and feed) arrive exactly, escapes included, via YAML front matter."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: {json.dumps(title)}", "date: 2030-01-02"]
    if feed:
        lines.append(f"feed: {json.dumps(feed)}")
    lines += ["url: https://example.org/hostile", "---", "", f"Body {title}", ""]
    path = folder / name
    path.write_text("\n".join(lines), "utf-8")
    return path


def file_name_from(text: str) -> str:
    """``text`` as a file name this file system accepts (no slash, no NUL, not too long) and
    the library lists (not hidden: ``""`` or ``".x"`` alone would make a dot file)."""
    safe = "bad " + text.replace("/", "_").replace("\x00", "_")
    return safe.encode("utf-8", "surrogatepass")[:180].decode("utf-8", "ignore") + ".md"


async def tour_every_surface(root: Path, text: str) -> None:
    """Put ``text`` everywhere the outside world reaches, then visit each place."""
    stories, data = root / "stories", root / "data"
    story = front_matter_story(stories, "hostile.md", text, feed=text)
    front_matter_story(stories, "other.md", "A plain neighbour")
    (stories / file_name_from(text)).write_bytes(b"")  # an error row named by the outside
    store = Store.open(data)
    library = str(stories.resolve())
    store.add_feed(FeedRecord(name=text, url="http://127.0.0.1:9/", library=library, folder="f",
                              error=text))  # fmt: skip
    meta = read_meta(story)
    assert not isinstance(meta, type(None))
    story_id = getattr(meta, "story_id", "")
    selectors = [{"type": "TextQuoteSelector", "exact": "Body", "prefix": "", "suffix": " "}]
    store.add_annotation(story_id, selectors, f"my note {text}")
    store.set_bookmark(story_id, True, tags=(text,), title=text, path=str(story))
    store.close()
    app = create_app(stories, data, Config(), cache_dir=root / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 3)
        assert_clean(app, "story list")
        await pilot.press("slash", *[c for c in text[:12] if c.isprintable() and c != " "])
        await pilot.press("enter")
        await pilot.pause()
        assert_clean(app, "search")
        await pilot.press("slash", "escape")
        await pilot.press("g", "enter")
        await wait_for_story(pilot)
        assert_clean(app, "article")
        await pilot.press("o")
        await pilot.pause()
        assert_clean(app, "links dialog")
        await pilot.press("escape", "F")
        await pilot.pause()
        assert isinstance(app.screen, FeedPicker)
        assert_clean(app, "feed picker")
        await pilot.press("escape", "tab", "b")
        await pilot.pause()
        assert_clean(app, "notification")
        assert app.return_code is None, "content made the app quit"
    assert not list(root.rglob("*.svg")), "content made the app write a screenshot"


FIXED = [
    "".join(PIECES),  # every known hostile piece at once
    "Closing [/] tag title",
    "Read [@click=app.screenshot('orjson.py','../u8')]MORE[/] here",
    "599 Oops \x1b]52;c;SGVsbG8=\x1b\\ \x1b]0;PWNED-TITLE\x1b\\",
]
"""Texts every run tours: each piece above, and the ones that once got through."""


@pytest.mark.parametrize("text", FIXED, ids=["all-pieces", "closing-tag", "click-action", "osc"])
def test_known_hostile_text_on_every_surface_is_inert(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(tour_every_surface(Path(tmp), text))


# A tour costs seconds; the fixed texts cover every known piece, so a few random mixes suffice.
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=hostile)
def test_hostile_text_on_every_surface_is_inert(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(tour_every_surface(Path(tmp), text))


async def test_markup_in_a_title_is_shown_as_typed_and_cannot_act(tmp_path: Path) -> None:
    title = "Click [@click=app.quit]HERE[/] now"
    write_story(tmp_path / "stories", "a.md", title, "Some body text.")
    app = build(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_story(pilot)
        rows = screen_text(app).splitlines()
        shown = [(y, row) for y, row in enumerate(rows) if "[@click=app.quit]HERE[/]" in row]
        assert shown, "the title is not shown as typed"
        # The border title and the article header both show it literally; click each one.
        for y, row in shown:
            await pilot.click(offset=(row.index("HERE"), y))
            await pilot.pause()
        assert app.return_code is None and app.is_running, "clicking the title quit the app"


async def test_typing_markup_into_the_search_does_not_crash(tmp_path: Path) -> None:
    write_story(tmp_path / "stories", "a.md", "Harbour news", "Body.")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot)
        await pilot.press("slash", "left_square_bracket", "slash", "right_square_bracket")
        await pilot.pause()
        assert "matching “[/]”" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "enter")
        assert app.is_running


async def test_a_keymap_with_markup_shows_literally_in_the_help(tmp_path: Path) -> None:
    write_story(tmp_path / "stories", "a.md", "Harbour news", "Body.")
    config = Config(keymap={"reader.bookmark": "[/]"})
    app = create_app(tmp_path / "stories", tmp_path / "data", config, cache_dir=tmp_path / "c")
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_rows(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "[/]" in screen_text(app)
        assert app.is_running

"""Helpers for Pilot tests: write stories, build the real app on tmp dirs, read the screen."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.pilot import Pilot

from tests.paths import REPO, SEED, SEED_TITLE, seed_library
from tests.waiting import Deadline, What
from tui_reader.ui.app import ReaderApp, create_app
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.story_list import StoryList

__all__ = [  # the paths are re-exported: one import line for a Pilot test
    "REPO",
    "SEED",
    "SEED_TITLE",
    "build",
    "notices",
    "open_first_story",
    "screen_svg",
    "screen_text",
    "seed_library",
    "select_and_annotate",
    "wait_for_rows",
    "wait_for_story",
    "wait_until",
    "write_story",
]


def write_story(
    folder: Path,
    name: str,
    title: str,
    body: str,
    *,
    date: str = "September 15, 2021",
    url: str | None = None,
    byline: str = "Test Writer",
) -> Path:
    """Write a story in the seed format."""
    folder.mkdir(parents=True, exist_ok=True)
    url = url or f"https://example.org/{name}"
    text = f"# {title}\n\nBy [{byline}](#)\n\n{date}\n\n{body}\n\nOriginal url:\n\n<{url}>\n"
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def build(tmp_path: Path, stories: Path | None = None, data: Path | None = None) -> ReaderApp:
    """The real app on a stories folder and a data dir under ``tmp_path``."""
    return create_app(
        stories or tmp_path / "stories",
        data or tmp_path / "data",
        cache_dir=tmp_path / "cache",
    )


async def wait_for_rows(pilot: Pilot[None], count: int = 1) -> StoryList:
    """Wait until the story list shows at least ``count`` rows, the folders scanned."""
    reader = next(s for s in pilot.app.screen_stack if isinstance(s, ReaderScreen))
    await wait_until(
        pilot,
        # Settled: the cached rows shown first may name files that have moved since.
        lambda: (
            reader.is_mounted
            and len(reader.query_one(StoryList).rows) >= count
            and not reader.workers
            and reader.library.settled
        ),
        lambda: (
            f"{count} row(s) and the scan done (workers: {len(reader.workers)}, "
            f"settled: {reader.library.settled})"
        ),
    )
    await pilot.pause()
    return reader.query_one(StoryList)


async def wait_for_story(pilot: Pilot[None], title: str | None = None) -> Article:
    """Wait until the article shows a story (with ``title`` if given)."""
    reader = next(s for s in pilot.app.screen_stack if isinstance(s, ReaderScreen))
    article = reader.query_one(Article)

    def shown() -> bool:
        story = article.story
        # ... and its notes re-anchored, which the worker posts after the text.
        return (
            story is not None
            and (title is None or story.title == title)
            and all(w.is_finished for w in reader.workers if w.group == "story")
        )

    await wait_until(pilot, shown, f"the article to show {title or 'a story'!r}")
    await pilot.pause()
    return article


async def open_first_story(pilot: Pilot[None]) -> Article:
    """Wait for the list, open its first story by ``enter``, wait until it (and its notes) show."""
    await wait_for_rows(pilot, 1)
    await pilot.press("enter")
    return await wait_for_story(pilot)


_SVG_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>', re.S
)
CELL_WIDTH = 12.2
"""Width of one terminal cell in Rich's SVG export (0.61 of its 20-pixel font)."""


def screen_svg(app: ReaderApp) -> str:
    """The screen as Textual's public screenshot export (SVG) draws it."""
    return app.export_screenshot()


def screen_text(app: ReaderApp, svg: str | None = None) -> str:
    """Everything the terminal shows right now (the active screen), as plain text.

    Read from the public SVG screenshot (or ``svg``, one already taken): each text run is put
    back at its cell column.
    """
    rows: dict[int, list[str]] = {}
    for x, line, content in _SVG_TEXT.findall(svg or screen_svg(app)):
        text = html.unescape(content).replace("\xa0", " ").replace("\n", "")
        if not text:
            continue  # the line break Rich ends each row with
        row = rows.setdefault(int(line), [])
        column = round(float(x) / CELL_WIDTH)
        current = "".join(row)
        row[:] = [current.ljust(column)[:column] + text]
    return "\n".join("".join(rows.get(i, [])) for i in range(app.size.height))


def notices(app: ReaderApp) -> list[str]:
    """The messages the app has shown as notifications so far (newest last)."""
    return list(app.told)


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], object], what: What, timeout: float = 20.0
) -> None:
    """Let the app run until ``condition()`` holds; fail naming ``what`` if it never does."""
    deadline = Deadline(timeout)
    while not condition():
        deadline.check(what)
        await asyncio.sleep(0.02)  # a poll interval: the loop ends on the condition


async def select_and_annotate(pilot: Pilot[None], note: str, keys: Sequence[str] = ("V",)) -> None:
    """In the open article: select (a paragraph by default), press ``a``, type ``note``, save.

    Waits until the editor has closed again, i.e. the note is on disk.
    """
    from tui_reader.ui.screens.note_editor import NoteEditor

    app = pilot.app
    await pilot.press(*keys, "a")
    await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
    await pilot.press(*note)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "the note saved")

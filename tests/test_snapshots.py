"""Snapshot tests of the main screens (pytest-textual-snapshot), at 60x20, 80x24, 120x40 and
200x50, in a dark and a light theme: the list, an article with notes, reading mode, help.

Not every screen at every size in both themes: each size and each theme is covered by a few
screens, so the suite stays fast. Update the pictures after an intended change with
``pytest tests/test_snapshots.py --snapshot-update`` and look at them in
``snapshot_report.html`` before committing.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app_helpers import REPO, SEED, wait_for_rows, wait_for_story
from tui_reader.anchoring import describe
from tui_reader.core.config import Config
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, load_story
from tui_reader.storage.store import Annotation, Store
from tui_reader.ui.app import ReaderApp, create_app

FIXTURES = REPO / "tests" / "fixtures" / "reading"
NOTED = (
    ("Countries allied with Russia and China", "Who else attends? Check the SCO list."),
    ("Two regional security blocs led by Moscow and Beijing", ""),
)
"""Passages of the seed story noted before the snapshot (the second a plain highlight)."""


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Note times are shown in local time: the same picture in every time zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def bundled_copy(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    shutil.copytree(REPO / "stories", stories)
    return stories


def with_notes(tmp_path: Path) -> None:
    """Two notes on the seed story, with fixed times, in the data dir the app will use."""
    story = load_story(SEED)
    assert isinstance(story, Story)
    text = build_document(story.body).text
    notes = []
    for number, (quote, note) in enumerate(NOTED):
        start = text.index(quote)
        stamp = f"2026-01-0{number + 1}T09:30:00+00:00"
        notes.append(
            Annotation(
                f"00000000-0000-4000-8000-00000000000{number}",
                story.story_id,
                describe(text, start, start + len(quote)),  # type: ignore[arg-type]
                note,
                stamp,
                stamp,
                story.title,
                str(SEED),
            )
        )
    Store.open(tmp_path / "data").import_notes(notes)


def reader(tmp_path: Path, stories: Path, theme: str = "textual-dark") -> ReaderApp:
    return create_app(stories, tmp_path / "data", Config(theme=theme), cache_dir=tmp_path / "cache")


async def _list_ready(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot, 4)
    await pilot.press("j")


async def _open_seed(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot, 4)
    await pilot.press("G", "enter")
    await wait_for_story(pilot)
    await pilot.press("}", "w", "v", "e", "e", "e")


async def _reading_mode(pilot: Pilot[Any]) -> None:
    await _open_seed(pilot)
    await pilot.press("escape", "z")


async def _help(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot, 4)
    await pilot.press("question_mark")


@pytest.mark.parametrize(
    ("size", "theme"),
    [((60, 20), "textual-dark"), ((80, 24), "textual-dark"), ((120, 40), "textual-light")],
)
def test_story_list(tmp_path: Path, snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    app = reader(tmp_path, bundled_copy(tmp_path), theme)
    assert snap_compare(app, terminal_size=size, run_before=_list_ready)


@pytest.mark.parametrize(
    ("size", "theme"),
    [((80, 24), "textual-dark"), ((120, 40), "textual-dark"), ((200, 50), "textual-light")],
)
def test_article_with_notes(
    tmp_path: Path, snap_compare: Any, size: tuple[int, int], theme: str
) -> None:
    with_notes(tmp_path)
    app = reader(tmp_path, bundled_copy(tmp_path), theme)
    assert snap_compare(app, terminal_size=size, run_before=_open_seed)


@pytest.mark.parametrize(
    ("size", "theme"), [((80, 24), "textual-light"), ((200, 50), "textual-dark")]
)
def test_reading_mode(tmp_path: Path, snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    with_notes(tmp_path)
    app = reader(tmp_path, bundled_copy(tmp_path), theme)
    assert snap_compare(app, terminal_size=size, run_before=_reading_mode)


@pytest.mark.parametrize(
    ("size", "theme"), [((80, 24), "textual-dark"), ((120, 40), "textual-light")]
)
def test_help(tmp_path: Path, snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    app = reader(tmp_path, bundled_copy(tmp_path), theme)
    assert snap_compare(app, terminal_size=size, run_before=_help)


@pytest.mark.parametrize("name", ["2023-10-05-zola-release.md", "wide-table.md"])
def test_markup_as_written(tmp_path: Path, snap_compare: Any, name: str) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    shutil.copy(FIXTURES / name, stories / name)
    app = reader(tmp_path, stories)

    async def open_it(pilot: Pilot[Any]) -> None:
        await wait_for_rows(pilot, 1)
        await pilot.press("enter")
        await wait_for_story(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)

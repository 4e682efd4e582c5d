"""Snapshot tests of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Update the pictures after an intended change with ``pytest tests/test_snapshots.py
--snapshot-update`` and look at them in ``snapshot_report.html`` before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.app_helpers import REPO, build, wait_for_rows, wait_for_story


def bundled_copy(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    shutil.copytree(REPO / "stories", stories)
    return stories


async def _list_ready(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot, 4)


async def _open_seed(pilot: Pilot[Any]) -> None:
    await wait_for_rows(pilot, 4)
    await pilot.press("G", "enter")
    await wait_for_story(pilot)
    await pilot.press("}", "w", "v", "e", "e", "e")


def test_story_list_80x24(tmp_path: Path, snap_compare: Any) -> None:
    app = build(tmp_path, bundled_copy(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_list_ready)


def test_article_with_selection_80x24(tmp_path: Path, snap_compare: Any) -> None:
    app = build(tmp_path, bundled_copy(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_seed)


def test_three_panes_120x40(tmp_path: Path, snap_compare: Any) -> None:
    app = build(tmp_path, bundled_copy(tmp_path))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_seed)


def test_help_80x24(tmp_path: Path, snap_compare: Any) -> None:
    app = build(tmp_path, bundled_copy(tmp_path))

    async def open_help(pilot: Pilot[Any]) -> None:
        await wait_for_rows(pilot, 4)
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)

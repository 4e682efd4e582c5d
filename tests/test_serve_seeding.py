"""The server's seed build (issue 18): a real build process for the served folder, its outcome
in one log line, and a clear reason when it cannot be built (the server goes on without it)."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest

from tests.serve_helpers import write_stories
from tui_reader.library.search_seed import seed_path
from tui_reader.serve.seeding import Seeding


def _run(stories: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))  # the readers' cache, as in serve
    env = dict(os.environ)

    async def build() -> None:
        seeding = Seeding(stories, env)
        seeding.start()
        await seeding.wait()

    asyncio.run(build())


def test_the_seed_of_the_served_folder_is_built_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stories = write_stories(tmp_path / "stories", ["Seeded one", "Seeded two", "Seeded three"])
    with caplog.at_level(logging.INFO, logger="tui_reader.serve"):
        _run(stories, tmp_path / "cache", monkeypatch)
    assert f"shared search index of {stories} up to date (3 stories read)" in caplog.text
    assert seed_path(tmp_path / "cache" / "tui-reader", [stories]).is_file()


def test_a_seed_that_cannot_be_built_is_a_warning_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stories = write_stories(tmp_path / "stories", ["Unseeded"])
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.INFO, logger="tui_reader.serve"):
        _run(stories, blocked, monkeypatch)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, caplog.text
    assert warnings[0].startswith(f"shared search index of {stories} not built (exit 1): "), (
        warnings
    )
    assert "Not a directory" in warnings[0] or "File exists" in warnings[0], warnings

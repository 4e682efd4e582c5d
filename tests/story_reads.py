"""The ``story_reads`` fixture: the story files read through ``load_story`` (by name), with
the real reader still doing the reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.core import stories
from tui_reader.core.stories import Story, StoryError, load_story


@pytest.fixture
def story_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the story files read, in order (the export imports ``load_story`` from
    ``tui_reader.core.stories`` when it reads, so the wrapper is what it calls)."""
    read: list[str] = []

    def counted(path: Path) -> Story | StoryError:
        read.append(path.name)
        return load_story(path)

    monkeypatch.setattr(stories, "load_story", counted)
    return read

"""The library the reader (and ``import``) use when no stories folder is given."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_stories_dir", "reader_library"]


def default_stories_dir() -> Path:
    """The bundled stories: inside the installed package, or the repo's ``stories/``."""
    package = Path(__file__).resolve().parents[1]  # tui_reader/
    for candidate in (package / "bundled_stories", package.parent / "stories"):
        if candidate.is_dir():
            return candidate
    return package / "bundled_stories"


def reader_library(stories_dir: Path | None, data_dir: Path) -> list[Path]:
    """The folders the reader shows: the one given, else the bundled stories plus the
    default feeds folder (``<data dir>/feeds``, where feeds added without ``--stories`` go)."""
    if stories_dir is not None:
        return [stories_dir]
    from tui_reader.core.paths import default_feeds_library

    feeds = default_feeds_library(data_dir)
    return [default_stories_dir(), *([feeds] if feeds.is_dir() else [])]

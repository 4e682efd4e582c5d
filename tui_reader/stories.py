"""Story files: decoding, parsing the seed format and front matter, and story identity.

Pure module: no Textual, no IO beyond reading the one file asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

STORY_SUFFIXES = frozenset({".md", ".markdown", ".txt"})


@dataclass(frozen=True)
class Story:
    """A parsed story: header fields plus the Markdown body (already sanitized)."""

    path: Path
    title: str
    byline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    body: str = ""
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def story_id(self) -> str:
        """The stable identity used by bookmarks and annotations (see :func:`story_id`)."""
        return story_id(self.title, self.byline, self.date, self.url, self.path)


@dataclass(frozen=True)
class StoryError:
    """A file in the library that could not be read as a story, with a specific reason."""

    path: Path
    reason: str


def story_id(
    title: str, byline: str | None, date: dt.date | None, url: str | None, path: Path
) -> str:
    """Return the stable id of a story (placeholder; see the parser issue)."""
    if url:
        return "url:" + url
    return "path:" + path.name


def load_story(path: Path) -> Story | StoryError:
    """Read and parse one story file; never raises for bad content."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return StoryError(path, str(exc))
    return parse_story_text(text, path=path)


def parse_story_text(text: str, *, path: Path, encoding: str = "utf-8") -> Story:
    """Parse decoded story text (placeholder implementation)."""
    title = path.stem
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            lines = lines[:i] + lines[i + 1 :]
            break
    return Story(path=path, title=title, body="\n".join(lines), encoding=encoding)

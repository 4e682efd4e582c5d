"""What a note is about, for notes leaving the reader: the story's title, byline, date, URL
and tags, and the IRI that names it in other tools.

A story with a source URL is named by that URL (W3C ``target.source``, Hypothesis ``uri``);
one without (a local file) by a ``urn:tui-reader:story:<story id>`` URN, so that an exported
note comes back to the same story. The story file is read (once per story) for its current
metadata; when it is gone, what the store remembered is used. Pure module: no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from tui_reader.core.stories import StoryError, StoryMeta, normalize_url, read_meta
from tui_reader.core.story import base_of
from tui_reader.core.textsafe import sanitize_line
from tui_reader.storage.records import Annotation, Bookmark

__all__ = [
    "STORY_URN",
    "StoryInfo",
    "StoryResolver",
    "source_of",
    "story_id_of_source",
    "web_url",
]

STORY_URN = "urn:tui-reader:story:"
"""The prefix of the URN naming a story that has no source URL."""


def web_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def source_of(story_id: str, url: str | None) -> str:
    """The IRI naming a story in exports: its URL, else one rebuilt from a ``url:`` id, else
    a ``urn:tui-reader:story:`` URN carrying the story id."""
    if url and web_url(url):
        return url
    rebuilt = "https://" + base_of(story_id).removeprefix("url:")
    if story_id.startswith("url:") and web_url(rebuilt):
        return rebuilt
    return STORY_URN + quote(story_id, safe=":/@!$&'()*+,;=-._~")


def story_id_of_source(source: str) -> str | None:
    """The story id an imported note's source points to (None when it names nothing usable):
    ``url:<normalized URL>`` for a web address, the id inside our own URN."""
    source = source.strip()
    if source.startswith(STORY_URN):
        return unquote(source.removeprefix(STORY_URN)) or None
    if not web_url(source):
        return None
    norm = normalize_url(source)
    return "url:" + norm if norm else None


@dataclass(frozen=True)
class StoryInfo:
    """A story as an export describes it. Every field is terminal-safe text."""

    story_id: str
    title: str
    url: str | None = None
    author: str | None = None
    date: dt.date | None = None
    path: str = ""
    tags: tuple[str, ...] = ()
    """The tags of the story's bookmark."""
    found: bool = False
    """The story file was read (its metadata is current)."""

    @property
    def source(self) -> str:
        """The IRI naming the story (see :func:`source_of`)."""
        return source_of(self.story_id, self.url)


class StoryResolver:
    """Describes the stories notes are on: from the library's index when it knows them, else
    from each story file (read at most once)."""

    def __init__(
        self,
        bookmarks: dict[str, Bookmark],
        known: Callable[[str], StoryMeta | None] | None = None,
    ) -> None:
        self.bookmarks = bookmarks
        self.known = known
        self._seen: dict[str, StoryInfo] = {}

    def info(self, annotation: Annotation) -> StoryInfo:
        """The story ``annotation`` is on."""
        sid = annotation.story_id
        known = self._seen.get(sid)
        if known is None:
            known = self._read(sid, annotation.story_title, annotation.story_path)
            self._seen[sid] = known
        return known

    def of_bookmark(self, bookmark: Bookmark) -> StoryInfo:
        """The story a bookmark is on."""
        known = self._seen.get(bookmark.story_id)
        if known is None:
            known = self._read(bookmark.story_id, bookmark.title, bookmark.path)
            self._seen[bookmark.story_id] = known
        return known

    def _read(self, story_id: str, title: str, path: str) -> StoryInfo:
        mark = self.bookmarks.get(story_id)
        tags = tuple(sanitize_line(t) for t in mark.tags) if mark else ()
        path = path or (mark.path if mark else "")
        meta: StoryMeta | StoryError | None = self.known(story_id) if self.known else None
        if meta is not None and meta.path.is_file():
            path = str(meta.path)  # the index knows it: its file need not be read
        elif path and Path(path).is_file():
            meta = read_meta(Path(path))
        else:
            meta = None
        # A file read here has its own identity, not the id its library may have given it.
        if isinstance(meta, StoryMeta) and meta.identity == base_of(story_id):
            return StoryInfo(
                story_id, meta.title, meta.url, meta.byline, meta.date, path, tags, found=True
            )
        url = "https://" + base_of(story_id)[4:] if story_id.startswith("url:") else None
        fallback = title or (mark.title if mark else "") or story_id
        return StoryInfo(story_id, sanitize_line(fallback), url, None, None, path, tags)

"""The story model and its identity: what a story is, and which id its notes are kept under.

Pure module: no Textual, no IO. Reading story files is :mod:`tui_reader.core.stories`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.core.story_text import fold
from tui_reader.core.urls import web_url

__all__ = [
    "Story",
    "StoryError",
    "StoryMeta",
    "base_of",
    "normalize_url",
    "story_id",
    "url_domain",
    "with_disambiguator",
]


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
    title_from_file: bool = False
    """True when no heading or front matter gave a title, so it was derived from the file name."""
    feed: str | None = None
    """The feed the story was imported from (front matter ``feed:``), if any."""
    library_id: str | None = None
    """The id its library gave the story because another file has the same identity
    (:func:`tui_reader.library.identity.assign_ids`); None: the story's own identity."""
    stamp: tuple[int, int] | None = field(default=None, compare=False)
    """The file as it was when read, ``(mtime_ns, size)`` (None: not read from a file): a
    later look at the file tells whether what was found in its text still holds."""

    @property
    def identity(self) -> str:
        """The identity the file itself gives the story (see :func:`story_id`)."""
        return story_id(
            self.title, self.byline, self.date, self.url, self.path, self.title_from_file
        )

    @property
    def story_id(self) -> str:
        """The id its bookmark and annotations are kept under: its identity, made unique in
        its library when other files share it."""
        return self.library_id or self.identity

    @property
    def source(self) -> str | None:
        """The domain of the source URL, e.g. ``themoscowtimes.com``."""
        return url_domain(self.url)


@dataclass(frozen=True)
class StoryError:
    """A file in the library that could not be read as a story, with a specific reason."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class StoryMeta:
    """What the story list needs to know about a story, without its body."""

    path: Path
    story_id: str
    title: str
    date: dt.date | None
    byline: str | None
    url: str | None
    source: str | None
    size: int
    mtime_ns: int
    warnings: tuple[str, ...] = ()
    feed: str | None = None
    base_id: str | None = None
    """The file's own identity when its library gave it another ``story_id`` (other files
    share that identity); None when ``story_id`` is the identity."""

    @property
    def identity(self) -> str:
        """The identity the file itself gives the story (see :func:`story_id`)."""
        return self.base_id or self.story_id


# --- identity ---------------------------------------------------------------------------------


def normalize_url(url: str | None) -> str | None:
    """Return ``url`` without scheme, fragment or trailing slash and with a lower-case host.

    Returns None for None or junk such as ``#`` that leaves nothing to identify.
    """
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    norm = parts.netloc.lower() + rest
    return norm or None


_DISAMBIGUATED = re.compile(r"(?P<base>.+)#(?P<tag>[0-9a-f]{8})")


def with_disambiguator(identity: str, key: str) -> str:
    """``identity`` made unique by ``key`` (the file's place in its library): ``<id>#<8 hex>``.

    ``#`` never ends a story's own identity: a URL's fragment is dropped, a ``meta:`` id is hex
    and a ``path:`` id ends with the file's suffix.
    """
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{identity}#{digest}"


def base_of(sid: str) -> str:
    """The identity a story id was made from (:func:`with_disambiguator`), or ``sid`` itself."""
    found = _DISAMBIGUATED.fullmatch(sid)
    return found["base"] if found else sid


def url_domain(url: str | None) -> str | None:
    """Return the host of ``url`` without ``www.`` (e.g. ``themoscowtimes.com``), or None."""
    try:
        host = urlsplit(url or "").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def story_id(
    title: str,
    byline: str | None,
    date: dt.date | None,
    url: str | None,
    path: Path,
    title_from_file: bool = False,
) -> str:
    """Return the stable identity of a story, which keys its bookmarks and annotations.

    The rule, first match wins:

    1. ``url:<normalized source url>`` when the story has a source URL, an absolute
       ``http(s)`` address with a host (:func:`tui_reader.core.urls.web_url`: not a permalink
       template, a relative path or ``#``). Normalized: scheme dropped (``http`` and ``https``
       are the same story), host lower-cased, fragment and trailing slash removed. Survives
       renaming, moving and editing the file.
    2. ``meta:<16 hex digits>``, the start of the sha256 of the casefolded, whitespace-collapsed
       title, the ISO date and the byline, when the title came from a heading or front matter.
       Survives renaming, moving and body edits; changes when the title, date or byline does.
    3. ``path:<file name>`` otherwise (the title was derived from the file name). Survives
       moving the file to another folder and editing it, not renaming it.

    This is the file's own identity; when several files of a library have the same one, the
    library tells them apart (:func:`with_disambiguator`).
    """
    norm = normalize_url(web_url(url))
    if norm:
        return "url:" + norm
    if not title_from_file:
        key = "\x1f".join((fold(title), date.isoformat() if date else "", fold(byline)))
        return "meta:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
    return "path:" + path.name

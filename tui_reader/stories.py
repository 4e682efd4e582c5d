"""Story files: decoding, parsing the seed format and front matter, and story identity.

A story file is ``.md``, ``.markdown`` or ``.txt``. Two header styles are understood:

* the seed format: a ``# Title`` heading, a ``By ...`` line, a date line, the Markdown body, and a
  footer ``Original url:`` followed (possibly after blank lines) by ``<url>``;
* YAML (``---``) or TOML (``+++``) front matter with ``title``, ``author``, ``date``,
  ``url``/``link``/``source`` and ``tags``.

Header and footer lines are removed from the body; paragraphs broken mid-sentence by scraping are
joined back. Bad content never raises: :func:`load_story` returns a :class:`StoryError` with a
specific reason, and every string of a :class:`Story` is passed through
:func:`tui_reader.textsafe.sanitize`. Pure module: no Textual, no IO beyond the one file asked for.

This module owns the story model, identity and reading files (in steps a caller can stop
between: :class:`StoryReader`); the header and footer layout is :mod:`tui_reader.story_text`,
date formats :mod:`tui_reader.dates`, front matter fields :mod:`tui_reader.frontmatter`, and
Markdown-to-text helpers :mod:`tui_reader.markdown_text`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.dates import parse_date
from tui_reader.markdown_text import join_broken_paragraphs, rejoined
from tui_reader.story_text import STORY_SUFFIXES, Parsed, fold, parse_text, title_from_name
from tui_reader.textsafe import decode_bytes, sanitize, sanitize_line

__all__ = [
    "MAX_STORY_BYTES",
    "STORY_SUFFIXES",
    "Story",
    "StoryError",
    "StoryMeta",
    "StoryReader",
    "load_story",
    "normalize_url",
    "parse_date",
    "parse_story_text",
    "read_meta",
    "story_id",
    "title_from_name",
    "url_domain",
]

#: Files larger than this are listed as errors rather than read into memory.
MAX_STORY_BYTES = 32 * 1024 * 1024


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

    @property
    def story_id(self) -> str:
        """The stable identity used by bookmarks and annotations (see :func:`story_id`)."""
        return story_id(
            self.title, self.byline, self.date, self.url, self.path, self.title_from_file
        )

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

    1. ``url:<normalized source url>`` when the story has a source URL. Normalized: scheme
       dropped (``http`` and ``https`` are the same story), host lower-cased, fragment and
       trailing slash removed. Survives renaming, moving and editing the file.
    2. ``meta:<16 hex digits>``, the start of the sha256 of the casefolded, whitespace-collapsed
       title, the ISO date and the byline, when the title came from a heading or front matter.
       Survives renaming, moving and body edits; changes when the title, date or byline does.
    3. ``path:<file name>`` otherwise (the title was derived from the file name). Survives
       moving the file to another folder and editing it, not renaming it.
    """
    norm = normalize_url(url)
    if norm:
        return "url:" + norm
    if not title_from_file:
        key = "\x1f".join((fold(title), date.isoformat() if date else "", fold(byline)))
        return "meta:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
    return "path:" + path.name


def _parse(text: str, name: str, *, with_body: bool) -> Parsed:
    out, body = parse_text(sanitize(text), name)
    if with_body:
        out.body = join_broken_paragraphs(body)
    return out


# --- reading files ----------------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes, os.stat_result] | StoryError:
    try:
        # O_NONBLOCK: a FIFO named like a story must not hang the reader.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return StoryError(path, f"cannot read file: {exc.strerror or type(exc).__name__}")
    try:
        with open(fd, "rb") as fh:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                return StoryError(path, "cannot read file: Is a directory")
            if not stat.S_ISREG(info.st_mode):
                return StoryError(path, "not a regular file")
            if info.st_size > MAX_STORY_BYTES:
                return StoryError(path, f"file too large ({info.st_size // 2**20} MiB)")
            return fh.read(MAX_STORY_BYTES + 1), info
    except OSError as exc:
        return StoryError(path, f"cannot read file: {exc.strerror or type(exc).__name__}")


def _load(path: Path, *, with_body: bool) -> tuple[Parsed, str, os.stat_result] | StoryError:
    read = _read(path)
    if isinstance(read, StoryError):
        return read
    decoded = decode_bytes(read[0])
    if isinstance(decoded, str):
        return StoryError(path, decoded)
    text, encoding, warnings = decoded
    parsed = _parse(text, path.name, with_body=with_body)
    parsed.warnings[:0] = warnings
    return parsed, encoding, read[1]


# Printable ASCII, tab and newline: text of nothing else is what sanitize() leaves unchanged.
_PLAIN_ASCII = bytes([9, 10, *range(32, 127)])
_SANITIZE_PIECE = 1 << 20


def _sanitized(text: str) -> Iterator[None | str]:
    """Sanitize ``text`` a megabyte at a time; yields None between pieces, the result last."""
    if text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII):
        yield text  # a quick look, in C: nothing to remove
        return
    pieces: list[str] = []
    start = 0
    while start < len(text):
        stop = start + _SANITIZE_PIECE
        if text[stop - 1 : stop + 1] == "\r\n":
            stop += 1  # a CRLF is one line break: never cut between its two halves
        pieces.append(sanitize(text[start:stop]))
        start = stop
        yield None
    yield "".join(pieces)


def _rstripped(pieces: Iterator[str]) -> Iterator[str]:
    """``pieces`` with the white space at the end of their concatenation removed."""
    last: str | None = None
    blank: list[str] = []
    for piece in pieces:
        if piece and not piece.isspace():
            if last is not None:
                yield last
            yield from blank
            last, blank = piece, []
        else:
            blank.append(piece)
    if last is not None:
        yield last.rstrip()


class StoryReader:
    """Reads one story in steps short enough for a caller to stop between any two.

    :meth:`open` reads and decodes the file and parses its header and footer; :meth:`body`
    then cleans up the body a piece at a time. :func:`load_story` runs both to the end.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.story: Story | StoryError | None = None
        """Once :meth:`open` is done: the story, with an empty body (:meth:`body` has it),
        or why it cannot be read."""
        self.body_length = 0
        """The length of the body before its clean-up."""
        self.defines_links = False
        """Whether the body may define link references (``[label]: url``), which apply to the
        whole body (so it must be parsed in one piece)."""
        self._body = ""

    def open(self) -> Iterator[None]:
        """Read the file and its header and footer, yielding between steps."""
        read = _read(self.path)
        if isinstance(read, StoryError):
            self.story = read
            return
        yield
        decoded = decode_bytes(read[0])
        del read  # the bytes: a 30 MB story should not be held twice over
        if isinstance(decoded, str):
            self.story = StoryError(self.path, decoded)
            return
        yield
        text, encoding, warnings = decoded
        clean = ""
        for step in _sanitized(text):
            if step is None:
                yield
            else:
                clean = step
        del text
        parsed, self._body = parse_text(clean, self.path.name)
        parsed.warnings[:0] = warnings
        self.body_length = len(self._body)
        self.defines_links = "]:" in self._body
        self.story = _to_story(parsed, self.path, encoding)

    def body(self) -> Iterator[str]:
        """The body, cleaned up (see :func:`tui_reader.markdown_text.rejoined`), in pieces.

        Concatenated, the pieces are the ``body`` :func:`load_story` gives; no piece but the
        last splits a paragraph from the next.
        """
        body, self._body = self._body, ""
        return _rstripped(rejoined(body))


def load_story(path: Path) -> Story | StoryError:
    """Read and parse one story file; never raises for bad content.

    Returns the :class:`Story`, or a :class:`StoryError` with a specific reason (``empty file``,
    ``binary file (contains NUL bytes)``, ``cannot read file: Permission denied``...).
    """
    reader = StoryReader(path)
    for _ in reader.open():
        pass
    if not isinstance(reader.story, Story):
        return reader.story or StoryError(path, "cannot read file")
    return replace(reader.story, body="".join(reader.body()))


def parse_story_text(
    text: str, *, path: Path, encoding: str = "utf-8", warnings: tuple[str, ...] = ()
) -> Story:
    """Parse already decoded story ``text`` read from ``path`` (used for the fallback title)."""
    parsed = _parse(text, path.name, with_body=True)
    parsed.warnings[:0] = warnings
    return _to_story(parsed, path, encoding)


def _to_story(p: Parsed, path: Path, encoding: str) -> Story:
    return Story(
        path=path,
        title=p.title,
        byline=p.byline,
        date=p.date,
        url=p.url,
        tags=p.tags,
        body=p.body.strip("\n").rstrip(),
        encoding=encoding,
        warnings=tuple(sanitize_line(w) for w in p.warnings),
        title_from_file=p.title_from_file,
        feed=p.feed,
    )


def read_meta(path: Path) -> StoryMeta | StoryError:
    """Read what the story list needs about one file (skips the body clean-up).

    Returns its :class:`StoryMeta` with the file's size and mtime, or a :class:`StoryError`.
    """
    loaded = _load(path, with_body=False)
    if isinstance(loaded, StoryError):
        return loaded
    p, _encoding, info = loaded
    return StoryMeta(
        path=path,
        story_id=story_id(p.title, p.byline, p.date, p.url, path, p.title_from_file),
        title=p.title,
        date=p.date,
        byline=p.byline,
        url=p.url,
        source=url_domain(p.url),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        warnings=tuple(sanitize_line(w) for w in p.warnings),
        feed=p.feed,
    )

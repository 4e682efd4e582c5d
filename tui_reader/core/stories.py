"""Story files: decoding, parsing the seed format and front matter, and story identity.

A story file is ``.md``, ``.markdown`` or ``.txt``, or a saved web page (``.html``, ``.htm``),
whose article is extracted as a saved URL's is (:mod:`tui_reader.core.html.extract`, imported only
when a page is read). Two header styles are understood for text files:

* the seed format: a ``# Title`` heading, a ``By ...`` line, a date line, the Markdown body, and a
  footer ``Original url:`` followed (possibly after blank lines) by ``<url>``;
* YAML (``---``) or TOML (``+++``) front matter with ``title``, ``author``, ``date``,
  ``url``/``link``/``source`` and ``tags``.

Header and footer lines are removed from the body; paragraphs broken mid-sentence by scraping are
joined back. Bad content never raises: :func:`load_story` returns a :class:`StoryError` with a
specific reason, and every string of a :class:`Story` is passed through
:func:`tui_reader.core.textsafe.sanitize`. Pure module: no Textual, no IO beyond the one file
asked for.

This module owns reading files (in steps a caller can stop between: :class:`StoryReader`); the
story model and its identity are :mod:`tui_reader.core.story` (re-exported here), the header and
footer layout :mod:`tui_reader.core.story_text`, date formats :mod:`tui_reader.core.dates`, front
matter fields :mod:`tui_reader.core.frontmatter`, Markdown-to-text helpers
:mod:`tui_reader.core.markdown_text`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tui_reader.core.decode import decode_text_file
from tui_reader.core.markdown_text import join_broken_paragraphs, rejoined
from tui_reader.core.story import (
    Story,
    StoryError,
    StoryMeta,
    normalize_url,
    story_id,
    url_domain,
)
from tui_reader.core.story_text import (
    HTML_SUFFIXES,
    STORY_SUFFIXES,
    Parsed,
    parse_text,
    title_from_name,
)
from tui_reader.core.textsafe import sanitize, sanitize_line
from tui_reader.core.urls import web_url

__all__ = [
    "MAX_STORY_BYTES",
    "HTML_SUFFIXES",
    "STORY_SUFFIXES",
    "Story",
    "StoryError",
    "StoryMeta",
    "StoryReader",
    "load_story",
    "normalize_url",
    "parse_story_text",
    "read_meta",
    "story_id",
    "title_from_name",
    "url_domain",
]

#: Files larger than this are listed as errors rather than read into memory.
MAX_STORY_BYTES = 32 * 1024 * 1024
#: Paragraphs per piece of a body: a long read's first chunk (20,000 characters) can end after
#: a few dozen, so its first screen waits for those, not for the whole story to be parsed.
BODY_STEP = 64


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
            # Asked for the size fstat gives (and a byte more, to see a file that grew), not
            # for the cap: a read of 32 MB allocates that much first, ~70 us of a 5 KB story.
            data = fh.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew (or fstat says 0): the rest, to the cap
                data += fh.read(MAX_STORY_BYTES + 1 - len(data))
            return data, info
    except OSError as exc:
        return StoryError(path, f"cannot read file: {exc.strerror or type(exc).__name__}")


def _parse_html(path: Path, data: bytes) -> Parsed | StoryError:
    """A saved web page's article as a parsed story, or why the page holds none."""
    # Imported here: extraction (trafilatura) costs ~0.3 s to import.
    from tui_reader.core.html.extract import NotArticle, check_html, decode_html, extract_article

    if not data.strip():
        return StoryError(path, "empty file")
    try:
        check_html(data, None)
        article = extract_article(decode_html(data, None), None)
    except NotArticle as exc:
        return StoryError(path, str(exc))
    return Parsed(
        title=article.title,
        byline=article.byline,
        date=article.date,
        url=web_url(article.canonical),
        body=article.markdown,
    )


def _load(path: Path, *, with_body: bool) -> tuple[Parsed, str, os.stat_result] | StoryError:
    read = _read(path)
    if isinstance(read, StoryError):
        return read
    if path.suffix.lower() in HTML_SUFFIXES:
        page = _parse_html(path, read[0])
        return page if isinstance(page, StoryError) else (page, "utf-8", read[1])
    decoded = decode_text_file(read[0])
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
        self._rejoin = True

    def open(self) -> Iterator[None]:
        """Read the file and its header and footer, yielding between steps."""
        read = _read(self.path)
        if isinstance(read, StoryError):
            self.story = read
            return
        yield
        if self.path.suffix.lower() in HTML_SUFFIXES:
            page = _parse_html(self.path, read[0])
            if isinstance(page, StoryError):
                self.story = page
                return
            # An extracted article's paragraphs are the page's own: nothing to rejoin.
            self._body, page.body, self._rejoin = page.body, "", False
            self.body_length = len(self._body)
            self.story = _to_story(page, self.path, "utf-8", read[1])
            return
        decoded, info = decode_text_file(read[0]), read[1]
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
        self.story = _to_story(parsed, self.path, encoding, info)

    def body(self) -> Iterator[str]:
        """The body, cleaned up (see :func:`tui_reader.core.markdown_text.rejoined`), in pieces.

        Concatenated, the pieces are the ``body`` :func:`load_story` gives; no piece but the
        last splits a paragraph from the next.
        """
        body, self._body = self._body, ""
        return _rstripped(rejoined(body, step=BODY_STEP) if self._rejoin else iter([body]))


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


def _to_story(p: Parsed, path: Path, encoding: str, info: os.stat_result | None = None) -> Story:
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
        stamp=(info.st_mtime_ns, info.st_size) if info is not None else None,
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

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

This module owns the story model, identity, the header/footer layout and reading files; date
formats are :mod:`tui_reader.core.dates`, front matter fields
:mod:`tui_reader.core.frontmatter`, and Markdown-to-text helpers
:mod:`tui_reader.core.markdown_text`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.core.dates import parse_date
from tui_reader.core.decode import decode_text_file
from tui_reader.core.frontmatter import parse_front_matter
from tui_reader.core.markdown_text import first_heading, inline_text, join_broken_paragraphs
from tui_reader.core.textsafe import sanitize, sanitize_line

__all__ = [
    "MAX_STORY_BYTES",
    "HTML_SUFFIXES",
    "STORY_SUFFIXES",
    "Story",
    "StoryError",
    "StoryMeta",
    "load_story",
    "normalize_url",
    "parse_date",
    "parse_story_text",
    "read_meta",
    "story_id",
    "title_from_name",
    "url_domain",
]

STORY_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
"""Story files read as web pages: the article is extracted, the rest of the page dropped."""
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


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


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
        key = "\x1f".join((_fold(title), date.isoformat() if date else "", _fold(byline)))
        return "meta:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
    return "path:" + path.name


# --- parsing ----------------------------------------------------------------------------------

_BYLINE = re.compile(r"[*_]*by\s+(?P<by>.+?)[*_]*", re.I)
_ORIGINAL = re.compile(r"[*_]*original\s+url\s*:?[*_]*\s*(?P<url>\S*)", re.I)
_URL_LINE = re.compile(r"<?(?P<url>(?:[a-z][a-z0-9+.-]*://|www\.)[^\s>]+)>?", re.I)
_NUMERIC_PREFIX = re.compile(r"^(?:\d+(?:[-_. ]+|$))+")
_HASHLIKE = re.compile(r"[0-9a-f]{8,}", re.I)


def title_from_name(name: str, hint: str = "") -> str:
    """Derive a title from a file name: ``my-great_story.md`` -> ``My great story``.

    A leading numeric prefix (``000_``, ``2021-09-15-``) is dropped; when nothing meaningful is
    left (``000_8fca52f5ebd7e4f3.txt``) ``hint`` (the first line of the body) is used instead.
    """
    stem = Path(name).stem if Path(name).suffix.lower() in STORY_SUFFIXES else name
    words = " ".join(re.sub(r"[-_]+", " ", _NUMERIC_PREFIX.sub("", stem)).split())
    if not words or _HASHLIKE.fullmatch(words):
        words = (hint[:77] + "…" if len(hint) > 80 else hint) or stem
    words = sanitize_line(words) or "Untitled"
    return words[:1].upper() + words[1:]


@dataclass
class _Parsed:
    title: str = ""
    title_from_file: bool = False
    byline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    feed: str | None = None
    body: str = ""
    warnings: list[str] = field(default_factory=list)


def _parse_text(text: str, name: str, *, with_body: bool) -> _Parsed:
    out = _Parsed()
    lines = sanitize(text).split("\n")
    n = len(lines)
    start = next((i for i, line in enumerate(lines) if line.strip()), n)
    if start < n and lines[start].rstrip() in ("---", "+++"):
        delim = lines[start].rstrip()
        ends = (delim, "...") if delim == "---" else (delim,)
        close = next((j for j in range(start + 1, n) if lines[j].rstrip() in ends), None)
        if close is None:
            out.warnings.append(
                f"front matter opened with {delim!r} on line {start + 1} is never closed; "
                "read as plain text"
            )
        else:
            meta = parse_front_matter("\n".join(lines[start + 1 : close]), delim, out.warnings)
            if meta is not None:
                out.title, out.byline, out.date = meta.title, meta.byline, meta.date
                out.url, out.tags, out.feed = meta.url, meta.tags, meta.feed
                start = close + 1
    removed: set[int] = set()
    j = next((i for i in range(start, n) if lines[i].strip()), n)
    if j < n and lines[j].startswith("# "):
        heading = inline_text(lines[j][2:].strip().rstrip("#"))
        # The heading repeats a front-matter title; compare them as the same plain text.
        if not out.title or _fold(heading) in (_fold(out.title), _fold(inline_text(out.title))):
            out.title = out.title or heading
            removed.add(j)
            for k in range(j + 1, min(n, j + 12)):
                line = lines[k].strip()
                if not line:
                    continue
                by = _BYLINE.fullmatch(line) if len(line) < 200 else None
                # A header line repeating the front matter's byline or date is header too.
                if by and line[-1] not in ".!?" and out.byline in (None, inline_text(by["by"])):
                    out.byline = inline_text(by["by"])
                elif (date := parse_date(inline_text(line))) and out.date in (None, date):
                    out.date = date
                else:
                    break
                removed.add(k)
    end = n
    while end > start and not lines[end - 1].strip():
        end -= 1
    if end > start:
        url_m = _URL_LINE.fullmatch(lines[end - 1].strip())
        orig = _ORIGINAL.fullmatch(lines[end - 1].strip())
        if orig and orig["url"] and (url_m := _URL_LINE.fullmatch(orig["url"])):
            out.url, end = out.url or url_m["url"], end - 1
        elif url_m:
            k = end - 2
            while k >= start and not lines[k].strip():
                k -= 1
            if k >= start and (orig := _ORIGINAL.fullmatch(lines[k].strip())) and not orig["url"]:
                out.url, end = out.url or url_m["url"], k
    body_lines = [lines[i] for i in range(start, end) if i not in removed]
    if not out.title:
        out.title = first_heading(body_lines)
    if not out.title:
        hint = next((inline_text(line) for line in body_lines if line.strip()), "")
        out.title, out.title_from_file = title_from_name(name, hint), True
    if with_body:
        out.body = join_broken_paragraphs(body_lines)
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


def _parse_html(path: Path, data: bytes) -> _Parsed | StoryError:
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
    return _Parsed(
        title=article.title,
        byline=article.byline,
        date=article.date,
        url=article.canonical,
        body=article.markdown,
    )


def _load(path: Path, *, with_body: bool) -> tuple[_Parsed, str, os.stat_result] | StoryError:
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
    parsed = _parse_text(text, path.name, with_body=with_body)
    parsed.warnings[:0] = warnings
    return parsed, encoding, read[1]


def load_story(path: Path) -> Story | StoryError:
    """Read and parse one story file; never raises for bad content.

    Returns the :class:`Story`, or a :class:`StoryError` with a specific reason (``empty file``,
    ``binary file (contains NUL bytes)``, ``cannot read file: Permission denied``...).
    """
    loaded = _load(path, with_body=True)
    if isinstance(loaded, StoryError):
        return loaded
    return _to_story(loaded[0], path, loaded[1])


def parse_story_text(
    text: str, *, path: Path, encoding: str = "utf-8", warnings: tuple[str, ...] = ()
) -> Story:
    """Parse already decoded story ``text`` read from ``path`` (used for the fallback title)."""
    parsed = _parse_text(text, path.name, with_body=True)
    parsed.warnings[:0] = warnings
    return _to_story(parsed, path, encoding)


def _to_story(p: _Parsed, path: Path, encoding: str) -> Story:
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

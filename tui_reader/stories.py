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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_reader.textsafe import decode_bytes, sanitize, sanitize_line

STORY_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
#: Files larger than this are listed as errors rather than read into memory.
MAX_STORY_BYTES = 32 * 1024 * 1024
_MAX_FRONT_MATTER = 64 * 1024
_MAX_FIELD = 1000


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


# --- dates ------------------------------------------------------------------------------------

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PRE = r"(?:(?:published|updated|posted|date)(?:\s+on)?\s*:?\s*)?(?:[a-z]{3,9}\.?,?\s+)??"
_TAIL = (
    r"(?:[\s,T|·–—-]+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:z|[a-z]{2,5}|[+-]\d{2}:?\d{2})?)?\s*"
)
_DATE_RES = [
    re.compile(_PRE + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TAIL, re.I),
    re.compile(
        _PRE + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>\d{4})" + _TAIL,
        re.I,
    ),
    re.compile(_PRE + r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TAIL, re.I),
    re.compile(_PRE + r"(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})" + _TAIL, re.I),
]


def parse_date(text: str) -> dt.date | None:
    """Parse a date line in any common format, or return None.

    Understands ``September 15, 2021``, ``Sept. 15th, 2021``, ``15 Sep 2021``, ISO 8601 dates and
    datetimes, ``2021/09/15``, RFC 2822 (``Wed, 15 Sep 2021 10:00:00 +0000``), ``15.09.2021`` and
    ``09/15/2021`` (``a/b/yyyy`` is month first unless the first number is over 12). A
    ``Published:``-style prefix and a trailing time are allowed. The date is taken as written,
    without time-zone conversion.
    """
    text = text.strip().strip("*_").strip()
    if len(text) > 80:
        return None
    for pattern in _DATE_RES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("mon"):
            month = _MONTHS.index(groups["mon"][:3].lower()) + 1
        else:
            month = int(groups["m"])
        day, year = int(groups["d"]), int(groups["y"])
        if pattern is _DATE_RES[3] and groups["s"] == "/" and day <= 12:
            day, month = month, day  # a/b/yyyy is US month-first unless a > 12
        try:
            return dt.date(year, month, day) if year >= 1000 else None
        except ValueError:
            return None
    return None


def _coerce_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


# --- parsing ----------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")
_BYLINE = re.compile(r"[*_]*by\s+(?P<by>.+?)[*_]*", re.I)
_ORIGINAL = re.compile(r"[*_]*original\s+url\s*:?[*_]*\s*(?P<url>\S*)", re.I)
_URL_LINE = re.compile(r"<?(?P<url>(?:[a-z][a-z0-9+.-]*://|www\.)[^\s>]+)>?", re.I)
_NUMERIC_PREFIX = re.compile(r"^(?:\d+(?:[-_. ]+|$))+")
_HASHLIKE = re.compile(r"[0-9a-f]{8,}", re.I)
_SPECIAL = re.compile(r" {4}|\t| {0,3}(?:[#>|<]|```|~~~|[-*+](?:\s|$)|\d+[.)](?:\s|$)|[=_-]{3})")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SENTENCE_END = frozenset('.!?:;"”’…')


def _inline_text(text: str) -> str:
    text = text[:_MAX_FIELD]  # bounds the regexes below on hostile one-line files
    text = _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text))
    return sanitize_line(_EMPHASIS.sub(r"\2", text))


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
    body: str = ""
    warnings: list[str] = field(default_factory=list)


def _front_matter(raw: str, delim: str, out: _Parsed) -> bool:
    """Fill ``out`` from front matter; return False when ``raw`` is not front matter at all."""
    kind = "TOML" if delim == "+++" else "YAML"
    load: Callable[[str], object]
    errors: tuple[type[Exception], ...]
    if kind == "TOML":
        import tomllib

        load, errors = tomllib.loads, (tomllib.TOMLDecodeError,)
    else:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        load, errors = (lambda raw: yaml.load(raw, Loader=loader)), (yaml.YAMLError,)
    try:
        if len(raw) > _MAX_FRONT_MATTER:
            raise ValueError("longer than 64 KiB")
        data = load(raw)
    except (*errors, ValueError, TypeError, OverflowError, RecursionError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        out.warnings.append(f"{kind} front matter ignored: {reason}")
        return False
    if not isinstance(data, dict):
        return False
    meta: dict[str, Any] = {str(k).lower(): v for k, v in data.items()}
    if isinstance(meta.get("title"), str | int | float):
        out.title = sanitize_line(str(meta["title"]))
    author = meta.get("author", meta.get("authors", meta.get("byline")))
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author if isinstance(a, str | int))
    if isinstance(author, str) and sanitize_line(author):
        out.byline = _inline_text(author)
    out.date = _coerce_date(meta.get("date", meta.get("published")))
    for key in ("url", "link", "source", "original_url", "canonical_url"):
        if isinstance(meta.get(key), str) and sanitize_line(meta[key]):
            out.url = sanitize_line(meta[key])
            break
    tags = meta.get("tags")
    if isinstance(tags, str):
        tags = tags.split(",")
    if isinstance(tags, list):
        clean = (sanitize_line(str(t)) for t in tags if isinstance(t, str | int | float))
        out.tags = tuple(t for t in clean if t)
    return True


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
        elif _front_matter("\n".join(lines[start + 1 : close]), delim, out):
            start = close + 1
    removed: set[int] = set()
    j = next((i for i in range(start, n) if lines[i].strip()), n)
    if j < n and lines[j].startswith("# "):
        heading = _inline_text(lines[j][2:].strip().rstrip("#"))
        if not out.title or _fold(heading) == _fold(out.title):
            out.title = out.title or heading
            removed.add(j)
            for k in range(j + 1, min(n, j + 12)):
                line = lines[k].strip()
                if not line:
                    continue
                by = _BYLINE.fullmatch(line) if len(line) < 200 else None
                if by and out.byline is None and line[-1] not in ".!?":
                    out.byline = _inline_text(by["by"])
                elif out.date is None and (date := parse_date(_inline_text(line))):
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
        out.title = _first_heading(body_lines)
    if not out.title:
        hint = next((_inline_text(line) for line in body_lines if line.strip()), "")
        out.title, out.title_from_file = title_from_name(name, hint), True
    if with_body:
        out.body = _join_broken_paragraphs(body_lines)
    return out


def _first_heading(lines: list[str]) -> str:
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if m and (not fence or m[1].startswith(fence)):
            fence = "" if fence else m[1]
        elif not fence and line.startswith("# "):
            return _inline_text(line[2:].strip().rstrip("#"))
    return ""


def _is_prose(block: list[str]) -> bool:
    return not any(_SPECIAL.match(line) or "|" in line for line in block)


def _join_broken_paragraphs(lines: list[str]) -> str:
    """Join blank-line-separated blocks back where scraping split a sentence in two.

    Two blocks are joined when both are plain prose (no heading, list item, quote, table, code
    fence, indented code or HTML), the first does not end in sentence punctuation, and the second
    starts with a lower-case letter. Fenced code is kept verbatim, blank lines included.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if fence:
            current.append(line)
            if m and m[1].startswith(fence) and not line.strip(" `~"):
                fence = ""
        elif m:
            current.append(line)
            fence = m[1]
        elif line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out: list[list[str]] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and block[0][:1].islower()
            and prev[-1].rstrip()[-1:] not in _SENTENCE_END
            and _is_prose(prev)
            and _is_prose(block)
        ):
            prev[-1] = prev[-1].rstrip() + " " + block[0]
            prev.extend(block[1:])
        else:
            out.append(block)
    return "\n\n".join("\n".join(block) for block in out)


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


def _load(path: Path, *, with_body: bool) -> tuple[_Parsed, str, os.stat_result] | StoryError:
    read = _read(path)
    if isinstance(read, StoryError):
        return read
    decoded = decode_bytes(read[0])
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
    )

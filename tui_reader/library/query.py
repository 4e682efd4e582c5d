"""The search language: a query string parsed into a small tree, or a one-line error.

::

    harbour budget            every word must match (stories' titles, bylines, bodies, notes)
    "exact phrase"            these words, in this order
    harb*                     words starting with "harb"
    -word  -"a phrase"        leave out what matches
    is:unread is:read is:bookmarked   has:note has:highlight
    tag:NAME feed:NAME by:NAME        (quote names with spaces: by:"Anna Novak")
    since:2021-09-01 until:2021-09    (a day, a month or a year)
    in:notes in:title                 search only your notes, or only titles

Filters combine with AND and can be negated (``-tag:work``). A word that looks like a filter
but is not one (``colour:red``) is an error, never a silent empty result; words with digits
before the colon (``10:30``) are plain words.

Pure module: no Textual. :func:`parse` raises :class:`QueryError` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from tui_reader.core.textfold import fold, spaced_cjk

__all__ = ["FACETS", "Facet", "Query", "QueryError", "Term", "parse"]

Scope = Literal["all", "notes", "title"]

FACETS: dict[str, tuple[str, ...]] = {
    "is": ("unread", "read", "bookmarked"),
    "has": ("note", "highlight"),
    "tag": (),
    "feed": (),
    "by": (),
    "since": (),
    "until": (),
    "in": ("notes", "title"),
}
"""Every filter name, with its allowed values (empty: any value)."""

_TOKEN = r'\s*(?P<neg>-)?(?:(?P<facet>[^\W\d_][\w-]*):)?(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))?'
_DATE = r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"


@cache
def _token() -> re.Pattern[str]:
    return re.compile(_TOKEN)  # on first use: nothing is compiled at import


class QueryError(ValueError):
    """The query cannot be run; the message says why, in one line for the user."""


@dataclass(frozen=True)
class Term:
    """A word or phrase of the query."""

    text: str
    phrase: bool = False
    prefix: bool = False
    """``word*``: any word starting with ``text``."""
    negated: bool = False


@dataclass(frozen=True)
class Facet:
    """A filter on stories: ``name:value``, maybe negated; ``value`` is folded."""

    name: str
    value: str
    negated: bool = False
    day: dt.date | None = None
    """For ``since:``/``until:``, the first (since) or last (until) day meant."""


@dataclass(frozen=True)
class Query:
    """A parsed query; empty terms and facets mean "everything"."""

    text: str = ""
    """The query as typed."""
    terms: tuple[Term, ...] = ()
    facets: tuple[Facet, ...] = ()
    scope: Scope = "all"
    """Where words are looked for: stories and notes, only notes, or only titles."""

    @property
    def positive(self) -> tuple[Term, ...]:
        """The words and phrases that must match."""
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        """The words and phrases that must not match."""
        return tuple(t for t in self.terms if t.negated)

    @property
    def empty(self) -> bool:
        """True when the query asks for nothing (every story)."""
        return not self.terms and not self.facets and self.scope == "all"

    def fts(self, *, title_only: bool = False) -> str | None:
        """The FTS5 MATCH expression of the words (None when there are no positive words).

        Every word is quoted, so nothing the user types is FTS syntax; CJK words become the
        phrase of their characters (see :func:`tui_reader.core.textfold.spaced_cjk`).
        """
        positive = " AND ".join(_fts_term(t) for t in self.positive)
        if not positive:
            return None
        expr = f"({positive})"
        if self.negative:
            expr += " NOT (" + " OR ".join(_fts_term(t) for t in self.negative) + ")"
        return f"title : ({expr})" if title_only else expr

    def fts_negative(self, *, title_only: bool = False) -> str | None:
        """MATCH expression for any negative word (for a query with only negative words)."""
        if not self.negative:
            return None
        expr = "(" + " OR ".join(_fts_term(t) for t in self.negative) + ")"
        return f"title : {expr}" if title_only else expr

    def find_words(self) -> list[tuple[str, bool]]:
        """The positive words and phrases as ``(text, prefix)``, to highlight in a story."""
        return [(t.text, t.prefix) for t in self.positive]


def _fts_term(term: Term) -> str:
    quoted = '"' + spaced_cjk(term.text).replace('"', '""') + '"'
    return quoted + ("*" if term.prefix else "")


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _day(name: str, value: str) -> dt.date:
    match = re.fullmatch(_DATE, value)
    if match is None:
        raise QueryError(f"{name}: wants a date like 2021-09-01 (or 2021-09, or 2021)")
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if name == "since":
            return dt.date(year, month or 1, day or 1)
        if day:
            return dt.date(year, month, day)
        if month:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, 12, 31)
    except ValueError:
        raise QueryError(f"{name}:{value} is not a date") from None


def _facet(name: str, value: str, negated: bool) -> Facet:
    allowed = FACETS[name]
    folded = fold(value).strip()
    if not folded:
        example = allowed[0] if allowed else "NAME"
        raise QueryError(f"{name}: needs a value, e.g. {name}:{example}")
    if allowed and folded not in allowed:
        raise QueryError(f"{name}:{value} is not known; use " + ", ".join(
            f"{name}:{v}" for v in allowed))  # fmt: skip
    day = _day(name, folded) if name in ("since", "until") else None
    return Facet(name, folded, negated, day)


def parse(text: str) -> Query:
    """Parse a query string.

    Raises:
        QueryError: an unknown filter, a bad value, an unclosed quote and the like.
    """
    if text.count('"') % 2:
        raise QueryError('A quote is not closed: add the closing "')
    terms: list[Term] = []
    facets: list[Facet] = []
    scopes: set[str] = set()
    position = 0
    while position < len(text):
        match = _token().match(text, position)
        if match is None or match.end() == position:
            break  # only whitespace is left
        position = match.end()
        negated = bool(match["neg"])
        name = match["facet"]
        quoted, bare = match["quoted"], match["bare"]
        if name is not None:
            key = name.casefold()
            if key not in FACETS:
                raise QueryError(
                    f"Unknown filter {name}: (filters: "
                    + " ".join(f"{f}:" for f in FACETS)
                    + "; quote a word with a colon)"
                )
            value = quoted if quoted is not None else (bare or "")
            if key == "in":
                if negated:
                    raise QueryError("in: cannot be negated; use in:notes or in:title")
                scopes.add(_facet(key, value, False).value)
            else:
                facets.append(_facet(key, value, negated))
            continue
        if quoted is not None:
            if _has_word(quoted):
                terms.append(Term(" ".join(quoted.split()), phrase=True, negated=negated))
            continue
        if bare is None:
            if negated:
                raise QueryError("A lone - must be followed by a word to leave out")
            continue
        prefix = bare.endswith("*")
        word = bare.rstrip("*")
        if prefix and not _has_word(word):
            raise QueryError("A * must follow the start of a word, as in harb*")
        if _has_word(word):
            terms.append(Term(word, prefix=prefix, negated=negated))
    if len(scopes) > 1:
        raise QueryError("Use one of in:notes and in:title, not both")
    scope: Scope = "notes" if "notes" in scopes else "title" if "title" in scopes else "all"
    return Query(text=text, terms=tuple(terms), facets=tuple(facets), scope=scope)

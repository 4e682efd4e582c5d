"""Dates as written in story headers and front matter.

Owns the date formats a story may use (``September 15, 2021``, ISO 8601, RFC 2822, ``15.09.2021``,
``09/15/2021``...) and turning front-matter values into dates. Pure module: no Textual, no IO.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = ["coerce_date", "parse_date"]

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


@functools.cache
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    # Compiled on first use, not at import: these four cost ~10 ms, and a warm start of the
    # reader parses no date before its first frame.
    return (
        re.compile(
            _PRE + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TAIL, re.I
        ),
        re.compile(
            _PRE
            + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            + _MON
            + r",?\s+(?P<y>\d{4})"
            + _TAIL,
            re.I,
        ),
        re.compile(
            _PRE + r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TAIL, re.I
        ),
        re.compile(
            _PRE + r"(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})" + _TAIL, re.I
        ),
    )


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
    patterns = _date_patterns()
    for pattern in patterns:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("mon"):
            month = _MONTHS.index(groups["mon"][:3].lower()) + 1
        else:
            month = int(groups["m"])
        day, year = int(groups["d"]), int(groups["y"])
        if pattern is patterns[3] and groups["s"] == "/" and day <= 12:
            day, month = month, day  # a/b/yyyy is US month-first unless a > 12
        try:
            return dt.date(year, month, day) if year >= 1000 else None
        except ValueError:
            return None
    return None


def coerce_date(value: object) -> dt.date | None:
    """Return the date a front-matter value stands for, or None.

    A TOML or YAML loader may already give a ``datetime`` (its date is kept) or a ``date``;
    a string is read with :func:`parse_date`; anything else is None.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None

"""What every import format is read into, and reading JSON fields with their place in the file.

A reader for a format turns a parsed JSON document into :class:`Incoming` notes (and, for our
own format, bookmarks). A field of the wrong type is :class:`Malformed`, naming the field by
its path (``rows[3].target[0].selector``), and stops the whole import before anything is
written; an annotation that is well-formed but cannot be a note here (a reply, a page note,
only unsupported selectors) is an :class:`Incoming` with a ``skip`` reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui_reader.anchoring import TextPositionSelector, TextQuoteSelector
from tui_reader.core.textsafe import sanitize, sanitize_line

__all__ = ["Incoming", "IncomingBookmark", "Malformed", "Node", "derived_id", "stamp"]

SUPPORTED = ("TextQuoteSelector", "TextPositionSelector")
"""The selectors tui-reader can anchor a note with."""


class Malformed(ValueError):
    """The file is not what its format says: ``where`` names the line or field."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what


@dataclass
class Incoming:
    """One annotation read from a file, before it is matched to a story."""

    where: str
    """Its place in the file, for the summary (``rows[2]``)."""
    ident: str = ""
    """The id it has in the file ("" when none)."""
    source: str = ""
    """The IRI of the document it is on (a URL or our story URN)."""
    story_id: str | None = None
    """Our story id, when the file says it (our own format)."""
    title: str = ""
    """The document's title, when the file says it."""
    selectors: list[dict[str, Any]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    """Types of the selectors that were not understood."""
    note: str = ""
    tags: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    skip: str | None = None
    """Why it cannot be imported, when it cannot."""


@dataclass(frozen=True)
class IncomingBookmark:
    """A bookmark read from our own format."""

    story_id: str
    tags: tuple[str, ...]
    title: str
    created: str


class Node:
    """A JSON value and its path in the file, with typed access that names the field."""

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        """Whether this is an object with ``key``."""
        return isinstance(self.value, Mapping) and key in self.value

    def get(self, key: str) -> Node:
        """The value at ``key`` (a null node when absent)."""
        value = self.value.get(key) if isinstance(self.value, Mapping) else None
        return Node(value, self._at(key))

    def text(self, key: str, default: str = "") -> str:
        """A string field (``default`` when absent or null)."""
        value = self.get(key).value
        if value is None:
            return default
        if not isinstance(value, str):
            raise Malformed(self._at(key), f"expected text, found {_kind(value)}")
        return value

    def items(self, key: str | None = None, *, lone: bool = True) -> list[Node]:
        """A list field as nodes (``lone``: one value where a list belongs is a list of it)."""
        node = self if key is None else self.get(key)
        value = node.value
        if value is None:
            return []
        if isinstance(value, list):
            return [Node(v, f"{node.path}[{i}]") for i, v in enumerate(value)]
        if lone:
            return [node]
        raise Malformed(node.path, f"expected a list, found {_kind(value)}")

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of strings (tags), cleaned: one line each, no empties, no repeats."""
        words: list[str] = []
        for item in self.items(key):
            if not isinstance(item.value, str):
                raise Malformed(item.path, f"expected text, found {_kind(item.value)}")
            words.append(sanitize_line(item.value))
        return tuple(dict.fromkeys(w for w in words if w))

    def obj(self) -> bool:
        """Whether this is a JSON object."""
        return isinstance(self.value, Mapping)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if isinstance(value, bool | dict | list | str):
        return names[type(value)]
    return "null" if value is None else "a number"


def stamp(node: Node, key: str) -> str:
    """A date-time field as our stamp (``2026-11-29T10:15:00.123456Z``, UTC); "" if absent."""
    value = node.text(key)
    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Malformed(f"{node.path}.{key}", f"{value[:40]!r} is not a date-time") from None
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def selectors(node: Node) -> tuple[list[dict[str, Any]], list[str]]:
    """The quote and position selectors among ``node``'s (a list or one selector), and the
    types of the others."""
    usable: list[dict[str, Any]] = []
    others: list[str] = []
    for item in node.items():
        if isinstance(item.value, str):
            others.append("an IRI")
            continue
        if not item.obj():
            raise Malformed(item.path, "expected a selector object")
        kind = item.text("type") or "a selector without a type"
        try:
            if kind == "TextQuoteSelector" and all(s["type"] != kind for s in usable):
                usable.append(TextQuoteSelector.from_dict(item.value).to_dict())
            elif kind == "TextPositionSelector" and all(s["type"] != kind for s in usable):
                usable.append(TextPositionSelector.from_dict(item.value).to_dict())
            elif kind not in SUPPORTED:
                others.append(sanitize_line(kind)[:60])
        except ValueError as exc:
            raise Malformed(item.path, str(exc)) from None
    for selector in usable:  # quotes are shown: no control characters
        if selector["type"] == "TextQuoteSelector":
            for key in ("exact", "prefix", "suffix"):
                selector[key] = sanitize(selector[key])
    return usable, list(dict.fromkeys(others))


def derived_id(ident: str, *parts: str) -> str:
    """Our id for an imported note: the UUID in a ``urn:uuid:`` id (so our own notes keep
    theirs), else one derived from its id in the file, else from what it says (so importing
    the same file twice finds the same ids)."""
    if ident.lower().startswith("urn:uuid:"):
        ident = ident[9:]
    try:
        return str(uuid.UUID(ident))
    except ValueError:
        pass
    key = ident or "\x1f".join(parts)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "tui-reader:import:" + key))


def valid(items: Sequence[Incoming]) -> list[Incoming]:
    """The ones not skipped."""
    return [item for item in items if item.skip is None]

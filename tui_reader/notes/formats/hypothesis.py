"""Annotations from Hypothesis (https://h.readthedocs.io/en/latest/api/), read for import.

Understands a search response (``{"total": N, "rows": [...]}``), a list of annotations, or one
annotation. Each has ``id``, ``uri``, ``text`` (the note), ``tags``, ``created``, ``updated``,
``document.title`` and ``target[]`` with ``source`` and ``selector[]`` (``RangeSelector``,
``TextPositionSelector``, ``TextQuoteSelector``). Replies (non-empty ``references``) and page
notes (no selector) are skipped with the reason.
"""

from __future__ import annotations

from tui_reader.core.textsafe import sanitize, sanitize_line
from tui_reader.notes.formats.incoming import Incoming, Malformed, Node, selectors, stamp

__all__ = ["is_hypothesis", "read_hypothesis"]

HYPOTHESIS_LINK = "https://hypothes.is/a/"
"""Where Hypothesis shows an annotation; its address names it when it is imported."""


def _looks_like(node: Node) -> bool:
    return node.obj() and node.has("uri") and (node.has("target") or node.has("text"))


def is_hypothesis(node: Node) -> bool:
    """Whether a top-level value looks like Hypothesis API JSON."""
    if node.obj() and isinstance(node.get("rows").value, list):
        return True
    if isinstance(node.value, list) and node.value:
        return _looks_like(node.items()[0])
    return _looks_like(node)


def read_hypothesis(root: Node) -> list[Incoming]:
    """The annotations in a Hypothesis search response, list or single annotation."""
    rows = root.items("rows", lone=False) if root.has("rows") else root.items()
    found = []
    for row in rows:
        if not row.obj():
            raise Malformed(row.path, "expected an annotation object")
        found.append(_one(row))
    return found


def _one(row: Node) -> Incoming:
    ident = row.text("id")
    item = Incoming(
        where=row.path or "the annotation",
        ident=HYPOTHESIS_LINK + ident if ident else "",
        source=row.text("uri"),
        note=sanitize(row.text("text")),
        tags=row.strings("tags"),
        created=stamp(row, "created"),
    )
    item.updated = stamp(row, "updated") or item.created
    titles = [t.value for t in row.get("document").items("title") if isinstance(t.value, str)]
    item.title = sanitize_line(titles[0]) if titles else ""
    if row.get("references").items():
        item.skip = "a reply to another annotation (replies are not imported)"
        return item
    for target in row.items("target"):
        if not target.obj():
            raise Malformed(target.path, "expected a target object")
        found, others = selectors(target.get("selector"))
        item.unsupported += others
        if found and not item.selectors:
            item.selectors = found
            sources = [s.value for s in target.items("source") if isinstance(s.value, str)]
            item.source = sources[0] if sources else item.source
    return item

"""Notes as W3C Web Annotations (JSON-LD, https://www.w3.org/TR/annotation-model/), out and in.

Out: an ``AnnotationCollection`` whose first (and only) ``AnnotationPage`` embeds every
annotation, written one annotation at a time; or, ``flat``, a plain JSON list. Each annotation:

* ``id`` ``urn:uuid:<our id>``; ``motivation`` ``commenting`` (a note), ``tagging`` (tags, no
  note) or ``highlighting``;
* ``body``: a ``TextualBody`` with ``purpose`` ``commenting`` for the note, one with
  ``purpose`` ``tagging`` per tag (none for a bare highlight);
* ``target``: ``source`` (the story's URL, or ``urn:tui-reader:story:<id>`` for a local file)
  and ``selector``: ``TextQuoteSelector`` (exact, prefix, suffix) and
  ``TextPositionSelector`` (offsets into the story's plain text as tui-reader shows it);
* ``created`` / ``modified``.

In: one annotation, a list, a page or a collection (pages embedded, not fetched).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, TextIO

import orjson

from tui_reader.core.textsafe import sanitize, sanitize_line
from tui_reader.notes.formats.incoming import Incoming, Malformed, Node, selectors, stamp
from tui_reader.notes.formats.text import json_safe
from tui_reader.notes.selection import Selected
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation

__all__ = ["CONTEXT", "annotation_json", "read_w3c", "write_w3c"]

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def annotation_json(annotation: Annotation, story: StoryInfo) -> dict[str, Any]:
    """One annotation in the W3C model."""
    body: list[dict[str, Any]] = []
    note = annotation.note  # JSON escapes what a terminal would obey; the data stays as it is
    if note.strip():
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "value": note, "format": "text/plain"}
        )
    for tag in annotation.tags:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": tag})
    chosen = [
        {k: v for k, v in s.items() if k in ("type", "exact", "prefix", "suffix", "start", "end")}
        for s in annotation.selectors
        if s.get("type") in ("TextQuoteSelector", "TextPositionSelector")
    ]
    target: dict[str, Any] = {"type": "SpecificResource", "source": story.source}
    if chosen:
        target["selector"] = chosen
    motivation = "commenting" if note.strip() else "tagging" if annotation.tags else "highlighting"
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": _urn(annotation.id),
        "type": "Annotation",
        "motivation": motivation,
        "created": annotation.created,
        "modified": annotation.updated,
    }
    if body:
        doc["body"] = body
    doc["target"] = target
    return doc


def _urn(ident: str) -> str:
    try:
        return uuid.UUID(ident).urn
    except ValueError:
        return "urn:tui-reader:annotation:" + ident


def _dump(doc: dict[str, Any], indent: str) -> str:
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    return json_safe(text.replace("\n", "\n" + indent))


def write_w3c(selected: Selected, out: TextIO, *, flat: bool = False) -> int:
    """Write the selected annotations as W3C JSON-LD; returns how many were written."""
    count = 0
    if flat:
        out.write("[")
        indent = "  "
    else:
        collection = uuid.uuid4().urn
        out.write(
            "{\n"
            f'  "@context": "{CONTEXT}",\n'
            f'  "id": "{collection}",\n'
            '  "type": "AnnotationCollection",\n'
            '  "label": "Notes from tui-reader",\n'
            '  "first": {\n'
            f'    "id": "{uuid.uuid4().urn}",\n'
            '    "type": "AnnotationPage",\n'
            f'    "partOf": "{collection}",\n'
            '    "startIndex": 0,\n'
            '    "items": ['
        )
        indent = "      "
    for annotation, story in selected.annotations():
        out.write(("," if count else "") + "\n" + indent)
        out.write(_dump(annotation_json(annotation, story), indent))
        count += 1
    if flat:
        out.write("\n]\n" if count else "]\n")
    else:
        out.write(("\n    " if count else "") + "]\n  },\n" + f'  "total": {count}\n' + "}\n")
    return count


# ----- reading --------------------------------------------------------------------------------


def is_w3c(node: Node) -> bool:
    """Whether a top-level value looks like W3C annotations."""
    first = node.items()[0] if isinstance(node.value, list) and node.value else node
    return first.has("@context") or first.text("type") in (
        "Annotation",
        "AnnotationPage",
        "AnnotationCollection",
    )


def _annotations(node: Node) -> Iterator[Node]:
    if isinstance(node.value, list):
        for item in node.items():
            yield from _annotations(item)
        return
    if not node.obj():
        raise Malformed(node.path or "the file", "expected an annotation object")
    kind = _types(node)
    if "AnnotationCollection" in kind:
        first = node.get("first")
        if isinstance(first.value, str):
            raise Malformed(first.path, "pages given by address are not fetched: embed them")
        if first.value is not None:
            yield from _annotations(first)
    elif "AnnotationPage" in kind:
        yield from (item for item in node.items("items", lone=False))
        following = node.get("next")
        if isinstance(following.value, str):
            raise Malformed(following.path, "pages given by address are not fetched: embed them")
        if following.value is not None:
            yield from _annotations(following)
    else:
        yield node


def _types(node: Node) -> list[str]:
    return [t.value for t in node.items("type") if isinstance(t.value, str)]


def read_w3c(root: Node) -> list[Incoming]:
    """The annotations in a W3C document (one, a list, a page or a collection)."""
    found = []
    for node in _annotations(root):
        if not node.obj():
            raise Malformed(node.path, "expected an annotation object")
        found.append(_one(node))
    return found


def _one(node: Node) -> Incoming:
    item = Incoming(where=node.path or "the annotation", ident=node.text("id"))
    item.created = stamp(node, "created")
    item.updated = stamp(node, "modified") or item.created
    notes, tags = _bodies(node)
    item.note, item.tags = "\n\n".join(notes), tuple(dict.fromkeys(tags))
    motivations = [m.value for m in node.items("motivation")]
    if "replying" in motivations:
        item.skip = "a reply to another annotation (replies are not imported)"
        return item
    targets = node.items("target")
    if not targets:
        raise Malformed(node.path, "an annotation needs a target")
    target = next((t for t in targets if t.obj() and t.has("selector")), targets[0])
    if isinstance(target.value, str):
        item.source = target.value
    elif target.obj():
        source = target.get("source")
        item.source = source.text("id") if source.obj() else target.text("source")
        item.selectors, item.unsupported = selectors(target.get("selector"))
    else:
        raise Malformed(target.path, "expected a target address or object")
    return item


def _bodies(node: Node) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    tags: list[str] = []
    value = node.text("bodyValue")
    if value.strip():
        notes.append(sanitize(value))
    for body in node.items("body"):
        if isinstance(body.value, str):
            notes.append(sanitize_line(body.value))  # an external body: keep its address
            continue
        if not body.obj():
            raise Malformed(body.path, "expected a body object or address")
        if "Choice" in _types(body):
            choices = body.items("items")
            body = choices[0] if choices else body
        purposes = [p.value for p in body.items("purpose")]
        text = body.text("value") if body.has("value") else body.text("id")
        if "tagging" in purposes:
            tags.append(sanitize_line(text))
        elif text.strip():
            notes.append(sanitize(text))
    return notes, [t for t in tags if t]

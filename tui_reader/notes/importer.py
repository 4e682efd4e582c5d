"""Notes coming back in (``tui-reader import``): W3C JSON-LD, Hypothesis API JSON, our own JSON.

The whole file is read and checked before anything is written: a malformed file changes
nothing and says where it is wrong. Each annotation is then attached to a story of the library
by its source URL (then by our story id) and re-anchored there by its quote; one whose story
is not in the library, or whose passage is not in the story's text any more, is kept as
orphaned (it shows once the story is there). What cannot be a note here (a reply, a note on a
whole page, a passage given only by selectors tui-reader does not read) is skipped, with the
reason. Ids are kept (ours) or derived from the file's, so importing twice adds nothing.
The one write goes through :meth:`Store.import_notes`: all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import orjson

from tui_reader.anchoring import TextPositionSelector, anchor, anchor_many, describe
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, StoryMeta, load_story
from tui_reader.core.textsafe import sanitize_line
from tui_reader.notes.formats.hypothesis import is_hypothesis, read_hypothesis
from tui_reader.notes.formats.incoming import (
    Incoming,
    IncomingBookmark,
    Malformed,
    Node,
    derived_id,
)
from tui_reader.notes.formats.native import is_native, read_native
from tui_reader.notes.formats.w3c import is_w3c, read_w3c
from tui_reader.notes.library_lookup import Lookup
from tui_reader.notes.outcomes import Failed
from tui_reader.notes.sources import story_id_of_source
from tui_reader.storage.records import Annotation, Bookmark, now_iso
from tui_reader.storage.store import Store, StoreError

if TYPE_CHECKING:
    from tui_reader.notes.anchor_cache import AnchorCache

__all__ = [
    "MAX_IMPORT_BYTES",
    "ImportReport",
    "Parsed",
    "import_notes",
    "parse",
    "plan",
]

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Files larger than this are refused (a year of heavy annotating is a few MiB)."""


@dataclass
class Parsed:
    """A file read and checked: its format, its annotations and (our format) bookmarks."""

    format: str
    notes: list[Incoming]
    bookmarks: list[IncomingBookmark] = field(default_factory=list)


def parse(data: bytes) -> Parsed:
    """Read an import file.

    Raises:
        Malformed: it is not JSON, not a format this reader knows, or a field is wrong.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise Malformed("", f"the file is over {MAX_IMPORT_BYTES // 2**20} MiB")
    try:
        value = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise Malformed(where, f"not valid JSON ({exc.msg})") from None
    root = Node(value, "")
    if is_native(root):
        notes, marks = read_native(root)
        return Parsed("tui-reader JSON", notes, marks)
    if is_hypothesis(root):
        return Parsed("Hypothesis", read_hypothesis(root))
    if is_w3c(root):
        return Parsed("W3C Web Annotation", read_w3c(root))
    if isinstance(value, list) and not value:
        return Parsed("empty list", [])
    if isinstance(value, list) and not root.items()[0].obj():
        raise Malformed("[0]", "expected an annotation object")
    raise Malformed(
        "", "not a format tui-reader imports (W3C Web Annotations, Hypothesis API JSON, "
        "or tui-reader's own JSON export)",
    )  # fmt: skip


@dataclass
class ImportReport:
    """What an import did (or, ``dry_run``, would do)."""

    format: str
    dry_run: bool = False
    attached: list[Annotation] = field(default_factory=list)
    orphaned: list[tuple[Annotation, str]] = field(default_factory=list)
    """Kept without a place in a story: the annotation and its source, with why."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Where in the file, and why."""
    existing: int = 0
    """Already in the store (the same id): left alone."""
    bookmarks: list[Bookmark] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary, for the user."""
        verb = "Would import" if self.dry_run else "Imported"
        total = len(self.attached) + len(self.orphaned)
        out = [f"{verb} {total} note(s) from {self.format}:"]
        out.append(f"  {len(self.attached)} attached to stories in the library")
        if self.orphaned:
            out.append(f"  {len(self.orphaned)} orphaned (kept; they show once the story is back):")
            out += [f"    {sanitize_line(why)}" for _, why in self.orphaned]
        if self.skipped:
            out.append(f"  {len(self.skipped)} skipped:")
            out += [f"    {where}: {sanitize_line(why)}" for where, why in self.skipped]
        if self.existing:
            out.append(f"  {self.existing} already in your notes (left as they are)")
        if self.bookmarks:
            out.append(f"  {len(self.bookmarks)} bookmark(s) added")
        return out


class _Stories:
    """The library's stories, each read and laid out at most once."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self._texts: dict[str, tuple[StoryMeta, str] | None] = {}
        self.stamps: dict[str, tuple[int, int] | None] = {}
        """Each story file read, as it was then (see :attr:`Story.stamp`), by story id."""

    def text(self, story_id: str) -> tuple[StoryMeta, str] | None:
        if story_id not in self._texts:
            meta = self.lookup(story_id)
            story = load_story(meta.path) if meta is not None else None
            if meta is not None and isinstance(story, Story):
                self._texts[story_id] = (meta, build_document(story.body).text)
                self.stamps[story_id] = story.stamp
            else:
                self._texts[story_id] = None
        return self._texts[story_id]

    def keep_places(self, notes: Mapping[str, list[Annotation]], cache: AnchorCache) -> None:
        """Keep in ``cache`` where ``notes`` (every note of some stories, by story id) are in
        their stories' text now, as the Markdown export would find them: its first export
        after an import then reads none of these stories."""
        from tui_reader.notes.anchor_cache import file_stamp

        for story_id, on_story in notes.items():
            found, stamp = self._texts.get(story_id), self.stamps.get(story_id)
            if found is None or stamp is None:
                continue
            meta, text = found
            path = str(meta.path)
            if file_stamp(path) != stamp:
                continue  # changed since it was read: no export could use it
            anchors = anchor_many(text, [note.selectors for note in on_story])
            starts = [a.start if a else None for a in anchors]
            cache.remember(story_id, path, stamp, on_story, starts)


def _skip_reason(item: Incoming, native: bool) -> str | None:
    if item.skip is not None:
        return item.skip
    kinds = {s["type"] for s in item.selectors}
    if not kinds:
        if item.unsupported:
            return "only selectors tui-reader does not read (" + ", ".join(item.unsupported) + ")"
        return "a note on the whole page, not on a passage"
    if "TextQuoteSelector" not in kinds and not native:
        return "only a TextPositionSelector: offsets in another tool's text do not fit ours"
    return None


def plan(
    parsed: Parsed,
    store: Store,
    lookup: Lookup,
    dry_run: bool = False,
    stories: _Stories | None = None,
) -> ImportReport:
    """Decide what each annotation of ``parsed`` becomes (nothing is written).

    ``stories``: the library's stories as read so far (read here when need be).
    """
    report = ImportReport(parsed.format, dry_run)
    stories = stories or _Stories(lookup)
    seen: set[str] = set()
    native = parsed.format == "tui-reader JSON"
    for item in parsed.notes:
        why = _skip_reason(item, native)
        if why is not None:
            report.skipped.append((item.where, why))
            continue
        ident = derived_id(item.ident, item.source, repr(item.selectors), item.note)
        if ident in seen:
            report.skipped.append((item.where, "the same annotation again in this file"))
            continue
        seen.add(ident)
        if store.get_annotation(ident) is not None:
            report.existing += 1
            continue
        candidates = [c for c in (story_id_of_source(item.source), item.story_id) if c]
        if not candidates:
            shown = sanitize_line(item.source)[:80] or "nothing"
            report.skipped.append((item.where, f"it is on {shown}: not a web page or our story"))
            continue
        _place(report, stories, item, ident, candidates)
    report.bookmarks = [
        Bookmark(b.story_id, b.tags, b.title, _path(lookup, b.story_id), b.created or now_iso())
        for b in parsed.bookmarks
    ]
    return report


def _path(lookup: Lookup, story_id: str) -> str:
    meta = lookup(story_id)
    return str(meta.path) if meta is not None else ""


def _place(
    report: ImportReport, stories: _Stories, item: Incoming, ident: str, candidates: list[str]
) -> None:
    created = item.created or now_iso()
    note = Annotation(
        ident, candidates[0], item.selectors, item.note, created, item.updated or created,
        story_title=item.title, tags=item.tags,
    )  # fmt: skip
    found = next((f for f in map(stories.text, candidates) if f is not None), None)
    source = sanitize_line(item.source or candidates[0])
    if found is None:
        report.orphaned.append((note, f"{source}: the story is not in the library"))
        return
    meta, text = found
    note = Annotation(
        ident, meta.story_id, item.selectors, item.note, note.created, note.updated,
        meta.title, str(meta.path), item.tags,
    )  # fmt: skip
    where = anchor(text, item.selectors)
    if where is None:
        report.orphaned.append((note, f"{source}: the passage is not in “{meta.title}”"))
        return
    if where.method == "fuzzy":  # the text differs a little: keep the quote as it was made
        quote = [s for s in item.selectors if s["type"] == "TextQuoteSelector"]
        found_at = TextPositionSelector(where.start, where.end).to_dict()
        report.attached.append(replace(note, selectors=[*quote, found_at]))
        return
    report.attached.append(replace(note, selectors=describe(text, where.start, where.end)))


def import_notes(
    data: bytes,
    store: Store,
    lookup: Lookup,
    *,
    dry_run: bool = False,
    anchors: AnchorCache | None = None,
) -> ImportReport | Malformed | Failed:
    """Read an import file and (unless ``dry_run``) add its notes to ``store``.

    ``anchors``: the Markdown export's cache of where notes are in their stories; it learns
    the places of every note on the stories notes were attached to.

    Returns:
        The report; or :class:`Malformed` (nothing was written) naming where the file is
        wrong; or :class:`Failed` when the store could not save (nothing was written).
    """
    try:
        parsed = parse(data)
    except Malformed as exc:
        return exc
    stories = _Stories(lookup)
    report = plan(parsed, store, lookup, dry_run, stories)
    if dry_run:
        return report
    notes = report.attached + [note for note, _ in report.orphaned]
    touched = {note.story_id for note in report.attached}
    # The notes those stories had before: with the ones added, all their notes (a note that
    # slips past, as one a session adds meanwhile, only makes the export read that story).
    on_story = (
        {
            stored.story_id: stored.notes()
            for stored in store.story_notes()
            if stored.story_id in touched
        }
        if anchors is not None
        else {}
    )
    try:
        _, marks = store.import_notes(notes, report.bookmarks)
    except (StoreError, ValueError) as exc:
        return Failed("the imported notes", str(exc))
    report.bookmarks = marks
    if anchors is not None:
        for note in notes:
            if note.story_id in touched:
                on_story.setdefault(note.story_id, []).append(note)
        stories.keep_places(on_story, anchors)
    return report

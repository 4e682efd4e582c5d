"""The Markdown export's order and orphans on plain-prose stories, whose text is read without
building their blocks (:func:`tui_reader.core.document_text.document_text`): document order
whatever order the notes were made in, a quote across **bold** markup, a story edited so every
position shifts, a passage deleted from the file, a story file that is gone, a story edited into
Markdown the fast way declines. Real files under tmp_path, a real store; the expected order is
written out, and the whole export must equal the one the full document build gives."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.app_helpers import write_story
from tests.notes_helpers import loaded, note_on
from tui_reader.core import document_text
from tui_reader.core.document import build_document
from tui_reader.core.document_text import plain_text
from tui_reader.notes.citation import local_time
from tui_reader.notes.export import write_export, write_export_dir
from tui_reader.notes.formats import markdown as markdown_format
from tui_reader.storage.records import Annotation
from tui_reader.storage.store import Store

COUNCIL = (
    "The council met on Monday to weigh the **harbour plan** once more.\n"
    "Members argued for hours.\n\n"
    "## What was decided\n\n"
    "A vote was taken late at night, and the plan passed by two votes.\n\n"
    "**Related article:** [Farmers back the grain deal](#)\n\n"
    "Critics said the harbour would flood again next winter, as it did last year."
)
BRIDGE = (
    "Engineers inspected the bridge after the storm.\n\n"
    "They found cracks in two of the piers.\n\n"
    "Repairs will take most of the summer."
)
MARKETS = "Markets rose on Tuesday.\n\nTraders blamed the weather for the fall."


@pytest.fixture
def notes(tmp_path: Path) -> tuple[Store, dict[str, str]]:
    """Three plain stories with notes made out of document order, then edits on disk."""
    folder = tmp_path / "stories"
    council = loaded(write_story(folder, "council.md", "Council votes", COUNCIL))
    bridge = loaded(write_story(folder, "bridge.md", "Bridge repairs", BRIDGE))
    markets = loaded(write_story(folder, "markets.md", "Markets", MARKETS))
    for story in (council, bridge, markets):
        assert plain_text(story.body) is not None  # the fast way is the one under test
    store = Store.open(tmp_path / "data")
    # (key, story, quote, note, made at): the order they were made is not the document's.
    notes = [
        ("flood", council, "the harbour would flood again", "flood", "2026-01-01T10"),
        ("bold", council, "weigh the harbour plan once", "across bold", "2026-01-02T10"),
        ("vote", council, "the plan passed by two votes", "vote", "2026-01-03T10"),
        ("vote-again", council, "the plan passed by two votes", "same place", "2026-01-02T09"),
        ("link", council, "Farmers back the grain deal", "link text", "2026-01-04T10"),
        ("heading", council, "What was decided", "heading", "2026-01-05T10"),
        ("repairs", bridge, "most of the summer", "summer", "2026-01-01T10"),
        ("cracks", bridge, "cracks in two of the piers", "to be deleted", "2026-01-02T10"),
        ("inspected", bridge, "inspected the bridge", "inspected", "2026-01-03T10"),
        ("rose", markets, "Markets rose on Tuesday", "rose", "2026-01-01T10"),
    ]  # fmt: skip
    made = {
        key: note_on(store, story, quote, note, when=f"{at}:00:00.000000Z")
        for key, story, quote, note, at in notes
    }
    # Council: a paragraph is added at the top, so every stored position is off.
    council_file = Path(council.path)
    text = council_file.read_text("utf-8")
    council_file.write_text(text.replace("The council met", "An update.\n\nThe council met"))
    # Bridge: the sentence with the cracks is deleted; the rest stays.
    bridge_file = Path(bridge.path)
    bridge_file.write_text(
        bridge_file.read_text("utf-8").replace("They found cracks in two of the piers.\n\n", "")
    )
    # Markets: the file is gone.
    Path(markets.path).unlink()
    return store, {key: a.note for key, a in made.items()}


def _export(store: Store) -> str:
    out = io.StringIO()
    write_export(store, "markdown", out)
    return out.getvalue()


def _notes_in_order(text: str) -> list[str]:
    """The note lines of an export, in the order written (each note is one word or two)."""
    known = {"flood", "across bold", "vote", "same place", "link text", "heading", "summer",
             "to be deleted", "inspected", "rose"}  # fmt: skip
    return [line for line in text.split("\n") if line in known]


def test_document_order_orphans_and_gone_files(notes: tuple[Store, dict[str, str]]) -> None:
    store, _ = notes
    text = _export(store)
    headings = re.findall(r"^#+ .*$", text, flags=re.M)
    assert headings == ["# Notes from tui-reader", "## Bridge repairs", "## Council votes",
                        "## Orphaned notes", "### Bridge repairs", "### Markets"]  # fmt: skip
    # Document order, whatever order the notes were made in: the older of two notes on the
    # same passage first; the heading's note where the shifted heading now is.
    assert _notes_in_order(text) == [
        "inspected", "summer",  # bridge, in order; its deleted passage is an orphan
        "across bold", "heading", "same place", "vote", "link text", "flood",
        "to be deleted", "rose",  # orphans: the deleted passage, then the story that is gone
    ]  # fmt: skip
    assert "> weigh the harbour plan once" in text  # the quote as read, across the bold


def test_same_export_as_building_every_document(
    notes: tuple[Store, dict[str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The fast text changes nothing: the export and the folder export are the ones the full
    document build gives (the algorithm before it), byte for byte."""
    store, _ = notes
    fast = _export(store)
    fast_files = {p.name: p.read_text("utf-8") for p in write_export_dir(store, tmp_path / "a")}
    monkeypatch.setattr(document_text, "document_text", lambda body: build_document(body).text)
    assert _export(store) == fast
    built = {p.name: p.read_text("utf-8") for p in write_export_dir(store, tmp_path / "b")}
    assert built == fast_files
    assert len(fast_files) == 3 and "## Orphaned notes" in fast_files[min(fast_files)]


def test_a_story_edited_into_markup_the_fast_way_declines(
    notes: tuple[Store, dict[str, str]], tmp_path: Path
) -> None:
    """A list added to a story: its text is built in full, and its notes keep their order."""
    store, _ = notes
    council = tmp_path / "stories" / "council.md"
    text = council.read_text("utf-8")
    council.write_text(text.replace("## What was decided", "- first\n- second\n\n## What"))
    assert plain_text(loaded(council).body) is None
    order = _notes_in_order(_export(store))
    assert order[2:7] == ["across bold", "same place", "vote", "link text", "flood"]
    assert "heading" in order[7:]  # its passage changed: an orphan now


@pytest.mark.parametrize(
    ("stamp", "tags", "meta"),
    [
        ("2026-01-02T10:00:00.000000Z", ("a b", "x*y", " ", "a b"), "#a-b #x\\*y #a-b · *{when}*"),
        ("1. not *a* time", (), "*1\\. not \\*a\\* time*"),
        ("", ("\x1b[2J",), "#\\[2J · **"),
    ],
)
def test_meta_line_tags_and_time_escaped(stamp: str, tags: tuple[str, ...], meta: str) -> None:
    """Tags (rendered once each and reused) and the time of the meta line: a readable stamp
    as local time, an unreadable one as it is, escaped; a tag with nothing visible left out."""
    note = Annotation("id", "sid", [], "", stamp, stamp, tags=tags)
    for _ in range(2):  # the second time from the kept tags
        written = markdown_format.note_markdown(note)
        assert written.strip() == meta.format(when=local_time(stamp))

"""Notes out: every format written from a real store and read back by a parser of its kind
(Markdown by markdown-it, W3C JSON-LD against the model's schema, CSV by ``csv``)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests import w3c_schema
from tests.notes_helpers import library, note_on, unsafe_chars
from tui_reader.core.stories import Story
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.export import FORMATS, write_export, write_export_dir
from tui_reader.notes.formats.text import csv_cell, csv_row, md_inline, md_lines
from tui_reader.notes.library_lookup import cached_lookup, library_lookup
from tui_reader.notes.selection import Filter, parse_since, story_key
from tui_reader.storage.records import Annotation
from tui_reader.storage.store import Store

HOSTILE_NOTE = "evil \x1b]52;c;aGk=\x07 clip \x9b31m and \u202eright-to-left\u202c end"
MD_NOTE = (
    "**Bold?** no: [a link](http://x) <i>tag</i>\n# not a heading\n- not a list\n1. nor this\n"
    "> nor a quote\n\nsecond paragraph `code` _x_ a_b #hashtag &amp;"
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A library and a store with notes on it: special characters, unicode, a quote spanning
    paragraphs, tags, a hostile note, an orphan, a local story without a URL."""
    stories = library(tmp_path / "stories")
    store = Store.open(tmp_path / "data")
    a, b, local = stories["a"], stories["b"], stories["local"]
    notes = {
        "late": note_on(store, a, "The last paragraph", "the end", ("later",),
                        when="2026-01-03T10:00:00.000000Z"),
        "special": note_on(store, a, "<b>more</b>; a_b_c & AT&T code | pipes", MD_NOTE,
                           ("to read", "x*y"), when="2026-01-01T10:00:00.000000Z"),
        "unicode": note_on(store, a, "Ёжик в тумане", "по-русски ✓", ("ру",),
                           when="2026-01-02T10:00:00.000000Z"),
        "span": note_on(store, a, "a quote inside", "", end_quote="1. not a list, - *stars*",
                        when="2026-01-02T11:00:00.000000Z"),
        "cats": note_on(store, b, "cats and dogs", HOSTILE_NOTE,
                        when="2026-01-04T10:00:00.000000Z"),
        "local": note_on(store, local, "text on disk", "mine",
                         when="2026-01-05T10:00:00.000000Z"),
    }  # fmt: skip
    # The story changed since this note: its passage is gone (an orphan).
    gone = note_on(store, b, "birds", "about birds", when="2026-01-06T10:00:00.000000Z")
    Path(b.path).write_text(Path(b.path).read_text().replace("birds", "fish"))
    notes["orphan"] = gone
    store.set_bookmark(b.story_id, True, tags=["pets"], title=b.title, path=str(b.path))
    yield {"store": store, "stories": stories, "notes": notes, "tmp": tmp_path}
    store.close()


@contextlib.contextmanager
def opened(data_dir: Path) -> Iterator[Store]:
    store = Store.open(data_dir)
    try:
        yield store
    finally:
        store.close()


def export(store: Store, fmt: str, wanted: Filter | None = None, **kw: Any) -> str:
    out = io.StringIO()
    write_export(store, fmt, out, wanted, **kw)
    return out.getvalue()


def flat(text: str) -> str:
    return " ".join(text.split())


# ----- Markdown --------------------------------------------------------------------------------


OURS = {"em_open", "em_close", "link_open", "link_close"}
"""The markup the export itself writes: the time in italics, links to the stories."""


def inline_text(token: Token) -> str:
    """The literal text of an inline token. Markup other than ours fails the test; ours is
    allowed only where the export writes it (a time or a link), never in a quote or a note."""
    parts, markup = [], set()
    for child in token.children or []:
        if child.type in OURS:
            markup.add(child.type)
            continue
        assert child.type in ("text", "softbreak", "hardbreak"), (child.type, token.content)
        parts.append(child.content if child.type == "text" else " ")
    text = flat("".join(parts))
    if "em_open" in markup:  # a meta line: tags, then the time
        assert re.fullmatch(r"(#\S+ )*(· )?\d{4}-\d\d-\d\d \d\d:\d\d", text), text
    if "link_open" in markup:
        assert text.startswith("By ") or "example.org" in text, text
    return text


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) for each heading, quote paragraph and paragraph, in order."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(markdown)
    found, depth, heading = [], 0, ""
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
            found.append(("quote", ""))  # its paragraphs are one quote
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "heading_open":
            heading = token.tag
        elif token.type == "heading_close":
            heading = ""
        elif token.type == "inline" and depth:
            found[-1] = ("quote", flat(found[-1][1] + " " + inline_text(token)))
        elif token.type == "inline":
            found.append((heading or "p", inline_text(token)))
        else:
            assert token.type in ("paragraph_open", "paragraph_close", "front_matter"), token.type
    return found


def test_markdown_reads_back_as_typed_in_document_order(world: dict[str, Any]) -> None:
    text = export(world["store"], "markdown")
    assert not unsafe_chars(text)
    found = blocks(text)
    notes, stories = world["notes"], world["stories"]
    headings = [t for k, t in found if k == "h2"]
    assert headings == [stories["local"].title, stories["a"].title, stories["b"].title,
                        "Orphaned notes"]  # fmt: skip
    quotes = [t for k, t in found if k == "quote"]
    # Story A in its own order, whatever order the notes were made in; the orphan last.
    order = ["local", "special", "unicode", "span", "late", "cats", "orphan"]
    assert quotes == [flat(quote_of(notes[key])) for key in order]
    for key in ("special", "unicode", "late", "local"):
        at = found.index(("quote", flat(quote_of(notes[key]))))
        assert found[at + 1] == ("p", flat(notes[key].note)) or key == "special"
    at = found.index(("quote", flat(quote_of(notes["special"]))))
    assert [t for _, t in found[at + 1 : at + 3]] == [
        flat(MD_NOTE.split("\n\n")[0]),
        flat(MD_NOTE.split("\n\n")[1]),
    ]
    meta = found[at + 3][1]
    assert meta.startswith("#to-read #x*y · 2026-01-01")
    by = next(t for k, t in found if k == "p" and t.startswith("By Test Writer"))
    assert by == "By Test Writer · September 15, 2021 · example.org"
    assert "[example.org](<https://example.org/a>)" in text
    cats = found[found.index(("quote", "cats and dogs")) + 1][1]
    assert cats == flat("evil ]52;c;aGk= clip 31m and right-to-left end")
    assert ("h3", stories["b"].title) in found  # the orphan, under its story
    assert "### " + md_inline(stories["b"].title) in text


def quote_of(annotation: Annotation) -> str:
    return str(annotation.selectors[0]["exact"])


def test_markdown_folder_one_file_per_story_with_front_matter(world: dict[str, Any]) -> None:
    folder = world["tmp"] / "vault"
    files = write_export_dir(world["store"], folder)
    assert sorted(p.name for p in files) == sorted(p.name for p in folder.iterdir())
    assert len(files) == 3
    by_title = {}
    for path in files:
        text = path.read_text("utf-8")
        assert not unsafe_chars(text)
        head, body = text.removeprefix("---\n").split("\n---\n", 1)
        meta = yaml.safe_load(head)
        by_title[meta["title"]] = (meta, blocks(body))
        assert path.stat().st_mode & 0o077 == 0  # private, like the notes
    a = world["stories"]["a"]
    meta, found = by_title[a.title]
    tags = ["to read", "x*y", "ру", "later"]  # the bookmark's, then the notes', oldest first
    assert meta == {"title": a.title, "author": "Test Writer", "date": "2021-09-15",
                    "url": "https://example.org/a", "tags": tags}  # fmt: skip
    assert found[0] == ("h1", a.title)
    b_meta, b_found = by_title["Story B"]
    assert b_meta["tags"] == ["pets"]
    assert ("h2", "Orphaned notes") in b_found and ("quote", "birds") in b_found
    local = by_title["A local note file"][0]
    assert local["url"] is None and local["date"] is None


# ----- W3C -------------------------------------------------------------------------------------


def test_w3c_collection_is_valid_and_carries_everything(world: dict[str, Any]) -> None:
    text = export(world["store"], "w3c")
    assert not unsafe_chars(text)
    doc = json.loads(text)
    assert w3c_schema.errors(w3c_schema.COLLECTION, doc) == []
    items = doc["first"]["items"]
    assert doc["total"] == len(items) == 7
    for item in items:
        assert w3c_schema.errors(w3c_schema.ANNOTATION, item) == []
    by_id = {item["id"]: item for item in items}
    special = by_id["urn:uuid:" + world["notes"]["special"].id]
    assert special["motivation"] == "commenting"
    assert special["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "value": MD_NOTE, "format": "text/plain"},
        {"type": "TextualBody", "purpose": "tagging", "value": "to read"},
        {"type": "TextualBody", "purpose": "tagging", "value": "x*y"},
    ]
    target = special["target"]
    assert target["source"] == "https://example.org/a"
    kinds = [s["type"] for s in target["selector"]]
    assert kinds == ["TextQuoteSelector", "TextPositionSelector"]
    assert target["selector"][0]["exact"] == quote_of(world["notes"]["special"])
    assert special["created"] == "2026-01-01T10:00:00.000000Z"
    span = by_id["urn:uuid:" + world["notes"]["span"].id]
    assert span["motivation"] == "highlighting" and "body" not in span
    local = by_id["urn:uuid:" + world["notes"]["local"].id]
    assert local["target"]["source"] == "urn:tui-reader:story:" + world["stories"]["local"].story_id
    hostile = by_id["urn:uuid:" + world["notes"]["cats"].id]
    assert hostile["body"][0]["value"] == HOSTILE_NOTE  # the data as it is, escaped in JSON
    assert "\\u001b" in text and "\\u009b" in text and "\\u202e" in text


def test_w3c_flat_list_and_schema_catches_a_broken_annotation(world: dict[str, Any]) -> None:
    items = json.loads(export(world["store"], "w3c", flat=True))
    assert isinstance(items, list) and len(items) == 7
    assert all(w3c_schema.errors(w3c_schema.ANNOTATION, item) == [] for item in items)
    broken = dict(items[0], created="yesterday")
    assert w3c_schema.errors(w3c_schema.ANNOTATION, broken)
    assert w3c_schema.errors(w3c_schema.ANNOTATION, {**items[0], "bodyValue": "x"})
    no_context = {k: v for k, v in items[0].items() if k != "@context"}
    assert w3c_schema.errors(w3c_schema.ANNOTATION, no_context)


# ----- CSV and JSON ------------------------------------------------------------------------


def test_csv_one_row_per_note_safe_for_spreadsheets(world: dict[str, Any]) -> None:
    text = export(world["store"], "csv")
    assert not unsafe_chars(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 7
    special = next(r for r in rows if r["id"] == world["notes"]["special"].id)
    assert special["story_title"] == world["stories"]["a"].title
    assert special["url"] == "https://example.org/a"
    assert special["quote"] == quote_of(world["notes"]["special"])
    assert special["note"] == MD_NOTE  # newlines kept inside the quoted cell
    assert special["tags"] == "to read, x*y"
    assert special["created"] == "2026-01-01T10:00:00.000000Z"
    cats = next(r for r in rows if r["id"] == world["notes"]["cats"].id)
    assert cats["note"] == "evil ]52;c;aGk= clip 31m and right-to-left end"


def test_csv_cells_that_look_like_formulas_are_quoted(tmp_path: Path) -> None:
    stories = library(tmp_path / "stories")
    with opened(tmp_path / "data") as store:
        note_on(store, stories["b"], "cats and dogs", '=HYPERLINK("http://evil")')
        rows = list(csv.DictReader(io.StringIO(export(store, "csv"), newline="")))
    assert rows[0]["note"] == '\'=HYPERLINK("http://evil")'


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(st.sampled_from("ab =+-@\t\r\n\x1b\x85\u202e\ufeffé東")) | st.text(),
        min_size=1,
        max_size=10,
    )
)
def test_a_csv_row_is_its_cells_each_made_safe(texts: list[str]) -> None:
    """The row-at-once look (plain ASCII rows) gives exactly what each cell alone gives."""
    assert csv_row(texts) == [csv_cell(text) for text in texts]


def test_json_has_story_metadata_and_note_tags(world: dict[str, Any]) -> None:
    text = export(world["store"], "json")
    doc = json.loads(text)
    assert doc["version"] == 2
    special = next(a for a in doc["annotations"] if a["id"] == world["notes"]["special"].id)
    assert special["tags"] == ["to read", "x*y"]
    assert (special["story_url"], special["story_author"], special["story_date"]) == (
        "https://example.org/a", "Test Writer", "2021-09-15")  # fmt: skip
    assert [b["tags"] for b in doc["bookmarks"]] == [["pets"]]
    assert not unsafe_chars(text)
    assert json.loads(text)["annotations"][-1]["note"] in {n.note for n in world["notes"].values()}


# ----- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_story_tag_since(world: dict[str, Any], fmt: str) -> None:
    store, notes = world["store"], world["notes"]

    def ids(wanted: Filter) -> set[str]:
        doc = json.loads(export(store, "json", wanted))
        return {a["id"] for a in doc["annotations"]}

    assert ids(Filter(story=story_key("https://EXAMPLE.org/b/"))) == {
        notes["cats"].id, notes["orphan"].id}  # fmt: skip
    assert ids(Filter(story=story_key("example.org/b"))) == ids(Filter(story="url:example.org/b"))
    assert ids(Filter(tag="LATER")) == {notes["late"].id}
    assert ids(Filter(tag="pets")) == {notes["cats"].id, notes["orphan"].id}  # the bookmark's
    assert ids(Filter(since=parse_since("2026-01-04T00:00+00:00"))) == {
        notes["cats"].id, notes["local"].id, notes["orphan"].id}  # fmt: skip
    out = export(store, fmt, Filter(tag="nothing-has-this"))
    assert notes["cats"].id not in out and "cats and dogs" not in out


def test_markdown_leaves_out_the_stories_the_filter_takes_nothing_from(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """A story is in the Markdown export (a section, or a file of its own) only with notes
    the filter takes: each story's notes are filtered where they are rendered."""
    store = world["store"]
    later = export(store, "markdown", Filter(tag="later"))
    headings = [text for kind, text in blocks(later) if kind == "h2"]
    assert headings == [world["stories"]["a"].title]
    assert "the end" in later and "cats and dogs" not in later and "mine" not in later
    files = write_export_dir(store, tmp_path / "later", Filter(tag="later"))
    assert len(files) == 1 and "the end" in files[0].read_text("utf-8")
    assert "No notes yet." in export(store, "markdown", Filter(tag="nothing-has-this"))
    assert write_export_dir(store, tmp_path / "none", Filter(tag="nothing-has-this")) == []


def test_since_needs_a_date() -> None:
    with pytest.raises(ValueError, match="2026-11-29"):
        parse_since("last tuesday")


def test_story_metadata_read_from_the_file_not_stored(world: dict[str, Any]) -> None:
    a: Story = world["stories"]["a"]
    doc = json.loads(export(world["store"], "json", Filter(story=a.story_id)))
    assert {x["story_title"] for x in doc["annotations"]} == {a.title}
    Path(a.path).unlink()  # gone: what the store remembered is used
    doc = json.loads(export(world["store"], "json", Filter(story=a.story_id)))
    assert {(x["story_title"], x["story_url"], x["path"]) for x in doc["annotations"]} == {
        (a.title, "https://example.org/a", str(a.path))}  # fmt: skip
    markdown = export(world["store"], "markdown", Filter(story=a.story_id))
    assert blocks(markdown)[1] == ("h2", "Orphaned notes")  # its passages cannot be checked


def test_the_library_index_describes_stories_that_moved(world: dict[str, Any]) -> None:
    a: Story = world["stories"]["a"]
    stories = world["tmp"] / "stories"
    moved = stories / "sub" / "renamed.md"
    moved.parent.mkdir()
    Path(a.path).rename(moved)
    index = LibraryIndex(world["tmp"] / "cache")
    library_lookup([stories], index)  # the reader's scan, which leaves the index in the cache
    known = cached_lookup([stories], index)
    wanted = Filter(story=a.story_id)
    out = io.StringIO()
    write_export(world["store"], "json", out, wanted, known=known)
    notes = json.loads(out.getvalue())["annotations"]
    assert {(n["path"], n["story_title"], n["story_author"]) for n in notes} == {
        (str(moved), a.title, "Test Writer")}  # fmt: skip
    markdown = io.StringIO()
    write_export(world["store"], "markdown", markdown, wanted, known=known)
    assert blocks(markdown.getvalue())[1] == ("h2", a.title)  # found, so in document order


@pytest.mark.parametrize(
    "typed",
    ["AT&amp;T and &copy;", "see <b>bold</b> or <https://x.org>", "a `tick`", "_lead and trail_",
     "*star* ~strike~ [link](x) a|b \\back #tag"],
)  # fmt: skip
def test_each_markdown_syntax_character_alone_reads_back_literally(typed: str) -> None:
    # One kind of syntax per text: the quick "anything special?" check must know every one.
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for line in (md_inline(typed), *md_lines(typed)):
        children = parser.parseInline(line)[0].children or []
        assert [c.type for c in children] == ["text"], (typed, line)
        assert children[0].content == typed

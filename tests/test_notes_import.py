"""Notes back in: hand-written Hypothesis and W3C samples (after their public documentation),
our own exports round-tripped, malformed files that change nothing."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notes_helpers import essentials, library, note_on, text_of
from tui_reader.anchoring import anchor
from tui_reader.core.stories import Story
from tui_reader.notes.export import export_json, write_export
from tui_reader.notes.formats.incoming import Malformed
from tui_reader.notes.importer import ImportReport, import_notes
from tui_reader.notes.library_lookup import library_lookup
from tui_reader.storage.store import Store

# -- Hypothesis: a search API response (https://h.readthedocs.io/en/latest/api-reference/) ----

HYPOTHESIS: dict[str, Any] = {
    "total": 6,
    "rows": [
        {  # the client's three selectors, tags, Markdown text
            "id": "Ab1Cd2Ef3Gh4",
            "created": "2024-03-01T09:30:00.123456+00:00",
            "updated": "2024-03-02T10:00:00.000000+00:00",
            "user": "acct:alice@hypothes.is",
            "uri": "https://example.org/a",
            "text": "Worth **remembering**.",
            "tags": ["economy", "to-read"],
            "group": "__world__",
            "permissions": {"read": ["group:__world__"]},
            "target": [
                {
                    "source": "https://example.org/a",
                    "selector": [
                        {
                            "type": "RangeSelector",
                            "startContainer": "/main[1]/p[1]",
                            "startOffset": 0,
                            "endContainer": "/main[1]/p[1]",
                            "endOffset": 19,
                        },
                        {"type": "TextPositionSelector", "start": 5012, "end": 5031},
                        {
                            "type": "TextQuoteSelector",
                            "exact": "Prices rose sharply",
                            "prefix": "",
                            "suffix": " — by 5%",
                        },
                    ],
                }
            ],
            "document": {"title": ["Story A"]},
            "links": {"html": "https://hypothes.is/a/Ab1Cd2Ef3Gh4"},
            "references": [],
        },
        {  # a reply: no selector, references its parent
            "id": "Rp1Rp2Rp3Rp4",
            "created": "2024-03-01T11:00:00+00:00",
            "updated": "2024-03-01T11:00:00+00:00",
            "uri": "https://example.org/a",
            "text": "I agree.",
            "tags": [],
            "target": [{"source": "https://example.org/a"}],
            "references": ["Ab1Cd2Ef3Gh4"],
        },
        {  # a page note: on the whole page
            "id": "Pg1Pg2Pg3Pg4",
            "created": "2024-03-01T12:00:00+00:00",
            "updated": "2024-03-01T12:00:00+00:00",
            "uri": "https://example.org/b",
            "text": "The whole article is good.",
            "tags": ["page"],
            "target": [{"source": "https://example.org/b"}],
            "references": [],
        },
        {  # a story we do not have: kept as orphaned
            "id": "Nw1Nw2Nw3Nw4",
            "created": "2024-03-03T12:00:00+00:00",
            "updated": "2024-03-03T12:00:00+00:00",
            "uri": "https://elsewhere.example/news/1",
            "text": "",
            "tags": [],
            "target": [
                {
                    "source": "https://elsewhere.example/news/1",
                    "selector": [{"type": "TextQuoteSelector", "exact": "something else"}],
                }
            ],
            "document": {"title": ["Elsewhere"]},
            "references": [],
        },
        {  # only a selector we do not read
            "id": "Rg1Rg2Rg3Rg4",
            "created": "2024-03-04T12:00:00+00:00",
            "updated": "2024-03-04T12:00:00+00:00",
            "uri": "https://example.org/b",
            "text": "range only",
            "tags": [],
            "target": [
                {
                    "source": "https://example.org/b",
                    "selector": [
                        {
                            "type": "RangeSelector",
                            "startContainer": "/p[1]",
                            "startOffset": 0,
                            "endContainer": "/p[1]",
                            "endOffset": 4,
                        }
                    ],
                }
            ],
            "references": [],
        },
        {  # a quote the story no longer has
            "id": "Gn1Gn2Gn3Gn4",
            "created": "2024-03-05T12:00:00+00:00",
            "updated": "2024-03-05T12:00:00+00:00",
            "uri": "http://example.org/b/",  # http and a trailing slash: the same story
            "text": "gone quote",
            "tags": [],
            "target": [
                {
                    "source": "http://example.org/b/",
                    "selector": [{"type": "TextQuoteSelector", "exact": "quantum chromodynamics"}],
                }
            ],
            "references": [],
        },
    ],
}

# -- W3C: shapes from the Web Annotation Data Model's examples ---------------------------------

W3C: dict[str, Any] = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "id": "http://example.org/collection1",
    "type": "AnnotationCollection",
    "label": "Two pages of annotations",
    "total": 6,
    "first": {
        "id": "http://example.org/page1",
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": [
            {  # several selectors, a tag and a comment (model example: "tagging" purpose)
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": "http://example.org/anno1",
                "type": "Annotation",
                "motivation": "commenting",
                "created": "2015-10-13T13:00:00Z",
                "body": [
                    {"type": "TextualBody", "value": "love", "purpose": "tagging"},
                    {
                        "type": "TextualBody",
                        "value": "Cats!",
                        "purpose": "commenting",
                        "format": "text/plain",
                        "language": "en",
                    },
                ],  # fmt: skip
                "target": {
                    "source": "https://example.org/b",
                    "selector": [
                        {"type": "FragmentSelector", "value": "para5"},
                        {
                            "type": "TextQuoteSelector",
                            "exact": "cats and dogs",
                            "prefix": "Only paragraph about ",
                            "suffix": ".",
                        },
                    ],
                },
            },
            {  # no selector: a note on the whole page (bodyValue, a target IRI)
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": "http://example.org/anno2",
                "type": "Annotation",
                "bodyValue": "Comment text",
                "target": "https://example.org/a",
            },
            {  # a reply
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": "http://example.org/anno3",
                "type": "Annotation",
                "motivation": "replying",
                "body": {"type": "TextualBody", "value": "I disagree"},
                "target": "http://example.org/anno1",
            },
        ],
        "next": {
            "id": "http://example.org/page2",
            "type": "AnnotationPage",
            "startIndex": 3,
            "items": [
                {  # a FragmentSelector alone
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": "http://example.org/anno4",
                    "type": "Annotation",
                    "target": {
                        "source": "https://example.org/a",
                        "selector": {"type": "FragmentSelector", "value": "t=30,60"},
                    },
                },
                {  # CssSelector and XPathSelector, nothing to find a passage by
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": "http://example.org/anno5",
                    "type": "Annotation",
                    "target": {
                        "source": "https://example.org/a",
                        "selector": [
                            {"type": "CssSelector", "value": "#elemid > .elemclass + p"},
                            {"type": "XPathSelector", "value": "/html/body/p[2]/table/tr[2]"},
                        ],
                    },
                },
                {  # several targets: the one with a text selector is used; a highlight
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df",
                    "type": "Annotation",
                    "motivation": "highlighting",
                    "created": "2015-10-13T13:00:00+01:00",
                    "modified": "2015-10-14T13:00:00Z",
                    "target": [
                        "http://example.com/image1",
                        {
                            "type": "SpecificResource",
                            "source": "https://example.org/a",
                            "selector": [
                                {"type": "TextPositionSelector", "start": 0, "end": 19},
                                {"type": "TextQuoteSelector", "exact": "Prices rose sharply"},
                            ],
                        },
                    ],
                },
            ],
        },
    },
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    stories = library(tmp_path / "stories")
    store = Store.open(tmp_path / "data")
    yield {"stories": stories, "store": store, "tmp": tmp_path,
           "lookup": library_lookup([tmp_path / "stories"])}  # fmt: skip
    store.close()


def run(world: dict[str, Any], document: Any, *, dry_run: bool = False) -> ImportReport:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    report = import_notes(data, world["store"], world["lookup"], dry_run=dry_run)
    assert isinstance(report, ImportReport), report
    return report


def placed_quote(world: dict[str, Any], story: Story, annotation_id: str) -> str:
    """The text the stored note covers in the story, found the way the reader finds it."""
    stored = world["store"].get_annotation(annotation_id)
    text = text_of(story)
    where = anchor(text, stored.selectors)
    assert where is not None
    return text[where.start : where.end]


def test_hypothesis_search_response(world: dict[str, Any]) -> None:
    report = run(world, HYPOTHESIS)
    assert report.format == "Hypothesis"
    [attached] = report.attached
    a = world["stories"]["a"]
    assert (attached.story_id, attached.note, attached.tags) == (
        a.story_id, "Worth **remembering**.", ("economy", "to-read"))  # fmt: skip
    assert attached.created == "2024-03-01T09:30:00.123456Z"
    assert attached.updated == "2024-03-02T10:00:00.000000Z"
    assert placed_quote(world, a, attached.id) == "Prices rose sharply"
    # re-anchored: the position is ours now, not the web page's 5012
    position = next(s for s in attached.selectors if s["type"] == "TextPositionSelector")
    assert position["start"] == 0
    orphans = {note.story_id: why for note, why in report.orphaned}
    assert orphans == {
        "url:elsewhere.example/news/1":
            "https://elsewhere.example/news/1: the story is not in the library",
        "url:example.org/b": "http://example.org/b/: the passage is not in “Story B”",
    }  # fmt: skip
    assert dict(report.skipped) == {
        "rows[1]": "a reply to another annotation (replies are not imported)",
        "rows[2]": "a note on the whole page, not on a passage",
        "rows[4]": "only selectors tui-reader does not read (RangeSelector)",
    }
    stored = world["store"].all_annotations()
    assert len(stored) == 3
    elsewhere = next(n for n in stored if n.story_id == "url:elsewhere.example/news/1")
    assert elsewhere.story_title == "Elsewhere" and elsewhere.story_path == ""
    text = "\n".join(report.lines())
    assert "1 attached" in text and "2 orphaned" in text and "3 skipped" in text


def test_w3c_collection_from_the_model_examples(world: dict[str, Any]) -> None:
    report = run(world, W3C)
    assert report.format == "W3C Web Annotation"
    by_note = {a.note: a for a in report.attached}
    cats = by_note["Cats!"]
    assert cats.tags == ("love",) and cats.story_id == world["stories"]["b"].story_id
    assert cats.created == "2015-10-13T13:00:00.000000Z" == cats.updated
    assert placed_quote(world, world["stories"]["b"], cats.id) == "cats and dogs"
    highlight = by_note[""]
    assert highlight.id == "dbfb1861-0ecf-41ad-be94-a584e5c4f1df"  # a urn:uuid id is kept
    assert highlight.created == "2015-10-13T12:00:00.000000Z"  # to UTC
    assert placed_quote(world, world["stories"]["a"], highlight.id) == "Prices rose sharply"
    assert dict(report.skipped) == {
        "first.items[1]": "a note on the whole page, not on a passage",
        "first.items[2]": "a reply to another annotation (replies are not imported)",
        "first.next.items[0]": "only selectors tui-reader does not read (FragmentSelector)",
        "first.next.items[1]":
            "only selectors tui-reader does not read (CssSelector, XPathSelector)",
    }  # fmt: skip
    single = copy.deepcopy(W3C["first"]["items"][0])
    single["id"] = "http://example.org/another"
    assert len(run(world, single).attached) == 1  # one annotation alone
    assert len(run(world, [single]).attached) == 0  # a list; the same id: already there


def test_a_quote_slightly_changed_is_found_and_kept_as_made(world: dict[str, Any]) -> None:
    note = copy.deepcopy(W3C["first"]["items"][0])
    note["target"] = {
        "source": "https://example.org/a",
        "selector": {"type": "TextQuoteSelector", "exact": "Prices rose sharpley"},
    }
    [attached] = run(world, note).attached
    assert attached.selectors[0] == {
        "type": "TextQuoteSelector",
        "exact": "Prices rose sharpley",
        "prefix": "",
        "suffix": "",
    }
    assert placed_quote(world, world["stories"]["a"], attached.id).startswith("Prices rose sharp")


def test_importing_twice_adds_nothing(world: dict[str, Any]) -> None:
    first = run(world, HYPOTHESIS)
    before = world["store"].all_annotations()
    second = run(world, HYPOTHESIS)
    assert second.attached == [] and second.orphaned == []
    assert second.existing == len(first.attached) + len(first.orphaned)
    assert world["store"].all_annotations() == before
    assert "3 already in your notes" in "\n".join(second.lines())


def test_dry_run_changes_nothing(world: dict[str, Any]) -> None:
    report = run(world, W3C, dry_run=True)
    assert len(report.attached) == 2
    assert report.lines()[0].startswith("Would import 2 note(s)")
    assert world["store"].all_annotations() == []
    assert not (world["tmp"] / "data").exists()


@pytest.mark.parametrize(
    ("document", "where", "what"),
    [
        (b'{"rows": [\n  {"id": 1,\n', "line 3, column 1", "not valid JSON"),
        (b"[1, 2]", "[0]", "expected an annotation object"),
        (b'{"hello": "world"}', "", "not a format tui-reader imports"),
        (None, "rows[0].target[0].selector[1]", "integers"),
        (None, "rows[3].created", "is not a date-time"),
        (None, "rows[0].tags[1]", "expected text"),
    ],
)
def test_malformed_files_say_where_and_change_nothing(
    world: dict[str, Any], document: bytes | None, where: str, what: str
) -> None:
    world["store"].add_annotation(
        "url:x.org/kept", [{"type": "TextQuoteSelector", "exact": "k"}], ""
    )
    if document is None:
        broken = copy.deepcopy(HYPOTHESIS)
        if "selector" in where:
            broken["rows"][0]["target"][0]["selector"][1]["start"] = "5012"
        elif "created" in where:
            broken["rows"][3]["created"] = "last week"
        else:
            broken["rows"][0]["tags"] = ["ok", 7]
        document = json.dumps(broken, indent=1).encode()
    before = sorted(p.read_bytes() for p in (world["tmp"] / "data").rglob("*.json"))
    outcome = import_notes(document, world["store"], world["lookup"])
    assert isinstance(outcome, Malformed)
    assert outcome.where == where and what in outcome.what
    after = sorted(p.read_bytes() for p in (world["tmp"] / "data").rglob("*.json"))
    assert after == before


def _exported(store: Store, fmt: str) -> bytes:
    out = io.StringIO()
    write_export(store, fmt, out)
    return out.getvalue().encode()


@pytest.mark.parametrize("fmt", ["json", "w3c"])
@pytest.mark.parametrize("with_library", [True, False])
def test_round_trip(world: dict[str, Any], fmt: str, with_library: bool) -> None:
    stories, store = world["stories"], world["store"]
    note_on(store, stories["a"], "Ёжик в тумане", "по-русски\nс переносом", ("ру", "two words"))
    note_on(store, stories["a"], "a quote inside", "", end_quote="1. not a list")
    note_on(store, stories["b"], "cats and dogs", "*not* markup [x](y)", ("pets",))
    note_on(store, stories["local"], "text on disk", "a local story")
    orphan = note_on(store, stories["b"], "birds", "the text changes")
    Path(stories["b"].path).write_text(Path(stories["b"].path).read_text().replace("birds", "fish"))
    store.update_annotation(orphan.id, note="the text changed")  # updated differs from created
    before = json.loads(export_json(store))
    empty = Store.open(world["tmp"] / f"empty-{fmt}-{with_library}")
    lookup = world["lookup"] if with_library else library_lookup([world["tmp"] / "no-library"])
    report = import_notes(_exported(store, fmt), empty, lookup)
    assert isinstance(report, ImportReport)
    assert len(report.attached) == (4 if with_library else 0)
    assert len(report.orphaned) == (1 if with_library else 5)
    after = json.loads(export_json(empty))
    assert essentials(after) == essentials(before)
    again = import_notes(_exported(empty, fmt), empty, lookup)
    assert isinstance(again, ImportReport) and again.existing == 5
    if fmt == "json":  # our own format also carries the bookmarks
        assert after["bookmarks"] == before["bookmarks"] == []


def test_our_json_brings_bookmarks_and_never_a_path_from_the_file(world: dict[str, Any]) -> None:
    b = world["stories"]["b"]
    document = {
        "version": 2,
        "bookmarks": [
            {"story_id": b.story_id, "story_title": "B", "path": "/etc/passwd", "tags": ["x"],
             "created": "2024-01-01T00:00:00Z"},
            {"story_id": "url:nowhere.example/x", "story_title": "Nowhere",
             "path": "/etc/shadow", "tags": [], "created": "2024-01-01T00:00:00Z"},
        ],
        "annotations": [
            {"id": "7b0c1ab5-0f36-4a4e-9f0a-6c1b7f0de001", "story_id": "url:nowhere.example/x",
             "path": "/etc/passwd", "note": "n", "tags": ["t"],
             "selectors": [{"type": "TextQuoteSelector", "exact": "q"}],
             "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z"},
        ],
    }  # fmt: skip
    report = run(world, document)
    assert [b.story_id for b in report.bookmarks] == [b.story_id, "url:nowhere.example/x"]
    marks = world["store"].bookmarks()
    assert marks[b.story_id].path == str(b.path)  # from the library
    assert marks["url:nowhere.example/x"].path == ""
    [note] = world["store"].all_annotations()
    assert note.story_path == "" and note.tags == ("t",)

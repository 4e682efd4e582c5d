"""OPML subscription lists: reading nested and sloppy files, clear errors, writing, round trips."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as hs

from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.model import FeedError
from tui_reader.feeds.opml import OpmlFeed, read_opml, write_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="Text name" title="Title name" xmlUrl="https://a.example/feed"/>
      <outline text="World">
        <outline type="rss" text="Deep &amp; nested" xmlUrl="https://b.example/rss.xml"/>
      </outline>
    </outline>
    <outline type="rss" xmlUrl="https://c.example:8443/atom"/>
    <outline type="rss" title="" text="" xmlUrl="  https://d.example/x  "/>
    <outline type="link" text="Just a web page" htmlUrl="https://e.example/"/>
    <outline type="rss" title="Duplicate" xmlUrl="https://a.example/feed"/>
    <outline type="rss" title="Empty url" xmlUrl=""/>
    <outline title="Odd case" XMLURL="https://f.example/feed"/>
  </body>
</opml>
"""


def test_reads_nested_outlines_with_fallback_titles_and_dedupe() -> None:
    assert read_opml(NESTED) == [
        OpmlFeed("Title name", "https://a.example/feed"),
        OpmlFeed("Deep & nested", "https://b.example/rss.xml"),
        OpmlFeed("c.example", "https://c.example:8443/atom"),
        OpmlFeed("d.example", "https://d.example/x"),
        OpmlFeed("Odd case", "https://f.example/feed"),
    ]


def test_reads_opml_1_with_bom_and_declared_encoding() -> None:
    latin1 = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<opml version="1.0"><body>'
        b'<outline text="Caf\xe9 \xabnews\xbb" xmlUrl="https://caf\xe9.example/rss"/></body></opml>'
    )
    assert read_opml(latin1) == [OpmlFeed("Café «news»", "https://café.example/rss")]
    bom = b"\xef\xbb\xbf" + NESTED
    assert read_opml(bom) == read_opml(NESTED)
    utf16 = NESTED.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_opml(utf16) == read_opml(NESTED)


def test_titles_and_urls_are_made_safe_one_liners() -> None:
    data = (
        b'<opml><body><outline title="  Two&#10;lines&#x9B;[2J &#x202E;x\xc2\x85 " '
        b'xmlUrl="https://a.example/f"/></body></opml>'
    )
    assert read_opml(data) == [OpmlFeed("Two lines[2J x", "https://a.example/f")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b" \r\n\t", "empty file", id="whitespace"),
        pytest.param(b"\xef\xbb\xbf\n", "empty file", id="bom-only"),
        pytest.param(
            b"<opml>\n<body>\n<outline xmlUrl='x'>\n</body></opml>",
            "not an OPML file: XML error on line 4: mismatched tag",
            id="broken-xml",
        ),
        pytest.param(
            b'{"feeds": []}',
            "not an OPML file: XML error on line 1: not well-formed (invalid token)",
            id="json",
        ),
        pytest.param(
            b"<?xml version='1.0'?>\n",
            "not an OPML file: XML error on line 2: no element found",
            id="declaration-only",
        ),
        pytest.param(
            b"<html><body><p>hi</p></body></html>",
            "not an OPML file: root element is <html>, expected <opml>",
            id="html-root",
        ),
        pytest.param(
            b"<!DOCTYPE html>\n<html><body>hi</body></html>",
            "not an OPML file: root element is <html>, expected <opml>",
            id="html-doctype",
        ),
        pytest.param(
            b"<rss version='2.0'><channel/></rss>",
            "not an OPML file: root element is <rss>, expected <opml>",
            id="rss-root",
        ),
        pytest.param(
            b"<opml><body><outline text='x'/></body></opml>",
            "no feeds in the OPML file (no outline has an xmlUrl)",
            id="no-feeds",
        ),
        pytest.param(
            b"<opml version='2.0'><head/></opml>",
            "no feeds in the OPML file (no outline has an xmlUrl)",
            id="no-body",
        ),
        pytest.param(
            b"<opml><body><outline xmlUrl='&undefined;'/></body></opml>",
            "not an OPML file: XML error on line 1: undefined entity",
            id="undefined-entity",
        ),
    ],
)
def test_errors(data: bytes, message: str) -> None:
    with pytest.raises(FeedError) as caught:
        read_opml(data)
    assert str(caught.value) == message


def test_doctype_is_rejected_before_entities_expand() -> None:
    entities = "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' if i else '<!ENTITY e0 "lol">' for i in range(10)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE opml [{entities}]><opml><body>'
    bomb += '<outline text="&e9;" xmlUrl="https://a.example/f"/></body></opml>'
    start = time.perf_counter()
    with pytest.raises(FeedError, match=r"^OPML with a DOCTYPE is not accepted$"):
        read_opml(bomb.encode())
    assert time.perf_counter() - start < 10.0  # loose: expanded, the bomb would never end
    external = b'<!DOCTYPE opml SYSTEM "file:///etc/passwd"><opml><body/></opml>'
    with pytest.raises(FeedError, match=r"^OPML with a DOCTYPE is not accepted$"):
        read_opml(external)


def test_write_opml_is_valid_opml_2() -> None:
    feeds = [
        OpmlFeed('Fish & "chips" <daily>', "https://a.example/feed?x=1&y=<2>"),
        OpmlFeed("Ünïcode 📰", "https://b.example/rss"),
    ]
    text = write_opml(feeds, title="Mine & yours")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.findtext("head/title") == "Mine & yours"
    created = root.findtext("head/dateCreated") or ""
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", created)
    outlines = root.findall("body/outline")
    assert [o.attrib for o in outlines] == [
        {
            "type": "rss",
            "text": 'Fish & "chips" <daily>',
            "title": 'Fish & "chips" <daily>',
            "xmlUrl": "https://a.example/feed?x=1&y=<2>",
        },
        {
            "type": "rss",
            "text": "Ünïcode 📰",
            "title": "Ünïcode 📰",
            "xmlUrl": "https://b.example/rss",
        },
    ]
    assert 'text="Fish &amp; &quot;chips&quot; &lt;daily&gt;"' in text
    assert read_opml(text.encode()) == feeds


def test_write_opml_cleans_what_xml_cannot_carry() -> None:
    text = write_opml(
        [
            OpmlFeed("Bell\x07 and\nnewline", "https://a.example/f"),
            OpmlFeed("", "https://b.example/f"),
        ]
    )
    assert read_opml(text.encode()) == [
        OpmlFeed("Bell and newline", "https://a.example/f"),
        OpmlFeed("b.example", "https://b.example/f"),
    ]


def test_write_opml_with_no_feeds_is_still_a_document() -> None:
    root = ET.fromstring(write_opml([]).encode())
    assert root.tag == "opml" and root.find("body") is not None


_LINE = hs.text(hs.characters(codec="utf-8"), min_size=1, max_size=30).map(sanitize_line)


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(hs.lists(hs.tuples(_LINE, _LINE), max_size=8))
def test_round_trip(pairs: list[tuple[str, str]]) -> None:
    feeds = list({url: OpmlFeed(title, url) for title, url in pairs if title and url}.values())
    assume(feeds)
    assert read_opml(write_opml(feeds).encode()) == feeds

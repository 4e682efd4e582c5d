"""Parsing feed documents: RSS, Atom, JSON Feed, encodings, and every way a document fails."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from tui_reader.feeds.encoding import prepare_xml
from tui_reader.feeds.model import FeedError, ParsedFeed
from tui_reader.feeds.parse import parse_feed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
RUSSIAN_TITLES = ["Весенний праздник на площади", "Погода на выходные"]


def parse(
    name: str, url: str = "https://feeds.example/feed", ctype: str | None = None
) -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), url=url, content_type=ctype)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def error(data: bytes, content_type: str | None = None) -> str:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, url="https://site.example/path/", content_type=content_type)
    return str(caught.value)


# --- RSS -------------------------------------------------------------------------------------


def test_rss20_entries() -> None:
    feed = parse("rss20.xml", url="https://news.example.org/feed/rss.xml")
    assert (feed.kind, feed.title, feed.link) == (
        "rss20",
        "Harbour Town Gazette",
        "https://news.example.org/",
    )
    assert feed.encoding == "utf-8" and feed.warnings == ()
    assert feed.skipped == ("entry 5: no title, link or content",)
    ferry, market, tide, cartoon = feed.entries

    assert ferry.guid == "gazette-2024-0311"
    assert ferry.link == "https://news.example.org/2024/03/ferry-timetable"
    assert ferry.title == "Ferry timetable changes on Monday"
    assert ferry.author == "Mara Lindqvist"
    assert ferry.published == utc(2024, 3, 11, 7, 30)
    assert ferry.updated is None
    assert ferry.tags == ("Transport", "Harbour")  # "transport" is the same tag
    html = ferry.content_html or ""
    assert '<a href="https://news.example.org/timetables/ferry">new timetable</a>' in html
    assert 'src="https://news.example.org/feed/images/ferry.jpg"' in html
    assert "<script" not in html and "track()" not in html
    assert ferry.base_url == "https://news.example.org/feed/rss.xml"
    assert ferry.content_text is None

    assert market.link == "https://news.example.org/2024/03/market-indoors"
    assert market.guid == "https://news.example.org/2024/03/market-indoors"
    assert market.published == utc(2024, 3, 9, 17, 0)
    assert market.content_html == "Stalls will be set up in the <b>old fish hall</b> until April."

    assert tide.title is None
    assert tide.link == "https://news.example.org/2024/03/tide-note"  # a permalink guid
    assert tide.content_html == "High tide tonight at 21:40; the lower quay will be closed."

    assert cartoon.title == "Tom & Jerry return to the Harbour Theatre"
    assert cartoon.author == "Ines Okafor"
    assert cartoon.published == utc(2024, 3, 7, 17, 0)
    assert cartoon.tags == ("Culture",)
    assert cartoon.content_html == "<p>The cartoon evening is back &amp; sold out.</p>"


def test_rss091() -> None:
    feed = parse("rss091.xml")
    assert (feed.kind, feed.title) == ("rss091n", "Old Mill Weekly")
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Water wheel repaired", "http://oldmill.example.net/news/wheel.html"),
        ("Open day in June", "http://oldmill.example.net/news/open-day.html"),
    ]
    assert feed.entries[0].content_html == "The wheel turns again after three months."


def test_rss10_rdf_uses_dc_date_and_creator() -> None:
    feed = parse("rss10_rdf.xml")
    assert (feed.kind, feed.title, feed.link) == (
        "rss10",
        "Valley Lab Notes",
        "https://lab.example.com/",
    )
    frogs, gauge = feed.entries
    assert frogs.guid == frogs.link == "https://lab.example.com/notes/42"
    assert frogs.title == "Frogs counted at the north pond"
    assert frogs.author == "Dr. Petra Novak"
    assert frogs.published == utc(2024, 4, 2, 4, 15)  # dc:date is RSS 1.0's publication date
    assert frogs.tags == ("Amphibians",)
    assert gauge.published == utc(2024, 3, 28, 18, 0)
    assert gauge.author == "Sam Ortiz"


def test_rss_title_with_escaped_html_becomes_text() -> None:
    doc = b"""<rss version="2.0"><channel><title>T</title>
    <item><title>A &lt;b&gt;bold&lt;/b&gt;   move</title><link>https://x.example/1</link></item>
    </channel></rss>"""
    feed = parse_feed(doc, url="https://x.example/feed")
    assert feed.entries[0].title == "A bold move"


def test_unsafe_links_are_dropped() -> None:
    doc = b"""<rss version="2.0"><channel><title>T</title>
    <item><title>Bad</title><link>javascript:alert(1)</link></item></channel></rss>"""
    feed = parse_feed(doc, url="https://x.example/feed")
    assert feed.entries[0].link is None


def test_empty_feed_is_valid() -> None:
    doc = b'<rss version="2.0"><channel><title>Brand new</title></channel></rss>'
    feed = parse_feed(doc, url="https://x.example/feed")
    assert feed == ParsedFeed(kind="rss20", title="Brand new", encoding="utf-8")


# --- Atom ------------------------------------------------------------------------------------


def test_atom10() -> None:
    feed = parse("atom10.xml", url="https://blog.example.com/journal/atom.xml")
    assert (feed.kind, feed.title, feed.link) == (
        "atom10",
        "Quiet Corner Journal",
        "https://blog.example.com/journal/",
    )
    seeds, winter, plain = feed.entries

    assert seeds.guid == "tag:blog.example.com,2024:seeds"
    assert seeds.link == "https://blog.example.com/journal/2024/05/seeds"  # not the enclosure
    assert seeds.title == "Seeds and soil & sun"
    assert seeds.author == "Aiko Tanaka, Luis Ferreira"
    assert (seeds.published, seeds.updated) == (None, utc(2024, 5, 6, 8, 30))
    assert seeds.tags == ("garden", "spring")
    assert seeds.content_html == (
        '<p>Plant the <a href="https://blog.example.com/guides/beans">beans</a>'
        " after the last frost.</p>"
    )

    assert winter.title == "Winter <notes>"  # type="text": the brackets are text
    assert winter.link == "https://blog.example.com/archive/winter.html"
    assert winter.author == "Quiet Corner Team"  # inherited from the feed, as Atom says
    assert (winter.published, winter.updated) == (utc(2024, 1, 15, 8), utc(2024, 1, 16, 8))
    html = winter.content_html or ""
    assert '<a href="https://blog.example.com/archive/snow.html">photos</a>' in html
    assert 'src="https://blog.example.com/archive/img/snow.png"' in html
    assert winter.base_url == "https://blog.example.com/archive/"

    assert plain.content_html is None
    assert plain.content_text == "Just words, <not> markup."


# --- JSON Feed -------------------------------------------------------------------------------


def test_jsonfeed10() -> None:
    feed = parse("jsonfeed10.json", url="https://stars.example.org/feed.json")
    assert (feed.kind, feed.title, feed.link) == (
        "json1",
        "Backyard Astronomy",
        "https://stars.example.org/",
    )
    assert feed.skipped == ("item 3: not an object", "item 5: no title, url or content")
    jupiter, meteors, no_id = feed.entries

    assert jupiter.guid == jupiter.link == "https://stars.example.org/2024/jupiter"
    assert jupiter.title == "Jupiter at opposition"
    assert jupiter.author == "Noor Haddad"
    assert jupiter.published == utc(2024, 11, 3, 21, 0)
    assert jupiter.updated == utc(2024, 11, 4, 6, 30)
    assert jupiter.tags == ("planets", "Jupiter")
    assert jupiter.content_html is not None and "pair of binoculars" in jupiter.content_html
    assert jupiter.content_text is None  # the summary is only a fallback
    assert jupiter.base_url == "https://stars.example.org/2024/jupiter"

    assert (meteors.guid, meteors.link) == ("meteors-2024", None)
    assert meteors.title == "Meteor shower tonight"
    assert meteors.content_text == "Look north-east after midnight."
    assert meteors.published == utc(2024, 8, 12, 20, 0)

    # JSON Feed requires an id; an item without one is still kept, keyed by its url.
    assert no_id.guid == no_id.link == "https://stars.example.org/2024/no-id"


def test_jsonfeed11() -> None:
    feed = parse("jsonfeed11.json", url="https://diary.example.net/feeds/main.json")
    assert (feed.kind, feed.title) == ("json1.1", "Workshop Diary")
    bench, chisels = feed.entries

    assert bench.guid == "1017"
    assert bench.link == "https://diary.example.net/feeds/posts/bench"
    assert bench.author == "Ola Berg, Kim Wu"
    assert bench.published == dt.datetime(2024, 6, 1, 14, 0, 0, 250000, tzinfo=dt.UTC)
    assert bench.tags == ("wood",)

    assert chisels.title is None
    assert chisels.link == "https://tools.example.com/review/chisels"
    assert chisels.author == "Kim Wu"
    assert chisels.content_html is None
    assert chisels.content_text == "Sharpened all the chisels today.\nThe old ones are the best."
    assert chisels.updated == utc(2024, 6, 2, 8, 0)


def test_json_errors() -> None:
    assert error((FIXTURES / "broken.json").read_bytes()) == (
        "broken JSON: Expecting ',' delimiter at line 4 column 3"
    )
    not_feed = (FIXTURES / "not_jsonfeed.json").read_bytes()
    assert error(not_feed) == "not a feed: JSON without a jsonfeed.org version"
    assert error(b"[1, 2]") == "not a feed: JSON without a jsonfeed.org version"
    assert error(b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}') == (
        'not a feed: JSON Feed without an "items" list'
    )
    assert error(b"nope", "application/feed+json") == (
        "broken JSON: Expecting value at line 1 column 1"
    )


def test_json_in_utf16_and_latin1() -> None:
    doc = '{"version": "https://jsonfeed.org/version/1", "items": [{"id": 1, "title": "Café"}]}'
    assert parse_feed(doc.encode("utf-16"), url="https://x.example/").entries[0].title == "Café"
    feed = parse_feed(doc.encode("latin-1"), url="https://x.example/")
    assert feed.entries[0].title == "Café"
    assert feed.warnings == ("no encoding declared; guessed windows-1252",)


# --- Encodings -------------------------------------------------------------------------------


def russian(feed: ParsedFeed) -> list[str | None]:
    assert feed.title == "Новости дня"
    assert feed.entries[1].content_html is not None
    assert feed.entries[1].content_html.startswith("Завтра ожидается солнечная погода")
    return [e.title for e in feed.entries]


def test_windows_1251_declared_in_xml() -> None:
    feed = parse("rss_cp1251_declared.xml")
    assert russian(feed) == RUSSIAN_TITLES
    assert (feed.encoding, feed.warnings) == ("windows-1251", ())


def test_koi8r_declared_only_in_http_header() -> None:
    feed = parse("rss_koi8r_http.xml", ctype="application/rss+xml; charset=KOI8-R")
    assert russian(feed) == RUSSIAN_TITLES
    assert (feed.encoding, feed.warnings) == ("koi8-r", ())


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("rss_cp1251_undeclared.xml", "windows-1251"), ("rss_koi8r_undeclared.xml", "koi8-r")],
)
def test_undeclared_cyrillic_is_guessed(name: str, encoding: str) -> None:
    feed = parse(name)
    assert russian(feed) == RUSSIAN_TITLES
    assert feed.encoding == encoding
    assert feed.warnings == (f"no encoding declared; guessed {encoding}",)


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_short_undeclared_cyrillic_title(codec: str) -> None:
    # charset_normalizer reads these two words in windows-1251 as cp1250 mojibake.
    doc = '<rss version="2.0"><channel><title>Новости дня</title></channel></rss>'
    assert parse_feed(doc.encode(codec), url="https://x.example/").title == "Новости дня"


def test_latin1_declared() -> None:
    feed = parse("latin1_declared.xml")
    assert feed.title == "Grüße aus Zürich"
    assert [e.title for e in feed.entries] == [
        "Café-Konzert in der Altstadt",
        "Fête de l'été à Genève",
    ]
    assert feed.entries[0].content_html == (
        "Die Bürger genießen Kaffee und Kuchen. Danach gibt es Musik auf der Straße."
    )
    assert (feed.encoding, feed.warnings) == ("windows-1252", ())


def test_latin1_declared_reads_smart_quotes_as_windows_1252() -> None:
    feed = parse("latin1_smart_quotes.xml")
    assert feed.title == "Smart \u201cquotes\u201d"
    assert feed.entries[0].title == "\u201cQuoted\u201d headline \u2013 with a dash"
    assert feed.entries[0].content_html == "It\u2019s a \u201csmart quotes\u201d test\u2026"


@pytest.mark.parametrize(
    ("declared", "codec", "used"),
    [
        ("utf-8", "cp1251", "windows-1251"),
        ("windows-1252", "koi8_r", "koi8-r"),
        ("iso-8859-1", "utf-8", "utf-8"),
    ],
)
def test_wrong_declaration_is_overruled(declared: str, codec: str, used: str) -> None:
    doc = f'<?xml version="1.0" encoding="{declared}"?>\n<rss version="2.0"><channel>'
    doc += "<title>Новости дня</title></channel></rss>"
    feed = parse_feed(doc.encode(codec), url="https://x.example/")
    assert feed.title == "Новости дня"
    assert feed.warnings == (f"declared {declared} but the bytes are not; read as {used}",)


def test_http_charset_that_does_not_fit_falls_back_to_the_xml_declaration() -> None:
    doc = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
    doc += "<title>Новости дня</title></channel></rss>"
    data = doc.encode("cp1251")
    feed = parse_feed(data, url="https://x.example/", content_type="text/xml; charset=utf-8")
    assert feed.title == "Новости дня"
    assert feed.warnings == ("declared utf-8 but the bytes are not; read as windows-1251",)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_byte_order_marks_and_utf16(codec: str) -> None:
    doc = '<?xml version="1.0" encoding="utf-16"?>\n<rss version="2.0"><channel>'
    doc += "<title>Новости дня</title></channel></rss>"
    assert parse_feed(doc.encode(codec), url="https://x.example/").title == "Новости дня"


def test_prepare_xml_hands_over_utf8() -> None:
    data = (FIXTURES / "rss_cp1251_declared.xml").read_bytes()
    body, encoding, warning = prepare_xml(data, None)
    assert (encoding, warning) == ("windows-1251", None)
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "Новости дня".encode() in body


# --- Broken and wrong documents --------------------------------------------------------------


def test_truncated_keeps_the_complete_entries() -> None:
    feed = parse("truncated.xml")
    assert [e.title for e in feed.entries] == ["Entry number 1", "Entry number 2", "Entry number 3"]
    # feedparser returns entry 4 with its title and link; its body was cut, so it goes.
    assert feed.skipped == ("entry 4: cut off where the document ends",)
    assert feed.warnings == (
        "document ends early (truncated) at line 28; kept the 3 entries before it",
    )


def test_unescaped_ampersand_is_read_leniently() -> None:
    feed = parse("unescaped_amp.xml")
    assert [e.title for e in feed.entries] == [
        "Tom & Jerry at 70",
        "Laurel and Hardy",
        "Rocky & Bullwinkle",
    ]
    assert feed.entries[0].link == "https://cartoons.example.com/tom-jerry"
    assert feed.warnings == (
        "XML is not well-formed (line 6: not well-formed (invalid token)); read it leniently",
    )


def test_html_page_names_the_feed_it_links_to() -> None:
    assert error((FIXTURES / "html_page.html").read_bytes()) == (
        'not a feed: got an HTML page titled "Harbour Town Gazette \u2013 Home"; '
        "it links to a feed at https://news.example.org/feed/rss.xml"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><head><title>Hi</title></head><body></body></html>", ' titled "Hi"'),
        (b"<head><title>Frag</title></head><body><p>x</p></body>", ' titled "Frag"'),
        (b"<!doctype html><p>no title", ""),
        (
            b'<!DOCTYPE html><link rel="alternate" type="application/feed+json" href="feed.json">',
            "; it links to a feed at https://site.example/path/feed.json",
        ),
    ],
)
def test_other_html_pages(data: bytes, message: str) -> None:
    assert error(data) == "not a feed: got an HTML page" + message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ((FIXTURES / "empty.xml").read_bytes(), "empty document"),
        (b" \r\n\t ", "empty document"),
        (
            (FIXTURES / "comment_only.xml").read_bytes(),
            "no feed in the document (it holds only a comment)",
        ),
        (b'<?xml version="1.0"?>\n', "no feed in the document (it holds only an XML declaration)"),
        (
            gzip.compress(b"<rss/>", mtime=0),  # mtime=0: the same test id in every xdist worker
            "got gzip-compressed bytes the server did not label; cannot read them",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a feed: binary data"),
        ((FIXTURES / "not_feed.xml").read_bytes(), "not a feed: XML with root element <config>"),
        (b"<foo/>", "not a feed: XML with root element <foo>"),
        (b"<foo>&</foo>", "broken XML: not well-formed (invalid token) at line 1"),
        (
            b'<rss version="2.0">\n<channel><title>T</title>\n<item><title>cut',
            "broken XML: document ends early (truncated) at line 3",
        ),
        (
            b'<rss version="2.0"><channel>\n<item><title>a</titl></item></channel></rss>',
            "broken XML: mismatched tag at line 2",
        ),
    ],
)
def test_errors(data: bytes, message: str) -> None:
    assert error(data) == message


def test_bozo_without_entry_tags_is_an_empty_feed() -> None:
    doc = b'<rss version="2.0"><channel><title>Tom & Jerry</title></channel></rss>'
    feed = parse_feed(doc, url="https://x.example/")
    assert (feed.title, feed.entries) == ("Tom & Jerry", ())
    assert feed.warnings == (
        "XML is not well-formed (line 1: not well-formed (invalid token)); read it leniently",
    )

"""Web pages in the library (``.html``, ``.htm``) are read through the article extractor; a
page with no article is one error row with the reason."""

from __future__ import annotations

import json
from pathlib import Path

from tui_reader.core.stories import Story, StoryError, StoryMeta, load_story, read_meta
from tui_reader.library.index import scan

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
ARS_META = json.loads((PAGES / "ars-1" / "expected-metadata.json").read_text("utf-8"))
ARS_URL = (
    "https://arstechnica.com/information-technology/2015/04/"
    "just-released-minecraft-exploit-makes-it-easy-to-crash-game-servers/"
)


def test_pages_in_the_library(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "minecraft.html").write_bytes(
        (PAGES / "ars-1" / "source.html").read_bytes()
    )
    (tmp_path / "ehow.HTM").write_bytes((PAGES / "ehow-1" / "source.html").read_bytes())
    (tmp_path / "login.htm").write_text(
        "<html><head><title>Members</title></head><body><form>"
        "<input name=u><input type=PASSWORD name=p></form></body></html>"
    )
    (tmp_path / "index.html").write_text(
        "<html><body>"
        + "".join(f"<p><a href='/a/{n}'>Story number {n} of the week</a></p>" for n in range(50))
        + "</body></html>"
    )
    (tmp_path / "report.html").write_bytes(b"%PDF-1.7\n...")
    (tmp_path / "empty.html").write_bytes(b"")
    items = {item.path.name: item for item in scan(tmp_path)}
    assert set(items) == {
        "minecraft.html", "ehow.HTM", "login.htm", "index.html", "report.html", "empty.html"
    }  # fmt: skip
    ars = items["minecraft.html"]
    assert isinstance(ars, StoryMeta)
    assert (ars.title, ars.byline, ars.url) == (ARS_META["title"], "Dan Goodin", ARS_URL)
    assert ars.story_id == "url:" + ARS_URL.removeprefix("https://").rstrip("/")
    ehow = items["ehow.HTM"]
    assert isinstance(ehow, StoryMeta) and ehow.title == "How to Build a Terrarium | eHow"

    def reason(name: str) -> str:
        item = items[name]
        assert isinstance(item, StoryError), item
        return item.reason

    assert reason("login.htm") == (
        "no article on the page: it is a login page (it asks for a password)"
    )
    assert reason("index.html").startswith("no article on the page")
    assert reason("report.html") == "not a web page: a PDF document"
    assert reason("empty.html") == "empty file"

    story = load_story(tmp_path / "news" / "minecraft.html")
    assert isinstance(story, Story)
    assert story.story_id == ars.story_id
    assert "proof-of-concept code that exploits" in story.body
    assert "<script" not in story.body and "skimlinks" not in story.body
    assert read_meta(tmp_path / "login.htm") == items["login.htm"]

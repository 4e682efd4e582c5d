"""``tui-reader save`` against real pages served on 127.0.0.1: the story written, saving the
same URL again, a note surviving a re-save, and every failure as one line with the library
untouched."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feed_server import FeedServer
from tui_reader import anchoring
from tui_reader.cli.main import main
from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, load_story
from tui_reader.storage.store import Store

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
ARS = (PAGES / "ars-1" / "source.html").read_bytes()
ARS_META = json.loads((PAGES / "ars-1" / "expected-metadata.json").read_text("utf-8"))
EHOW = (PAGES / "ehow-1" / "source.html").read_bytes()
HTML = "text/html; charset=utf-8"
LOGIN = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in</h1>"
    b"<form method=post><input name=user><input type=password name=pw>"
    b"<button>Log in</button></form><p>Subscribers only.</p></body></html>"
)
INDEX = (
    "<!DOCTYPE html><html><head><title>Harbour News</title></head><body><main>"
    + "".join(
        f"<p><a href='/news/{n}'>Ferry timetable change number {n} for the winter season</a></p>"
        for n in range(40)
    )
    + "</main></body></html>"
).encode()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def story(path: Path) -> Story:
    loaded = load_story(path)
    assert isinstance(loaded, Story), loaded
    return loaded


def cli(tmp_path: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point, ``python -m tui_reader``, as a user types it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_READER_")}
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


def test_save_twice_through_the_entry_point(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.add("/2015/04/minecraft.html", ARS, content_type=HTML)
    url = feed_server.url("/2015/04/minecraft.html")
    lib = tmp_path / "lib"
    common = ["--stories", str(lib), "--data-dir", str(tmp_path / "data")]
    first = cli(tmp_path, "save", url, *common, "--tag", "security")
    assert first.returncode == 0, first.stderr
    [path] = (lib / "saved").glob("*.md")
    assert first.stdout == f"Saved {path}\n    {ARS_META['title']}\n"
    saved = story(path)
    assert (saved.title, saved.byline, saved.url) == (ARS_META["title"], "Dan Goodin", url)
    assert saved.tags == ("security",)
    assert str(saved.date) == "2015-04-16"
    assert "[image: Just-released Minecraft exploit" in build_document(saved.body).text
    assert "\n> " in "\n" + saved.body  # the quoted post stays a quote
    assert "](https://" in saved.body  # links are absolute
    front = path.read_text("utf-8").split("\n---\n", 1)[0]
    assert "\nsaved: '20" in front and "\nextractor: trafilatura " in front
    assert path.read_text("utf-8").rstrip().endswith(f"Original url:\n<{url}>")

    second = cli(tmp_path, "save", url, *common)
    assert second.returncode == 0, second.stderr
    assert second.stdout == f"Updated {path}\n    {ARS_META['title']}\n"
    assert list((lib / "saved").glob("*.md")) == [path]
    assert story(path).tags == ("security",)  # kept from the first save


def test_urls_from_stdin(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.add("/ars.html", ARS, content_type=HTML)
    feed_server.add("/ehow.html", EHOW, content_type=HTML)
    lines = "\n".join(
        [feed_server.url("/ars.html"), "", "# a comment", feed_server.url("/gone"), ""]
        + [feed_server.url("/ehow.html")]
    )
    done = cli(tmp_path, "save", "-", "--stories", str(tmp_path / "lib"), stdin=lines + "\n")
    assert done.returncode == 1
    assert done.stderr == f"tui-reader: save {feed_server.url('/gone')}: HTTP 404 Not Found\n"
    assert done.stdout.count("Saved ") == 2
    titles = sorted(story(p).title for p in (tmp_path / "lib" / "saved").glob("*.md"))
    assert titles == ["How to Build a Terrarium | eHow", ARS_META["title"]]


def test_default_library_is_the_feeds_one(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.add("/ars.html", ARS, content_type=HTML)
    assert main(["save", feed_server.url("/ars.html"), "--data-dir", str(tmp_path / "d")]) == 0
    assert len(list((tmp_path / "d" / "feeds" / "saved").glob("*.md"))) == 1


FAILURES = [
    ("pdf", dict(body=b"%PDF-1.4\n%...", content_type="application/pdf"), "a PDF document"),
    ("png", dict(body=b"\x89PNG\r\n\x1a\n....", content_type="image/png"), "an image (PNG)"),
    ("json", dict(body=b'{"a": 1}', content_type="application/json"), "JSON data"),
    ("empty", dict(body=b"", content_type=HTML), "the page is empty"),
    ("login", dict(body=LOGIN, content_type=HTML), "it is a login page"),
    ("index", dict(body=INDEX, content_type=HTML), "no article on the page"),
    ("404", dict(body=b"nope", status=404, content_type=HTML), "HTTP 404 Not Found"),
    ("gzip-bomb", dict(body=b" " * (21 << 20), gzip=True, content_type=HTML), "once decompressed"),
]


@pytest.mark.parametrize(("case", "route", "message"), FAILURES, ids=[c[0] for c in FAILURES])
def test_a_failure_is_one_line_and_the_library_is_unchanged(
    feed_server: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    route: dict[str, object],
    message: str,
) -> None:
    lib = tmp_path / "lib"
    feed_server.add("/ars.html", ARS, content_type=HTML)
    assert main(["save", feed_server.url("/ars.html"), "--stories", str(lib)]) == 0
    capsys.readouterr()
    before = snapshot(lib)
    feed_server.add("/page", **route)  # type: ignore[arg-type]
    url = feed_server.url("/page")
    assert main(["save", url, "--stories", str(lib)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith(f"tui-reader: save {url}: ") and out.err.count("\n") == 1
    assert message in out.err, out.err
    assert snapshot(lib) == before


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda s: s.huge("/page", 50 << 20, content_length=True), "larger than 20 MiB"),
        (lambda s: s.huge("/page", 50 << 20, content_length=False), "larger than 20 MiB"),
        (lambda s: s.drip("/page", ARS, delay=0.05), "took longer than 1 s"),
        (lambda s: s.hang("/page"), "no answer from 127.0.0.1"),
        (lambda s: (s.redirect("/page", "/b"), s.redirect("/b", "/page")), "redirect loop"),
    ],
    ids=["huge", "huge-unannounced", "slow", "silent", "redirect-loop"],
)
def test_network_failures(
    feed_server: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arrange: object,
    message: str,
) -> None:
    arrange(feed_server)  # type: ignore[operator]
    url = feed_server.url("/page")
    argv = ["save", url, "--stories", str(tmp_path / "lib"), "--timeout", "0.5"]
    assert main([*argv, "--deadline", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tui-reader: save {url}: ") and err.count("\n") == 1
    assert message in err, err
    assert snapshot(tmp_path / "lib") == {}


def test_gzip_page_and_legacy_encoding(feed_server: FeedServer, tmp_path: Path) -> None:
    page = ARS.decode("utf-8").replace("Minecraft", "Minecraftové")
    legacy = page.encode("cp1250", "xmlcharrefreplace")
    legacy = legacy.replace(b'charset="UTF-8"', b"").replace(b"charset=UTF-8", b"")
    cp1250 = "text/html; charset=windows-1250"
    feed_server.add("/a.html", gzip.compress(legacy), content_type=cp1250)
    assert main(["save", feed_server.url("/a.html"), "--stories", str(tmp_path)]) == 0
    [path] = (tmp_path / "saved").glob("*.md")
    assert "Minecraftové" in story(path).title


def test_a_note_survives_a_resave_with_changed_text(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    lib, data = tmp_path / "lib", tmp_path / "data"
    feed_server.add("/ars.html", ARS, content_type=HTML)
    url = feed_server.url("/ars.html")
    assert main(["save", url, "--stories", str(lib)]) == 0
    [path] = (lib / "saved").glob("*.md")
    first = story(path)
    text = build_document(first.body).text
    passage = "The vulnerability stems from the fact that the client is allowed"
    start = text.index(passage)
    store = Store.open(data)
    store.add_annotation(
        first.story_id, anchoring.describe(text, start, start + len(passage)), "why it crashes"
    )
    store.close()

    # The page changes: a new paragraph up front, a corrected word further down.
    changed = ARS.replace(
        b"A flaw in the wildly popular",
        b"Update: Mojang says a fix is coming. </p><p> A flaw in the wildly popular",
    ).replace(b"coupled with", b"combined with")
    assert changed != ARS
    feed_server.add("/ars.html", changed, content_type=HTML)
    assert main(["save", url, "--stories", str(lib)]) == 0
    assert list((lib / "saved").glob("*.md")) == [path]
    again = story(path)
    assert again.story_id == first.story_id
    new_text = build_document(again.body).text
    assert "Mojang says a fix is coming" in new_text and new_text != text

    store = Store.open(data)
    [note] = store.annotations_for(again.story_id)
    found = anchoring.anchor(new_text, note.selectors)
    assert found is not None and found.method != "position"
    assert new_text[found.start : found.end] == passage
    store.close()

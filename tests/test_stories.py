"""Parsing story files: the seed format, front matter, bad files, untrusted text, identity."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from tests.paths import REPO, SEED, SEED_TITLE
from tui_reader.core.dates import parse_date
from tui_reader.core.decode import decode_text_file as decode_bytes
from tui_reader.core.stories import (
    Story,
    StoryError,
    StoryMeta,
    load_story,
    parse_story_text,
    read_meta,
    story_id,
    title_from_name,
)
from tui_reader.core.textsafe import is_safe, sanitize
from tui_reader.library.index import scan

SEED_URL = (
    "https://www.themoscowtimes.com/2021/09/15/"
    "security-blocs-led-by-russia-china-meet-on-afghanistan-a75057"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def story(path: Path) -> Story:
    result = load_story(path)
    assert isinstance(result, Story), result
    return result


def error(path: Path) -> str:
    result = load_story(path)
    assert isinstance(result, StoryError), result
    return result.reason


# --- the seed -------------------------------------------------------------------------------


def test_seed_header_fields() -> None:
    seed = story(SEED)
    assert seed.title == SEED_TITLE
    assert seed.byline == "Christopher Rickleton in Almaty and Michael Mainville in Moscow for AFP"
    assert seed.date == dt.date(2021, 9, 15)
    assert seed.url == SEED_URL
    assert seed.source == "themoscowtimes.com"
    assert seed.warnings == ()
    assert seed.story_id == "url:" + SEED_URL.removeprefix("https://")


def test_seed_header_and_footer_lines_not_in_body() -> None:
    body = story(SEED).body
    for gone in ("# Security Blocs", "By [", "September 15, 2021", "Original url", "<https://"):
        assert gone not in body
    assert body.startswith("Russian Defense Minister Sergei Shoigu")
    assert body.endswith("Russia's top diplomat said.")


def test_seed_broken_paragraph_is_joined() -> None:
    paragraphs = story(SEED).body.split("\n\n")
    assert (
        "Afghanistan, already heavily dependent on aid, is facing a new economic crisis in the "
        "aftermath of the Taliban's takeover, with the new authorities unable to pay salaries as "
        "food prices soar."
    ) in paragraphs
    assert not any(p.startswith("aftermath") for p in paragraphs)


def test_read_meta_matches_load_story() -> None:
    meta = read_meta(SEED)
    assert isinstance(meta, StoryMeta)
    seed = story(SEED)
    assert (meta.title, meta.byline, meta.date, meta.url) == (
        seed.title,
        seed.byline,
        seed.date,
        seed.url,
    )
    assert meta.story_id == seed.story_id
    assert meta.source == "themoscowtimes.com"
    assert meta.size == SEED.stat().st_size


# --- paragraph joining ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\n## A heading without end\n\nlower start",
        "# T\n\n- a list item\n\nlower start",
        "# T\n\n> a quote\n\nlower start",
        "# T\n\n| a | b |\n|---|---|\n\nlower start",
        "# T\n\nA sentence that ends.\n\nlower start",
        "# T\n\n```\ncode without end\n\nlower inside the fence\n```",
    ],
)
def test_paragraphs_not_joined(tmp_path: Path, text: str) -> None:
    body = parse_story_text(text, path=tmp_path / "x.md").body
    assert body.count("\n\n") == text.count("\n\n") - 1  # only the title's break is gone


def test_fenced_code_kept_verbatim(tmp_path: Path) -> None:
    text = "# T\n\nIntro\n\n```py\nx = 1\n\n\ny = 2\n```\n\nafter the fence"
    body = parse_story_text(text, path=tmp_path / "x.md").body
    assert "```py\nx = 1\n\n\ny = 2\n```" in body


# --- front matter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "body"),
    [
        (
            "---\ntitle: Hello YAML\nauthor: Ann Example\ndate: 2024-03-05\n"
            "link: https://example.org/y\ntags: [one, two]\n---\n\nBody text.\n",
            (
                "Hello YAML",
                "Ann Example",
                dt.date(2024, 3, 5),
                "https://example.org/y",
                ("one", "two"),
            ),
            "Body text.",
        ),
        (
            '+++\ntitle = "Hello TOML"\nauthor = "Bo"\ndate = 2024-03-06\n'
            'source = "https://example.org/t"\ntags = "x, y"\n+++\n# Hello TOML\n\nBody.\n',
            ("Hello TOML", "Bo", dt.date(2024, 3, 6), "https://example.org/t", ("x", "y")),
            "Body.",  # the heading repeating the title is not shown twice
        ),
    ],
    ids=["yaml", "toml"],
)
def test_front_matter(tmp_path: Path, text: str, expected: tuple[object, ...], body: str) -> None:
    got = story(write(tmp_path, "a.md", text))
    assert (got.title, got.byline, got.date, got.url, got.tags) == expected
    assert got.body == body


def test_unclosed_front_matter_is_readable_with_warning(tmp_path: Path) -> None:
    got = story(write(tmp_path, "c.md", "---\ntitle: never closed\n\nSome text.\n"))
    assert any("never closed" in w for w in got.warnings)
    assert "Some text." in got.body


def test_invalid_yaml_front_matter_warns(tmp_path: Path) -> None:
    got = story(write(tmp_path, "d.md", "---\ntitle: [unclosed\n---\n# Real title\n\nText.\n"))
    assert any(w.startswith("YAML front matter ignored") for w in got.warnings)


# --- titles and dates -----------------------------------------------------------------------


def test_title_from_file_name(tmp_path: Path) -> None:
    got = story(write(tmp_path, "my-great_story.md", "Just some text.\n"))
    assert got.title == "My great story"
    assert got.title_from_file
    assert title_from_name("000_8fca52f5ebd7e4f3.txt", "First line") == "First line"
    assert title_from_name("2021-09-15-a-day.md") == "A day"


@pytest.mark.parametrize(
    "text",
    [
        "September 15, 2021",
        "Sept. 15th, 2021",
        "15 Sep 2021",
        "15 September 2021",
        "2021-09-15",
        "2021-09-15T10:00:00+00:00",
        "2021/09/15",
        "Wed, 15 Sep 2021 10:00:00 +0000",
        "Wednesday, September 15, 2021",
        "Published: Sep 15, 2021 at 10:30 am",
        "15.09.2021",
        "09/15/2021",
        "15/09/2021",
        "*September 15, 2021*",
    ],
)
def test_parse_date_formats(text: str) -> None:
    assert parse_date(text) == dt.date(2021, 9, 15)


@pytest.mark.parametrize("text", ["", "Hello world", "2021-02-30", "September 2021 was hot"])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


# --- bad files ------------------------------------------------------------------------------


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    assert error(write(tmp_path, "e.md", b"")) == "empty file"
    assert error(write(tmp_path, "w.md", b" \n\t\r\n  ")) == "empty file"
    assert error(write(tmp_path, "bom.md", b"\xef\xbb\xbf\n")) == "empty file"


def test_binary_files(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert error(write(tmp_path, "p.md", png)) == "binary file (contains NUL bytes)"
    noisy = bytes(range(1, 32)) * 50
    assert error(write(tmp_path, "n.md", noisy)) == "binary file (mostly non-text bytes)"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_byte_order_marks(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "# Café “quotes”\n\nBy Zoë\n\nMarch 1, 2024\n\nNaïve body.\n"
    got = story(write(tmp_path, "u.md", bom + text.encode(encoding)))
    assert (got.title, got.byline, got.date) == ("Café “quotes”", "Zoë", dt.date(2024, 3, 1))
    assert got.encoding == encoding
    assert got.body == "Naïve body."
    assert got.warnings == ()


def test_utf16_without_bom(tmp_path: Path) -> None:
    got = story(write(tmp_path, "u.md", "# Plain\n\nText here.\n".encode("utf-16-le")))
    assert got.title == "Plain"
    assert got.warnings == ("no byte-order mark; read as UTF-16-LE",)


def test_truncated_utf8(tmp_path: Path) -> None:
    data = "# Title\n\nEnds in an euro sign €".encode()[:-1]
    got = story(write(tmp_path, "t.md", data))
    assert got.body == "Ends in an euro sign"
    assert got.encoding == "utf-8"
    assert got.warnings == ("file ends mid-character (truncated UTF-8); broken tail dropped",)


def test_legacy_encodings(tmp_path: Path) -> None:
    got = story(write(tmp_path, "c.md", "# Caf\xe9 \u201cnews\u201d\n\nBody.\n".encode("cp1252")))
    assert got.title == "Café “news”"
    assert got.warnings == ("not valid UTF-8; read as Windows-1252",)
    latin = story(write(tmp_path, "l.md", b"# Gr\xfc\xdfe \x81\n\nBody.\n"))
    assert latin.title == "Grüße"  # U+0081 is a C1 control: dropped
    assert latin.warnings == ("not valid UTF-8; read as Latin-1",)


def test_unreadable_paths(tmp_path: Path) -> None:
    assert error(tmp_path / "missing.md") == "cannot read file: No such file or directory"
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert error(folder) == "cannot read file: Is a directory"
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert error(fifo) == "not a regular file"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_a_file_longer_than_its_size_is_read_whole() -> None:
    """A file is read to its end even when it holds more than fstat said (a file of /proc says
    0 bytes; a story may grow while it is read): the size is only where reading starts."""
    got = load_story(Path("/proc/self/status"))
    assert isinstance(got, Story), got
    assert "Name:" in got.body and "VmRSS:" in got.body  # first lines and later ones


NOBODY = 65534
READ_ONE = """
import sys
from pathlib import Path
from tui_reader.core.stories import StoryError, load_story

result = load_story(Path(sys.argv[1]))
print(result.reason if isinstance(result, StoryError) else f"read: {result!r}")
"""


def test_permission_denied() -> None:
    """An unreadable file is an error row. Root reads anything (CI runs as root), so there the
    check runs as ``nobody`` via setpriv, on a file in a directory that user can traverse."""
    setpriv = shutil.which("setpriv")
    as_root = os.geteuid() == 0
    if as_root and setpriv is None:
        pytest.skip("running as root without setpriv: no unprivileged user to read as")
    folder = Path(tempfile.mkdtemp(prefix="tui-reader-perm-"))  # not root's 0700 tmp_path
    try:
        folder.chmod(0o755)
        path = write(folder, "secret.md", "# Secret\n")
        path.chmod(0)
        readable = write(folder, "open.md", "# Open\n\nText.\n")
        readable.chmod(0o644)
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        env = {"PYTHONPATH": str(REPO), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

        def read_as_user(target: Path) -> str:
            argv = [*(prefix if as_root else []), sys.executable, "-c", READ_ONE, str(target)]
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
            assert done.returncode == 0, done.stderr[-2000:]
            return done.stdout.strip()

        # The same user reads a readable file: the denial below is the mode's, not the setup's.
        assert read_as_user(readable).startswith("read: Story(")
        assert read_as_user(path) == "cannot read file: Permission denied"
    finally:
        shutil.rmtree(folder)


def test_one_good_fifty_bad(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "good.txt")
    kinds = [b"", b"  \n", b"\x00\x01binary\x00", bytes(range(1, 32)) * 20, b"\xff\xfe\x00\xd8"]
    for i in range(50):
        path = tmp_path / f"bad{i:02d}.md"
        if i % 7 == 5:
            path.symlink_to(tmp_path / "nowhere")
        elif i % 7 == 6:
            os.mkfifo(path)
        else:
            write(tmp_path, path.name, kinds[i % 5])
    items = list(scan(tmp_path))
    metas = [item for item in items if isinstance(item, StoryMeta)]
    errors = [item for item in items if isinstance(item, StoryError)]
    assert len(metas) == 1
    assert metas[0].title.startswith("Security Blocs")
    assert len(errors) == 50, [e for e in errors]
    assert all(e.reason for e in errors)


# --- untrusted text -------------------------------------------------------------------------

HOSTILE = (
    "# [bold red]Title\x1b[2J\x07\n\nBy \x1b]52;c;aGk=\x07Mallory\x9b31m\n\n"
    "Text [link=http://x]click[/link] \x1b[2J clear \x1b]52;c;aGk=\x07 osc "
    "\x9b1m csi \x85 nel \x7f del \u202eevil\u202c \u2066iso\u2069\r\nnext\rline\n"
)


def test_markup_and_escapes_are_inert(tmp_path: Path) -> None:
    got = story(write(tmp_path, "h.md", HOSTILE))
    assert got.title == "[bold red]Title[2J"
    assert got.byline == "]52;c;aGk=Mallory31m"
    assert "[link=http://x]click[/link] [2J clear ]52;c;aGk= osc" in got.body
    assert "\nnext\nline" in got.body
    for value in (got.title, got.byline, got.body):
        assert value is not None
        assert is_safe(value)
        assert "\x1b" not in value and "\x9b" not in value and "\u202e" not in value


def test_hostile_long_lines_are_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    got = story(write(tmp_path, "long.md", "# " + "*[" * 100_000 + "\n\nBy " + "_" * 100_000))
    assert time.perf_counter() - start < 20  # loose: only a quadratic path takes that long
    assert len(got.title) <= 1000


@given(hs.text())
def test_sanitize_property(text: str) -> None:
    assert is_safe(sanitize(text))


def test_sanitize() -> None:
    assert sanitize("a\x1b[2Jb\tc\r\nd\re\x00\x9b\u2067f") == "a[2Jb\tc\nd\nef"
    assert sanitize("bad \udcff name") == "bad \ufffd name"


def safe_fields(item: Story) -> list[str]:
    return [item.title, item.byline or "", item.url or "", *item.tags, *item.warnings]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=hs.one_of(
        hs.binary(max_size=400),
        hs.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        hs.lists(
            hs.sampled_from(
                [
                    "---",
                    "+++",
                    "# T",
                    "By x",
                    "May 1, 2020",
                    "Original url:",
                    "<http://a>",
                    "",
                    "```",
                    "- i",
                    "\x1b[2J",
                    "\xe9",
                    "title: [",
                    "a = 1",
                    "\u202e",
                    "lower",
                ]
            ),
            max_size=20,
        ).map(lambda lines: "\n".join(lines).encode("utf-8")),
    ),
    encoding=hs.sampled_from([None, "utf-16", "cp1252"]),
)
def test_load_story_never_raises(tmp_path: Path, data: bytes, encoding: str | None) -> None:
    if encoding is not None:
        data = data.decode("utf-8", "replace").encode(encoding, "replace")
    path = tmp_path / "fuzz.md"
    path.write_bytes(data)
    result = load_story(path)
    decode_bytes(data)
    if isinstance(result, Story):
        assert is_safe(result.body)
        assert all(is_safe(value, multiline=False) for value in safe_fields(result))
        meta = read_meta(path)
        assert isinstance(meta, StoryMeta)
        assert meta.story_id == result.story_id
    else:
        assert result.reason


# --- identity -------------------------------------------------------------------------------


def test_story_id_stable_under_rename_and_move(tmp_path: Path) -> None:
    a = write(tmp_path, "a.md", "# A title\n\nBy Me\n\nMay 1, 2020\n\nBody.\n")
    before = story(a).story_id
    assert before.startswith("meta:")
    moved = tmp_path / "sub" / "renamed.md"
    moved.parent.mkdir()
    a.rename(moved)
    assert story(moved).story_id == before


def test_story_id_stable_under_body_edit(tmp_path: Path) -> None:
    path = write(tmp_path, "s.md", SEED.read_bytes())
    before = story(path).story_id
    path.write_text(SEED.read_text("utf-8").replace("Moscow and Beijing", "Beijing and Moscow"))
    assert story(path).story_id == before
    plain = write(tmp_path, "untitled-note.md", "no heading here\n")
    first = story(plain).story_id
    assert first == "path:untitled-note.md"
    plain.write_text("no heading here, edited\n")
    assert story(plain).story_id == first


def test_story_id_url_normalization() -> None:
    p = Path("x.md")
    a = story_id("T", None, None, "https://Example.org/a/#frag", p)
    assert a == story_id("Other", None, None, "http://example.org/a", p) == "url:example.org/a"
    assert story_id("T", None, None, "#", p).startswith("meta:")

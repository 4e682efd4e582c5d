"""``tui-reader export`` and ``import`` as a user runs them: real processes, real files."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notes_helpers import library, note_on
from tui_reader.storage.store import Store

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

REPO = Path(__file__).resolve().parent.parent


def cli(*args: str, stdin: bytes | None = None, home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A data dir with three notes on a library under ``tmp_path/stories``."""
    stories = library(tmp_path / "stories")
    store = Store.open(tmp_path / "data")
    note_on(store, stories["a"], "Prices rose sharply", "a note", ("economy",))
    note_on(store, stories["b"], "cats and dogs", "")
    note_on(store, stories["local"], "text on disk", "local")
    store.close()
    return tmp_path / "data"


def test_every_format_to_stdout_and_to_a_file(saved: Path, tmp_path: Path) -> None:
    for fmt in ("json", "markdown", "w3c", "csv"):
        out = cli("export", "--format", fmt, "--data-dir", str(saved), home=tmp_path)
        assert out.returncode == 0, out.stderr
        assert out.stderr == b""
        target = tmp_path / f"notes.{fmt}"
        to_file = cli("export", "--format", fmt, "-o", str(target), "--data-dir", str(saved),
                      home=tmp_path)  # fmt: skip
        assert to_file.returncode == 0 and to_file.stdout == b""
        assert b"wrote 3 note(s)" in to_file.stderr
        body = target.read_bytes()
        if fmt == "json":  # the time of export differs, nothing else
            assert json.loads(body)["annotations"] == json.loads(out.stdout)["annotations"]
        elif fmt == "w3c":
            assert json.loads(body)["first"]["items"] == json.loads(out.stdout)["first"]["items"]
        else:
            assert body == out.stdout
        assert target.stat().st_mode & 0o077 == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "notes.csv").read_text(), newline="")))
    assert sorted(r["note"] for r in rows) == ["", "a note", "local"]
    assert list(tmp_path.glob(".notes.*.tmp-*")) == []


def test_markdown_to_a_folder_and_wrong_uses(saved: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    out = cli("export", "--format", "markdown", "-o", f"{vault}/", "--data-dir", str(saved),
              home=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert len(list(vault.glob("*.md"))) == 3
    wrong = cli("export", "--format", "csv", "-o", str(vault), "--data-dir", str(saved),
                home=tmp_path)  # fmt: skip
    assert wrong.returncode == 2 and b"only --format markdown" in wrong.stderr
    since = cli("export", "--since", "someday", "--data-dir", str(saved), home=tmp_path)
    assert since.returncode == 2 and b"2026-11-29" in since.stderr
    story = cli("export", "--story", "https://example.org/b", "--format", "csv",
                "--data-dir", str(saved), home=tmp_path)  # fmt: skip
    assert story.stdout.count(b"\r\n") == 2  # the header and the one note on that story


def test_a_closed_pipe_is_not_an_error(saved: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = f"{sys.executable} -m tui_reader export --format markdown --data-dir {saved} | head -c 5"
    result = subprocess.run(["sh", "-c", argv], capture_output=True, env=env, timeout=60)
    assert result.stdout == b"# Not" and b"Traceback" not in result.stderr


def test_import_from_stdin_round_trip_and_errors(saved: Path, tmp_path: Path) -> None:
    exported = cli("export", "--format", "w3c", "--data-dir", str(saved), home=tmp_path).stdout
    fresh = tmp_path / "fresh"
    args = ("--stories", str(tmp_path / "stories"), "--data-dir", str(fresh))
    dry = cli("import", "-", "--dry-run", *args, stdin=exported, home=tmp_path)
    assert dry.returncode == 0 and b"Would import 3 note(s)" in dry.stdout
    assert not fresh.exists()
    done = cli("import", "-", *args, stdin=exported, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Imported 3 note(s) from W3C Web Annotation" in done.stdout
    assert b"3 attached" in done.stdout
    again = cli("import", "-", *args, stdin=exported, home=tmp_path)
    assert b"Imported 0 note(s)" in again.stdout and b"3 already in your notes" in again.stdout
    back = cli("export", "--format", "w3c", "--data-dir", str(fresh), home=tmp_path).stdout
    assert json.loads(back)["first"]["items"] == json.loads(exported)["first"]["items"]
    bad = cli("import", "-", *args, stdin=exported[:-40], home=tmp_path)
    assert bad.returncode == 1
    assert b"standard input: line " in bad.stderr and b"nothing was imported" in bad.stderr
    missing = cli("import", str(tmp_path / "nope.json"), *args, home=tmp_path)
    assert missing.returncode == 1 and b"cannot read" in missing.stderr


WRITER = """
import sys
from pathlib import Path
from tui_reader.anchoring import describe
from tui_reader.notes.service import AnnotationService, Target
from tui_reader.storage.store import Store

store = Store.open(Path(sys.argv[1]))
notes = AnnotationService(store)
text = "A story about concurrency and files that are never half written."
print("ready", flush=True)
for i in range(int(sys.argv[2])):
    start = i % 40
    story = Target(f"url:example.org/s{i % 7}", f"Story {i % 7}")
    notes.begin(story, describe(text, start, start + 8))
    saved = notes.save(f"note {i} " + "x" * (i % 50))
    print(saved.annotation.id, flush=True)
"""


def test_export_while_a_session_saves_notes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), "400"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while writer.poll() is None and time.monotonic() < deadline:
        for fmt in ("json", "w3c"):
            out = cli("export", "--format", fmt, "--data-dir", str(data), home=tmp_path)
            if out.returncode == 1 and b"holds no tui-reader notes" in out.stderr:
                continue  # the first note is not saved yet
            assert out.returncode == 0, out.stderr
            doc = json.loads(out.stdout)  # never half a file
            items = doc["annotations"] if fmt == "json" else doc["first"]["items"]
            notes = [a["note"] if fmt == "json" else a["body"][0]["value"] for a in items]
            assert all(n.startswith("note ") for n in notes)
            assert len({a["id"] for a in items}) == len(items)
            seen.append(len(items))
    written = writer.stdout.read().split()
    assert writer.wait(timeout=60) == 0
    assert seen == sorted(seen), "an export lost notes another had"
    assert len(seen) >= 2 and 0 < seen[0] < 400
    final = json.loads(cli("export", "--data-dir", str(data), home=tmp_path).stdout)
    assert sorted(a["id"] for a in final["annotations"]) == sorted(written)


def test_markdown_keeps_where_it_found_each_note_for_the_next_export(
    saved: Path, tmp_path: Path
) -> None:
    """The first Markdown export leaves its anchor cache in the user's cache dir (private);
    the next one, served from it, writes the same bytes; a story edited in between is read
    again (its note, now gone from the text, is an orphan)."""
    first = cli("export", "--format", "markdown", "--data-dir", str(saved), home=tmp_path)
    assert first.returncode == 0, first.stderr
    [cache] = (tmp_path / "cache" / "tui-reader").glob("anchors-*.sqlite")
    assert cache.stat().st_mode & 0o777 == 0o600
    again = cli("export", "--format", "markdown", "--data-dir", str(saved), home=tmp_path)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, b"")
    story = tmp_path / "stories" / "b.md"
    story.write_text(story.read_text("utf-8").replace("cats and dogs", "parrots"), "utf-8")
    edited = cli("export", "--format", "markdown", "--data-dir", str(saved), home=tmp_path)
    assert edited.returncode == 0, edited.stderr
    orphaned = edited.stdout.decode().split("## Orphaned notes")
    assert "## Orphaned notes" not in first.stdout.decode()
    assert len(orphaned) == 2 and "> cats and dogs" in orphaned[1]


def test_the_collector_is_off_while_exporting_and_on_again_after(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export holds Python's cycle collector off (it only slows the store's loading) and,
    run in-process, leaves it as it found it."""
    from tui_reader.cli.export import export_main
    from tui_reader.storage import store as store_module

    seen: list[bool] = []
    real = store_module.Store.open

    def spy(data_dir: Path) -> Store:
        seen.append(gc.isenabled())
        return real(data_dir)

    monkeypatch.setattr(store_module.Store, "open", spy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert gc.isenabled()
    out = tmp_path / "notes.json"
    assert export_main(["--data-dir", str(saved), "--stories", str(tmp_path / "stories"),
                        "-o", str(out)]) == 0  # fmt: skip
    assert seen == [False] and gc.isenabled()
    assert len(json.loads(out.read_text("utf-8"))["annotations"]) == 3


def test_the_export_program_ends_without_tearing_down_and_loses_no_output(
    saved: Path, tmp_path: Path
) -> None:
    """``tui-reader export`` ends its process itself once everything is written and closed
    (freeing the store object by object is wasted work): Python's own exit (which runs the
    ``atexit`` hooks) never comes, yet every byte reaches its pipe, and the status is kept."""
    hook = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write('torn down\\n'));"
        "from tui_reader.cli import run; sys.argv[0] = 'tui-reader'; run()"
    )

    def program(*args: str) -> subprocess.CompletedProcess[bytes]:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
               "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
        return subprocess.run([sys.executable, "-c", hook, *args], capture_output=True,
                              env=env, timeout=60, check=False)  # fmt: skip

    exported = program("export", "--format", "json", "--data-dir", str(saved))
    assert exported.returncode == 0 and exported.stderr == b""  # no "torn down"
    assert len(json.loads(exported.stdout)["annotations"]) == 3
    to_file = program("export", "--format", "csv", "-o", str(tmp_path / "n.csv"),
                      "--data-dir", str(saved))  # fmt: skip
    wrote = f"tui-reader: wrote 3 note(s) to {tmp_path / 'n.csv'}\n".encode()
    assert to_file.returncode == 0 and to_file.stderr == wrote
    refused = program("export", "--format", "csv", "-o", str(tmp_path / "no" / "n.csv"),
                      "--data-dir", str(saved))  # fmt: skip
    assert refused.returncode == 1 and b"cannot write" in refused.stderr
    assert b"torn down" not in refused.stderr
    # Another command, and a refused export, still end as Python ends.
    missing = program("export", "--data-dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and missing.stderr.endswith(b"torn down\n")
    # What is still buffered when it ends (stdout to a pipe is block-buffered) goes out.
    buffered = subprocess.run(
        [sys.executable, "-c", "import sys; from tui_reader.cli.export import _end_now;"
         "sys.stdout.write('still buffered'); _end_now(3)"],
        capture_output=True, env={"PYTHONPATH": str(REPO)}, timeout=60, check=False,
    )  # fmt: skip
    assert (buffered.returncode, buffered.stdout) == (3, b"still buffered")

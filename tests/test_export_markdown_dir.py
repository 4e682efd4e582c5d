"""``export --format markdown -o DIR``: every file whole or the folder as it was, the file that
failed named, no temp file left behind, and an unchanged re-export that rewrites nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from tests.notes_helpers import library, note_on
from tui_reader.core import atomic_batch
from tui_reader.core.stories import Story
from tui_reader.notes.export import write_export_dir
from tui_reader.storage.store import Store

Run = subprocess.CompletedProcess[str]
REPO = Path(__file__).resolve().parent.parent
# The CLI with a cap on the size of any file it writes: a write past it fails with EFBIG
# (SIGXFSZ ignored), as a full disk would fail it, part-way through the export.
CAPPED = (
    "import resource, runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "cap = int(sys.argv.pop(1)); resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap)); "
    "sys.argv[0] = 'tui-reader'; runpy.run_module('tui_reader', run_name='__main__')"
)


def capped_export(
    data: Path, vault: Path, cap: int, home: Path
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(home / "x"),
           "XDG_CONFIG_HOME": str(home / "c"), "XDG_CACHE_HOME": str(home / "k")}  # fmt: skip
    argv = ["export", "--format", "markdown", "-o", f"{vault}/", "--data-dir", str(data)]
    return subprocess.run([sys.executable, "-B", "-c", CAPPED, str(cap), *argv], env=env,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


def file_of(story: Story, vault: Path) -> Path:
    """The story's file in the vault (its name ends with a digest of the story's id)."""
    digest = hashlib.sha256(story.story_id.encode()).hexdigest()[:8]
    (path,) = vault.glob(f"*-{digest}.md")
    return path


def snapshot(vault: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in vault.iterdir()}


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text("utf-8")
    head, _ = text.removeprefix("---\n").split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict)
    return meta


QUOTES = {"a": "The last paragraph", "b": "cats and dogs", "local": "text on disk"}


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, dict[str, Story]]:
    stories = library(tmp_path / "stories")
    store = Store.open(tmp_path / "data")
    for key, quote in QUOTES.items():
        note_on(store, stories[key], quote, f"a note on {key}", ("t",))
    store.close()
    return tmp_path / "data", stories


def test_a_write_error_part_way_leaves_the_folder_as_it_was(
    world: tuple[Path, dict[str, Story]], tmp_path: Path
) -> None:
    data, stories = world
    vault = tmp_path / "vault"
    with closing(Store.open(data)) as store:
        order = write_export_dir(store, vault)
    before = snapshot(vault)
    assert len(before) == 3 and all(len(b) < 4000 for b in before.values())
    # The story written last gets a note far over the cap: the files before it are written
    # (to their temp files) when its write fails.
    last = next(key for key, s in stories.items() if file_of(s, vault) == order[-1])
    with closing(Store.open(data)) as store:
        note_on(store, stories[last], QUOTES[last], "long " * 20_000)
    out = capped_export(data, vault, 16_000, tmp_path)
    assert out.returncode == 1, out.stderr
    assert out.stderr == f"tui-reader: cannot write {order[-1]}: File too large\n"
    assert snapshot(vault) == before  # no temp file, and every file as it was

    out = capped_export(data, vault, 10**7, tmp_path)
    assert out.returncode == 0 and out.stderr == f"tui-reader: wrote 3 file(s) to {vault}\n"
    after = snapshot(vault)
    assert after.keys() == before.keys() and after[order[-1].name] != before[order[-1].name]


def test_a_rename_error_names_the_file_and_leaves_no_temp_file(
    world: tuple[Path, dict[str, Story]], tmp_path: Path
) -> None:
    data, stories = world
    vault = tmp_path / "vault"
    with closing(Store.open(data)) as store:
        order = write_export_dir(store, vault)
        before = snapshot(vault)
        for key, quote in QUOTES.items():  # every file changes
            note_on(store, stories[key], quote, "second")
        blocked = order[1]  # a folder where a file goes: it cannot be renamed over
        blocked.unlink()
        (blocked / "inside").mkdir(parents=True)
        with pytest.raises(IsADirectoryError) as failed:
            write_export_dir(store, vault)
    assert failed.value.filename == str(blocked)
    assert sorted(p.name for p in vault.iterdir()) == sorted(p.name for p in order)
    assert "second" in order[0].read_text("utf-8")  # renamed before the failure: whole
    assert front_matter(order[0])["tags"] == ["t"]
    assert order[2].read_bytes() == before[order[2].name]  # not reached: as it was


def test_an_unchanged_export_rewrites_nothing(
    world: tuple[Path, dict[str, Story]], tmp_path: Path
) -> None:
    data, stories = world
    vault = tmp_path / "vault"
    with closing(Store.open(data)) as store:
        first = {p: p.stat() for p in write_export_dir(store, vault)}
        again = {p: p.stat() for p in write_export_dir(store, vault)}
        assert [(s.st_ino, s.st_mtime_ns) for s in again.values()] == [
            (s.st_ino, s.st_mtime_ns) for s in first.values()
        ]
        changed, loosened = file_of(stories["b"], vault), file_of(stories["local"], vault)
        note_on(store, stories["b"], "birds", "and birds")
        loosened.chmod(0o644)
        third = {p: p.stat() for p in write_export_dir(store, vault)}
    for path, info in third.items():
        rewritten = path in (changed, loosened)
        assert (info.st_ino != first[path].st_ino) == rewritten, path.name
        assert info.st_mode & 0o777 == 0o600
    assert "and birds" in changed.read_text("utf-8")
    assert not [p for p in vault.iterdir() if p.name.startswith(".")]


def test_without_syncfs_every_file_is_flushed_on_its_own(
    world: tuple[Path, dict[str, Story]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no syncfs (not Linux, or an old kernel) the same files are written."""
    data, _ = world
    with closing(Store.open(data)) as store:
        assert atomic_batch._syncfs() is not None or sys.platform != "linux"
        expected = snapshot(write_export_dir(store, tmp_path / "a")[0].parent)
        monkeypatch.setattr(atomic_batch, "_syncfs", lambda: None)
        assert snapshot(write_export_dir(store, tmp_path / "b")[0].parent) == expected


# Paths opened read-only (a probe of an existing file), recorded while a list is set here.
_PROBES: list[list[str]] = []


def _record_probes(event: str, args: tuple[object, ...]) -> None:
    if _PROBES and event == "open" and isinstance(args[0], str | Path) and args[2] is not None:
        flags = args[2]
        if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) == 0:
            _PROBES[-1].append(os.fspath(args[0]))


def test_a_new_folder_is_listed_once_not_probed_file_by_file(
    world: tuple[Path, dict[str, Story]], tmp_path: Path
) -> None:
    data, _ = world
    vault = tmp_path / "vault"
    sys.addaudithook(_record_probes)  # stays for the process; records nothing when unused
    with closing(Store.open(data)) as store:
        _PROBES.append([])
        try:
            written = write_export_dir(store, vault)
            cold = _PROBES[-1]
            _PROBES[-1] = []
            write_export_dir(store, vault)
            again = _PROBES[-1]
        finally:
            _PROBES.clear()
    inside = [Path(p) for p in cold if Path(p).parent == vault]
    assert inside == [], "a file of a new folder was probed for old contents"
    # Over the files it wrote, each is compared with what it would get (and left alone).
    assert sorted(Path(p) for p in again if Path(p).parent == vault) == sorted(written)

"""The store in one process: CRUD, persistence, refresh, relink, recovery, file modes, export."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui_reader.core.paths import ensure_private_dir, resolve_data_dir
from tui_reader.core.stories import StoryMeta, read_meta
from tui_reader.notes.export import export_json
from tui_reader.storage import files as storage
from tui_reader.storage.records import Annotation, Bookmark
from tui_reader.storage.store import SHARDS, Draft, NotFound, Store, StoreError, _shard

QUOTE: dict[str, Any] = {
    "type": "TextQuoteSelector",
    "exact": "the quick fox",
    "prefix": "See ",
    "suffix": ".",
}
POS: dict[str, Any] = {"type": "TextPositionSelector", "start": 4, "end": 17}
SEL: list[dict[str, Any]] = [QUOTE, POS]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    s = Store.open(data_dir)
    yield s
    s.close()


def shard_path(data_dir: Path, story_id: str) -> Path:
    return data_dir / "annotations" / f"{_shard(story_id):02d}.json"


def corrupt_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.rglob("*.corrupt-*"))


# paths


def test_resolve_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg" / "xdg_data_home"
    assert resolve_data_dir(None) == xdg / "tui-reader"
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir("") == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert not (tmp_path / "env").exists() and not xdg.exists()


def test_ensure_private_dir_is_0700_despite_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        made = ensure_private_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert ensure_private_dir(made) == made


def test_store_modules_never_import_textual() -> None:
    code = (
        "import sys, tui_reader.storage.store, tui_reader.notes.export, tui_reader.ui.hangup,"
        " tui_reader.core.paths;"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# CRUD and persistence


def test_open_creates_nothing_until_first_write(data_dir: Path) -> None:
    s = Store.open(data_dir)
    assert not data_dir.exists()
    assert s.bookmarks() == {} and s.all_annotations() == [] and s.draft() is None
    assert s.refresh() is False
    s.mark_read("a")
    assert data_dir.is_dir() and s.notices == []


def test_annotation_crud_and_reopen(store: Store, data_dir: Path) -> None:
    a = store.add_annotation("url:x", SEL, "first", story_title="X", story_path="x.md")
    b = store.add_annotation("url:x", [QUOTE], "")
    c = store.add_annotation("path:y.md", [POS], "other story")
    assert len({a.id, b.id, c.id}) == 3
    assert a.created == a.updated and a.created.endswith("Z")
    assert [x.id for x in store.annotations_for("url:x")] == [a.id, b.id]
    assert store.annotation_counts() == {"url:x": 2, "path:y.md": 1}

    updated = store.update_annotation(a.id, note="edited")
    assert updated.note == "edited" and updated.selectors == SEL and updated.updated > a.updated
    moved = store.update_annotation(b.id, selectors=[POS])
    assert moved.selectors == [POS] and moved.note == ""
    with pytest.raises(NotFound, match="not in the store"):  # the store's own error, never KeyError
        store.update_annotation("no-such-id", note="x")
    assert issubclass(NotFound, StoreError)

    reopened = Store.open(data_dir)
    assert reopened.get_annotation(a.id) == updated
    assert reopened.get_annotation(a.id).story_title == "X"  # type: ignore[union-attr]
    assert {x.id for x in reopened.all_annotations()} == {a.id, b.id, c.id}


def test_returned_selectors_are_copies(store: Store) -> None:
    a = store.add_annotation("s", SEL, "n")
    a.selectors[0]["exact"] = "mutated"
    assert store.get_annotation(a.id).selectors[0]["exact"] == "the quick fox"  # type: ignore[union-attr]


def test_non_json_selectors_are_refused_before_writing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.add_annotation("s", [{"type": "X", "bad": object()}], "n")
    assert store.all_annotations() == []


def test_delete_and_restore_keep_the_id(store: Store, data_dir: Path) -> None:
    a = store.add_annotation("s", SEL, "keep me")
    gone = store.delete_annotation(a.id)
    assert gone == a and store.get_annotation(a.id) is None
    assert store.delete_annotation(a.id) is None
    store.restore_annotation(gone)
    assert Store.open(data_dir).get_annotation(a.id) == a


def test_bookmarks(store: Store, data_dir: Path) -> None:
    first = store.set_bookmark("s1", True, tags=["tech", "long"], title="One", path="1.md")
    assert first is not None and store.is_bookmarked("s1")
    again = store.set_bookmark("s1", True, tags=["tech"], title="One!", path="1.md")
    assert again is not None and again.created == first.created and again.tags == ("tech",)
    store.set_bookmark("s2", True)
    assert store.set_bookmark("s2", False) is None
    assert store.set_bookmark("never", False) is None
    assert set(Store.open(data_dir).bookmarks()) == {"s1"}
    assert Store.open(data_dir).bookmarks()["s1"].title == "One!"


def test_reading_state_and_draft(store: Store, data_dir: Path) -> None:
    store.mark_read("a")
    store.mark_read("b")
    store.mark_read("b", read=False)
    store.set_position("a", 120)
    store.set_last_open("a")
    draft = store.save_draft(Draft("a", SEL, "half a thought", annotation_id=None))
    assert draft.saved_at
    again = Store.open(data_dir)
    assert again.read_ids() == {"a"}
    assert again.position("a") == 120 and again.position("b") is None
    assert again.last_open() == "a"
    assert again.draft() == draft
    again.clear_draft()
    assert Store.open(data_dir).draft() is None


def test_refresh_sees_another_session(data_dir: Path) -> None:
    one, two = Store.open(data_dir), Store.open(data_dir)
    a = one.add_annotation("s", SEL, "from one")
    one.set_bookmark("s", True)
    assert two.all_annotations() == []
    assert two.refresh() is True
    assert [x.id for x in two.annotations_for("s")] == [a.id] and two.is_bookmarked("s")
    assert two.refresh() is False


def test_no_lost_update_between_sessions_without_refresh(data_dir: Path) -> None:
    one, two = Store.open(data_dir), Store.open(data_dir)
    ids = set()
    for i in range(20):  # same story, same shard: each write must re-read the other's
        ids.add((one if i % 2 else two).add_annotation("s", SEL, f"n{i}").id)
        (two if i % 2 else one).mark_read(f"story{i}")
    fresh = Store.open(data_dir)
    assert {a.id for a in fresh.all_annotations()} == ids
    assert fresh.read_ids() == {f"story{i}" for i in range(20)}


def other_shard(story_id: str) -> str:
    return next(f"url:{i}" for i in range(1000) if _shard(f"url:{i}") != _shard(story_id))


def test_relink_moves_everything(store: Store, data_dir: Path) -> None:
    old = "path:old.md"
    new = other_shard(old)
    notes = {store.add_annotation(old, SEL, f"n{i}").id for i in range(3)}
    other = store.add_annotation("else", SEL, "untouched")
    store.set_bookmark(old, True, tags=["a"], title="Old")
    store.set_bookmark(new, True, tags=["b"])
    store.mark_read(old)
    store.set_position(old, 42)
    store.set_last_open(old)
    assert store.relink(old, new) == 3
    reopened = Store.open(data_dir)
    assert {a.id for a in reopened.annotations_for(new)} == notes
    assert reopened.annotations_for(old) == [] and reopened.get_annotation(other.id) == other
    assert reopened.bookmarks()[new].tags == ("b", "a") and reopened.bookmarks()[new].title == "Old"
    assert old not in reopened.bookmarks()
    assert reopened.read_ids() == {new} and reopened.position(new) == 42
    assert reopened.last_open() == new
    assert reopened.relink(old, new) == 0


def test_relink_completes_after_an_interrupted_copy(store: Store, data_dir: Path) -> None:
    old = "path:old.md"
    new = other_shard(old)
    a = store.add_annotation(old, SEL, "n")
    store.relink(old, new)
    store.restore_annotation(a)  # simulate the crash window: the old copy is still there
    assert len([x for x in store.all_annotations() if x.id == a.id]) == 1
    assert store.relink(old, new) == 1
    assert [x.story_id for x in Store.open(data_dir).all_annotations()] == [new]


def test_relink_within_one_shard(store: Store) -> None:
    old = "path:a.md"
    new = next(f"url:{i}" for i in range(1000) if _shard(f"url:{i}") == _shard(old))
    a = store.add_annotation(old, SEL, "n")
    assert store.relink(old, new) == 1
    assert store.get_annotation(a.id).story_id == new  # type: ignore[union-attr]


# Durability details on disk


def test_files_are_0600_dirs_0700_and_backups_rotate(store: Store, data_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        store.set_bookmark("s", True, title="v1")
        store.set_bookmark("s", True, title="v2")
        store.add_annotation("s", SEL, "n")
        store.save_draft(Draft("s", SEL, "d"))
    finally:
        os.umask(old)
    for path in [data_dir, *data_dir.rglob("*")]:
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path
    bak = orjson.loads((data_dir / "bookmarks.json.bak").read_bytes())
    assert bak["bookmarks"]["s"]["title"] == "v1"
    assert bak["meta"]["schema"] == {"kind": "bookmarks", "version": storage.SCHEMA_VERSION}


def test_orphan_temp_files_are_removed_on_open(store: Store, data_dir: Path) -> None:
    store.add_annotation("s", SEL, "n")
    orphans = [
        data_dir / ".bookmarks.json.tmp-123-abcd1234",
        shard_path(data_dir, "s").with_name(f".{shard_path(data_dir, 's').name}.tmp-9-ff"),
        data_dir / ".state.json.baktmp-5-00",
    ]
    for orphan in orphans:
        orphan.write_bytes(b'{"half": ')
    again = Store.open(data_dir)
    assert not any(o.exists() for o in orphans)
    assert len(again.all_annotations()) == 1 and again.notices == []


def test_shards_split_annotations(store: Store, data_dir: Path) -> None:
    for i in range(64):
        store.add_annotation(f"story-{i}", SEL, "n")
    files = list((data_dir / "annotations").glob("??.json"))
    assert 8 < len(files) <= SHARDS


# Corrupt or foreign data


def test_invalid_json_is_moved_aside_and_backup_restored(store: Store, data_dir: Path) -> None:
    store.set_bookmark("kept", True)
    store.set_bookmark("lost", True)  # bookmarks.json.bak now holds only "kept"
    target = data_dir / "bookmarks.json"
    target.write_text('{\n  "bookmarks": {\n    oops\n')
    again = Store.open(data_dir)
    [aside] = corrupt_files(data_dir)
    assert aside.read_text().startswith('{\n  "bookmarks"')
    assert set(again.bookmarks()) == {"kept"}
    [notice] = again.notices
    assert "not valid JSON (line 3" in notice and str(aside) in notice
    assert "restored the last good backup" in notice and "bookmarks.json.bak" in notice
    assert orjson.loads(target.read_bytes())["bookmarks"].keys() == {"kept"}
    again.set_bookmark("new", True)
    assert set(Store.open(data_dir).bookmarks()) == {"kept", "new"}


def test_truncated_shard_without_backup_starts_empty(store: Store, data_dir: Path) -> None:
    store.add_annotation("s", SEL, "only write, so no backup")
    other = store.add_annotation("t" if _shard("t") != _shard("s") else "u", SEL, "elsewhere")
    path = shard_path(data_dir, "s")
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    again = Store.open(data_dir)
    assert again.annotations_for("s") == [] and again.get_annotation(other.id) == other
    [aside] = corrupt_files(data_dir)
    assert aside.read_bytes() == blob[: len(blob) // 2]
    [notice] = again.notices
    assert "not valid JSON" in notice and "No usable backup" in notice and str(aside) in notice
    again.add_annotation("s", SEL, "works again")
    assert len(Store.open(data_dir).annotations_for("s")) == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[1, 2, 3]", "top level is a JSON array"),
        (b'"just a string"', "top level is a JSON string"),
        (b'{"read": [1, 2]}', "table 'read' is malformed"),
        (b'{"meta": {"schema": {"kind": "bookmarks", "version": 1}}}', "not a state file"),
        (b"", "empty"),
    ],
)
def test_wrong_shape_is_moved_aside(data_dir: Path, content: bytes, reason: str) -> None:
    ensure_private_dir(data_dir)
    (data_dir / "state.json").write_bytes(content)
    s = Store.open(data_dir)
    [aside] = corrupt_files(data_dir)
    assert aside.read_bytes() == content
    [notice] = s.notices
    assert reason in notice and str(aside) in notice
    assert s.read_ids() == set() and s.durable
    s.mark_read("x")
    assert Store.open(data_dir).read_ids() == {"x"}


def test_newer_schema_is_never_overwritten(store: Store, data_dir: Path) -> None:
    store.set_bookmark("s", True, title="from the future")
    target = data_dir / "bookmarks.json"
    data = orjson.loads(target.read_bytes())
    data["meta"]["schema"]["version"] = 99
    target.write_bytes(orjson.dumps(data))
    before = target.read_bytes()
    s = Store.open(data_dir)
    [notice] = s.notices
    assert "schema version 99" in notice and "not saving bookmarks" in notice
    assert s.is_bookmarked("s") and not s.durable
    with pytest.raises(StoreError, match="Bookmarks cannot be saved this session"):
        s.set_bookmark("t", True)
    assert not s.is_bookmarked("t")
    s.add_annotation("s", SEL, "annotations are still saved")
    assert target.read_bytes() == before and corrupt_files(data_dir) == []
    assert len(Store.open(data_dir).all_annotations()) == 1


def test_older_schema_is_migrated_with_a_backup(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.mark_read("s")

    def v1_to_v2(tables: storage.Tables) -> storage.Tables:
        tables["read"] = {k: {**v, "migrated": True} for k, v in tables["read"].items()}
        return tables

    monkeypatch.setattr(storage, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(storage.MIGRATIONS, 1, v1_to_v2)
    s = Store.open(data_dir)
    assert s.notices == [] and s.read_ids() == {"s"}
    on_disk = orjson.loads((data_dir / "state.json").read_bytes())
    assert on_disk["meta"]["schema"]["version"] == 2 and on_disk["read"]["s"]["migrated"]
    bak = orjson.loads((data_dir / "state.json.bak").read_bytes())
    assert bak["meta"]["schema"]["version"] == 1


def test_unreadable_file_is_left_alone(store: Store, data_dir: Path) -> None:
    # Tests may run as root, where chmod 000 does not stop reads: a directory in the file's
    # place is unreadable for everyone. tests/test_store_processes.py covers chmod 000.
    store.add_annotation("s", SEL, "n")
    (data_dir / "draft.json").mkdir()
    s = Store.open(data_dir)
    [notice] = s.notices
    assert "Could not read" in notice and "draft.json" in notice
    assert len(s.all_annotations()) == 1 and not s.durable
    with pytest.raises(StoreError):
        s.save_draft(Draft("s", SEL, "nowhere to go"))
    s.add_annotation("s", SEL, "other files still save")
    assert (data_dir / "draft.json").is_dir() and corrupt_files(data_dir) == []


def test_unlockable_data_dir_starts_read_only(store: Store, data_dir: Path) -> None:
    store.mark_read("a")
    (data_dir / "store.lock").unlink()
    (data_dir / "store.lock").mkdir()
    s = Store.open(data_dir)
    [notice] = s.notices
    assert "Cannot lock" in notice and "will not be saved" in notice
    assert s.read_ids() == {"a"} and not s.durable
    with pytest.raises(StoreError, match="Cannot lock"):
        s.mark_read("b")


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a dir")
    s = Store.open(tmp_path / "data")
    assert s.notices == [
        f"{tmp_path / 'data'} is not a directory, so nothing can be saved this session."
    ]
    assert s.refresh() is False
    with pytest.raises(StoreError, match="Cannot create"):
        s.add_annotation("s", SEL, "n")


def test_a_failed_write_raises_and_keeps_memory_true(store: Store, data_dir: Path) -> None:
    store.mark_read("a")
    (data_dir / "annotations").write_text("a file where the shard dir should be")
    with pytest.raises(StoreError):
        store.add_annotation("s", SEL, "n")
    assert store.all_annotations() == [] and store.read_ids() == {"a"}


def test_a_write_failing_midway_rolls_memory_back(store: Store, data_dir: Path) -> None:
    # RLIMIT_FSIZE makes the temp-file write fail with EFBIG even for root, after TinyDB has
    # already changed the in-memory tables.
    kept = store.add_annotation("s", SEL, "small")
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, limits[1]))
    try:
        with pytest.raises(StoreError, match="Could not save"):
            store.add_annotation("s", SEL, "x" * 5000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert store.all_annotations() == [kept]
    assert list(data_dir.rglob(".*.tmp-*")) == []
    store.add_annotation("s", SEL, "y" * 5000)
    assert len(Store.open(data_dir).annotations_for("s")) == 2


# Note tags and bulk imports


def test_note_tags_are_stored_and_old_files_have_none(store: Store, data_dir: Path) -> None:
    plain = store.add_annotation("s", SEL, "no tags")
    assert plain.tags == ()
    tagged = replace(plain, id="tagged", tags=("climate", "to read"))
    store.import_notes([tagged])
    assert Store.open(data_dir).get_annotation("tagged") == tagged
    raw = orjson.loads(shard_path(data_dir, "s").read_bytes())["annotations"]
    assert raw["tagged"]["tags"] == ["climate", "to read"]
    del raw[plain.id]["tags"]  # as written before notes had tags
    shard_path(data_dir, "s").write_bytes(orjson.dumps({**orjson.loads(
        shard_path(data_dir, "s").read_bytes()), "annotations": raw}))  # fmt: skip
    assert Store.open(data_dir).get_annotation(plain.id) == plain


def test_import_notes_keeps_ids_and_adds_nothing_twice(store: Store, data_dir: Path) -> None:
    first = store.add_annotation("s", SEL, "mine")
    incoming = [
        replace(first, note="changed elsewhere"),  # same id: left as it is
        replace(first, id="new-1", story_id="other", created="2020-01-01T00:00:00.000000Z"),
    ]
    mark = Bookmark("other", ("t",), "Other", "", "2020-01-01T00:00:00.000000Z")
    added, marks = store.import_notes(incoming, [mark])
    assert [a.id for a in added] == ["new-1"] and marks == [mark]
    again = Store.open(data_dir)
    assert again.get_annotation(first.id) == first
    assert again.get_annotation("new-1") == incoming[1]
    assert again.bookmarks()["other"] == mark
    assert again.import_notes(incoming, [mark]) == ([], [])


def test_an_import_failing_midway_writes_nothing(store: Store, data_dir: Path) -> None:
    # Two shards: the first write fits, the second is over RLIMIT_FSIZE; the first is taken back.
    ids = sorted((f"story-{i}" for i in range(40)), key=_shard)
    small, big = ids[0], next(i for i in reversed(ids) if _shard(i) != _shard(ids[0]))
    notes = [
        Annotation("a", small, SEL, "small", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
        Annotation("b", big, SEL, "x" * 5000, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
    ]
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, limits[1]))
    try:
        with pytest.raises(StoreError, match="Could not save"):
            store.import_notes(notes)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert store.all_annotations() == []
    assert Store.open(data_dir).all_annotations() == []


# Export


def test_export_json(store: Store, tmp_path: Path) -> None:
    story = tmp_path / "s1.md"
    story.write_text("# Current title\n\nBy Ann\n\nMay 2, 2024\n\nThe quick fox.\n", "utf-8")
    meta = read_meta(story)
    assert isinstance(meta, StoryMeta)
    sid = meta.story_id
    store.set_bookmark(sid, True, tags=["t"], title="Stored title", path=str(story))
    store.add_annotation(sid, SEL, "a note", story_title="Stored title", story_path=str(story))
    store.add_annotation("url:example.org/2", [POS], "", story_title="Two", story_path="2.md")
    out = json.loads(export_json(store))
    assert out["version"] == 2
    [bm] = out["bookmarks"]
    assert bm == {
        "story_id": sid,
        "story_title": "Current title",  # read from the story file: it wins over the stored one
        "story_url": None,
        "path": str(story),
        "tags": ["t"],
        "created": bm["created"],
    }
    notes = {a["story_id"]: a for a in out["annotations"]}
    assert notes[sid]["quote"] == "the quick fox" and notes[sid]["note"] == "a note"
    assert notes[sid]["tags"] == []  # the note's own tags, not its bookmark's
    assert (notes[sid]["story_author"], notes[sid]["story_date"]) == ("Ann", "2024-05-02")
    two = notes["url:example.org/2"]
    assert two["quote"] == "" and two["kind"] == "highlight" and two["updated"]
    assert (two["story_title"], two["story_url"]) == ("Two", "https://example.org/2")

"""The library folder: scanning, the metadata index cache, sorting."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tui_reader.core.stories import StoryError, StoryMeta, read_meta
from tui_reader.library.index import INDEX_VERSION, Item, LibraryIndex, scan, sort_newest_first


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def story_text(title: str, date: str = "May 1, 2020") -> str:
    return f"# {title}\n\nBy Someone\n\n{date}\n\nBody of {title}.\n"


class CountingParse:
    """The documented ``parse`` hook of LibraryIndex, counting which files get parsed."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def __call__(self, path: Path) -> Item:
        self.parsed.append(path.name)
        return read_meta(path)


def make_library(root: Path) -> None:
    write(root / "a.md", story_text("Alpha"))
    write(root / "sub" / "b.txt", story_text("Beta", "2021-01-02"))
    write(root / "sub" / "deeper" / "c.markdown", story_text("Gamma"))
    write(root / ".hidden.md", story_text("Hidden"))
    write(root / ".git" / "d.md", story_text("In a hidden folder"))
    write(root / "notes.rst", story_text("Wrong suffix"))
    (root / "empty.md").write_bytes(b"")


def titles(items: list[Item]) -> list[str]:
    return sorted(item.title for item in items if isinstance(item, StoryMeta))


def test_scan_recursive_skips_hidden_and_other_suffixes(tmp_path: Path) -> None:
    make_library(tmp_path / "lib")
    items = list(scan(tmp_path / "lib"))
    assert titles(items) == ["Alpha", "Beta", "Gamma"]
    assert [(e.path.name, e.reason) for e in items if isinstance(e, StoryError)] == [
        ("empty.md", "empty file")
    ]


def test_scan_missing_or_bad_folder_yields_one_error(tmp_path: Path) -> None:
    (missing,) = list(scan(tmp_path / "nope"))
    assert isinstance(missing, StoryError)
    assert missing.reason == "cannot open stories folder: No such file or directory"
    file = write(tmp_path / "file.md", "x")
    (not_dir,) = list(scan(file))
    assert isinstance(not_dir, StoryError)
    assert not_dir.reason == "cannot open stories folder: not a folder"
    assert LibraryIndex(tmp_path / "cache").refresh(tmp_path / "nope") == [missing]


def test_symlink_loop_is_not_followed_forever(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(lib / "a.md", story_text("Alpha"))
    (lib / "loop").symlink_to(lib)
    assert titles(list(scan(lib))) == ["Alpha"]


def test_warm_load_returns_same_metas_without_parsing(tmp_path: Path) -> None:
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    make_library(lib)
    counter = CountingParse()
    cold = LibraryIndex(cache, parse=counter).refresh(lib)
    assert sorted(counter.parsed) == ["a.md", "b.txt", "c.markdown", "empty.md"]
    assert cold == list(scan(lib))

    warm_counter = CountingParse()
    warm = LibraryIndex(cache, parse=warm_counter)
    assert warm.load(lib) == cold
    assert warm.refresh(lib) == cold
    assert warm_counter.parsed == []


def test_only_changed_files_are_reparsed(tmp_path: Path) -> None:
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    make_library(lib)
    LibraryIndex(cache).refresh(lib)

    # Same size and mtime: the index trusts its entry and does not re-read the file.
    a = lib / "a.md"
    info = a.stat()
    a.write_text(story_text("Alfa!"), "utf-8")
    os.utime(a, ns=(info.st_atime_ns, info.st_mtime_ns))
    # A real change: new size.
    write(lib / "sub" / "b.txt", story_text("Beta, revised"))

    counter = CountingParse()
    batches: list[list[Item]] = []
    rows = LibraryIndex(cache, parse=counter).refresh(lib, batches.append)
    assert counter.parsed == ["b.txt"]
    assert titles(rows) == ["Alpha", "Beta, revised", "Gamma"]
    assert [titles(batch) for batch in batches] == [["Beta, revised"]]


def test_errors_are_cached_too(tmp_path: Path) -> None:
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    (lib).mkdir()
    (lib / "bad.md").write_bytes(b"\x00\x01\x02")
    LibraryIndex(cache).refresh(lib)
    counter = CountingParse()
    index = LibraryIndex(cache, parse=counter)
    assert index.load(lib) == [StoryError(lib / "bad.md", "binary file (contains NUL bytes)")]
    index.refresh(lib)
    assert counter.parsed == []


def test_deleted_and_new_files(tmp_path: Path) -> None:
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    make_library(lib)
    index = LibraryIndex(cache)
    index.refresh(lib)
    (lib / "a.md").unlink()
    write(lib / "new.md", story_text("Delta"))
    assert titles(index.refresh(lib)) == ["Beta", "Delta", "Gamma"]
    assert titles(LibraryIndex(cache).load(lib)) == ["Beta", "Delta", "Gamma"]


def test_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    lib, cache = tmp_path / "lib", tmp_path / "cache"
    make_library(lib)
    index = LibraryIndex(cache)
    expected = index.refresh(lib)
    path = index.index_path(lib)
    for junk in (
        b"",
        b"{not json",
        b"[1, 2]",
        b'{"version": %d, "root": "%s", "entries": {"a.md": [1]}}'
        % (INDEX_VERSION, str(lib.resolve()).encode()),
        b'{"version": -1, "root": "x", "entries": {}}',
        os.urandom(64),
    ):
        path.write_bytes(junk)
        fresh = LibraryIndex(cache)
        assert fresh.load(lib) == []
        assert fresh.refresh(lib) == expected
        assert LibraryIndex(cache).load(lib) == expected
    assert not [p for p in cache.iterdir() if p.suffix == ".tmp"]


def test_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    make_library(lib)
    blocker = write(tmp_path / "cache-is-a-file", "")
    assert titles(LibraryIndex(blocker).refresh(lib)) == ["Alpha", "Beta", "Gamma"]


def test_default_cache_dir_honours_xdg(tmp_path: Path) -> None:
    index = LibraryIndex()
    assert index.cache_dir == Path(os.environ["XDG_CACHE_HOME"]) / "tui-reader"
    lib = tmp_path / "lib"
    make_library(lib)
    index.refresh(lib)
    assert index.index_path(lib).is_file()
    assert index.index_path(lib) != index.index_path(tmp_path)


def meta(title: str, date: dt.date | None) -> StoryMeta:
    return StoryMeta(Path(title), "id", title, date, None, None, None, 0, 0)


def test_sort_newest_first() -> None:
    err = StoryError(Path("bad.md"), "empty file")
    items: list[Item] = [
        err,
        meta("b undated", None),
        meta("Old", dt.date(2020, 1, 1)),
        meta("a undated", None),
        meta("New b", dt.date(2024, 1, 1)),
        meta("New a", dt.date(2024, 1, 1)),
    ]
    got = sort_newest_first(items)
    assert [getattr(i, "title", "error") for i in got] == [
        "New a",
        "New b",
        "Old",
        "a undated",
        "b undated",
        "error",
    ]


def test_head_holds_the_newest_rows_for_a_quick_first_paint(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for day in range(1, 29):
        write(root / f"s{day:02}.md", story_text(f"Story {day:02}", f"May {day}, 2020"))
    index = LibraryIndex(tmp_path / "cache")
    assert index.load_head(root) == []  # nothing cached yet
    everything = index.refresh(root)
    head = index.load_head(root)
    in_order = [item.title for item in sort_newest_first(everything) if isinstance(item, StoryMeta)]
    assert [item.title for item in head if isinstance(item, StoryMeta)] == in_order[: len(head)]
    assert len(head) == 28 and in_order[:2] == ["Story 28", "Story 27"]
    index.head_path(root).write_bytes(b"{not json")
    assert index.load_head(root) == []  # a corrupt head is ignored, never an error


def test_a_cold_scan_can_hand_over_a_small_first_batch(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for i in range(8):
        write(lib / f"{i:02d}.md", story_text(f"Story {i}"))
    batches: list[list[Item]] = []
    rows = LibraryIndex(tmp_path / "cache").refresh(
        lib, batches.append, batch_size=3, first_batch=2
    )
    assert [len(b) for b in batches] == [2, 3, 3]
    assert [item for batch in batches for item in batch] == rows

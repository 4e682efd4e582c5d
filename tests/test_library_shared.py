"""The library index read once by the serve launcher, shared by the readers it forks.

``LibraryIndex.share`` reads a folder's index and head and keeps the rows for the process (and
its forks); another ``LibraryIndex`` of the process then gets those very rows, as long as the
files are the ones that were read. Real files under ``tmp_path``; the rows' identity (the same
objects, not equal copies) is what shows they were shared rather than read again.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.app_helpers import write_story
from tui_reader.core.stories import StoryMeta
from tui_reader.library.index import LibraryIndex


def _library(tmp_path: Path) -> tuple[Path, Path]:
    stories = tmp_path / "stories"
    for i in range(3):
        write_story(stories, f"{i}.md", f"Shared story {i}", f"Body {i}.")
    cache = tmp_path / "cache"
    LibraryIndex(cache).refresh(stories)  # what an earlier reader left in the cache
    return stories, cache


def _titles(rows: list[object]) -> list[str]:
    return sorted(row.title for row in rows if isinstance(row, StoryMeta))


def test_readers_of_the_same_folder_get_the_rows_the_launcher_read(tmp_path: Path) -> None:
    stories, cache = _library(tmp_path)
    LibraryIndex(cache).share(stories)  # the launcher, before it forks
    first, second = LibraryIndex(cache), LibraryIndex(cache)  # two readers
    rows, again = first.load(stories), second.load(stories)
    assert _titles(rows) == ["Shared story 0", "Shared story 1", "Shared story 2"]
    assert all(a is b for a, b in zip(rows, again, strict=True)), "read again, not shared"
    head, head_again = first.load_head(stories), second.load_head(stories)
    assert _titles(head) == _titles(rows)
    assert all(a is b for a, b in zip(head, head_again, strict=True))


def test_without_sharing_each_reader_reads_its_own_rows(tmp_path: Path) -> None:
    stories, cache = _library(tmp_path)
    rows, again = LibraryIndex(cache).load(stories), LibraryIndex(cache).load(stories)
    assert _titles(rows) == _titles(again)
    assert not any(a is b for a, b in zip(rows, again, strict=True))


def test_a_rewritten_index_is_read_again_not_taken_from_the_launcher(tmp_path: Path) -> None:
    stories, cache = _library(tmp_path)
    LibraryIndex(cache).share(stories)
    write_story(stories, "1.md", "Shared story 1, corrected", "Body 1, longer than before.")
    LibraryIndex(cache).refresh(stories)  # a reader's scan saves the index (and its head)
    reader = LibraryIndex(cache)
    assert "Shared story 1, corrected" in _titles(reader.load(stories))
    assert "Shared story 1, corrected" in _titles(reader.load_head(stories))


def test_the_folder_named_another_way_reads_its_own_rows(tmp_path: Path) -> None:
    stories, cache = _library(tmp_path)
    LibraryIndex(cache).share(stories)
    link = tmp_path / "link"
    os.symlink(stories, link)  # the same index file, but rows whose paths start with link/
    rows = LibraryIndex(cache).load(link)
    assert rows and all(str(row.path).startswith(str(link)) for row in rows)

"""A Markdown export shares its stories with a forked child (reading those the anchor cache
does not know, and rendering their notes): the export is the one a single process writes,
byte for byte, whatever becomes of the child. Real files, a real store, a real fork (spied
on, not replaced)."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app_helpers import write_story
from tests.notes_helpers import note_on
from tui_reader.core import halves
from tui_reader.core.stories import Story, load_story
from tui_reader.notes import placing
from tui_reader.notes.anchor_cache import AnchorCache
from tui_reader.notes.export import write_export, write_export_dir
from tui_reader.storage.store import Store

STORIES = 40  # more than halves.MOST_ALONE: worth a second process


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Forty stories with three notes each, one of them an orphan in every fifth story."""
    folder = tmp_path / "stories"
    opened = Store.open(tmp_path / "data")
    for n in range(STORIES):
        body = (f"Story {n} opens with the harbour plan.\n\nThe council voted {n} times.\n\n"
                f"Critics said the plan would fail by year {2000 + n}.")  # fmt: skip
        path = write_story(folder, f"s{n:02d}.md", f"Story {n:02d}", body)
        story = load_story(path)
        assert isinstance(story, Story)
        note_on(opened, story, f"would fail by year {2000 + n}", f"last {n}")
        note_on(opened, story, f"Story {n} opens", f"first {n}")
        note_on(opened, story, f"voted {n} times", f"middle {n}")
        if n % 5 == 0:  # the passage of the middle note goes: an orphan
            path.write_text(path.read_text("utf-8").replace(f"voted {n} times", "met"), "utf-8")
    return opened


def _markdown(store: Store, cache: AnchorCache | None = None) -> str:
    out = io.StringIO()
    write_export(store, "markdown", out, anchors=cache)
    return out.getvalue()


def _one_process(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(halves, "MOST_ALONE", 10**9)
        return _markdown(store)


def test_two_processes_write_what_one_writes(
    store: Store, forks: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    alone = _one_process(store, monkeypatch)
    assert forks == []
    assert alone.count("## Orphaned notes") == 1 and "> voted 5 times" in alone
    log = tmp_path / "read.log"  # the stories read, by either process: "pid path" lines
    real = placing._starts

    def logged(story: placing.StoryInfo, notes: list[placing.Annotation]) -> list[int | None]:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {story.path}\n")
        return real(story, notes)

    def reads() -> list[tuple[str, str]]:
        lines = log.read_text("utf-8").splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return [(pid, path) for pid, _, path in (line.partition(" ") for line in lines)]

    monkeypatch.setattr(placing, "_starts", logged)
    with AnchorCache(tmp_path / "anchors.sqlite") as cache:
        assert _markdown(store, cache) == alone
    assert len(forks) == 1
    first = reads()
    assert len({path for _, path in first}) == len(first) == STORIES  # each story once
    # What both processes found is kept: the next export reads no story, in either process
    # (the two still share the rendering of the notes).
    with AnchorCache(tmp_path / "anchors.sqlite") as cache:
        assert _markdown(store, cache) == alone
    assert reads() == [] and len(forks) == 2
    files = write_export_dir(store, tmp_path / "vault")  # the folder export too
    assert len(forks) == 3 and len(files) == STORIES
    with monkeypatch.context() as m:
        m.setattr(halves, "MOST_ALONE", 10**9)
        alone_files = write_export_dir(store, tmp_path / "alone")
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in alone_files]


def _dies_in_the_child(real: Callable[..., list[int | None]]) -> Callable[..., list[int | None]]:
    parent = os.getpid()

    def starts(story: object, notes: object) -> list[int | None]:
        if os.getpid() != parent:
            os._exit(3)  # the child dies before answering
        return real(story, notes)

    return starts


def test_a_child_that_dies_costs_only_time(
    store: Store, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _one_process(store, monkeypatch)
    monkeypatch.setattr(placing, "_starts", _dies_in_the_child(placing._starts))
    assert _markdown(store) == alone
    assert len(forks) == 1


def test_no_fork_while_another_thread_runs(
    store: Store, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process with threads (the reader's UI) must not fork: one process reads them all."""
    alone = _one_process(store, monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _markdown(store) == alone
    finally:
        stop.set()
        other.join()
    assert forks == []

"""Keeping the search index in step while the reader runs, without ever blocking the list.

After each library scan a thread worker brings the index up to date (a cold build of 10,000
stories takes seconds; the list's border counts them); a saved, edited or deleted note is
indexed at once; another session's notes are picked up with the store's changes. A corrupt
index is deleted and built again in the background. Every write is :class:`Finder`'s.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.screen import Screen

from tui_reader.library.build import command
from tui_reader.library.finder import Finder
from tui_reader.library.index import Item
from tui_reader.library.search_errors import IndexBroken
from tui_reader.storage.store import Store
from tui_reader.ui.parts.apply import Apply
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["CHILD_BUILD", "IndexPart"]

CHILD_BUILD = 500
"""From this many stories to (re)index, the build runs in a process of its own."""


class IndexPart:
    """Runs the index upkeep for a screen and reports it as messages."""

    def __init__(self, host: Screen[Any], finder: Finder, store: Store,
                 roots: Sequence[Path], indexed: Callable[[], None]) -> None:  # fmt: skip
        self.host = host
        self.roots = tuple(roots)
        self._child: subprocess.Popen[str] | None = None
        self._tenth = -1
        self._indexed = indexed
        """Called when a sync indexed something (a search may find more now)."""
        self.finder = finder
        self.store = store
        self.busy = False
        """True while a sync runs."""
        self._pending: Sequence[Item] | None = None
        self._items: Sequence[Item] = ()
        self._cancel = threading.Event()
        self._opened = False

    def sync(self, items: Sequence[Item]) -> None:
        """Bring the index up to date with a fresh scan (queued if a sync is running)."""
        self._items = items
        if self.busy:
            self._pending = items
            return
        self.busy = True
        self.host.run_worker(
            lambda: self._sync(items), thread=True, group="search-index", exit_on_error=False
        )

    def _sync(self, items: Sequence[Item]) -> None:
        def progress(done: int, total: int) -> None:
            self.host.post_message(Apply(lambda: self._progress(done, total)))

        try:
            for attempt in range(2):
                try:
                    first = not self._opened
                    if first:
                        self.finder.prepare()
                        self._opened = True
                    plan = self.finder.index.plan(items)
                    count = 0
                    if len(plan.changed) >= CHILD_BUILD:
                        count = self._build_in_child(progress)
                    # What is left (all of it if the child failed), and the notes once.
                    count += self.finder.sync(items, self.store, progress, self._cancel,
                                              notes=first)  # fmt: skip
                    break
                except sqlite3.DatabaseError:
                    if attempt:
                        raise
                    self._start_over()  # corrupt under our feet: build it again
        except (IndexBroken, sqlite3.Error, OSError) as exc:
            error = f"Search index unavailable: {exc}"
            self.host.post_message(Apply(lambda: self._ready(0, error)))
            return
        self.host.post_message(Apply(lambda: self._ready(count, "")))

    def _build_in_child(self, progress: Callable[[int, int], None]) -> int:
        # A big build runs in its own process, on the other core: parsing thousands of
        # stories here would hold the interpreter the list needs to answer keys.
        argv = command(self.finder.index.path.parent, self.store.data_dir, self.roots)
        try:
            child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL, text=True)  # fmt: skip
        except OSError:
            return 0  # indexed here instead
        self._child = child
        done = 0
        assert child.stdout is not None
        for line in child.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "progress":
                done = int(parts[1])
                progress(done, int(parts[2]))
        child.wait()
        self._child = None
        self.finder.index.forget_cache()  # the child wrote the index, not us
        return done if child.returncode == 0 else 0

    def _start_over(self) -> None:
        self.finder.close()
        self.finder.index.remove_files()
        self._opened = False

    def _ready(self, indexed: int, error: str) -> None:
        # A sync ended: clear the progress, say what failed, run the queued sync.
        self.busy = False
        self._progress(0, 0)
        if error:
            self.host.notify(error, severity="warning", timeout=10)
        pending, self._pending = self._pending, None
        if pending is not None:
            self.sync(pending)
        elif indexed:
            self._indexed()

    def _progress(self, done: int, total: int) -> None:
        # Count the stories indexed in the list's border (only a build worth showing).
        # In tenths: each change repaints the list's border, which costs bytes over SSH.
        story_list = self.host.query_one(StoryList)
        if total >= 50 and done < total:
            tenth = done * 10 // total
            if tenth != self._tenth or not str(story_list.border_subtitle or ""):
                self._tenth = tenth
                story_list.border_subtitle = f"indexing {done}/{total}…"
        elif str(story_list.border_subtitle or "").startswith("indexing"):
            story_list.border_subtitle = ""

    def broken(self) -> None:
        """A search found the index damaged: delete it and build it again from the files."""
        if not self.busy:
            self._start_over()
            self.sync(self._items)

    def notes_changed(self, story_id: str) -> None:
        """A story's notes changed in this session: index them now."""
        if self._opened:
            self._run(
                lambda: self.finder.notes_changed(story_id, self.store.annotations_for(story_id))
            )

    def store_changed(self) -> None:
        """Another session changed the store: pick up its notes."""
        if self._opened and not self.busy:
            self._run(lambda: self.finder.index.sync_notes(self.store.all_annotations()))

    def _run(self, work: Any) -> None:
        def guarded() -> None:
            try:
                work()
            except sqlite3.Error:
                return  # the next full sync (a rescan) repairs it; searching still works

        self.host.run_worker(guarded, thread=True, group="search-notes", exit_on_error=False)

    def cancel(self) -> None:
        """Stop a build after its current batch (quitting); a build process is stopped."""
        self._cancel.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()  # what it wrote stays: the next start goes on from there

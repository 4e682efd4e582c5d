"""Saving a web page from the reader: ask for the URL, fetch and extract it in a thread worker
(the list's border says so meanwhile), then say what came of it and show the new story.

The page goes through the same code as ``tui-reader save`` (:mod:`tui_reader.feeds.save`),
with its limits and, for a served reader, its refusal of internal addresses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message
from textual.screen import Screen

from tui_reader.core.textsafe import sanitize_line
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["SavingPart"]


class SavingPart:
    """Saves pages into ``library``/saved/ for a screen."""

    class Done(Message):
        """A save finished: ``path`` and ``title`` of the story, or ``error``."""

        def __init__(self, url: str, path: Path | None, title: str, error: str = "") -> None:
            super().__init__()
            self.url = url
            self.path = path
            self.title = title
            self.error = error

    def __init__(self, host: Screen[Any], library: Path) -> None:
        self.host = host
        self.library = library
        """The stories folder whose ``saved/`` subfolder receives saved pages."""
        self.running = 0

    def ask(self) -> None:
        """Ask for a URL, then save it in the background."""
        from tui_reader.ui.screens.save_url import SaveUrlScreen

        def chosen(url: str | None) -> None:
            if url:
                self.start(url)

        self.host.app.push_screen(SaveUrlScreen(str(self.library / "saved")), chosen)

    def start(self, url: str) -> None:
        """Save ``url`` in a thread worker."""
        self.running += 1
        self._progress()
        self.host.run_worker(
            lambda: self._save(url), thread=True, group="save", exit_on_error=False
        )

    def _save(self, url: str) -> None:
        from tui_reader.feeds.model import FeedError  # feeds: loaded on first use, as below
        from tui_reader.feeds.save import save_url  # trafilatura: loaded on first use

        try:
            saved = save_url(url, self.library)
        except FeedError as exc:
            self.host.post_message(self.Done(url, None, "", str(exc)))
        except OSError as exc:
            reason = f"cannot write the story: {exc.strerror or exc}"
            self.host.post_message(self.Done(url, None, "", reason))
        else:
            self.host.post_message(self.Done(url, saved.path, saved.title))

    def done(self, message: Done) -> bool:
        """Say what came of a save; True when a story was written (the list should rescan)."""
        self.running -= 1
        self._progress()
        if message.path is None:
            shown = sanitize_line(message.url)
            self.host.notify(f"Could not save {shown}: {message.error}", severity="error")
            return False
        self.host.notify(f"Saved “{message.title}” to {message.path}", timeout=8)
        return True

    def _progress(self) -> None:
        subtitle = "saving a page…" if self.running == 1 else f"saving {self.running} pages…"
        self.host.query_one(StoryList).border_subtitle = subtitle if self.running else ""

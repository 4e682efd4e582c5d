"""A rehearsal of the reader: run it once, headless, before any reader the server forks.

``tui-reader serve`` forks every session from a warm process (:mod:`tui_reader.cli.zygote`).
Importing the code is most of a cold start, but not all: the first frame also fills caches
that every session fills the same way (Textual's and Rich's parsed selectors, colours,
styles and text measures, class-level binding and CSS tables) and runs code paths for the
first time. Run once before the fork, that work is done once and shared copy-on-write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from textual.pilot import Pilot

from tui_reader.ui import warm_styles
from tui_reader.ui.app import create_app

__all__ = ["rehearse"]


async def _read_one_story(pilot: Pilot[object]) -> None:
    await pilot.pause(0.2)
    await pilot.press("enter")  # open the first story
    await pilot.pause(0.3)
    await pilot.press("escape")  # back to the list
    await pilot.pause(0.1)
    pilot.app.exit()


def rehearse(stories: Path) -> None:
    """Show the list of ``stories``, open one and go back, headless, in a throwaway data dir.

    Returns when the app has exited; its event loop is closed and no thread it started is
    left (workers end with it), so the process can fork afterwards. The app's parsed
    stylesheet is kept for the next reader built in this process (:mod:`.warm_styles`).
    """
    with tempfile.TemporaryDirectory(prefix="tui-reader-rehearsal-") as tmp:
        root = Path(tmp)
        app = create_app(stories, root / "data", cache_dir=root / "cache", served=True)
        try:
            app.run(headless=True, size=(120, 40), auto_pilot=_read_one_story)
        finally:
            app.store.close()
        warm_styles.keep(app)  # parsed once here for every reader forked from this process

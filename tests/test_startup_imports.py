"""Start-up stays lean: building the reader does not import what only later actions need.

Every module on the start-up path is paid for by every launch (issue 18: warm launch to the
list <= 1.5x a bare Textual app). The document model, anchoring, the search index, feeds,
HTML and Markdown parsing are first needed when a story is opened, a note is made, a search
runs or the scan's worker gets to them: importing one of them at the top of a module that the
first frame needs puts it back on that path, and this test fails, naming it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO

LATER = {
    "tui_reader.core.document": "the document model (a story opened, the scan's warm-up)",
    "tui_reader.core.markup": "Markdown cleaning (the document model)",
    "tui_reader.core.html.fragments": "inline HTML in stories (the document model)",
    "html.parser": "inline HTML in stories (the document model)",
    "markdown_it": "the Markdown parser (a story opened)",
    "tui_reader.anchoring": "re-anchoring notes (a story opened)",
    "tui_reader.notes.regroup": "regrouping notes (the scan's worker)",
    "tui_reader.notes.export": "export",
    "tui_reader.library.search_index": "the search index (the first sync or search)",
    "tui_reader.library.search_run": "running a search",
    "tui_reader.library.query": "parsing a search",
    "tui_reader.core.textfold": "folding text for search and find",
    "tui_reader.feeds.model": "feeds and saving pages",
    "tui_reader.feeds.refresh": "refreshing feeds",
    "tui_reader.ui.screens.notes_browser": "the notes browser (A)",
    "tui_reader.ui.screens.help": "the keys screen (?)",
    "yaml": "front matter in YAML",
    "lxml": "HTML extraction",
    "trafilatura": "saving web pages",
}
"""Modules the reader must not import before its first frame, and what first needs them."""

BUILD = """
import json, sys
from pathlib import Path
import tui_reader.cli.main  # what ``python -m tui_reader`` imports first
from tui_reader.ui.app import create_app
root = Path(sys.argv[1])
app = create_app(root / "stories", root / "data", cache_dir=root / "cache")
app.get_default_screen()  # the reader screen and every part it holds
print(json.dumps(sorted(sys.modules)))
"""


def test_building_the_reader_imports_nothing_the_first_frame_does_not_need(
    tmp_path: Path,
) -> None:
    (tmp_path / "stories").mkdir()
    loaded = set(json.loads(_python(BUILD, tmp_path)))
    assert "tui_reader.ui.screens.reader" in loaded  # the reader itself was built
    early = {
        name: why
        for name, why in LATER.items()
        if any(m == name or m.startswith(name + ".") for m in loaded)
    }
    assert not early, f"imported at start-up, though only needed later: {early}"


RUN = """
import asyncio, gc, sys
from pathlib import Path
from tests.app_helpers import build, wait_for_rows, write_story

root = Path(sys.argv[1])
write_story(root / "stories", "one.md", "One", "A first paragraph.")
gc.disable()  # as the command line does for the start-up
app = build(root)

async def main() -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot)
        print("collecting" if gc.isenabled() else "not collecting")

asyncio.run(main())
"""


def test_collection_held_off_for_the_start_up_resumes_once_the_list_is_drawn(
    tmp_path: Path,
) -> None:
    said = _python(RUN, tmp_path)
    assert said.strip() == "collecting", said


def _python(code: str, tmp_path: Path) -> str:
    """Run ``code`` in a fresh interpreter (argument: ``tmp_path``); its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout

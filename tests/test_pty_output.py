"""Frugal output over a real pty (issue 5, part 1): what the reader writes per key.

The reader runs as a real process in a 120x40 pty over 500 generated stories. The
harness answers the synchronized-output query like xterm or tmux do, so Textual brackets
every frame and frames can be counted exactly. Every assertion is about bytes and structure
(frames, which cells are written), never about milliseconds, so a loaded machine only makes
the test slower.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import library_gen
import pytest
from pty_harness import KeyStats, PtySession, shows, written_cells

from tui_reader.library.build import command
from tui_reader.library.search_index import index_path

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and pty"),
    pytest.mark.slow,  # takes seconds: run early (see conftest)
]

COLS, ROWS = 120, 40
STORIES = 500
"""Many screens of list (what each step writes does not grow with it); the bench uses more."""
WAIT = 120.0
"""Generous: a loaded 2-core machine is slow, never wrong."""
QUIET = 0.4
"""Silence that ends one key's output."""
LIST_BUDGET = 400
"""Bytes per list step (issue 5): newsboat writes 13, Textual's OptionList ~10 KB."""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> library_gen.Library:
    """Generated stories and a 20,000-word long read (the first row)."""
    return library_gen.generate(tmp_path_factory.mktemp("library"), STORIES, 20_000)


def _env(tmp: Path, truecolor: bool) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_DATA_HOME": str(tmp / "data-home"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
    }
    if truecolor:
        env["COLORTERM"] = "truecolor"
    return env


@pytest.fixture(scope="module")
def built(library: library_gen.Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The caches of a reader that has indexed the library (built once for the module)."""
    home = tmp_path_factory.mktemp("built")
    build = command(home / "cache" / "tui-reader", home / "data", [library.root])
    subprocess.run(build, check=True, capture_output=True, timeout=WAIT)
    return home


@pytest.fixture
def reader(
    request: pytest.FixtureRequest, library: library_gen.Library, built: Path, tmp_path: Path
) -> Iterator[PtySession]:
    """The reader (truecolor unless parametrized "256") with its list showing, scans done."""
    argv = [sys.executable, "-m", "tui_reader", str(library.root), "--data-dir", str(tmp_path)]
    env = _env(tmp_path, truecolor=getattr(request, "param", "truecolor") == "truecolor")
    # The search index a returning reader has: these are steady-state figures, not the first
    # build's (whose progress repaints the list's border; tests/test_search_*.py cover it).
    # The module's build, copied to where this data dir's index lives.
    cache, built_cache = tmp_path / "cache" / "tui-reader", built / "cache" / "tui-reader"
    shutil.copytree(built_cache, cache, ignore=shutil.ignore_patterns("search-*"))
    source = index_path(built_cache, [library.root], built / "data")
    with (
        closing(sqlite3.connect(source)) as old,
        closing(sqlite3.connect(index_path(cache, [library.root], tmp_path))) as new,
    ):
        old.backup(new)
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        assert session.wait_for(shows(library.big.title[:20]), WAIT) is not None, (
            "the story list never showed:\n" + session.screen_text()
        )
        assert session.wait_idle(0.5, WAIT), "the reader never went idle after launch"
        yield session


def _rows_touched(stats: KeyStats) -> set[int]:
    return {row for row, _ in written_cells(stats.output, COLS, ROWS)}


def _article_columns(session: PtySession) -> range:
    """Columns of the middle pane, from the box corners on the top line."""
    top = session.screen_lines()[0]
    corners = [i for i, ch in enumerate(top) if ch in "┏┓╭╮┌┐"]
    assert len(corners) >= 4, f"cannot find the panes on the top line: {top!r}"
    return range(corners[2], corners[3] + 1)


# 256 colours is what an SSH user gets by default: sshd does not pass COLORTERM on.
@pytest.mark.parametrize("reader", ["truecolor", "256"], indirect=True)
def test_list_step_redraws_only_the_changed_rows(reader: PtySession) -> None:
    steps = [reader.press("j", quiet=QUIET, timeout=WAIT) for _ in range(10)]
    assert all(s.frames == 1 for s in steps), [s.frames for s in steps]
    for stats in steps:  # the old cursor row and the new one, nothing else
        assert len(_rows_touched(stats)) <= 2, sorted(_rows_touched(stats))
    sizes = [s.size for s in steps]
    assert statistics.median(sizes) <= LIST_BUDGET, f"bytes per j: {sizes}"


def test_page_down_is_one_frame_and_then_silence(
    reader: PtySession, library: library_gen.Library
) -> None:
    opened = reader.press("enter", quiet=QUIET, timeout=WAIT, until=shows(library.big.marker))
    assert opened.ready is not None, "the long read never showed:\n" + reader.screen_text()
    assert reader.wait_idle(0.5, WAIT)
    for key in ("pagedown", "space", "pagedown"):
        before = reader.screen_lines()
        stats = reader.press(key, quiet=QUIET, timeout=WAIT)
        assert reader.screen_lines() != before, f"{key} did not scroll the article"
        # A smooth scroll would send a frame per animation tick (~30 for one page).
        assert stats.frames == 1, f"{key}: {stats.frames} frames, {stats.bursts} bursts"
        later = reader.output_bytes
        reader.wait_quiet(1.0, WAIT)
        assert reader.output_bytes == later, f"{key}: output kept coming after it settled"


def test_list_step_does_not_repaint_the_article(
    reader: PtySession, library: library_gen.Library
) -> None:
    opened = reader.press("enter", quiet=QUIET, timeout=WAIT, until=shows(library.big.marker))
    assert opened.ready is not None, "the long read never showed:\n" + reader.screen_text()
    reader.press("escape", quiet=QUIET, timeout=WAIT)  # back to the list, article stays open
    assert reader.wait_idle(0.5, WAIT)
    article = _article_columns(reader)
    shown = [line[article.start : article.stop] for line in reader.screen_lines()]
    # Textual applies the focus change's border styles on the next frame, so the first j after
    # a refocus also redraws the pane borders (once, ~7 KB at 120x40). Known, left alone: it
    # never touches the article's text, and every later step is two rows.
    for step in range(4):
        stats = reader.press("j", quiet=QUIET, timeout=WAIT)
        touched = {col for _, col in written_cells(stats.output, COLS, ROWS)}
        inside = set(range(article.start + 1, article.stop - 1))
        assert not touched & inside, f"j wrote into the article's text columns {article}"
        rows = _rows_touched(stats)
        if step:
            assert len(rows) <= 2, f"j #{step + 1} after refocus redrew {len(rows)} rows"
    assert [line[article.start : article.stop] for line in reader.screen_lines()] == shown

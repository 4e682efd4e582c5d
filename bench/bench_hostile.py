"""Hostile story sizes (issue 11): a million short paragraphs, and a 31 MB one-line story.

Each is opened in the real reader in a pty (``python -m tui_reader LIBRARY --data-dir DIR``,
120x40) next to one ordinary story, and measured from outside, like a user feels it:

- first paint: ``enter`` on the story -> its first line is on screen;
- a key in the list while it loads: ``shift+tab`` then ``j`` right after the first paint;
  the latency of ``j`` (first byte);
- ``q`` while it loads: ``q`` right after the first paint -> the process has exited, against
  ``q`` in the same reader once the story is completely loaded (the idle exit, a baseline:
  quitting Textual and freeing a big story take time of their own);
- peak RSS growth: ``VmHWM`` once the story is loaded, less ``VmRSS`` before opening it, against
  the file size.

And in this process: loading, parsing and laying out N and 4N paragraphs (ratio ~4: linear).

Run alone: ``python bench/bench_hostile.py [--paragraphs N] [--one-line-mb M]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import library_gen  # noqa: E402
from pty_harness import PtySession, shows  # noqa: E402

COLS, ROWS = 120, 40
ORDINARY = "An ordinary story opens here."
SHIFT_TAB = "\x1b[Z"

Figure = tuple[str, str, str, str, str]
"""``(figure, measured, target, baseline/ratio, met)``, as run.py's table rows."""


@dataclass
class Opened:
    """What one session measured (seconds, KiB); None where it could not be measured."""

    first_paint: float | None = None
    list_key: float | None = None
    quit_exit: float | None = None
    rss_before: int | None = None
    peak_after: int | None = None


def _library(root: Path, write: Callable[[Path], Path], name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    # Undated and titled "Z...": the hostile story is always the first row.
    (root / "ordinary.md").write_text(f"# Zebra Crossing\n\nBy Someone\n\n{ORDINARY}\n")
    write(root / name)
    return root


def _exit_after_q(session: PtySession, timeout: float) -> float | None:
    sent = session.write("q")
    deadline = sent + timeout
    while session.alive and time.perf_counter() < deadline:
        time.sleep(0.002)
    return None if session.alive else time.perf_counter() - sent


def _session(
    argv: list[str],
    env: Mapping[str, str],
    title: str,
    marker: str,
    timeout: float,
    *,
    quit_while_loading: bool,
) -> Opened:
    out = Opened()
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        # The start of the title: a list beside an article at its reading measure may cut it.
        if session.wait_for(shows(title[:16]), timeout) is None:
            raise RuntimeError("the story list never showed:\n" + session.screen_text())
        session.wait_idle(0.5, timeout)
        rss = session.rss_kb()
        out.rss_before = None if rss is None else rss[0]
        # The hostile story is the newest: the first row, where the cursor starts.
        sent = session.write("enter")
        painted = session.wait_for(shows(marker), timeout, already_shown=False)
        out.first_paint = None if painted is None else painted - sent
        if quit_while_loading:
            out.quit_exit = _exit_after_q(session, timeout)
            return out
        # shift+tab back to the list (a lone Esc followed soon by a key could read as alt+key).
        session.press(SHIFT_TAB, quiet=0.05, timeout=timeout)
        out.list_key = session.press("j", quiet=0.1, timeout=timeout).first_byte
        session.wait_idle(1.0, timeout * 3)
        after = session.rss_kb()
        out.peak_after = None if after is None else after[1]
        out.quit_exit = _exit_after_q(session, timeout)
    return out


def _s(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.3f} s"


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def _rows(label: str, size: int, full: Opened, loading: Opened) -> list[Figure]:
    rows: list[Figure] = []
    paint = full.first_paint
    rows.append(
        (
            f"{label} -> first paint",
            _s(paint),
            "<= 3 s",
            f"second open {_s(loading.first_paint)}",
            _met(None if paint is None else paint <= 3.0),
        )
    )
    key = full.list_key
    rows.append(
        (
            f"{label}: j in the list while it loads",
            _s(key),
            "<= 0.1 s",
            "-",
            _met(None if key is None else key <= 0.1),
        )
    )
    busy, idle = loading.quit_exit, full.quit_exit
    extra = None if busy is None or idle is None else busy - idle
    rows.append(
        (
            f"{label}: q while it loads -> process exits",
            _s(busy),
            "<= 0.5 s over the idle exit",
            f"idle exit {_s(idle)}; {'n/a' if extra is None else f'{extra:+.3f} s'}",
            _met(None if extra is None else extra <= 0.5),
        )
    )
    growth = None
    if full.peak_after is not None and full.rss_before is not None:
        growth = (full.peak_after - full.rss_before) * 1024
    rows.append(
        (
            f"{label}: peak RSS growth opening it",
            "n/a" if growth is None else f"{growth / 2**20:.0f} MB",
            "<= 10x the file",
            "n/a" if growth is None else f"{growth / size:.1f}x the file ({size / 2**20:.1f} MB)",
            _met(None if growth is None else growth <= 10 * size),
        )
    )
    return rows


def _scaling(paragraphs: int, tmp: Path) -> Figure:
    """Load, parse and lay out N and 4N paragraphs in this process; the time ratio."""
    from rich.console import Console

    from tui_reader.core.stories import StoryReader
    from tui_reader.ui.article_prepare import Preparation

    def seconds(n: int) -> float:
        path = library_gen.write_short_paragraphs(tmp / f"scaling-{n}.md", n)
        started = time.perf_counter()
        reader = StoryReader(path)
        for _ in reader.open():
            pass
        assert reader.story is not None and not isinstance(reader.story, Exception)
        preparation = Preparation(reader.story, reader.body(), 80, Console(width=82))
        for _ in preparation.steps():
            pass
        return time.perf_counter() - started

    small, large = min(seconds(paragraphs) for _ in range(2)), seconds(4 * paragraphs)
    ratio = large / small
    return (
        f"load + parse + lay out {paragraphs} vs {4 * paragraphs} paragraphs (80 cols)",
        f"{_s(small)} vs {_s(large)}",
        "ratio <= 6 (linear: 4)",
        f"{ratio:.1f}x",
        _met(ratio <= 6),
    )


def run(
    tmp: Path,
    paragraphs: int,
    one_line_bytes: int,
    env: Mapping[str, str],
    timeout: float = 120.0,
) -> list[Figure]:
    """Measure both hostile stories in the real reader; returns the table rows."""
    rows: list[Figure] = []
    cases = [
        (
            f"{paragraphs} short paragraphs",
            lambda p: library_gen.write_short_paragraphs(p, paragraphs),
            "short-paragraphs.md",
            "A Million Short Paragraphs",
            library_gen.SHORT_PARAGRAPHS_MARKER,
        ),
        (
            f"{one_line_bytes / 2**20:.3g} MB one-line story",
            lambda p: library_gen.write_one_liner(p, one_line_bytes),
            "hostile-one-line.md",
            "Hostile one line",
            library_gen.ONE_LINE_MARKER,
        ),
    ]
    for index, (label, write, name, title, marker) in enumerate(cases):
        root = _library(tmp / f"hostile-{index}", write, name)
        size = (root / name).stat().st_size
        argv = [sys.executable, "-m", "tui_reader", str(root), "--data-dir"]
        runs = []
        for loading in (False, True):
            data = str(tmp / f"hostile-data-{index}-{loading}")
            runs.append(
                _session([*argv, data], env, title, marker, timeout, quit_while_loading=loading)
            )
        rows += _rows(label, size, runs[0], runs[1])
    rows.append(_scaling(max(paragraphs // 20, 2000), tmp))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run on its own and print the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--one-line-mb", type=float, default=31)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tui-reader-hostile-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TUI_READER"))}
        env.update(XDG_CACHE_HOME=str(tmp / "cache"), XDG_DATA_HOME=str(tmp / "data-home"))
        env.update(XDG_CONFIG_HOME=str(tmp / "config-home"), TERM="xterm-256color")
        for row in run(tmp, args.paragraphs, int(args.one_line_mb * 2**20), env):
            print(" | ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The benchmark: one command, one table of every figure issue 6 asks for.

    python bench/run.py [--stories 10000] [--quick]

Generates a synthetic library in a temp dir (``library_gen``), runs the real reader in a real
pty at 120x40 (``pty_harness``), reuses the store and anchoring benchmarks' ``run()``
functions, and prints ``figure | measured | target | baseline/ratio | met?``. See
``bench/README.md`` for what each figure means and how it is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import library_gen  # noqa: E402
from bare_app import READY_TEXT  # noqa: E402
from pty_harness import KeyStats, PtySession, bytecode_env, shows  # noqa: E402

COLS, ROWS = 120, 40
LIST_READY = "The Long Read:"
"""The long read is the newest story, so its title on screen means the list is showing."""


@dataclass
class Row:
    """One line of the table."""

    figure: str
    measured: str
    target: str = "-"
    baseline: str = "-"
    met: str = "-"


@dataclass
class Options:
    """What to run, from the command line."""

    stories: int
    big_words: int
    launches: int
    keys: int
    pages: int
    annotations: int
    anchors: int
    timeout: float
    quick: bool = False
    esc_rounds: int = 8
    big_opens: int = 5
    """How many times the long read is opened for its first-paint figure (the median shown)."""
    feed_entries: int = 300
    feeds: int = 10
    feed_repeat: int = 3
    hostile_paragraphs: int = 1_000_000
    hostile_bytes: int = 31 * 2**20
    baseline: str | None = None
    """The git revision whose reader the search rows compare launch time with."""
    compare: Path | None = None
    """Another checkout whose launch is measured in the same runs (e.g. the commit before)."""
    only: tuple[str, ...] = ()
    """Run only these sections of the table (all when empty)."""


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def _s(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.3f} s"


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _max(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


# ----- environment -------------------------------------------------------------------------


def _env(home: Path, cache: Path, *, truecolor: bool = True) -> dict[str, str]:
    """A clean environment: our own XDG dirs, a 256-colour TERM, no user settings."""
    drop = ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "TUI_READER", "XDG_")) and k not in drop
    }
    env.update(
        bytecode_env(home),  # see _prime_bytecode
        TERM="xterm-256color",
        XDG_CACHE_HOME=str(cache),
        XDG_DATA_HOME=str(home / "data-home"),
        XDG_CONFIG_HOME=str(home / "config-home"),
    )
    if truecolor:
        env["COLORTERM"] = "truecolor"
    else:
        env.pop("COLORTERM", None)
    return env


def _reader_argv(library: Path, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "tui_reader", str(library), "--data-dir", str(data_dir)]


def _checkout_env(env: dict[str, str], checkout: Path | None) -> dict[str, str]:
    """``env`` running ``checkout``'s tui_reader (it is also the cwd, see ``_launch``)."""
    return env if checkout is None else {**env, "PYTHONPATH": str(checkout)}


def _prime_bytecode(env: dict[str, str]) -> None:
    """Compile everything a launch imports once, so no measured launch pays for it."""
    modules = (
        "tui_reader.cli.main, tui_reader.ui.app, tui_reader.core.config, textual.app, "
        "textual.widgets"
    )
    subprocess.run(
        [sys.executable, "-c", f"import {modules}; import textual.widgets._static"],
        check=False,
        capture_output=True,
        timeout=300,
        env=env,
    )


# ----- launches ----------------------------------------------------------------------------


@dataclass
class Launch:
    """One launch: seconds from spawn to the awaited screen; for cold runs, to the index."""

    visible: float | None
    index_saved: float | None = None


def _launch(
    argv: list[str],
    env: dict[str, str],
    ready: str,
    timeout: float,
    *,
    index_dir: Path | None = None,
    cwd: Path | None = None,
) -> Launch:
    # python -m puts the cwd first on sys.path: it decides which checkout runs.
    with PtySession(argv, cols=COLS, rows=ROWS, env=env, cwd=cwd) as session:
        stamp = session.wait_for(shows(ready), timeout)
        visible = None if stamp is None else stamp - session.started_at
        saved = None
        if index_dir is not None and visible is not None:
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline:
                if index_dir.is_dir() and any(index_dir.glob("index-*.json")):
                    saved = time.perf_counter() - session.started_at
                    break
                time.sleep(0.005)
        session.wait_quiet(0.3, 10)
    return Launch(visible, saved)


def launch_rows(opts: Options, library: library_gen.Library, tmp: Path) -> list[Row]:
    """Cold and warm launch of the reader (and of ``opts.compare``, another checkout), against
    a bare Textual app launched alongside."""
    checkouts: list[tuple[str, Path | None]] = [("", None)]
    if opts.compare is not None:
        checkouts.append((f" [{opts.compare.name}]", opts.compare))
    cold: dict[str, list[Launch]] = {label: [] for label, _ in checkouts}
    warm: dict[str, list[float | None]] = {label: [] for label, _ in checkouts}
    bare: list[float | None] = []
    bare_argv = [sys.executable, str(BENCH / "bare_app.py")]
    for i in range(opts.launches):
        for label, checkout in checkouts:
            cache = tmp / f"cache-cold-{i}{label.strip(' []')}"
            env = _checkout_env(_env(tmp, cache), checkout)
            argv = _reader_argv(library.root, tmp / f"data-cold-{i}{label.strip(' []')}")
            cold[label].append(
                _launch(argv, env, LIST_READY, opts.timeout, index_dir=cache / "tui-reader",
                        cwd=checkout)
            )  # fmt: skip
    for i in range(opts.launches):  # interleaved, so load on the machine hits all alike
        bare.append(
            _launch(bare_argv, _env(tmp, tmp / "cache-cold-0"), READY_TEXT, opts.timeout).visible
        )
        for label, checkout in checkouts:
            # The first cold run of the same checkout left its index here.
            env = _checkout_env(_env(tmp, tmp / f"cache-cold-0{label.strip(' []')}"), checkout)
            argv = _reader_argv(library.root, tmp / f"data-warm-{i}{label.strip(' []')}")
            warm[label].append(_launch(argv, env, LIST_READY, opts.timeout, cwd=checkout).visible)
    bare_s = _median(bare)
    n = len(library.stories)
    runs = f"median of {opts.launches}"
    rows = [Row("bare Textual app -> first screen", f"{_s(bare_s)} ({runs})", "-", "baseline")]
    for label, _ in checkouts:
        warm_s = _median(warm[label])
        cold_s = _median([c.visible for c in cold[label]])
        index_s = _median([c.index_saved for c in cold[label]])
        ratio = None if not (bare_s and warm_s) else warm_s / bare_s
        cold_ratio = None if not (bare_s and cold_s) else cold_s / bare_s
        rows += [
            Row(
                f"warm launch -> list visible, {n} stories{label}",
                f"{_s(warm_s)} ({runs})",
                "<= 0.6 s and <= 1.5x bare",
                "n/a" if ratio is None else f"{ratio:.2f}x bare",
                _met(None if warm_s is None or ratio is None else warm_s <= 0.6 and ratio <= 1.5),
            ),
            Row(
                f"cold launch -> list visible, {n} stories (no index cache){label}",
                f"{_s(cold_s)} ({runs})",
                "<= 2 s",
                "n/a" if cold_ratio is None else f"{cold_ratio:.2f}x bare",
                _met(None if cold_s is None else cold_s <= 2.0),
            ),
            Row(
                f"cold launch -> index saved (scan complete){label}",
                _s(index_s),
                "list usable before this",
                "-",
                _met(None if index_s is None or cold_s is None else cold_s < index_s),
            ),
        ]
    return rows


# ----- one interactive session -------------------------------------------------------------


def _prebuilt_search(library: library_gen.Library, cache: Path, data: Path) -> None:
    """The search index a returning reader has: the steady-state figures are not taken while
    a first build runs (``bench_search`` measures that one)."""
    import bench_search

    bench_search.prebuild(library.root, cache, data)


def _bytes_summary(stats: Sequence[KeyStats]) -> str:
    sizes = [s.size for s in stats]
    frames = [s.frames for s in stats]
    return (
        f"median {statistics.median(sizes):.0f} B, max {max(sizes)} B, "
        f"frames/key {statistics.median(frames):.0f}"
    )


def _list_top(session: PtySession) -> str:
    lines = session.screen_lines()
    return lines[1] if len(lines) > 1 else ""


def session_rows(opts: Options, library: library_gen.Library, tmp: Path) -> list[Row]:
    """Step, open, page and weigh in one warm session, like a reader would."""
    env = _env(tmp, tmp / "cache-cold-0")
    order = library.newest_first()
    rows: list[Row] = []
    argv = _reader_argv(library.root, tmp / "data-session")
    _prebuilt_search(library, tmp / "cache-cold-0", tmp / "data-session")
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        if session.wait_for(shows(LIST_READY), opts.timeout) is None:
            raise RuntimeError("the story list never showed:\n" + session.screen_text())
        session.wait_idle(0.5, opts.timeout)
        rss = session.rss_kb()
        rss_mb = None if rss is None else rss[0] / 1024
        rows.append(
            Row(
                f"RSS, {len(library.stories)}-story library open (VmRSS)",
                "n/a" if rss is None else f"{rss_mb:.1f} MB (peak {rss[1] / 1024:.1f} MB)",
                "<= 77 MB",
                "newsboat 77 MB",
                _met(None if rss_mb is None else rss_mb <= 77),
            )
        )

        in_page: list[KeyStats] = []
        scrolling: list[KeyStats] = []
        cursor = 0
        for _ in range(opts.keys):
            top = _list_top(session)
            stats = session.press("j", quiet=0.2, timeout=opts.timeout)
            cursor += 1
            (in_page if _list_top(session) == top else scrolling).append(stats)
        if in_page:
            latency = [s.last_byte for s in in_page]
            med, worst = _median(latency), _max(latency)
            size = statistics.median(s.size for s in in_page)
            rows.append(
                Row(
                    f"j step in the list: latency ({len(in_page)} keys)",
                    f"median {_ms(med)}, max {_ms(worst)}",
                    "<= 16 ms median, <= 50 ms max",
                    "newsboat ~16 ms",
                    _met(None if med is None or worst is None else med <= 0.016 and worst <= 0.05),
                )
            )
            rows.append(
                Row(
                    "j step in the list: bytes written per key",
                    _bytes_summary(in_page),
                    "<= 400 B",
                    f"newsboat 13 B ({size / 13:.0f}x)",
                    _met(size <= 400),
                )
            )
        if scrolling:
            latency = [s.last_byte for s in scrolling]
            rows.append(
                Row(
                    f"j step that scrolls the list ({len(scrolling)} keys)",
                    f"{_bytes_summary(scrolling)}; median {_ms(_median(latency))}",
                    "-",
                )
            )

        target = order[cursor] if cursor < len(order) else order[-1]
        opened = session.press("enter", quiet=0.3, timeout=opts.timeout, until=shows(target.marker))
        rows.append(
            Row(
                f"open a story ({target.words} words) -> first paint",
                f"{_ms(opened.ready)}; {opened.size} B in {opened.frames} frames",
                "-",
            )
        )
        rows += long_read_rows(opts, session, library)
        rows += page_rows(opts, session)

        # Esc is ambiguous on a terminal (a key, or the start of a sequence): the reader answers
        # once ESCDELAY (25 ms default) has passed. Baseline: a plain key (e) in the same run.
        plain, escape = [], []
        for _ in range(opts.esc_rounds):
            session.press("v", quiet=0.2, timeout=opts.timeout)
            plain.append(session.press("e", quiet=0.2, timeout=opts.timeout))
            escape.append(session.press("escape", quiet=0.2, timeout=opts.timeout))
        base = _median([k.first_byte for k in plain])
        esc = _median([k.first_byte for k in escape])
        bare_plain, bare_esc = _bare_escape(opts)
        if base is not None and esc is not None:
            rows.append(
                Row(
                    f"Esc cancels a selection: first byte ({len(escape)} keys)",
                    f"median {_ms(esc)} (a plain key: {_ms(base)})",
                    "well under stock Textual's",
                    f"bare Textual app: Esc {_ms(bare_esc)}, a plain key {_ms(bare_plain)}",
                    _met(None if bare_esc is None else esc < bare_esc),
                )
            )
    return rows


def long_read_rows(opts: Options, session: PtySession, library: library_gen.Library) -> list[Row]:
    """Open the long read ``big_opens`` times (first paint) and leave it open."""
    order = library.newest_first()
    rows: list[Row] = []
    # The long read is opened big_opens times (another story in between, so each open
    # paints it anew); the median is the figure, as one open moves with the machine's load.
    opens = []
    for run in range(opts.big_opens):
        if run:
            session.wait_idle(0.5, opts.timeout)
            session.press("escape", quiet=0.3, timeout=opts.timeout)
            session.press("j", quiet=0.3, timeout=opts.timeout)
            session.press("enter", quiet=0.3, timeout=opts.timeout, until=shows(order[1].marker))
        session.press("escape", quiet=0.3, timeout=opts.timeout)
        session.press("g", quiet=0.3, timeout=opts.timeout)
        big = session.press(
            "enter", quiet=0.5, timeout=opts.timeout, until=shows(library.big.marker)
        )
        opens.append(big.ready)
    median = _median(opens)
    shown = ", ".join(_ms(o) for o in opens)
    rows.append(
        Row(
            f"open the {library.big.words}-word story -> first paint (median of {len(opens)})",
            f"{_ms(median)} ({shown}); {big.size} B in {big.frames} frames",
            "<= 150 ms",
            "-",
            _met(None if median is None else median <= 0.150),
        )
    )
    session.wait_idle(0.5, opts.timeout)
    after = session.rss_kb()
    if after is not None:
        rows.append(
            Row(
                f"RSS with the {library.big.words}-word story open",
                f"{after[0] / 1024:.1f} MB (peak {after[1] / 1024:.1f} MB)",
            )
        )
    return rows


def page_rows(opts: Options, session: PtySession) -> list[Row]:
    """Page down in the open long read, then a burst of ``j`` (bytes against one screen)."""
    rows: list[Row] = []
    ticks = session.cpu_ticks()
    pages = [session.press("pagedown", quiet=0.2, timeout=opts.timeout) for _ in range(opts.pages)]
    after = session.cpu_ticks()
    # CPU time moves far less with other load on the machine than latency does (and counts
    # the work done between keys, e.g. rows drawn ahead, which latency does not see).
    cpu = None if ticks is None or after is None else (after - ticks) / os.sysconf("SC_CLK_TCK")
    pages = [p for p in pages if p.size]  # past the end, a page-down draws nothing
    # Keys typed together (key repeat, a slow link): ten j in one write, as a terminal sends
    # them; what they cost is what a faster frame rate could make worse.
    burst = session.respond(
        lambda: session.write("j" * 10), label="10 j", quiet=0.2, timeout=opts.timeout
    )
    # One screen's worth: the full repaint after a resize, measured on this same screen.
    session.resize(COLS, ROWS - 1)
    session.wait_quiet(0.3, opts.timeout)
    full = session.respond(
        lambda: session.resize(COLS, ROWS), label="resize", quiet=0.3, timeout=opts.timeout
    )
    screen = full.largest_frame
    if pages:
        latency = [p.last_byte for p in pages]
        med, worst = _median(latency), _max(latency)
        size = statistics.median(p.size for p in pages)
        rows.append(
            Row(
                f"page-down in the article: latency ({len(pages)} keys)",
                f"median {_ms(med)}, max {_ms(worst)}",
                "<= 16 ms",
                "-",
                _met(None if med is None else med <= 0.016),
            )
        )
        rows.append(
            Row(
                "page-down in the article: reader CPU per key",
                "n/a"
                if cpu is None
                else f"{_ms(cpu / opts.pages)} (user + system, {opts.pages} keys)",
                "-",
            )
        )
        rows.append(
            Row(
                "page-down in the article: bytes per key",
                _bytes_summary(pages),
                "<= one screen",
                f"full-screen frame {screen} B ({size / max(screen, 1):.2f}x)",
                _met(size <= screen if screen else None),
            )
        )
    rows.append(
        Row(
            "10 j in one write in the article: bytes",
            f"{burst.size} B in {burst.frames} frames; last byte {_ms(burst.last_byte)}",
            "-",
        )
    )
    return rows


def read_rows(opts: Options, library: library_gen.Library, tmp: Path) -> list[Row]:
    """Only the long read (``--only read``): its first paint and page-down, in a fresh session."""
    env = _env(tmp, tmp / "cache-cold-0")
    argv = _reader_argv(library.root, tmp / "data-read")
    _prebuilt_search(library, tmp / "cache-cold-0", tmp / "data-read")
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        if session.wait_for(shows(LIST_READY), opts.timeout) is None:
            raise RuntimeError("the story list never showed:\n" + session.screen_text())
        session.wait_idle(0.5, opts.timeout)
        # As in the full run, a story is open before the long read is (Esc then has a pane to
        # leave, and draws).
        second = library.newest_first()[1]
        session.press("j", quiet=0.3, timeout=opts.timeout)
        session.press("enter", quiet=0.3, timeout=opts.timeout, until=shows(second.marker))
        return long_read_rows(opts, session, library) + page_rows(opts, session)


def _bare_escape(opts: Options) -> tuple[float | None, float | None]:
    """First-byte latency of a plain key and of Esc in the bare Textual app (stock driver)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "ESCDELAY"))}
    with PtySession(
        [sys.executable, str(BENCH / "bare_app.py")], cols=COLS, rows=ROWS, env=env
    ) as s:
        if s.wait_for(shows(READY_TEXT), opts.timeout) is None:
            return None, None
        s.wait_idle(0.3, opts.timeout)
        plain = [s.press("x", quiet=0.2, timeout=opts.timeout) for _ in range(opts.esc_rounds)]
        esc = [s.press("escape", quiet=0.2, timeout=opts.timeout) for _ in range(opts.esc_rounds)]
    return _median([k.first_byte for k in plain]), _median([k.first_byte for k in esc])


def colour_rows(opts: Options, library: library_gen.Library, tmp: Path) -> list[Row]:
    """Bytes per ``j`` in 256 colours: what an SSH user gets, since sshd drops COLORTERM."""
    env = _env(tmp, tmp / "cache-cold-0", truecolor=False)
    argv = _reader_argv(library.root, tmp / "data-256")
    _prebuilt_search(library, tmp / "cache-cold-0", tmp / "data-256")
    with PtySession(argv, cols=COLS, rows=ROWS, env=env) as session:
        if session.wait_for(shows(LIST_READY), opts.timeout) is None:
            raise RuntimeError("the story list never showed")
        session.wait_idle(0.5, opts.timeout)
        stats = [session.press("j", quiet=0.2, timeout=opts.timeout) for _ in range(10)]
    size = statistics.median(s.size for s in stats)
    return [
        Row(
            "j step bytes, 256 colours (no COLORTERM, as over ssh)",
            _bytes_summary(stats),
            "<= 400 B",
            f"newsboat 13 B ({size / 13:.0f}x)",
            _met(size <= 400),
        )
    ]


# ----- the other engineers' benchmarks -----------------------------------------------------


def store_rows(opts: Options, tmp: Path) -> list[Row]:
    """Durable annotation save and store open, from ``bench_store.run``."""
    import bench_store

    results = bench_store.run(opts.annotations, base=tmp)
    values = {str(r[0]): float(r[1]) for r in results}

    def find(*words: str) -> float | None:
        for name, value in values.items():
            if all(w in name.lower() for w in words):
                return value
        return None

    save, save95 = find("save", "median"), find("save", "p95")
    opened = find("open", "median")
    plain = find("baseline", "insert")
    n = opts.annotations
    return [
        Row(
            f"durable annotation save at {n} annotations",
            f"median {_ms(None if save is None else save / 1000)}, "
            f"p95 {_ms(None if save95 is None else save95 / 1000)}",
            "<= 20 ms",
            "n/a" if plain is None else f"TinyDB insert {plain:.1f} ms (not atomic)",
            _met(None if save is None else save <= 20),
        ),
        Row(
            f"store open at {n} annotations",
            f"median {_ms(None if opened is None else opened / 1000)}",
            "<= 100 ms",
            "-",
            _met(None if opened is None else opened <= 100),
        ),
    ]


def anchoring_rows(opts: Options) -> list[Row]:
    """Re-anchoring ``opts.anchors`` annotations on a story as long as the big one."""
    import bench_anchoring

    results = bench_anchoring.run(opts.big_words, opts.anchors)
    rows = []
    for case, ms in results:
        rows.append(
            Row(
                f"re-anchor {opts.anchors} annotations, {opts.big_words} words: {case}",
                _ms(float(ms) / 1000),
                "- (runs inside the open budget)",
            )
        )
    return rows


def anchor_accuracy_rows(opts: Options) -> list[Row]:
    """Notes in the right place after edits: false attachments and re-attachments (issue 12)."""
    import bench_anchor_accuracy

    samples = 20 if opts.quick else 120
    found = bench_anchor_accuracy.summary(bench_anchor_accuracy.run(samples, 2026))
    strict, legacy = found["strict"], found["legacy"]
    notes = samples * len(bench_anchor_accuracy.KINDS)
    return [
        Row(
            f"re-anchoring {notes} notes of 5-500 chars: false attachments",
            str(strict[0]),
            "0",
            f"Hypothesis rules: {legacy[0]}",
            _met(strict[0] == 0),
        ),
        Row(
            f"re-anchoring: lightly edited passages found again (of {samples})",
            str(strict[2]),
            "no fewer than before",
            f"Hypothesis rules: {legacy[2]}",
            _met(strict[2] >= legacy[2]),
        ),
        Row(
            "re-anchoring: changed passages found again (edited, moved, duplicated, context)",
            str(strict[1]),
            "-",
            f"Hypothesis rules: {legacy[1]}",
        ),
    ]


def hostile_rows(opts: Options, tmp: Path) -> list[Row]:
    """Issue 11: a million short paragraphs and a 31 MB one-line story, from ``bench_hostile``."""
    import bench_hostile

    env = _env(tmp, tmp / "cache-hostile")
    results = bench_hostile.run(
        tmp, opts.hostile_paragraphs, opts.hostile_bytes, env, timeout=opts.timeout
    )
    return [Row(*row) for row in results]


def search_rows(opts: Options, library: library_gen.Library, tmp: Path) -> list[Row]:
    """Issue 13: the search index and the query, from ``bench_search.run``."""
    import bench_search

    figures = bench_search.run(
        library,
        tmp,
        notes=opts.annotations,
        launches=opts.launches,
        baseline=opts.baseline,
        queries=3 if opts.quick else 15,
    )
    return [Row(*figure) for figure in figures]


def feed_rows(opts: Options, tmp: Path) -> list[Row]:
    """Feed parsing, first refresh, 304 and unchanged refreshes, from ``bench_feeds.run``."""
    import bench_feeds

    results = bench_feeds.run(opts.feed_entries, opts.feeds, opts.feed_repeat, base=tmp)
    return [
        Row(f"feeds, {opts.feed_entries} entries: {figure}", measured, "-", versus)
        for figure, measured, versus in results
    ]


# ----- table -------------------------------------------------------------------------------


def _guarded(names: Sequence[str], section: Callable[[], list[Row]]) -> list[Row]:
    """Run one section; if it fails, its rows say why instead of the table losing them."""
    try:
        return section()
    except Exception as exc:  # a broken section must not hide the others' figures
        reason = f"n/a ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        traceback.print_exc(file=sys.stderr)
        return [Row(name, reason, met="n/a") for name in names]


def render(rows: Sequence[Row]) -> str:
    """The table as Markdown-compatible text."""
    header = Row("figure", "measured", "target", "baseline/ratio", "met?")
    cells = [[r.figure, r.measured, r.target, r.baseline, r.met] for r in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])])


def parse(argv: Sequence[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="tui-reader benchmark: one table of figures.")
    parser.add_argument("--stories", type=int, help="library size (default 10000)")
    parser.add_argument("--big-words", type=int, help="long read length (default 55000)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--launches", type=int, help="launches per launch figure (default 3)")
    parser.add_argument(
        "--baseline", metavar="REV", help="reader to compare launch with (default: merge-base)"
    )
    parser.add_argument(
        "--compare", type=Path, metavar="DIR", help="also launch the checkout in DIR (before/after)"
    )
    parser.add_argument(
        "--only",
        metavar="SECTION[,SECTION]",
        help=f"run only these sections: {', '.join(SECTIONS)}",
    )
    parser.add_argument("--pages", type=int, help="page-downs in the long read (default 20)")
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in (args.only or "").split(",") if name.strip())
    unknown = [name for name in only if name not in SECTIONS]
    if unknown:
        parser.error(f"no section {', '.join(unknown)}: choose from {', '.join(SECTIONS)}")
    if args.quick:
        opts = Options(60, 1500, 1, 6, 3, 200, 20, 60.0, quick=True, esc_rounds=2, big_opens=2)
        opts.feed_entries, opts.feeds, opts.feed_repeat = 20, 2, 1
        opts.hostile_paragraphs, opts.hostile_bytes = 10_000, 2**18
    else:
        opts = Options(10_000, 55_000, 3, 45, 20, 10_000, 200, 180.0)
    if args.stories is not None:
        opts.stories = args.stories
    if args.big_words is not None:
        opts.big_words = args.big_words
    if args.launches is not None:
        opts.launches = max(1, args.launches)
    if args.pages is not None:
        opts.pages = max(1, args.pages)
    opts.baseline = args.baseline
    opts.only = only
    if args.compare is not None:
        opts.compare = args.compare.resolve()
    return opts


SECTIONS = (
    "launch",
    "session",
    "colours",
    "store",
    "anchoring",
    "accuracy",
    "feeds",
    "hostile",
    "search",
    "read",
)
"""The table's sections, in order; ``--only`` runs some of them."""
ON_REQUEST = ("read",)
"""Sections run only when ``--only`` names them: ``read`` (the long read's first paint and
page-down in a session of their own) repeats part of ``session``, for iterating on it."""
LAUNCHING = ("launch", "session", "colours", "hostile", "search", "read")
"""The sections that start the reader in a pty (a full run primes their launches first)."""


def _sections(
    opts: Options, library: library_gen.Library, tmp: Path
) -> list[tuple[str, list[str], Callable[[], list[Row]]]]:
    """(name, the figures it prints, how to measure them) for every section of the table."""
    return [
        (
            "launch",
            [
                "bare Textual app -> first screen",
                "warm launch -> list visible",
                "cold launch -> list visible",
                "cold launch -> index saved",
            ],
            lambda: launch_rows(opts, library, tmp),
        ),
        (
            "session",
            [
                "RSS, library open",
                "j step in the list: latency",
                "j step in the list: bytes written per key",
                "open a story -> first paint",
                f"open the {opts.big_words}-word story -> first paint",
                "page-down in the article: latency",
                "page-down in the article: bytes per key",
            ],
            lambda: session_rows(opts, library, tmp),
        ),
        ("colours", ["j step bytes, 256 colours"], lambda: colour_rows(opts, library, tmp)),
        ("store", ["durable annotation save", "store open"], lambda: store_rows(opts, tmp)),
        ("anchoring", ["re-anchoring"], lambda: anchoring_rows(opts)),
        ("accuracy", ["re-anchoring accuracy"], lambda: anchor_accuracy_rows(opts)),
        ("feeds", ["feed import and refresh"], lambda: feed_rows(opts, tmp)),
        (
            "hostile",
            ["short paragraphs -> first paint", "one-line story -> first paint"],
            lambda: hostile_rows(opts, tmp),
        ),
        (
            "search",
            ["search index build from nothing", "/ + query + enter in one write"],
            lambda: search_rows(opts, library, tmp),
        ),
        (
            "read",
            [f"open the {opts.big_words}-word story -> first paint", "page-down"],
            lambda: read_rows(opts, library, tmp),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the table."""
    opts = parse(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tui-reader-bench-") as name:
        tmp = Path(name)
        library = library_gen.generate(tmp / "library", opts.stories, opts.big_words)
        n = len(library.stories)
        print(
            f"library: {n} stories ({opts.stories} + a {library.big.words}-word long read), "
            f"pty {COLS}x{ROWS}, TERM=xterm-256color COLORTERM=truecolor, "
            f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        # A quick run's figures are not judged: nothing is compiled or launched to warm them.
        if not opts.quick and (not opts.only or set(opts.only) & set(LAUNCHING)):
            prime_env = _env(tmp, tmp / "cache-prime")
            _prime_bytecode(prime_env)
            # One unmeasured launch of each compiles what they import lazily, too.
            bare = [sys.executable, str(BENCH / "bare_app.py")]
            _launch(bare, prime_env, READY_TEXT, opts.timeout)
            reader = _reader_argv(library.root, tmp / "data-prime")
            _launch(reader, prime_env, LIST_READY, opts.timeout)
        rows: list[Row] = []
        for name, figures, section in _sections(opts, library, tmp):
            if name not in opts.only if opts.only else name in ON_REQUEST:
                continue
            began = time.perf_counter()
            rows += _guarded(figures, section)
            print(f"section {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    print(render(rows))
    print(
        f"\n{'quick run' if opts.quick else 'full run'} in {time.perf_counter() - started:.0f} s; "
        f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

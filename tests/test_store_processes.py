"""The store across real processes: kill -9 mid-write, concurrent writers, SIGHUP, permissions."""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.paths import REPO
from tui_reader.storage.store import Store

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
SEL = [{"type": "TextQuoteSelector", "exact": "quote", "prefix": "", "suffix": ""}]

WRITER = """
import sys
from pathlib import Path
from tui_reader.storage.store import Store

store = Store.open(Path(sys.argv[1]))
tag, count = sys.argv[2], int(sys.argv[3])
sel = [{"type": "TextQuoteSelector", "exact": "quote", "prefix": "", "suffix": ""}]
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    ann = store.add_annotation(f"story-{i % 5}", sel, f"{tag}-{i}")
    sys.stdout.write(ann.id + "\\n")
    sys.stdout.flush()
    if i % 10 == 0:
        store.set_bookmark(f"{tag}-bm-{i}", True, tags=[tag])
        store.set_position(f"story-{i % 5}", i)
    i += 1
"""

HANGUP = """
import sys, threading, time
from pathlib import Path
from tui_reader.ui.hangup import HangUp
from tui_reader.storage.store import Store
from tui_reader.storage.records import Draft

store = Store.open(Path(sys.argv[1]))
sel = [{"type": "TextQuoteSelector", "exact": "quote", "prefix": "", "suffix": ""}]
stop = []
stopped = threading.Event()


def graceful(code):
    stop.append(code)
    stopped.set()


def flush():
    if sys.argv[2] == "slow":
        print("flushing", flush=True)
        time.sleep(0.4)  # deliberate: a stalling disk; the test's second hang-up arrives now
    store.save_draft(Draft("story-1", sel, "half-typed note"))


hangup = HangUp(flush)
hangup.install()
if sys.argv[2] == "graceful":
    hangup.attach(graceful)
print("ready", flush=True)
stopped.wait(60)  # until the test's signal: a graceful exit sets it, the others end the process
if stop:
    print("graceful", flush=True)
    sys.exit(stop[0])
"""


def spawn(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )
    first = read_line(proc)
    assert first == "ready\n", proc.communicate()[1]
    return proc  # type: ignore[no-any-return]


def read_line(proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """The child's next line of output, waiting at most ``timeout`` seconds for it.

    Byte by byte from the fd: a buffered readline() could swallow lines that communicate(),
    which reads the raw fds, would then never see.
    """
    assert proc.stdout is not None
    fd, line, deadline = proc.stdout.fileno(), b"", time.monotonic() + timeout
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no line from the child within {timeout:g} s (so far {line!r})"
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return line.decode()


def assert_all_files_parse(data_dir: Path) -> None:
    for path in [*data_dir.rglob("*.json"), *data_dir.rglob("*.json.bak")]:
        orjson.loads(path.read_bytes())


FORKING_WRITER = """
import os, sys
from pathlib import Path
from tui_reader.storage.store import Store

sel = [{"type": "TextQuoteSelector", "exact": "quote", "prefix": "", "suffix": ""}]
print("ready", flush=True)
for _ in sys.stdin:  # a line: fork one writer (imports paid once, not once per kill)
    pid = os.fork()
    if pid == 0:
        store = Store.open(Path(sys.argv[1]))
        os.write(1, f"pid {os.getpid()}\\n".encode())
        i = 0
        while True:
            ann = store.add_annotation(f"story-{i % 5}", sel, f"k-{i}")
            os.write(1, (ann.id + "\\n").encode())  # one write: the line is whole or absent
            i += 1
    _, status = os.waitpid(pid, 0)
    os.write(1, f"reaped {status}\\n".encode())
"""


def test_kill_9_never_loses_a_saved_note(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(1234)
    saved: set[str] = set()
    writers = spawn(FORKING_WRITER, str(data_dir), stdin=subprocess.PIPE)
    assert writers.stdin is not None
    for _ in range(30):
        writers.stdin.write("go\n")
        writers.stdin.flush()
        pid = int(read_line(writers).split()[1])
        saved.add(read_line(writers).strip())  # it is writing: at least one note is saved
        time.sleep(rng.uniform(0.0, 0.06))  # deliberate: a random moment mid-write to kill at
        os.kill(pid, signal.SIGKILL)
        while not (line := read_line(writers)).startswith("reaped "):
            # Only lines the child wrote after add_annotation returned: each a saved note.
            saved.add(line.strip())
        status = int(line.split()[1])
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert_all_files_parse(data_dir)
        store = Store.open(data_dir)
        assert store.notices == []
        missing = saved - {a.id for a in store.all_annotations()}
        assert not missing
    writers.stdin.close()
    assert writers.wait(timeout=30) == 0
    assert len(saved) >= 30
    assert list(data_dir.rglob(".*.tmp-*")) == [] and list(data_dir.rglob("*.corrupt-*")) == []


def test_four_writers_one_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    watcher = Store.open(data_dir)
    each = 100  # 400 interleaved durable writes: plenty of contention for the lock and shards
    procs = [spawn(WRITER, str(data_dir), f"p{n}", str(each)) for n in range(4)]
    seen, refreshes = 0, 0
    while running := [proc for proc in procs if proc.poll() is None]:
        refreshes += watcher.refresh()  # a live reader never sees a torn file
        assert len(watcher.all_annotations()) >= seen and watcher.notices == []
        seen = len(watcher.all_annotations())
        with contextlib.suppress(subprocess.TimeoutExpired):
            running[0].wait(timeout=0.01)  # paces the reads; returns at once when it ends
    printed: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        printed += out.split()
    assert len(printed) == 4 * each == len(set(printed))
    assert_all_files_parse(data_dir)
    on_disk = [
        k
        for shard in (data_dir / "annotations").glob("??.json")
        for k in orjson.loads(shard.read_bytes())["annotations"]
    ]
    assert len(on_disk) == 4 * each == len(set(on_disk))
    watcher.refresh()
    assert refreshes > 0
    notes = watcher.all_annotations()
    assert {a.id for a in notes} == set(printed)
    assert {a.note for a in notes} == {f"p{n}-{i}" for n in range(4) for i in range(each)}
    assert len(watcher.bookmarks()) == 4 * each // 10  # one every tenth note


@pytest.mark.parametrize(
    ("signum", "mode"),
    [
        (signal.SIGHUP, "plain"),
        (signal.SIGHUP, "slow"),
        (signal.SIGTERM, "plain"),
        (signal.SIGTERM, "graceful"),
    ],
)
def test_hangup_saves_the_draft(tmp_path: Path, signum: int, mode: str) -> None:
    data_dir = tmp_path / "data"
    proc = spawn(HANGUP, str(data_dir), mode)
    proc.send_signal(signum)
    if mode == "slow":
        assert read_line(proc) == "flushing\n"
        proc.send_signal(signal.SIGHUP)  # while the first hang-up is still saving
    out, _err = proc.communicate(timeout=10)
    assert proc.returncode == 128 + signum
    assert out == ("graceful\n" if mode == "graceful" else "")
    draft = Store.open(data_dir).draft()
    assert draft is not None and draft.note == "half-typed note" and draft.selectors == SEL


UNREADABLE = """
import sys
from pathlib import Path
from tui_reader.storage.store import Store

store = Store.open(Path(sys.argv[1]))
print("ready", flush=True)
print(len(store.all_annotations()), store.durable)
print("\\n".join(store.notices))
"""


def drop_file_permission_override() -> None:
    """In the child before exec: drop root's power to ignore file modes (CAP_DAC_*)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_unreadable_permissions(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store.open(data_dir)
    store.add_annotation("s", SEL, "readable")
    store.set_bookmark("s", True)
    (data_dir / "bookmarks.json").chmod(0o000)
    kwargs: dict[str, object] = {}
    if os.geteuid() == 0:
        # Root reads mode-000 files; a child without CAP_DAC_OVERRIDE/READ_SEARCH does not.
        kwargs = {"preexec_fn": drop_file_permission_override}
    try:
        proc = spawn(UNREADABLE, str(data_dir), **kwargs)
    except subprocess.SubprocessError as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE here: {exc}")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == "1 False"
    assert "Could not read" in lines[1] and "bookmarks.json" in lines[1]
    assert "Permission denied" in lines[1]
    assert (data_dir / "bookmarks.json").exists() and not list(data_dir.glob("*.corrupt-*"))

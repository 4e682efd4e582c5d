"""A reader forked by the serve launcher starts from what the launcher prepared.

The launcher (:mod:`tui_reader.cli.zygote`) imports and rehearses the reader once, freezes
what it made out of the collector's reach, and forks a child per session. Whatever a child
imports or builds for its first frame is paid by every session, in time and in private memory.
The script below is the launcher's own preparation and the session code a child runs, in a
real process on a real pty: the test reads what the child imported by the time its list was
on screen, and whether the launcher's objects were still frozen in it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO
from tests.serve_helpers import write_stories

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

SESSION = """
import gc, json, os, pty, select, sys, time
from pathlib import Path
from tui_reader.cli import zygote
from tui_reader.serve.child import child_env, set_winsize

root = Path(sys.argv[1])
zygote.preload()
before, frozen = set(sys.modules), gc.get_freeze_count()
master, slave = pty.openpty()
set_winsize(slave, 120, 40)
env = child_env("xterm-256color", {}, str(root / "data"), "alice")
pid = os.fork()
if pid == 0:
    os.close(master)
    from tui_reader.cli.session import run_session
    status = run_session(["--stories", str(root / "stories")], env, slave)
    report = {"new": sorted(set(sys.modules) - before), "frozen": gc.get_freeze_count(),
              "zygote_frozen": frozen, "status": status}
    (root / "report.json").write_text(json.dumps(report))
    os._exit(0)
os.close(slave)
seen, deadline = b"", time.monotonic() + 60
while b"Zygote story" not in seen:
    if time.monotonic() > deadline:
        sys.exit(f"no story list on the pty after 60 s; it showed {seen[-500:]!r}")
    if select.select([master], [], [], 0.5)[0]:
        seen += os.read(master, 65536)
os.close(master)  # the hang-up: the reader saves and exits, as when a client goes
os.waitpid(pid, 0)
"""


def test_a_forked_reader_imports_nothing_for_its_first_frame_and_stays_frozen(
    tmp_path: Path,
) -> None:
    write_stories(tmp_path / "stories", ["Zygote story one", "Zygote story two"])
    done = subprocess.run(
        [sys.executable, "-P", "-c", SESSION, str(tmp_path)],
        capture_output=True, text=True, cwd="/", timeout=180, check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
             "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["new"] == [], (
        "the reader imported these after the fork (preload them in cli/zygote.py, or keep "
        f"them off the first frame): {report['new']}"
    )
    assert report["zygote_frozen"] > 10_000, "the launcher froze what it imported"
    assert report["frozen"] >= report["zygote_frozen"], (
        "the launcher's objects are back in the collector's reach in the reader: each "
        "collection would write to every shared page"
    )

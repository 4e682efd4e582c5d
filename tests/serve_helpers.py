"""Helpers for the ``tui-reader serve`` tests: a real server process, real ``ssh`` clients in a
pty rendered through pyte, throwaway keys, and a tiny fake reader (``tests/fake_reader.py``)
for plumbing checks.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.paths import REPO, SEED

SSH = shutil.which("ssh") or "/usr/bin/ssh"
FAKE_READER = f"{sys.executable} {Path(__file__).with_name('fake_reader.py')} {{data_dir}} {{user}}"
"""The ``--reader-command`` that starts tests/fake_reader.py instead of the reader."""


# -- the server -----------------------------------------------------------------------------


class ServerProcess:
    """``tui-reader serve`` in a subprocess on 127.0.0.1 and a port picked by the kernel."""

    def __init__(self, root: Path, authorized_keys: Path, *extra: str) -> None:
        self.root = root
        self.data_root = root / "data"
        env = dict(os.environ)
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(root / "xdg" / name.lower())
        env["PYTHONPATH"] = str(REPO)
        code = "import sys; from tui_reader.serve.server import main; sys.exit(main(sys.argv[1:]))"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, "--listen", "127.0.0.1:0",
             "--authorized-keys", str(authorized_keys), "--data-root", str(self.data_root),
             *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env, text=True,
        )  # fmt: skip
        self.log: list[str] = []
        self._lock = threading.Condition()  # notified at every new log line
        threading.Thread(target=self._drain, daemon=True).start()
        match = self.wait_log(r"listening on 127\.0\.0\.1:(\d+)", timeout=60)  # after the launcher
        self.port = int(match.group(1))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._lock:
                self.log.append(line.rstrip("\n"))
                self._lock.notify_all()
        with self._lock:
            self._lock.notify_all()  # the server exited: wake a waiter to say so

    def wait_log(self, pattern: str, timeout: float = 10.0, count: int = 1) -> re.Match[str]:
        """Wait until ``count`` log lines match ``pattern``; return the last of those matches."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)

        def found() -> list[re.Match[str]]:
            return [match for line in self.log if (match := regex.search(line))]

        with self._lock:
            while True:
                if len(matches := found()) >= count:
                    return matches[count - 1]
                text = "\n".join(self.log)
                if self.proc.poll() is not None:
                    # Its last lines may still be in the pipe: one more look once drained.
                    self._lock.wait(0.5)
                    if len(found()) >= count:
                        continue
                    raise AssertionError(f"server exited ({self.proc.returncode}):\n{text}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not {count} log line(s) matching {pattern!r}:\n{text}")
                self._lock.wait(left)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM the server; return its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


def make_key(directory: Path, name: str) -> Path:
    """Create an unencrypted Ed25519 key pair ``directory/name`` with comment ``name``."""
    path = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path


def write_stories(directory: Path, titles: list[str]) -> Path:
    """Write one seed-format story per title: copies of the seed story with a new title and
    a distinct URL (the URL is a story's identity)."""
    directory.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text("utf-8")
    original = next(line for line in seed.splitlines() if line.startswith("# "))
    url = re.search(r"<(https?://[^>]+)>", seed)
    for i, title in enumerate(titles):
        text = seed.replace(original, f"# {title}", 1)
        if url:
            text = text.replace(url.group(1), f"{url.group(1)}-serve-{i}")
        (directory / f"{i:03d}_serve_test.txt").write_text(text, "utf-8")
    return directory


def ssh_argv(port: int, key: Path, user: str, *extra: str, command: str | None = None) -> list[str]:
    """The real OpenSSH client, isolated from the user's config and known hosts."""
    return [
        SSH, "-F", "/dev/null", "-i", str(key), "-p", str(port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=10", *extra, f"{user}@127.0.0.1",
        *([command] if command else []),
    ]  # fmt: skip


# -- an interactive client ------------------------------------------------------------------


class Client:
    """``ssh -tt`` in a pty of ``cols`` x ``rows``; its output rendered through pyte."""

    def __init__(
        self, argv: list[str], cols: int = 80, rows: int = 24, env: dict[str, str] | None = None
    ) -> None:
        import pexpect
        import pyte
        from pty_harness import Screen

        self.screen = Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.child = pexpect.spawn(
            argv[0], argv[1:], dimensions=(rows, cols), env=env or dict(os.environ)
        )

    def pump(self, timeout: float = 0.05) -> bool:
        """Read what is available within ``timeout``; return False once the client has exited."""
        import pexpect

        try:
            data = self.child.read_nonblocking(65536, timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def text(self) -> str:
        """The screen as it looks now."""
        return "\n".join(self.screen.display)

    def flat_text(self) -> str:
        """The screen's rows run together, so a line the terminal wrapped reads whole."""
        return "".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        """Wait until ``needle`` is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return self.text()
            if not self.pump():
                break
        raise AssertionError(f"{needle!r} not on screen; screen:\n{self.text()}\nraw tail: "
                             f"{bytes(self.raw[-600:])!r}")  # fmt: skip

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 15.0) -> str:
        """Read until nothing has arrived for ``quiet`` seconds (the screen is drawn); return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.raw)
            if not self.pump(quiet):
                return self.text()  # ssh exited: nothing more will arrive
            if len(self.raw) == before:
                return self.text()
        raise AssertionError(f"the screen never settled; screen:\n{self.text()}")

    def send(self, keys: str) -> None:
        """Type ``keys``."""
        self.child.send(keys)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the client's terminal (ssh forwards it as a window-change)."""
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait for ssh to exit; return its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pump():
            pass
        self.child.close()
        status = self.child.exitstatus
        if status is None:
            raise AssertionError(f"ssh did not exit (signal {self.child.signalstatus})")
        return int(status)

    def kill(self) -> None:
        """Kill the ssh client abruptly, as a dropped connection would."""
        self.child.kill(signal.SIGKILL)
        self.child.close(force=True)

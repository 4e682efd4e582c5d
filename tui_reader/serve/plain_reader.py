"""A reader started as a plain command (``serve --reader-command``, for tests and benchmarks).

The served reader itself is forked by the launcher (:mod:`tui_reader.serve.launcher`); this
path runs any other program the way sshd would: a new session with the pty as its
controlling terminal, cwd ``/``, the environment given and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence

__all__ = ["CommandReader"]

# Runs in the child after setsid (start_new_session): take the pty on fd 0 as the controlling
# terminal, then exec the command. A shim instead of preexec_fn keeps fork safe with threads.
CTTY_SHIM = ";".join(
    [
        "import fcntl, os, sys, termios",
        "fcntl.ioctl(0, termios.TIOCSCTTY, 0)",
        "os.execvp(sys.argv[1], sys.argv[1:])",
    ]
)


class CommandReader:
    """A command running as a reader, as a child process of the server."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self._proc = proc
        self.pid = proc.pid

    @classmethod
    async def start(cls, argv: Sequence[str], env: dict[str, str], tty: int) -> CommandReader:
        """Run ``argv`` on terminal ``tty`` (the caller keeps and closes ``tty``)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-S", "-c", CTTY_SHIM, *argv,
            stdin=tty, stdout=tty, stderr=tty,
            # "/" holds nothing a user can write: no file there can shadow a module.
            env=env, cwd="/", start_new_session=True,
        )  # fmt: skip
        return cls(proc)

    @property
    def running(self) -> bool:
        """Whether the command has not exited yet."""
        return self._proc.returncode is None

    async def wait(self) -> int | None:
        """Wait for the command to exit; its status."""
        return await self._proc.wait()

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the command's process group (it leads its own session)."""
        if self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signum)

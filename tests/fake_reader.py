"""The fake reader the ``serve`` plumbing tests start instead of tui-reader (run as a script).

It reports its terminal, environment and signals on the screen so a test can assert on them;
only the standard library, so it starts fast and needs no ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from pathlib import Path


def fake_reader(data_dir: str, user: str) -> None:
    """Report terminal facts on screen; echo keys; ``q`` quits; SIGTERM/SIGHUP leave a file."""
    import fcntl
    import struct
    import termios
    import tty

    def size() -> str:
        rows, cols = struct.unpack("HH", fcntl.ioctl(1, termios.TIOCGWINSZ, b"\0" * 4))
        return f"{cols}x{rows}"

    def say(text: str) -> None:
        os.write(1, (text + "\r\n").encode())

    def on_signal(signum: int, _frame: object) -> None:
        Path(data_dir, f"got-{signal.Signals(signum).name}").write_text(user)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGWINCH, lambda *_: say(f"SIZE {size()}"))
    ctty = os.tcgetpgrp(0) == os.getpgrp()
    tty.setraw(0)
    say(f"FAKE user={user} dir={data_dir} term={os.environ.get('TERM')}")
    say(f"colorterm={os.environ.get('COLORTERM', '-')} ctty={ctty} cwd={os.getcwd()}")
    say(f"SIZE {size()}")
    while True:
        try:
            ready, _, _ = select.select([0], [], [], 1.0)
        except InterruptedError:
            continue
        if not ready:
            continue
        data = os.read(0, 1024)
        if not data or b"q" in data:
            return
        say(f"KEY {data.hex()}")


if __name__ == "__main__":
    fake_reader(sys.argv[1], sys.argv[2])

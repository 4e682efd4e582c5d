"""``tui-reader serve`` against hostile content and clients (issue 11), through real OpenSSH.

The chain the probe found: a story titled with a ``@click=app.screenshot(...)`` action, clicked
by one user, wrote ``orjson.py`` into another user's data dir, which the reader's working
directory put on ``sys.path``: every later login of that user died. And a ``TERM`` carrying a
newline forged a server log line.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve_helpers import FAKE_READER, Client, ServerProcess, make_key, ssh_argv

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

CHAIN_TITLE = "Read [@click=app.screenshot('orjson.py','../u8')]MORE[/] here"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Keys for u8 and u9, and a shared stories folder holding the hostile story."""
    root = tmp_path_factory.mktemp("hostile-serve")
    keys = root / "keys"
    keys.mkdir()
    u8, u9 = make_key(keys, "u8"), make_key(keys, "u9")
    authorized = root / "authorized_keys"
    authorized.write_text(Path(f"{u8}.pub").read_text() + Path(f"{u9}.pub").read_text())
    stories = root / "stories"
    stories.mkdir()
    (stories / "trap.md").write_text(
        f"# {CHAIN_TITLE}\n\nBy Someone\n\nMarch 3, 2024\n\nInnocent text.\n\n"
        "Original url:\n\n<https://example.org/trap>\n",
        "utf-8",
    )
    return {"root": root, "u8": u8, "u9": u9, "authorized": authorized, "stories": stories}


@pytest.fixture(scope="module")
def server(world: dict[str, Path]) -> Iterator[ServerProcess]:
    """The real reader served on the shared stories folder."""
    served = ServerProcess(
        world["root"] / "app", world["authorized"], "--stories", str(world["stories"])
    )
    yield served
    assert served.stop() == 0


def login(server: ServerProcess, world: dict[str, Path], user: str) -> Client:
    """An interactive session of ``user`` whose story list is on screen."""
    client = Client(ssh_argv(server.port, world[user], user, "-tt"), cols=100, rows=30)
    client.wait_for("Stories", timeout=30)
    return client


def settle(client: Client, quiet: float = 0.5, timeout: float = 10.0) -> str:
    """Read output until none arrives for ``quiet`` seconds (a whole frame drawn); the screen."""
    deadline = time.monotonic() + timeout
    last, seen = time.monotonic(), len(client.raw)
    while time.monotonic() < deadline and time.monotonic() - last < quiet:
        client.pump()
        if len(client.raw) != seen:
            last, seen = time.monotonic(), len(client.raw)
    assert time.monotonic() - last >= quiet, "the screen never settled"
    return client.text()


def click(client: Client, column: int, row: int) -> None:
    """A left click at a 0-based cell, as an xterm in SGR mouse mode sends it."""
    client.send(f"\x1b[<0;{column + 1};{row + 1}M\x1b[<0;{column + 1};{row + 1}m")


def test_a_clicked_title_cannot_write_into_another_users_data_dir(
    server: ServerProcess, world: dict[str, Path]
) -> None:
    u8 = login(server, world, "u8")  # u8's data dir exists: the chain's target
    u8.send("q")
    assert u8.wait_exit() == 0
    u9 = login(server, world, "u9")
    u9.send("\r")  # open the only story
    u9.wait_for("Innocent text", timeout=20)
    screen = settle(u9)  # the layout while reading (the list shrinks once the article shows)
    assert "[@click=app.screenshot('orjson.py','../u8')]MORE[/]" in screen, screen
    hits = [
        (row, line.index("MORE")) for row, line in enumerate(screen.splitlines()) if "MORE" in line
    ]
    assert len(hits) >= 2, f"expected the title in the border and the header:\n{screen}"
    for row, column in hits:  # the border title, the header line, the list row
        click(u9, column, row)
    screen = settle(u9)  # whatever the clicks did is on screen now
    assert "Screenshot" not in screen, f"the title's action ran:\n{screen}"
    u9.send("q")
    assert u9.wait_exit() == 0
    users = server.data_root / "users"
    assert not (users / "u8" / "orjson.py").exists()
    assert not list(server.data_root.rglob("*.svg")), "a screenshot was written on the server"


def test_files_in_a_users_data_dir_never_shadow_the_readers_modules(
    server: ServerProcess, world: dict[str, Path]
) -> None:
    first = login(server, world, "u8")  # creates u8's data dir
    first.send("q")
    assert first.wait_exit() == 0
    data_dir = server.data_root / "users" / "u8"
    for module in ("orjson", "textual", "tinydb", "tui_reader"):
        (data_dir / f"{module}.py").write_text("raise SystemExit('shadowed by a user file')\n")
    again = login(server, world, "u8")
    again.send("q")
    assert again.wait_exit() == 0
    assert "shadowed" not in again.text()


def test_a_forged_term_stays_inside_one_escaped_log_line(
    world: dict[str, Path], tmp_path: Path
) -> None:
    server = ServerProcess(tmp_path, world["authorized"], "--reader-command", FAKE_READER)
    try:
        term = "xterm\nINFO auth ok user=root\x1b]0;PWNED\x07"
        env = dict(os.environ, TERM=term)
        client = Client(ssh_argv(server.port, world["u9"], "u9", "-tt"), env=env)
        client.wait_for("FAKE user=u9")
        line = server.wait_log(r"session start user=u9 .*term=").string
        client.send("q")
        client.wait_exit()
    finally:
        server.stop()
    assert "term='xterm\\nINFO auth ok user=root\\x1b]0;PWNED\\x07'" in line
    forged = [entry for entry in server.log if re.match(r"\s*INFO auth ok user=root", entry)]
    assert not forged, forged
    assert not any("\x1b" in entry or "\x07" in entry for entry in server.log)


def test_silent_connections_wait_their_turn_and_sessions_go_on(
    world: dict[str, Path], tmp_path: Path
) -> None:
    server = ServerProcess(
        tmp_path, world["authorized"], "--reader-command", FAKE_READER, "--max-startups", "2"
    )
    silent: list[socket.socket] = []
    try:
        u8 = Client(ssh_argv(server.port, world["u8"], "u8", "-tt"))
        u8.wait_for("FAKE user=u8")
        for _ in range(2):  # both login slots, held by connections that never speak
            silent.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
            silent[-1].recv(64)  # accepted: the server sent its banner
        # The server logs each accepted connection (u8's and the two silent ones) a moment after
        # its banner: count once all three lines are in, not while they are on their way.
        server.wait_log("connect peer=", count=3)
        accepted = sum("connect peer=" in line for line in server.log)
        u9 = Client(ssh_argv(server.port, world["u9"], "u9", "-tt"))
        for key in "abc":  # the session already in keeps answering meanwhile
            u8.send(key)
            u8.wait_for(f"KEY {key.encode().hex()}")
        assert sum("connect peer=" in line for line in server.log) == accepted, "not queued"
        silent.pop().close()  # a slot frees up: the waiting login goes through
        u9.wait_for("FAKE user=u9")
        for client in (u8, u9):
            client.send("q")
            assert client.wait_exit() == 0
    finally:
        for sock in silent:
            sock.close()
        assert server.stop() == 0

"""``tui-reader serve`` end to end: a real server process on 127.0.0.1, the real OpenSSH client.

Most plumbing tests run a tiny fake reader (``tests/fake_reader.py``) that reports its
terminal, environment and signals on screen; the story-list, bookmark and benchmark tests run
the real reader.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from tests.paths import REPO
from tests.serve_helpers import (
    FAKE_READER,
    Client,
    ServerProcess,
    make_key,
    ssh_argv,
    write_stories,
)
from tests.waiting import eventually
from tui_reader.library.search_seed import seed_path
from tui_reader.serve.auth import parse_line, valid_name
from tui_reader.serve.server import parse_listen
from tui_reader.storage.store import Store

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

TITLES = ["Serve Alpha", "Serve Beta", "Serve Gamma"]  # short: the list pane may be narrow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Keys for alice (name from the comment), bob (name from an option) and mallory (unknown),
    plus the authorized_keys file and a stories folder."""
    root = tmp_path_factory.mktemp("serve")
    keys = root / "keys"
    keys.mkdir()
    alice, bob, carol = make_key(keys, "alice"), make_key(keys, "bob"), make_key(keys, "carol")
    mallory = make_key(keys, "mallory")
    bob_pub = Path(f"{bob}.pub").read_text().split()
    authorized = root / "authorized_keys"
    authorized.write_text(
        "# readers of this server\n"
        + Path(f"{alice}.pub").read_text()
        + f'restrict,environment="TUI_READER_USER=bob" {bob_pub[0]} {bob_pub[1]} Bob B.\n'
        + Path(f"{carol}.pub").read_text()
        + f'from="10.0.0.1" {Path(f"{mallory}.pub").read_text()}'
    )
    return {
        "root": root,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "mallory": mallory,
        "authorized": authorized,
        "stories": write_stories(root / "stories", TITLES),
    }


@pytest.fixture(scope="module")
def fake_server(world: dict[str, Path]) -> Iterator[ServerProcess]:
    """A server whose reader is the fake reader."""
    server = ServerProcess(
        world["root"] / "fake", world["authorized"], "--reader-command", FAKE_READER
    )
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def app_server(world: dict[str, Path]) -> Iterator[ServerProcess]:
    """A server running the real reader on the test stories."""
    stories = str(world["stories"])
    server = ServerProcess(world["root"] / "app", world["authorized"], "--stories", stories)
    yield server
    assert server.stop() == 0


def fake_client(server: ServerProcess, world: dict[str, Path], user: str, *extra: str) -> Client:
    """An interactive ssh client logged in to the fake reader, which has drawn its first lines."""
    client = Client(ssh_argv(server.port, world[user], user, "-tt", *extra))
    client.wait_for(f"FAKE user={user}")
    return client


def run_ssh(server: ServerProcess, world: dict[str, Path], key: str, user: str, *extra: str,
            command: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ssh non-interactively; return the completed process (stdout and stderr together)."""
    return subprocess.run(
        ssh_argv(server.port, world[key], user, *extra, command=command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=20,
    )


# -- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "bob.b", "x_1-2", "A" * 64])
def test_valid_names(name: str) -> None:
    assert valid_name(name)


BAD_NAMES = ["", ".", "..", ".hidden", "a/b", "../x", "a b", "é", "a\x1b", "a\n", "A" * 65]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_invalid_names(name: str) -> None:
    assert not valid_name(name)


def test_parse_line_name_rules(world: dict[str, Path]) -> None:
    blob = " ".join(Path(f"{world['alice']}.pub").read_text().split()[:2])
    assert parse_line(f"{blob} alice").name == "alice"
    assert parse_line(f'restrict,environment="TUI_READER_USER=zed" {blob} Z Z').name == "zed"
    unsupported = (f'command="sh" {blob} alice', f'from="10.*" {blob} alice')
    for bad in (f"{blob} ../etc", blob, "garbage alice", *unsupported):
        with pytest.raises(ValueError):
            parse_line(bad)


def test_parse_listen() -> None:
    assert parse_listen("127.0.0.1:2222") == ("127.0.0.1", 2222)
    assert parse_listen("[::1]:0") == ("::1", 0)


# -- over ssh -----------------------------------------------------------------------------


def test_story_list_over_ssh(app_server: ServerProcess, world: dict[str, Path]) -> None:
    client = Client(ssh_argv(app_server.port, world["alice"], "alice", "-tt"), cols=120, rows=40)
    screen = client.wait_for(TITLES[0], timeout=30)
    assert TITLES[1] in screen
    client.kill()
    app_server.wait_log(r"disconnect user=alice ")
    for pattern in (
        r"connect peer=127\.0\.0\.1:\d+",
        r"auth ok user=alice peer=127\.0\.0\.1:\d+",
        r"session start user=alice peer=127\.0\.0\.1:\d+ pid=\d+ term=\S+ size=120x40",
    ):
        app_server.wait_log(pattern, timeout=1)


def test_the_launcher_indexes_the_served_stories_once_for_every_user(
    app_server: ServerProcess, world: dict[str, Path]
) -> None:
    # Built beside the sessions; each new user's first reader copies it instead of reading
    # every story again (tests/test_search_seed.py covers the copy).
    app_server.wait_log(r"shared search index of \S+ up to date \(3 stories read\)", timeout=60)
    cache = app_server.root / "xdg" / "xdg_cache_home" / "tui-reader"
    assert seed_path(cache, [world["stories"]]).is_file()


def test_cli_dispatches_serve() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui_reader", "serve", "--help"],
        capture_output=True, text=True, timeout=30, cwd=REPO, check=True,
    )  # fmt: skip
    for flag in ("--listen", "--authorized-keys", "--max-sessions-per-user", "--idle-timeout"):
        assert flag in out.stdout
    assert "--reader-command" not in out.stdout


def test_terminal_type_size_env_and_resize(
    fake_server: ServerProcess, world: dict[str, Path]
) -> None:
    env = {**os.environ, "TERM": "screen-256color", "COLORTERM": "truecolor"}
    client = Client(
        ssh_argv(fake_server.port, world["alice"], "alice", "-tt", "-o", "SendEnv=COLORTERM"),
        cols=100, rows=30, env=env,
    )  # fmt: skip
    client.wait_for("SIZE 100x30")
    screen = client.flat_text()  # the data dir's path may wrap the first line
    assert "term=screen-256color" in screen
    assert "colorterm=truecolor ctty=True" in screen
    client.resize(132, 43)
    client.wait_for("SIZE 132x43")
    client.send("q")
    assert client.wait_exit() == 0


def test_each_user_gets_a_private_data_dir(
    fake_server: ServerProcess, world: dict[str, Path]
) -> None:
    alice = fake_client(fake_server, world, "alice")
    bob = fake_client(fake_server, world, "bob")  # name from environment="TUI_READER_USER=bob"
    users = fake_server.data_root / "users"
    assert f"dir={users / 'alice'} " in alice.flat_text()
    assert f"dir={users / 'bob'} " in bob.flat_text()
    for name in ("alice", "bob"):
        assert stat.S_IMODE((users / name).stat().st_mode) == 0o700
    assert stat.S_IMODE(fake_server.data_root.stat().st_mode) == 0o700
    for client in (alice, bob):
        client.send("q")
        assert client.wait_exit() == 0


def test_unknown_key_and_wrong_name_are_refused(
    fake_server: ServerProcess, world: dict[str, Path]
) -> None:
    for key, user in (("mallory", "mallory"), ("alice", "bob"), ("bob", "alice"), ("alice", "..")):
        result = run_ssh(fake_server, world, key, user, "-tt")
        assert result.returncode == 255, result.stdout
        assert "Permission denied" in result.stdout
    fake_server.wait_log(r"auth failed user='mallory' peer=127\.0\.0\.1:\d+")


def test_password_and_keyboard_interactive_are_refused(
    fake_server: ServerProcess, world: dict[str, Path]
) -> None:
    result = run_ssh(
        fake_server, world, "alice", "alice", "-tt",
        "-o", "PreferredAuthentications=password,keyboard-interactive",
        "-o", "PubkeyAuthentication=no",
    )  # fmt: skip
    assert result.returncode == 255
    assert "Permission denied (publickey)" in result.stdout


async def test_password_refused_at_protocol_level(fake_server: ServerProcess) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", fake_server.port, username="alice", password="alice",
            client_keys=None, known_hosts=None, agent_path=None, preferred_auth="password",
        )  # fmt: skip


def test_exec_never_runs_the_command(fake_server: ServerProcess, world: dict[str, Path]) -> None:
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    command = f"touch {marker}"
    result = run_ssh(fake_server, world, "alice", "alice", "-T", command=command)
    assert result.returncode == 1
    assert "tui-reader needs a terminal: use ssh -t" in result.stdout
    client = Client(ssh_argv(fake_server.port, world["alice"], "alice", "-tt", command=command))
    client.wait_for("FAKE user=alice")  # with a pty the command gets the reader instead
    client.send("q")
    assert client.wait_exit() == 0
    fake_server.wait_log(r"not running exec command 'touch /tmp/pwned-")
    result = run_ssh(fake_server, world, "alice", "alice", "-s", command="sftp")
    assert result.returncode != 0, result.stdout
    fake_server.wait_log(r"subsystem 'sftp' refused user=alice")
    assert not marker.exists()


async def test_no_forwarding_no_sftp(fake_server: ServerProcess, world: dict[str, Path]) -> None:
    key = asyncssh.read_private_key(world["alice"])
    async with asyncssh.connect(
        "127.0.0.1", fake_server.port, username="alice", client_keys=[key],
        known_hosts=None, agent_path=None,
    ) as conn:  # fmt: skip
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", fake_server.port)
        with pytest.raises(asyncssh.ChannelOpenError):  # the subsystem is refused
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)


def test_killing_one_session_leaves_the_others_working(
    fake_server: ServerProcess, world: dict[str, Path]
) -> None:
    clients = [fake_client(fake_server, world, u) for u in ("alice", "alice", "bob")]
    clients[0].kill()  # the client vanishes: its reader gets the terminal's hang-up
    fake_server.wait_log(r"disconnect user=alice ")
    hangup = fake_server.data_root / "users" / "alice" / "got-SIGHUP"
    eventually(hangup.exists, "the killed client's reader to get SIGHUP")
    for client in clients[1:]:
        client.send("x")
        client.wait_for("KEY 78")
    carol = fake_client(fake_server, world, "carol")
    pid = int(fake_server.wait_log(r"session start user=carol \S+ pid=(\d+)").group(1))
    os.kill(pid, 9)  # a reader crashes
    assert carol.wait_exit() != 0
    for client in clients[1:]:
        client.send("y")
        client.wait_for("KEY 79")
        client.send("q")
        assert client.wait_exit() == 0


async def _offer_unknown_keys(port: int, count: int) -> None:
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(count)]
    # The server hangs up mid-auth, so the client may see the disconnect or just a reset.
    with pytest.raises((asyncssh.DisconnectError, ConnectionError)):
        await asyncssh.connect(
            "127.0.0.1", port, username="alice", client_keys=keys,
            known_hosts=None, agent_path=None,
        )  # fmt: skip


def test_limits_and_idle_timeout(world: dict[str, Path]) -> None:
    server = ServerProcess(
        world["root"] / "limits", world["authorized"], "--reader-command", FAKE_READER,
        "--max-sessions", "2", "--max-sessions-per-user", "1", "--idle-timeout", "2",
        "--max-auth-attempts", "2",
    )  # fmt: skip
    try:
        asyncio.run(_offer_unknown_keys(server.port, count=4))
        server.wait_log(r"too many auth failures peer=127\.0\.0\.1")
        assert sum("auth failed user='alice'" in line for line in server.log) == 2
        alice = fake_client(server, world, "alice")
        second = run_ssh(server, world, "alice", "alice", "-tt")
        assert second.returncode == 1
        assert "alice already has too many sessions open" in second.stdout
        bob = fake_client(server, world, "bob")
        full = run_ssh(server, world, "carol", "carol", "-tt")
        assert "the server is full" in full.stdout
        # Typing keeps alice alive while bob, who types nothing, idles out after 2 s.
        typed = 0
        while "idle timeout" not in bob.text():
            assert typed < 40, f"bob never idled out; screen:\n{bob.text()}"
            echoed = alice.raw.count(b"KEY 6b")
            alice.send("k")
            typed += 1
            eventually(
                lambda echoed=echoed: alice.pump() and alice.raw.count(b"KEY 6b") > echoed,
                "alice's key to reach her reader",
            )
            assert bob.pump(0.25), "bob's ssh exited before saying why"
        assert typed >= 3  # the idle limit ran out while alice was typing
        bob.wait_exit(timeout=5)
        assert (server.data_root / "users" / "bob" / "got-SIGHUP").exists()
        alice.send("q")
        assert alice.wait_exit() == 0
    finally:
        assert server.stop() == 0


def test_sigterm_stops_sessions_cleanly(world: dict[str, Path]) -> None:
    server = ServerProcess(
        world["root"] / "stop", world["authorized"], "--reader-command", FAKE_READER
    )
    clients = [fake_client(server, world, u) for u in ("alice", "bob")]
    assert server.stop() == 0
    for client in clients:
        client.wait_exit(timeout=10)
    for user in ("alice", "bob"):
        assert (server.data_root / "users" / user / "got-SIGTERM").read_text() == user
    server.wait_log(r"INFO stopped")


def test_host_key_is_generated_once_and_private(world: dict[str, Path]) -> None:
    # The server's own work: the fake reader spares two warm launchers.
    fake = ("--reader-command", FAKE_READER)
    first = ServerProcess(world["root"] / "hostkey", world["authorized"], *fake)
    path = first.data_root / "ssh_host_ed25519_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert any("generated host key" in line for line in first.log)
    before = path.read_bytes()
    assert first.stop() == 0
    second = ServerProcess(world["root"] / "hostkey", world["authorized"], *fake)
    assert second.stop() == 0
    assert path.read_bytes() == before
    assert not any("generated host key" in line for line in second.log)


def _export(data_dir: Path) -> dict[str, list[object]]:
    out = subprocess.run(
        [sys.executable, "-m", "tui_reader", "export", "--format", "json",
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=30, cwd=REPO, check=True,
    )  # fmt: skip
    result: dict[str, list[object]] = json.loads(out.stdout)
    return result


def test_bookmarks_are_private_per_user(app_server: ServerProcess, world: dict[str, Path]) -> None:
    def login(user: str) -> Client:
        client = Client(ssh_argv(app_server.port, world[user], user, "-tt"), cols=120, rows=40)
        client.wait_for(TITLES[2], timeout=30)
        return client

    def starred(client: Client) -> list[str]:
        return [title for title in TITLES for row in client.screen.display
                if title in row and "\u2605" in row]  # fmt: skip

    alice = login("alice")
    alice.send("j")
    alice.send("b")
    alice.wait_for(f"Bookmarked: {TITLES[1]}")
    assert starred(alice) == [TITLES[1]]
    alice.send("q")
    assert alice.wait_exit() == 0
    bob = login("bob")
    bob.wait_quiet()
    assert starred(bob) == []
    bob.kill()  # a hang-up, not a quit
    alice = login("alice")  # reconnecting, alice finds her bookmark again
    alice.wait_quiet()
    assert starred(alice) == [TITLES[1]]
    alice.kill()
    app_server.wait_log(r"disconnect user=bob ")
    users = app_server.data_root / "users"
    assert len(_export(users / "alice")["bookmarks"]) == 1
    assert _export(users / "bob")["bookmarks"] == []


# -- the warm reader (the launcher forks every session's reader) --------------------------


def login(
    server: ServerProcess, world: dict[str, Path], user: str, colorterm: str | None = None
) -> Client:
    """A real-reader session of ``user`` (120x40) whose story list is on screen."""
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("COLORTERM", None)
    if colorterm:
        env["COLORTERM"] = colorterm
    argv = ssh_argv(server.port, world[user], user, "-tt", "-o", "SendEnv=COLORTERM")
    client = Client(argv, cols=120, rows=40, env=env)
    client.wait_for(TITLES[2], timeout=30)
    return client


def reader_pid(server: ServerProcess, user: str) -> int:
    """The pid of ``user``'s latest reader, from the ``session start`` log lines."""
    pattern = re.compile(rf"session start user={user} \S+ pid=(\d+)")
    found = [int(m.group(1)) for line in list(server.log) if (m := pattern.search(line))]
    if not found:
        raise AssertionError(f"no session start for {user}:\n" + "\n".join(server.log))
    return found[-1]


def launcher_pids(server: ServerProcess) -> list[int]:
    """Every launcher the server started, oldest first."""
    found = (re.search(r"reader launcher ready pid=(\d+)", line) for line in list(server.log))
    return [int(m.group(1)) for m in found if m]


def parent_of(pid: int) -> int:
    """The parent pid of ``pid`` from /proc."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def open_fds(pid: int) -> list[str]:
    """What each open fd of ``pid`` points at."""
    fds = Path(f"/proc/{pid}/fd")
    return [os.readlink(fd) for fd in fds.iterdir()]


ALLOWED_ENV = {
    "HOME", "PATH", "LANG", "TMPDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
    "XDG_STATE_HOME", "TERM", "COLORTERM", "NO_COLOR", "TUI_READER_DATA_DIR", "TUI_READER_USER",
    "TUI_READER_SERVED", "TUI_READER_ALLOW_PRIVATE", "ESCDELAY", "TEXTUAL_COLOR_SYSTEM",
}  # fmt: skip


def test_readers_are_forked_from_the_launcher_each_on_its_own(
    app_server: ServerProcess, world: dict[str, Path]
) -> None:
    alice = login(app_server, world, "alice", colorterm="truecolor")
    bob = login(app_server, world, "bob")
    # Each forked reader runs in its own client's environment: colours as its terminal says.
    assert b"\x1b[38;2;" in alice.raw
    assert b"\x1b[38;5;" in bob.raw and b"\x1b[38;2;" not in bob.raw
    pids = {user: reader_pid(app_server, user) for user in ("alice", "bob")}
    launcher = launcher_pids(app_server)[-1]
    ttys = {}
    for user, pid in pids.items():
        assert parent_of(pid) == launcher, "the reader was not forked by the launcher"
        assert os.getsid(pid) == pid, "the reader does not lead its own session"
        assert os.readlink(f"/proc/{pid}/cwd") == "/"
        environ = dict(
            item.split("=", 1)
            for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if item
        )  # fmt: skip
        # /proc shows the environment the launcher was started with (the session's own is
        # built on top of nothing): the operator's few variables, and where tui_reader is.
        assert set(environ) <= ALLOWED_ENV | {"PYTHONPATH"}, set(environ) - ALLOWED_ENV
        assert "TUI_READER_USER" not in environ and "SSH_AUTH_SOCK" not in environ
        fds = open_fds(pid)
        ttys[user] = {fd for fd in fds if fd.startswith("/dev/pts/")}
        assert len(ttys[user]) == 1, fds  # its own terminal, nobody else's
        # Its own event loop's sockets only: nothing of the launcher's or the server's.
        theirs = {fd for p in (launcher, app_server.proc.pid) for fd in open_fds(p)}
        assert not {fd for fd in fds if fd.startswith("socket:")} & theirs, fds
    assert ttys["alice"] != ttys["bob"]
    for client in (alice, bob):
        client.send("q")
        assert client.wait_exit() == 0


def test_a_killed_reader_leaves_the_other_sessions_working(
    app_server: ServerProcess, world: dict[str, Path]
) -> None:
    carol, bob = login(app_server, world, "carol"), login(app_server, world, "bob")
    os.kill(reader_pid(app_server, "carol"), signal.SIGKILL)
    assert carol.wait_exit() != 0
    bob.send("j")
    bob.send("b")  # bob's reader answers and writes to his store
    bob.wait_for(f"Bookmarked: {TITLES[1]}")
    bob.send("b")
    bob.wait_for(f"Bookmark removed: {TITLES[1]}")
    bob.send("q")
    assert bob.wait_exit() == 0


def test_a_killed_launcher_is_restarted_and_live_sessions_go_on(
    world: dict[str, Path],
) -> None:
    server = ServerProcess(
        world["root"] / "relaunch", world["authorized"], "--stories", str(world["stories"])
    )
    try:
        alice = login(server, world, "alice")
        (first,) = launcher_pids(server)
        os.kill(first, signal.SIGKILL)
        server.wait_log(rf"reader launcher pid={first} exited")
        server.wait_log(rf"reader launcher ready pid=(?!{first}\b)\d+", timeout=60)
        assert len(launcher_pids(server)) == 2
        alice.send("j")  # the session forked by the dead launcher goes on
        alice.send("b")
        alice.wait_for(f"Bookmarked: {TITLES[1]}")
        bob = login(server, world, "bob")  # and new sessions come from the new one
        assert parent_of(reader_pid(server, "bob")) == launcher_pids(server)[-1]
        for client in (alice, bob):
            client.send("q")
            assert client.wait_exit() == 0  # the status is known: the server adopted alice's
    finally:
        assert server.stop() == 0


def test_sigterm_saves_the_draft_being_typed_in_every_session(world: dict[str, Path]) -> None:
    server = ServerProcess(
        world["root"] / "drafts", world["authorized"], "--stories", str(world["stories"])
    )
    clients = {}
    try:
        for user in ("alice", "bob"):
            client = login(server, world, user)
            client.send("\r")
            client.wait_for("Russian Defense")
            client.send("V")
            client.wait_for("Russian Defense")
            client.send("a")
            client.wait_for("ctrl+s = save")
            client.send(f"half a thought of {user}")
            client.wait_for(f"half a thought of {user}")
            clients[user] = client
    finally:
        assert server.stop() == 0
    for user, client in clients.items():
        client.wait_exit(timeout=10)
        store = Store.open(server.data_root / "users" / user)
        draft = store.draft()
        store.close()
        assert draft is not None and draft.note == f"half a thought of {user}"
    server.wait_log(r"INFO stopped")


def test_bench_smoke() -> None:
    """A small, bounded run of every section of bench/bench_ssh.py (the full one is a
    benchmark): start, memory, a burst, a reading load and a storm, all on 127.0.0.1."""
    import bench_ssh

    rows = bench_ssh.run(  # 20 stories: each new user's first reader indexes them all
        [2], keys=2, stories=20, start=2, start_serial=1, reading=2, duration=2, storm=4
    )
    measured = {figure.split(":")[0].split(" (")[0]: value for figure, value, _ in rows}
    assert len(rows) >= 9, rows
    assert re.search(r"median \d+ ms", measured["session start -> list on screen, one at a time"])
    memory = measured["memory per reader, 2 idle sessions"]
    assert re.search(r"^[\d.]+ / [\d.]+ / [\d.]+ MB", memory), memory
    storm = next(value for figure, value, _ in rows if "storm" in figure)
    assert "server alive: yes" in storm and "a login after it: failed" not in storm
    latency = next(value for figure, value, _ in rows if "key latency" in figure)
    assert re.search(r"p95 [\d.]+ .* \(\d+ keys", latency), latency

"""``tui-reader serve``: serve the reader over SSH, one reader process per connection.

See ``docs/serve.md`` for operation. The pieces: :mod:`tui_reader.serve.auth` (authorized keys
and reader names), :mod:`tui_reader.serve.session` (a reader in a pty per SSH session),
:mod:`tui_reader.serve.state` (limits, data dirs, SSH auth, shutdown) and
:mod:`tui_reader.serve.launcher` (the warm process that forks every session's reader). No
Textual here: the reader runs in other processes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import signal
from pathlib import Path

import asyncssh
import platformdirs

from tui_reader.serve.auth import KeyRing
from tui_reader.serve.child import launcher_env
from tui_reader.serve.launcher import Launcher
from tui_reader.serve.listener import Listener
from tui_reader.serve.log import configure_logging
from tui_reader.serve.seeding import Seeding
from tui_reader.serve.state import (
    ReaderServer,
    ServeConfig,
    ServeState,
    load_or_create_host_key,
    make_private_dir,
)

log = logging.getLogger("tui_reader.serve")


def parse_listen(value: str) -> tuple[str, int]:
    """Parse ``HOST:PORT`` (``[::1]:2222`` for IPv6) into a host and a port."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    host = host.removeprefix("[").removesuffix("]") or "127.0.0.1"
    return host, int(port_text)


def _count(text: str) -> int:
    number = int(text)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return number


def _seconds(text: str) -> float:
    number = float(text)
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``tui-reader serve``."""
    p = argparse.ArgumentParser(
        prog="tui-reader serve",
        description="Serve the reader over SSH: public-key logins, one private reader each.",
    )
    p.add_argument(
        "--listen",
        type=parse_listen,
        default=("127.0.0.1", 2222),
        metavar="HOST:PORT",
        help="address to listen on (default 127.0.0.1:2222)",
    )
    p.add_argument(
        "--authorized-keys",
        type=Path,
        required=True,
        metavar="FILE",
        help="OpenSSH authorized_keys; each key maps to a reader name (docs/serve.md)",
    )
    p.add_argument(
        "--host-key",
        type=Path,
        metavar="FILE",
        help="server host key (default DATA_ROOT/ssh_host_ed25519_key, generated on first run)",
    )
    p.add_argument("--stories", type=Path, metavar="DIR", help="stories folder for every reader")
    p.add_argument(
        "--data-root",
        type=Path,
        metavar="DIR",
        help="per-user data dirs live in DIR/users/NAME "
        "(default: the platform data dir of tui-reader, /serve)",
    )
    p.add_argument(
        "--max-sessions",
        type=_count,
        default=50,
        metavar="N",
        help="concurrent sessions, all users together (default 50)",
    )
    p.add_argument(
        "--max-sessions-per-user",
        type=_count,
        default=5,
        metavar="N",
        help="concurrent sessions of one reader name (default 5)",
    )
    p.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=1800.0,
        metavar="SECONDS",
        help="close a session after this long without input; 0 = never (default 1800)",
    )
    p.add_argument(
        "--max-auth-attempts",
        type=_count,
        default=6,
        metavar="N",
        help="rejected keys per connection before disconnecting (default 6)",
    )
    p.add_argument(
        "--max-startups",
        type=_count,
        default=32,
        metavar="N",
        help="connections logging in at once; more wait their turn (default 32)",
    )
    p.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="let readers' saves and feeds fetch loopback and private-network addresses "
        "(refused by default)",
    )
    p.add_argument(
        "--login-timeout", type=_seconds, default=30.0, metavar="SECONDS", help=argparse.SUPPRESS
    )
    p.add_argument("--reader-command", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p  # fmt: skip


def config_from_args(args: argparse.Namespace) -> ServeConfig:
    """Turn parsed arguments into a :class:`ServeConfig`, filling in the defaults."""
    data_root: Path = args.data_root or Path(platformdirs.user_data_dir("tui-reader")) / "serve"
    # Readers run in "/" (see serve_session): every path they get must be absolute.
    data_root = data_root.expanduser().absolute()
    host, port = args.listen
    return ServeConfig(
        host=host,
        port=port,
        authorized_keys=args.authorized_keys,
        host_key=args.host_key or data_root / "ssh_host_ed25519_key",
        data_root=data_root,
        stories=args.stories.expanduser().absolute() if args.stories else None,
        max_sessions=args.max_sessions,
        max_sessions_per_user=args.max_sessions_per_user,
        idle_timeout=args.idle_timeout,
        max_auth_attempts=max(1, args.max_auth_attempts),
        max_startups=max(1, args.max_startups),
        login_timeout=args.login_timeout,
        allow_private_addresses=args.allow_private_addresses,
        reader_command=args.reader_command,
    )


async def start_server(config: ServeConfig) -> tuple[Listener, ServeState]:
    """Start listening; return the acceptor and the state holding the live sessions."""
    make_private_dir(config.data_root)
    host_key = load_or_create_host_key(config.host_key)
    _raise_open_files_limit()
    state = ServeState(config, asyncio.get_running_loop(), KeyRing(config.authorized_keys))
    if not state.keys.names():
        log.warning("no usable keys in %s: nobody can log in yet", config.authorized_keys)
    if not config.reader_command:
        stories = str(config.stories) if config.stories else None
        state.launcher = Launcher(launcher_env(), stories=stories)
        await state.launcher.start()  # the first session must not wait for the imports
    try:
        acceptor = await _listen(state, host_key)
    except BaseException:
        if state.launcher is not None:
            await state.launcher.stop()
        raise
    if config.stories is not None and not config.reader_command:
        # Readers given a folder index only it: the stories part of every new user's index.
        state.seeding = Seeding(config.stories, launcher_env())
        state.seeding.start()
    return acceptor, state


def _raise_open_files_limit() -> None:
    """Each session holds a socket, a pty and a pidfd: allow as many files as the OS lets us."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


async def _listen(state: ServeState, host_key: asyncssh.SSHKey) -> Listener:
    config = state.config
    return await Listener.open(
        config.host,
        config.port,
        config.max_startups,
        server_factory=lambda: ReaderServer(state),
        server_host_keys=[host_key],
        public_key_auth=True,
        password_auth=False,
        kbdint_auth=False,
        host_based_auth=False,
        gss_host=None,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        line_editor=False,
        encoding=None,
        rdns_lookup=False,
        login_timeout=config.login_timeout,
        keepalive_interval=60,
        keepalive_count_max=3,
    )


async def serve(config: ServeConfig) -> int:
    """Run the server until SIGTERM or SIGINT; then stop every reader cleanly and return 0."""
    # The handlers come first: a SIGTERM right after "listening" must stop us cleanly.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    acceptor, state = await start_server(config)
    log.info("listening on %s:%d data_root=%s", config.host, acceptor.get_port(), config.data_root)
    await stop.wait()
    acceptor.close()
    await state.shutdown()
    await state.close_connections()
    await acceptor.wait_closed()
    log.info("stopped")
    return 0


def main(argv: list[str]) -> int:
    """Entry point of ``tui-reader serve``; ``argv`` excludes the ``serve`` word."""
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    config = config_from_args(args)
    if not config.authorized_keys.is_file():
        log.error("authorized keys file not found: %s", config.authorized_keys)
        return 2
    try:
        return asyncio.run(serve(config))
    except OSError as exc:
        log.error("cannot serve: %s", exc)
        return 1

"""Notes over SSH: ``ssh HOST export ... > notes.md`` and ``ssh HOST import - < notes.json``
through the real OpenSSH client and ``tui-reader serve``; nothing else gets through."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notes_helpers import library, note_on, text_of
from tests.serve_helpers import ServerProcess, make_key, ssh_argv
from tui_reader.anchoring import describe
from tui_reader.storage.records import Annotation
from tui_reader.storage.store import Store

MANY = 3000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on a library; alice and bob have notes, carol has many."""
    root = tmp_path_factory.mktemp("serve-notes")
    keys = root / "keys"
    keys.mkdir()
    names = ("alice", "bob", "carol")
    key = {name: make_key(keys, name) for name in names}
    authorized = root / "authorized_keys"
    authorized.write_text("".join(Path(f"{key[n]}.pub").read_text() for n in names))
    stories = library(root / "stories")
    server = ServerProcess(root / "server", authorized, "--stories", str(root / "stories"))
    users = server.data_root / "users"
    for name, quote in (("alice", "Prices rose sharply"), ("bob", "cats and dogs")):
        store = Store.open(users / name)
        note_on(store, stories["a" if name == "alice" else "b"], quote, f"{name}'s secret note")
        store.close()
    store = Store.open(users / "carol")
    text, now = text_of(stories["b"]), dt.datetime.now(dt.UTC).isoformat()
    store.import_notes(
        [
            Annotation(
                str(uuid.uuid4()),
                stories["b"].story_id,
                describe(text, i % 20, i % 20 + 9),
                f"note {i} " + "é" * 300,
                now,
                now,
            )  # fmt: skip
            for i in range(MANY)
        ]
    )
    store.close()
    yield {"server": server, "key": key, "stories": stories, "users": users, "root": root}
    assert server.stop() == 0


def ssh(site: dict[str, Any], user: str, command: str, *, key: str | None = None,
        stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """``ssh user@server command``, as a user types it (no terminal: its output is a file)."""
    argv = ssh_argv(site["server"].port, site["key"][key or user], user, command=command)
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=60, check=False)


def test_export_markdown_over_ssh(site: dict[str, Any]) -> None:
    result = ssh(site, "alice", "export --format markdown")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.startswith("# Notes from tui-reader\n")
    assert "> Prices rose sharply" in text and "alice's secret note" in text
    assert "bob's" not in text
    json_out = json.loads(ssh(site, "alice", "tui-reader export --format=w3c --flat").stdout)
    assert [a["body"][0]["value"] for a in json_out] == ["alice's secret note"]


def test_import_from_stdin_over_ssh(site: dict[str, Any]) -> None:
    exported = ssh(site, "bob", "export --format w3c").stdout
    dry = ssh(site, "alice", "import --dry-run -", stdin=exported)
    assert dry.returncode == 0 and b"Would import 1 note(s)" in dry.stdout
    done = ssh(site, "alice", "import -", stdin=exported)
    assert done.returncode == 0, done.stderr
    assert b"Imported 1 note(s) from W3C Web Annotation" in done.stdout
    assert b"1 attached" in done.stdout  # the server's library, not one the user names
    notes = ssh(site, "alice", "export --format csv").stdout.decode()
    assert "bob's secret note" in notes and "alice's secret note" in notes
    again = ssh(site, "alice", "import", stdin=exported)  # "-" may be left out
    assert b"1 already in your notes" in again.stdout
    bad = ssh(site, "alice", "import -", stdin=exported[:50])
    assert bad.returncode == 1 and b"not valid JSON" in bad.stderr
    assert b"nothing was imported" in bad.stderr


def test_a_large_export_arrives_whole(site: dict[str, Any]) -> None:
    result = ssh(site, "carol", "export --format json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) > MANY * 300
    assert len(json.loads(result.stdout)["annotations"]) == MANY


@pytest.mark.parametrize(
    "command",
    [
        "export --data-dir ../bob",
        "export --data-dir=/tmp",
        "export --format markdown -o /tmp/stolen.md",
        "export --output=/tmp/stolen.md",
        "export --stories /etc",
        "export --form json",  # an abbreviation argparse would have taken
        "export --format xml",
        "export --story",
        "import /etc/passwd",
        "import - --stories /etc",
        "import - --data-dir ../bob",
        "export --tag x; cat /etc/passwd",
        "export $(cat /etc/passwd)",
    ],
)
def test_anything_else_is_refused(site: dict[str, Any], command: str) -> None:
    result = ssh(site, "alice", command)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.startswith(b"tui-reader: ")
    assert not Path("/tmp/stolen.md").exists()


def test_another_users_notes_stay_theirs(site: dict[str, Any]) -> None:
    # alice's key cannot log in as bob, and no argument reaches bob's data dir.
    as_bob = ssh(site, "bob", "export", key="alice")
    assert as_bob.returncode == 255 and b"bob's secret note" not in as_bob.stdout
    for command in ("export --data-dir=../bob", "export --story ../bob", "export --tag=bob"):
        result = ssh(site, "alice", command)
        assert b"bob's secret note" not in result.stdout + result.stderr
    site["server"].wait_log(r"session refused user=alice .*--data-dir")


def test_other_commands_still_get_the_reader_or_nothing(site: dict[str, Any]) -> None:
    result = ssh(site, "alice", "cat /etc/passwd")
    assert result.returncode == 1
    assert result.stdout == b"tui-reader needs a terminal: use ssh -t\r\n"
    assert b"root:" not in result.stdout + result.stderr

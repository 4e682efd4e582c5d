"""The command line, run as a user runs it: real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.app_helpers import SEED, seed_library, wait_for_rows
from tui_reader.cli.main import default_stories_dir
from tui_reader.core.config import load_config
from tui_reader.storage.store import Store


def run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "XDG_DATA_HOME": str(env_home / "data"),
        "XDG_CONFIG_HOME": str(env_home / "config"),
        "XDG_CACHE_HOME": str(env_home / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_help_explains_flags(tmp_path: Path) -> None:
    result = run("--help", env_home=tmp_path)
    assert result.returncode == 0
    for flag in ("STORIES_DIR", "--stories", "--data-dir", "--no-mouse", "export", "serve"):
        assert flag in result.stdout


def test_bad_stories_dir_is_a_clear_message(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope"), env_home=tmp_path)
    assert result.returncode == 2
    assert "is not a folder of stories" in result.stderr


def test_bundled_stories_are_found() -> None:
    folder = default_stories_dir()
    names = sorted(p.name for p in folder.iterdir())
    assert SEED.name in names
    assert len([n for n in names if n.endswith((".md", ".txt"))]) >= 4


def test_export_json_lists_bookmarks_and_notes(tmp_path: Path) -> None:
    data = tmp_path / "notes"
    store = Store.open(data)
    store.set_bookmark("url:example.org/a", True, tags=["later"], title="A", path="/s/a.md")
    store.add_annotation(
        "url:example.org/a",
        [{"type": "TextQuoteSelector", "exact": "quoted words", "prefix": "", "suffix": ""}],
        "my note",
        story_title="A",
        story_path="/s/a.md",
    )
    store.close()
    result = run("export", "--format", "json", "--data-dir", str(data), env_home=tmp_path)
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert [b["story_id"] for b in exported["bookmarks"]] == ["url:example.org/a"]
    (note,) = exported["annotations"]
    assert (note["quote"], note["note"], note["story_title"]) == ("quoted words", "my note", "A")
    assert note["tags"] == []  # the note's own tags; the bookmark's are on the bookmark
    assert note["story_url"] == "https://example.org/a"


def test_export_of_a_missing_or_empty_data_dir_is_an_error(tmp_path: Path) -> None:
    for data in (tmp_path / "no-such-dir", tmp_path):
        result = run("export", "--data-dir", str(data), env_home=tmp_path / "home")
        assert result.returncode == 1
        assert result.stdout == ""
        assert str(data) in result.stderr and "--data-dir" in result.stderr


def test_data_dir_from_environment(tmp_path: Path) -> None:
    data = tmp_path / "from-env"
    store = Store.open(data)
    store.set_bookmark("url:example.org/env", True)
    store.close()
    env_home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-m", "tui_reader", "export"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "TUI_READER_DATA_DIR": str(data),
            "XDG_DATA_HOME": str(env_home),
        },
        timeout=60,
        check=False,
    )
    assert json.loads(result.stdout)["bookmarks"][0]["story_id"] == "url:example.org/env"


def test_bad_config_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("mouse = 'sometimes'\n[keymap]\n'app.quit' = 3\n", "utf-8")
    config = load_config(path)
    assert config.mouse is True
    assert any("mouse" in p for p in config.problems)
    assert any("app.quit" in p for p in config.problems)
    path.write_text("this is [not toml", "utf-8")
    assert load_config(path).problems
    path.write_text("refresh_minutes = 30\n", "utf-8")
    assert load_config(path).refresh_minutes == 30
    path.write_text("refresh_minutes = 0.1\n", "utf-8")
    assert load_config(path).refresh_minutes == 1
    assert "below 1 is not allowed" in load_config(path).problems[0]
    path.write_text("refresh_minutes = 'often'\n", "utf-8")
    assert load_config(path).refresh_minutes == 0
    assert "'refresh_minutes' must be a number" in load_config(path).problems[0]


async def test_keymap_from_config_remaps_a_binding(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    config_path = tmp_path / "config.toml"
    config_path.write_text('[keymap]\n"reader.bookmark" = "m"\n', "utf-8")
    from tui_reader.ui.app import create_app

    app = create_app(stories, tmp_path / "data", load_config(config_path), tmp_path / "cache")
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 1)
        await pilot.press("b")
        await pilot.pause()
        assert not story_list.bookmarked
        await pilot.press("m")
        await pilot.pause()
        assert story_list.bookmarked == {story_list.rows[0].story_id}

"""Data files of any shape: a nesting bomb is set aside, and no write failure ends the reader
(issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app_helpers import build, notices, open_first_story, write_story
from tui_reader.storage.store import Store, StoreError


@pytest.mark.parametrize("name", ["state.json", "bookmarks.json"])
async def test_a_deeply_nested_data_file_is_set_aside_and_the_reader_keeps_working(
    tmp_path: Path, name: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    nested: object = "x"
    for _ in range(300):
        nested = [nested]
    table = "read" if name == "state.json" else "bookmarks"
    (data / name).write_text(json.dumps({table: {"deep": {"v": nested}}}), "utf-8")
    write_story(tmp_path / "stories", "a.md", "Harbour news", "Body.")
    app = build(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_story(pilot)  # marks the story read: a write to state.json
        await pilot.press("tab", "b")  # a write to bookmarks.json
        await pilot.pause()
        assert app.is_running
        shown = " ".join(notices(app))
        assert "nested more than 254 levels" in shown and "corrupt-" in shown
    assert list(data.glob(f"{name}.corrupt-*")), "the bad file was not kept aside"
    store = Store.open(data)
    assert store.read_ids() and store.bookmarks(), "the writes after recovery were lost"


def test_anything_the_serializer_refuses_is_a_store_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.set_bookmark("url:example.org/a", True, title="A")
    with pytest.raises(StoreError, match="Could not save"):
        store.set_bookmark("url:example.org/a", True, tags=[2**70], title="A")  # type: ignore[list-item]
    assert store.bookmarks()["url:example.org/a"].tags == ()  # memory is what is on disk
    store.close()

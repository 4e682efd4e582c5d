"""A dropped connection (SIGHUP) while a note is typed: the draft comes back on the next start."""

from __future__ import annotations

import signal
from pathlib import Path

import pexpect
import pytest

from tests.app_helpers import SEED, build, seed_library, wait_for_rows, wait_until
from tests.pty_helpers import Terminal
from tui_reader.storage.store import Store
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.note_editor import NoteEditor


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_hangup_while_typing_keeps_a_draft_offered_back(tmp_path: Path, signum: int) -> None:
    stories = seed_library(tmp_path)
    data = tmp_path / "data"
    term = Terminal([str(stories), "--data-dir", str(data)], tmp_path)
    child = term.child
    term.wait_for("Security Blocs")
    child.send("\r")
    term.wait_for("Russian Defense")
    child.send("V")
    term.wait_quiet(0.2)  # the paragraph is drawn selected
    child.send("a")
    term.wait_for("ctrl+s = save")
    child.send("typed before the line dropped")
    term.wait_for(
        "typed before the line dropped"
    )  # well under the periodic draft save: the hang-up itself must save it
    child.kill(signum)
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    assert child.signalstatus is None  # it exited by itself, having handled the signal
    assert child.exitstatus == 128 + signum

    store = Store.open(data)
    draft = store.draft()
    store.close()
    assert draft is not None
    assert draft.note == "typed before the line dropped"
    assert any(s.get("exact", "").startswith("Russian Defense") for s in draft.selectors)


async def test_draft_is_offered_and_saved_on_next_start(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    data = tmp_path / "data"
    from tui_reader.storage.records import Draft

    store = Store.open(data)
    selectors: list[dict[str, object]] = [
        {"type": "TextQuoteSelector", "exact": "Russian Defense", "prefix": "", "suffix": " Min"},
        {"type": "TextPositionSelector", "start": 0, "end": 15},
    ]
    from tui_reader.core.stories import load_story

    story = load_story(stories / SEED.name)
    assert not isinstance(story, Exception) and hasattr(story, "story_id")
    store.save_draft(Draft(story.story_id, selectors, "half a thought"))  # type: ignore[union-attr]
    store.close()

    app = build(tmp_path, stories, data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await wait_until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen), "the draft to be offered back"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        assert app.screen.text == "half a thought"
        await pilot.press(*" finished")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "the note saved")
    store = Store.open(data)
    notes = [a.note for a in store.all_annotations()]
    assert store.draft() is None
    store.close()
    assert notes == ["half a thought finished"]

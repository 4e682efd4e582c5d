"""A note the reader typed is never lost when saving fails: through the real file system.

The data dir lives on a small tmpfs that the test remounts read-only under the running reader
(CI runs as root, where chmod proves nothing). A failed edit keeps the editor open with the
text and says why; a failed delete keeps the note; a note deleted by another session while it
is being edited is saved as a new note on the same passage.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app_helpers import (
    REPO,
    build,
    notices,
    open_first_story,
    seed_library,
    select_and_annotate,
    wait_until,
)
from tui_reader.storage.store import Store
from tui_reader.ui.screens.note_editor import NoteEditor
from tui_reader.ui.widgets.notes import NotesSidebar

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)


class Tmpfs:
    """A 4 MiB tmpfs at ``path`` that can be flipped read-only and back."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mount(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(self.path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")

    def read_only(self, on: bool) -> None:
        mode = "remount,ro" if on else "remount,rw"
        subprocess.run(["mount", "-o", mode, str(self.path)], check=True)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Tmpfs]:
    """A data dir on its own small file system."""
    fs = Tmpfs(tmp_path / "mnt")
    fs.mount()
    try:
        yield fs
    finally:
        fs.unmount()


def notes_on_disk(data: Path) -> list[str]:
    store = Store.open(data)
    try:
        return sorted(a.note for a in store.all_annotations())
    finally:
        store.close()


async def note_in_the_sidebar(pilot: Pilot[None], note: str) -> NotesSidebar:
    """Open the story, annotate its first paragraph with ``note``, focus the notes sidebar."""
    await open_first_story(pilot)
    await select_and_annotate(pilot, note)
    sidebar = pilot.app.screen.query_one(NotesSidebar)
    await wait_until(pilot, lambda: len(sidebar.entries) == 1, "the note in the sidebar")
    sidebar.focus()
    return sidebar


async def edit_the_note(pilot: Pilot[None]) -> None:
    """In the focused sidebar: open the note in the editor."""
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, NoteEditor), "the editor")


async def test_a_failed_edit_keeps_the_typed_text_in_the_editor(
    tmp_path: Path, tmpfs: Tmpfs
) -> None:
    data = tmpfs.path / "data"
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(120, 40)) as pilot:
        await note_in_the_sidebar(pilot, "first thought")
        await edit_the_note(pilot)
        await pilot.press(*" and a second one")
        tmpfs.read_only(True)
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any(n.startswith("Could not") for n in notices(app)), "the failure"
        )
        assert isinstance(app.screen, NoteEditor), "a failed save closed the editor"
        assert app.screen.text == "first thought and a second one"
        told = notices(app)
        assert any(n.startswith("Could not save the note") for n in told), told
        assert not any(n == "Note saved" for n in told[1:]), told
        tmpfs.read_only(False)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "editor closes")
    assert notes_on_disk(data) == ["first thought and a second one"]


async def test_a_failed_delete_keeps_the_note_and_says_so(tmp_path: Path, tmpfs: Tmpfs) -> None:
    data = tmpfs.path / "data"
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(120, 40)) as pilot:
        sidebar = await note_in_the_sidebar(pilot, "keep me")
        tmpfs.read_only(True)
        await pilot.press("d")
        await wait_until(
            pilot, lambda: any(n.startswith("Could not") for n in notices(app)), "the failure"
        )
        told = notices(app)
        assert any(n.startswith("Could not save the deletion") for n in told), told
        assert not any(n.startswith("Note deleted") for n in told), told
        assert len(sidebar.entries) == 1
        tmpfs.read_only(False)
    assert notes_on_disk(data) == ["keep me"]


DELETE_ELSEWHERE = """
import sys
from pathlib import Path
from tui_reader.storage.store import Store
store = Store.open(Path(sys.argv[1]))
for annotation in store.all_annotations():
    store.delete_annotation(annotation.id)
store.close()
"""


async def test_a_note_deleted_elsewhere_while_edited_is_saved_as_a_new_note(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    app = build(tmp_path, seed_library(tmp_path), data)
    async with app.run_test(size=(120, 40)) as pilot:
        sidebar = await note_in_the_sidebar(pilot, "mine")
        await edit_the_note(pilot)
        await pilot.press(*", still mine")
        # Another session (a real second process) deletes the note meanwhile.
        env = {"PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-c", DELETE_ELSEWHERE, str(data)], env=env, check=True)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "editor closes")
        assert app.is_running
        assert any("deleted in another session" in n for n in notices(app)), notices(app)
        await wait_until(pilot, lambda: len(sidebar.entries) == 1, "the new note listed")
    assert notes_on_disk(data) == ["mine, still mine"]

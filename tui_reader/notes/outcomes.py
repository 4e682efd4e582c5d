"""What a write the reader asked for came to: saved, deleted, failed (and why), or gone.

The UI renders these; it never guesses from a ``bool`` or a ``None``. A ``bool`` compared with
``None`` is how a failed note edit once said "Note saved" and dropped the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_reader.storage.records import Annotation

__all__ = ["Deleted", "Failed", "Gone", "Outcome", "Saved"]


@dataclass(frozen=True)
class Saved:
    """It is on disk."""

    annotation: Annotation | None = None
    """The annotation as stored (None for writes that are not annotations)."""
    recreated: bool = False
    """The note being edited was deleted in another session, so it was saved as a new note on
    the same passage."""


@dataclass(frozen=True)
class Deleted:
    """The annotation is gone from disk; ``annotation`` is kept for undo."""

    annotation: Annotation


@dataclass(frozen=True)
class Failed:
    """Nothing was written; ``reason`` says why, in words for the user."""

    what: str
    """What could not be saved ("the note", "the bookmark")."""
    reason: str

    @property
    def message(self) -> str:
        """One line for the user."""
        return f"Could not save {self.what}: {self.reason}"


@dataclass(frozen=True)
class Gone:
    """The thing to change no longer exists (another session deleted it); nothing was written."""

    what: str


Outcome = Saved | Deleted | Failed | Gone

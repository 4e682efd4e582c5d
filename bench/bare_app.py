"""The baseline for launch figures: the smallest Textual app, a Static that quits on ``q``.

``python bench/bare_app.py`` shows :data:`READY_TEXT`; the benchmark times how long that takes
in the same pty, so the ratio of the reader's launch to this one cancels machine noise.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

READY_TEXT = "bare textual app ready"


class BareApp(App[None]):
    """One Static; ``q`` quits."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """The one widget."""
        yield Static(READY_TEXT)


if __name__ == "__main__":
    BareApp().run()

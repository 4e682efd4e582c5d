"""The baseline for launch figures: the smallest Textual app, a Static that quits on ``q``.

``python bench/bare_app.py`` shows :data:`READY_TEXT`; the benchmark times how long that takes
in the same pty, so the ratio of the reader's launch to this one cancels machine noise.
Textual is imported when the app runs, not when the benchmark reads :data:`READY_TEXT`.
"""

from __future__ import annotations

from typing import ClassVar

READY_TEXT = "bare textual app ready"


def main() -> None:
    """Build the app and run it: everything it imports is part of the baseline's launch."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import Static

    class BareApp(App[None]):
        """One Static; ``q`` quits; ``x`` and ``escape`` change the text (the Esc baseline)."""

        BINDINGS: ClassVar[list[BindingType]] = [
            Binding("q", "quit", "Quit"),
            Binding("x", "count('x')", "Count"),
            Binding("escape", "count('esc')", "Count"),
        ]
        presses = 0

        def compose(self) -> ComposeResult:
            """The one widget."""
            yield Static(READY_TEXT)

        def action_count(self, key: str) -> None:
            """Show that a key arrived, so its latency can be timed."""
            self.presses += 1
            self.query_one(Static).update(f"{key} {self.presses}")

    BareApp().run()


if __name__ == "__main__":
    main()

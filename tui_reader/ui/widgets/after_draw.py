"""Work that waits for a widget's next frame: started then, it does not compete with drawing
that frame for the CPU (e.g. laying out the rest of a long story, marking it read)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

__all__ = ["AfterDraw"]


class AfterDraw:
    """Callbacks run after ``widget`` next draws, or after ``fallback`` seconds should it not
    be drawn (hidden: a terminal too small for the panes)."""

    def __init__(self, widget: Widget, fallback: float) -> None:
        self._widget = widget
        self._fallback = fallback
        self._waiting: list[Callable[[], None]] = []

    def add(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after the next frame (asks for one)."""
        self._waiting.append(callback)
        self._widget.set_timer(self._fallback, lambda: self._run(callback))
        self._widget.refresh()

    def drawing(self) -> None:
        """The widget is drawing a frame: every waiting callback runs once it is out."""
        if self._waiting:
            drawn, self._waiting = self._waiting, []
            for callback in drawn:
                self._widget.call_later(callback)

    def _run(self, callback: Callable[[], None]) -> None:
        if callback in self._waiting:  # not run yet: its frame never came
            self._waiting.remove(callback)
            self._widget.call_later(callback)

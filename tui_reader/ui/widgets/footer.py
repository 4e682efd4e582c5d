"""The key bar at the bottom: the keys that work here, drawn as one line by one widget.

It looks like Textual's :class:`~textual.widgets.Footer` (same theme colours, same spacing,
the command palette key on the right) but costs a fraction of it. The stock footer is a
container of one widget per key, all rebuilt and restyled whenever the bindings may have
changed: the screen mounting, the app gaining focus, focus moving to another pane. At
start-up that was half the CPU of the first frame, and every pane switch paid it again. Here
a change of bindings re-renders one line, and only when the keys shown differ.

A click on a key presses it, as with the stock footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["KeyBar"]


@dataclass(frozen=True)
class ShownKey:
    """One key on the bar."""

    key: str
    """The key it presses (as Textual names it)."""
    display: str
    description: str
    enabled: bool


def shown_keys(screen: Screen[Any]) -> tuple[list[ShownKey], ShownKey | None]:
    """The keys the bar shows for ``screen`` (one per action, first binding wins), and the
    command palette's key, if the app has a palette."""
    app = screen.app
    keys: dict[str, ShownKey] = {}
    bindings = screen.active_bindings
    for _, binding, enabled, _ in bindings.values():
        if binding.show and binding.action not in keys:
            display = app.get_key_display(binding)
            keys[binding.action] = ShownKey(binding.key, display, binding.description, enabled)
    palette = None
    if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in bindings:
        _, binding, enabled, _ = bindings[app.COMMAND_PALETTE_BINDING]
        palette = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)
    return list(keys.values()), palette


class KeyBar(Widget):
    """The keys of the current screen, one line at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--item"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    KeyBar > .key-bar--item {
        background: $footer-item-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002  (Textual's name)
        super().__init__(id=id)
        self._keys: list[ShownKey] = []
        self._palette: ShownKey | None = None
        self._spans: list[tuple[int, int, ShownKey]] = []
        """Where each key was drawn: (first column, end column, key)."""
        self._compact = False
        self._faint_of: tuple[tuple[str, Color], str] | None = None
        """The separator's colour, and the theme and background it was worked out for."""

    @property
    def compact(self) -> bool:
        """Keys drawn a cell closer together (a narrow terminal), as the stock footer's."""
        return self._compact

    @compact.setter
    def compact(self, value: bool) -> None:
        if value != self._compact:
            self._compact = value
            self.refresh()

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        keys, palette = shown_keys(screen)
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def render(self) -> Text:
        """The keys left to right; the palette's key on top of them at the right end."""
        item = self.get_component_rich_style("key-bar--item")
        key_style = item + self.get_component_rich_style("key-bar--key")
        description_style = item + self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, end="")
        spans: list[tuple[int, int, ShownKey]] = []
        for shown in self._keys:
            start = line.cell_len
            key = f"{shown.display} " if self._compact else f" {shown.display} "
            line.append(key, self._dim(key_style, shown))
            if shown.description:
                line.append(f"{shown.description} ", self._dim(description_style, shown))
            spans.append((start, line.cell_len, shown))
        palette = self._palette
        if palette is not None:
            # As the stock footer draws it: compact, after a faint bar, docked over the keys.
            tail = Text(no_wrap=True, end="")
            tail.append("▏", item + Style(color=self._faint()))
            tail.append(palette.display, self._dim(key_style, palette))
            tail.append(f" {palette.description}", self._dim(description_style, palette))
            tail.append(" ", item)
            start = max(0, self.size.width - tail.cell_len)
            line.truncate(start, pad=True)
            line.append_text(tail)
            spans = [(a, min(b, start), k) for a, b, k in spans if a < start]
            spans.append((start, line.cell_len, palette))
        self._spans = spans
        return line

    def _faint(self) -> str:
        """The theme's foreground at 20% over the bar: the stock footer's separator.

        Worked out once per theme and background: ``get_css_variables`` builds every variable
        of the theme, and the bar is drawn again whenever the screen's keys change.
        """
        key = (self.app.theme, self.styles.background)
        if self._faint_of is None or self._faint_of[0] != key:
            variables = self.app.get_css_variables()
            foreground = Color.parse(variables.get("foreground", "white"))
            self._faint_of = (key, self.styles.background.blend(foreground, 0.2).hex)
        return self._faint_of[1]

    @staticmethod
    def _dim(style: Style, shown: ShownKey) -> Style:
        return style if shown.enabled else style + Style(dim=True)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a disabled key rings the bell)."""
        for start, end, shown in self._spans:
            if start <= event.x < end:
                if shown.enabled:
                    self.app.simulate_key(shown.key)
                else:
                    self.app.bell()
                return

"""The baseline for the typed query: the smallest Textual app that draws what a search draws.

A bordered list of 10,000 rows beside a pane of text, and a line at the bottom, laid out as the
reader is at 120x40. ``/``, a query and enter, in one write, replace the list's rows with 63
results (made up in advance: no search runs) and show ``/QUERY  63 stories`` on the bottom
line. ``bench_search.py`` times that against the reader's own typed query in the same pty: the
ratio is what the reader adds to what Textual itself takes for the same frame.

``--minimal``: the least Textual can do for it, the floor: the list is one Static whose text
is replaced, and the keys of the query are not shown as they come (enter shows the line).

Run: ``python bench/bare_search.py [--minimal]`` (``q`` quits; ``escape`` brings the rows back).
"""

from __future__ import annotations

from typing import ClassVar

READY_TEXT = "bare search ready"
RESULTS = 63


def main() -> None:
    """Build the app and run it (Textual is imported here, not when the bench reads names)."""
    import sys

    minimal = "--minimal" in sys.argv[1:]
    from textual import events
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import OptionList, Static

    every = [f"★● Story {i:05d}: a title about the harbour plan  2024-03-{i % 28 + 1:02d}"
             for i in range(10_000)]  # fmt: skip
    found = [
        f"● Story {i:05d}  …the harbour plan was agreed by the council" for i in range(RESULTS)
    ]

    class BareSearch(App[None]):
        """A list, a pane and a line; keys typed after ``/`` go to the line."""

        CSS: ClassVar[str] = """
        OptionList, #list { width: 40; height: 1fr; border: heavy $accent; }
        #pane { width: 1fr; height: 1fr; }
        #line { height: 1; }
        """
        typed: str | None = None

        def compose(self) -> ComposeResult:
            """The list, the pane, the line."""
            with Horizontal():
                if minimal:
                    yield Static("\n".join(every[:40]), id="list")
                else:
                    yield OptionList(*every)
                yield Static("The article pane. " * 200, id="pane")
            yield Static(READY_TEXT, id="line")

        def on_mount(self) -> None:
            """The list has the focus, as the reader's does."""
            if minimal:
                self.query_one("#list").border_title = "All stories · 10000/10000 unread"
                return
            self.query_one(OptionList).border_title = "All stories · 10000/10000 unread"
            self.query_one(OptionList).focus()

        def on_key(self, event: events.Key) -> None:
            """``/`` starts a query; characters extend it; enter shows the results."""
            line = self.query_one("#line", Static)
            if minimal:
                self._minimal(event, line)
                return
            options = self.query_one(OptionList)
            if self.typed is None:
                if event.character == "/":
                    self.typed = ""
                    line.update("/")
                elif event.key == "escape":
                    options.clear_options()
                    options.add_options(every)
                    options.border_title = "All stories · 10000/10000 unread"
                    line.update(READY_TEXT)
                elif event.key == "q":
                    self.exit()
                else:
                    return
            elif event.key == "enter":
                options.clear_options()
                options.add_options(found)
                options.border_title = f"Search · {RESULTS}/{RESULTS} unread"
                line.update(f"/{self.typed}  {RESULTS} stories")
                self.typed = None
            elif event.character and event.is_printable:
                self.typed += event.character
                line.update(f"/{self.typed}▏")
            event.stop()

        def _minimal(self, event: events.Key, line: Static) -> None:
            listed = self.query_one("#list", Static)
            if event.key == "enter":
                listed.update("\n".join(found[:40]))
                listed.border_title = f"Search · {RESULTS}/{RESULTS} unread"
                line.update(f"/{self.typed}  {RESULTS} stories")
                self.typed = None
            elif event.key == "escape":
                listed.update("\n".join(every[:40]))
                line.update(READY_TEXT)
            elif event.key == "q":
                self.exit()
            elif event.character == "/" and self.typed is None:
                self.typed = ""
            elif event.character and self.typed is not None:
                self.typed += event.character

    BareSearch().run()


if __name__ == "__main__":
    main()

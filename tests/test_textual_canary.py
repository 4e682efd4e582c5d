"""Canary: the Textual internals the Esc driver leans on are still there.

``tui_reader/ui/driver.py`` wakes its input loop at the escape parser's deadline, reading
Textual's private ``XTermParser._timeout_time``. Textual is pinned to the minor release this was
tested with; when an upgrade moves these internals, this test says what moved (and the app falls
back to Textual's own driver rather than failing).
"""

from __future__ import annotations

import importlib.metadata

from tui_reader.ui.driver import missing_internals

TESTED = "8.2"
"""The Textual minor release the driver was written against (see pyproject's pin)."""


def test_the_esc_driver_finds_the_textual_internals_it_needs() -> None:
    version = importlib.metadata.version("textual")
    missing = missing_internals()
    assert not missing, (
        f"Textual {version} changed internals the Esc driver relies on: {', '.join(missing)}. "
        "Update tui_reader/ui/driver.py (or keep textual at the pinned version); until then the "
        "reader uses Textual's own driver and Esc takes ~100 ms again."
    )


def test_textual_is_the_minor_release_the_driver_was_tested_with() -> None:
    version = importlib.metadata.version("textual")
    assert version.startswith(TESTED + "."), (
        f"Textual {version} is installed, the Esc driver was tested with {TESTED}.x: run "
        "tests/test_textual_canary.py and bench/run.py (the Esc row), then move TESTED and the pin."
    )


def test_the_escape_deadline_the_driver_reads_is_set_after_a_lone_esc() -> None:
    from textual._xterm_parser import XTermParser  # the private API this canary watches

    parser = XTermParser()
    list(parser.feed("\x1b"))
    assert getattr(parser, "_timeout_time", None) is not None, (
        "XTermParser no longer keeps _timeout_time after a lone Esc: the driver cannot know "
        "when to answer Esc (tui_reader/ui/driver.py)."
    )

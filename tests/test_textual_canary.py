"""Canary: the Textual internals the Esc driver leans on are still there.

``tui_reader/ui/driver.py`` wakes its input loop at the escape parser's deadline, reading
Textual's private ``XTermParser._timeout_time``. Textual is pinned to the minor release this was
tested with; when an upgrade moves these internals, this test says what moved (and the app falls
back to Textual's own driver rather than failing).
"""

from __future__ import annotations

import importlib.metadata

import pytest

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


def test_feeding_a_closed_parser_raises_the_error_the_driver_catches() -> None:
    # The driver's input loop stops on textual._parser.ParseError (data after the end of input).
    from textual._parser import ParseError  # the private API this canary watches
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    list(parser.feed(""))  # end of input
    with pytest.raises(ParseError):
        list(parser.feed("j"))


RICH_TESTED = "15.0"
"""The Rich minor release the article's wrapping was written against (see pyproject's pin)."""


def test_rich_divide_line_the_article_wraps_with_is_there_and_unchanged() -> None:
    # ui/article_layout.py and ui/article_wrap.py wrap body text with Rich's private
    # ``rich._wrap.divide_line`` so that lines break exactly where Rich's own Text.wrap would.
    from rich._wrap import divide_line  # the private API this canary watches
    from rich.console import Console
    from rich.text import Text

    version = importlib.metadata.version("rich")
    assert version.startswith(RICH_TESTED + "."), (
        f"Rich {version} is installed; the article's wrapping was tested with {RICH_TESTED}.x: "
        "run the article tests, then move RICH_TESTED and the pin."
    )
    text = "The quick brown fox jumps over the lazy dog and a longwordthatmustfoldsomewhere here"
    breaks = divide_line(text, 20, fold=True)
    bounds = zip([0, *breaks], [*breaks, len(text)], strict=True)
    ours = [text[a:b].rstrip() for a, b in bounds]
    rich_lines = Text(text).wrap(Console(width=80), 20)
    assert ours == [line.plain.rstrip() for line in rich_lines], "divide_line breaks elsewhere"

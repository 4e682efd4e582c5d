"""tui-reader: a keyboard-first terminal news reader with highlights and notes."""

__version__ = "0.1.0"

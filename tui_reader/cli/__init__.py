"""The command line: the reader, feeds, export, serve. Textual is imported only when the
reader is launched."""

from tui_reader.cli.main import main, run

__all__ = ["main", "run"]

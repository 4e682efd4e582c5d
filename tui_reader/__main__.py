"""Entry point for ``python -m tui_reader``."""

from tui_reader.cli.main import run

run()

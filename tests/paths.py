"""Where the test inputs live, and a library of the one seed story (no Textual import here)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The checkout the tests run from (``PYTHONPATH`` for child processes, ``cwd`` for scripts)."""
BENCH = REPO / "bench"
SEED = REPO / "stories" / "000_8fca52f5ebd7e4f3.txt"
"""The reference story: its format is the one every other story copies."""
SEED_TITLE = "Security Blocs Led by Russia, China Meet on Afghanistan"


def seed_library(tmp_path: Path, name: str = "stories") -> Path:
    """A library folder ``tmp_path/name`` holding a copy of the seed story; return the folder."""
    stories = tmp_path / name
    stories.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, stories / SEED.name)
    return stories

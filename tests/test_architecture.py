"""Dependencies point one way: the domain never imports Textual; the UI never imports TinyDB."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tui_reader"

DOMAIN = [
    "anchoring", "approx", "config", "dates", "document", "export", "frontmatter", "hangup",
    "library", "markdown_text", "motions", "paths", "serve", "serve_auth", "serve_session",
    "serve_state", "storage", "store", "store_base", "store_records", "store_relink", "stories",
    "story_text", "text_lines", "textsafe",
    "cli_feeds", "feeds", "feeds.decompress", "feeds.encoding", "feeds.fetch", "feeds.fetch_limits",
    "feeds.html_clean", "feeds.html_markdown", "feeds.importer", "feeds.jsonfeed",
    "feeds.markdown_escape", "feeds.model", "feeds.opml", "feeds.parse", "feeds.refresh",
    "feeds.story_files", "feeds.subscriptions",
]  # fmt: skip
"""Modules that must work without Textual (tests, scripts, ``export``, ``serve``)."""


def test_every_top_level_module_is_classified() -> None:
    ui = {"app", "cli", "driver", "textcells", "__init__", "__main__"}
    found = {p.stem for p in PACKAGE.glob("*.py")}
    found |= {f"feeds.{p.stem}" for p in PACKAGE.glob("feeds/*.py") if p.stem != "__init__"}
    assert found - ui - set(DOMAIN) == set(), "classify new modules as domain or UI here"


def test_domain_modules_never_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {DOMAIN!r}:\n"
        "    importlib.import_module('tui_reader.' + name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_ui_never_imports_tinydb_or_the_storage_layer() -> None:
    ui_files = [*PACKAGE.glob("widgets/*.py"), *PACKAGE.glob("screens/*.py"), PACKAGE / "app.py"]
    for path in ui_files:
        for name in _imports(path):
            assert not name.startswith("tinydb"), f"{path.name} imports {name}"
            assert name not in ("tui_reader.storage", "tui_reader.store_base"), path.name

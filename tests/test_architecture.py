"""The folders are the layers, and imports only point down them; no cycles anywhere.

Derived from the tree, not from a hand-kept list: a new module is checked the moment it is in
a folder, and a new folder must be given a place in ``LAYERS``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.paths import REPO

PACKAGE = REPO / "tui_reader"

LAYERS = ["core", "anchoring", "storage", "library", "notes", "feeds", "serve", "ui", "cli"]
"""Bottom to top: a module may import its own layer and the layers before it, never after."""

NO_UI = ["core", "anchoring", "storage", "library", "notes", "feeds", "serve"]
"""Layers that must load and work without Textual (scripts, export, serve)."""


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of the package as (dotted name, path)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def layer_of(module: str) -> str | None:
    """The layer (top folder under tui_reader/) a module belongs to, None for the root files."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in ("__main__",) else None


@cache
def imports_of(path: Path) -> set[str]:
    """Every tui_reader / textual / tinydb module imported anywhere in ``path`` (lazy ones too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def resolve(name: str, known: set[str]) -> str | None:
    """The tui_reader module ``name`` refers to (``pkg.mod.attr`` -> ``pkg.mod``), if any."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


PATHS = dict(modules())
KNOWN = set(PATHS)


def graph() -> dict[str, set[str]]:
    """What each module imports (parsed when a test asks: each xdist worker collects this
    file, and only one runs the test that needs every module)."""
    return {name: imports_of(path) for name, path in PATHS.items()}


def test_every_folder_is_a_known_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(LAYERS), "give the new folder a place in LAYERS (bottom to top)"
    loose = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert not loose, f"modules belong in a layer folder: {sorted(loose)}"


@pytest.mark.parametrize("module", sorted(KNOWN))
def test_imports_point_down_the_layers(module: str) -> None:
    mine = layer_of(module)
    if mine is None:
        return  # tui_reader/__init__ and __main__ may start the command line
    for name in imports_of(PATHS[module]):
        target = resolve(name, KNOWN)
        theirs = layer_of(target) if target else None
        if theirs is not None:
            assert LAYERS.index(theirs) <= LAYERS.index(mine), f"{module} imports {target}"
        if name == "textual" or name.startswith("textual."):
            assert mine == "ui", f"{module} imports {name}: only ui/ imports textual"
        if name == "tinydb" or name.startswith("tinydb."):
            assert mine == "storage", f"{module} imports {name}: only storage/ touches TinyDB"


def test_no_import_cycles() -> None:
    edges = {
        module: {t for n in names if (t := resolve(n, KNOWN)) and t != module}
        for module, names in graph().items()
    }
    # A package's __init__ re-exporting its own modules is not a cycle of behaviour.
    for module in edges:
        edges[module] = {t for t in edges[module] if not module.startswith(t + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)


def test_the_lower_layers_load_without_textual() -> None:
    lower = sorted(m for m in KNOWN if layer_of(m) in NO_UI)
    code = (
        "import importlib, sys\n"
        f"for name in {lower!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""

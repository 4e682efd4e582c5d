"""Read the Markdown tables the benchmarks print, so smoke tests can check the figures."""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def table(stdout: str) -> list[list[str]]:
    """The rows of the first Markdown table in ``stdout`` (header first, rule left out)."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]


def leading_number(cell: str) -> float:
    """The first number in a cell (``"median 12.5 ms (of 3)"`` -> 12.5); fail if none."""
    match = _NUMBER.search(cell)
    assert match, f"no figure at the start of {cell!r}"
    return float(match.group())


def assert_positive_figure(cell: str) -> float:
    """A measured time or size: a finite number above zero (a broken benchmark gives 0 or n/a)."""
    value = leading_number(cell)
    assert math.isfinite(value) and value > 0, f"not a positive figure: {cell!r}"
    return value


def ratios(cell: str) -> list[float]:
    """Every ``N.NNx`` ratio in a cell; each must be finite and above zero."""
    found = [float(m) for m in re.findall(r"(\d+(?:\.\d+)?)x\b", cell)]
    for value in found:
        assert math.isfinite(value) and value > 0, f"not a positive ratio: {cell!r}"
    return found

"""The row format every benchmark returns, and the one way a script prints its rows alone."""

from __future__ import annotations

import sys
from collections.abc import Callable

COLUMNS = ("benchmark", "measure", "value", "goal", "ok")


def print_rows(rows: list[dict]) -> None:
    cells = [list(COLUMNS)] + [
        [str(row[c]) if c != "ok" else ("yes" if row["ok"] else "NO") for c in COLUMNS]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    for n, line in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))


def run_alone(measure: Callable[[], list[dict]]) -> None:
    """Print a benchmark's rows and exit 1 if any goal is missed."""
    rows = measure()
    print_rows(rows)
    sys.exit(0 if all(row["ok"] for row in rows) else 1)

"""Run every benchmark in benchmarks/ and print one markdown table of their rows.

A benchmark is a module `benchmarks/bench_*.py` with `measure() -> list[dict]`, each row
{"benchmark", "measure", "value", "goal", "ok"}. A module that fails to import or to measure
becomes a failed row instead of stopping the others. Exit code 1 if any row is not ok.

    .venv/bin/python benchmarks/run_all.py [--markdown PATH]
    python3 .ci/dev.py bench [--markdown PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for path in (ROOT, BENCH_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from rows import COLUMNS  # noqa: E402  (benchmarks/rows.py)

ORDER = ("bench_core", "bench_page", "bench_browser")  # the rest follow by name
PACKAGES = ("numpy", "streamlit", "plotly", "pandas")


def discover() -> list[str]:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    return [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]


def _failure(name: str, stage: str, error: BaseException) -> dict:
    message = " ".join(f"{type(error).__name__}: {error}".split())
    return {
        "benchmark": name.removeprefix("bench_"),
        "measure": f"{stage} of benchmarks/{name}.py",
        "value": f"failed: {message[:300]}",
        "goal": "runs",
        "ok": False,
    }


def _checked(name: str, rows: object) -> list[dict]:
    """The rows as returned, or one failed row saying what is wrong with them."""
    problem = None
    if not isinstance(rows, list):
        problem = f"measure() returned {type(rows).__name__}, not a list"
    else:
        for row in rows:
            if not isinstance(row, dict) or set(COLUMNS) - set(row):
                problem = f"a row lacks some of the keys {', '.join(COLUMNS)}: {row!r}"
            elif not isinstance(row["ok"], bool):
                problem = f"a row's 'ok' is not a bool: {row!r}"
            if problem:
                break
    if problem is None:
        return rows  # type: ignore[return-value]
    return [_failure(name, "rows", ValueError(problem))]


def run_benchmark(name: str) -> tuple[list[dict] | None, float]:
    """Import and measure one module; any failure becomes a row. Returns the rows (None for a
    module without measure(), a helper) and the seconds taken."""
    start = time.perf_counter()
    try:
        module = importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit and pytest.skip too
        traceback.print_exc()
        return [_failure(name, "import", error)], time.perf_counter() - start
    measure = getattr(module, "measure", None)
    if not callable(measure):
        return None, time.perf_counter() - start
    try:
        rows = _checked(name, measure())
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        traceback.print_exc()
        rows = [_failure(name, "measure()", error)]
    return rows, time.perf_counter() - start


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    versions = ", ".join(f"{p} {_version(p)}" for p in PACKAGES)
    return (
        f"{platform.platform()}; {_cpu_model()}, {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {versions}"
    )


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def render(rows: list[dict], durations: dict[str, float], started: dt.datetime) -> str:
    lines = [
        f"# gdlab benchmarks, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = [_cell(row[c]) for c in COLUMNS[:-1]] + ["yes" if row["ok"] else "**NO**"]
        lines.append("| " + " | ".join(cells) + " |")
    failed = sum(not row["ok"] for row in rows)
    took = ", ".join(f"{name.removeprefix('bench_')} {s:.1f} s" for name, s in durations.items())
    lines += [
        "",
        f"{len(rows)} rows, {failed} not ok. Time taken: {took or 'nothing ran'}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", metavar="PATH", help="also write the table to this file")
    args = parser.parse_args(argv)

    started = dt.datetime.now(dt.UTC)
    rows: list[dict] = []
    durations: dict[str, float] = {}
    for name in discover():
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        found, seconds = run_benchmark(name)
        if found is not None:
            rows += found
            durations[name] = seconds
    if not rows:
        rows.append(_failure("run_all", "discovery", RuntimeError("no benchmark rows")))
    table = render(rows, durations, started)
    print(table, end="")
    if args.markdown:
        out = Path(args.markdown)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table, encoding="utf-8")
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Set up and run gdlab with nothing but Python >= 3.10 and git.

    python3 .ci/dev.py app     # start the page on http://localhost:8501
    python3 .ci/dev.py test    # run the whole test suite (installs Chromium if it is missing)
    python3 .ci/dev.py bench   # run every benchmark and print the table

Each command creates or refreshes a virtual environment in .venv (reinstalling only when
pyproject.toml changed) and passes any further arguments on to streamlit or pytest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM = "/usr/bin/chromium"


def say(message: str) -> None:
    print(f"[gdlab] {message}", flush=True)


def run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def ensure_venv(extra: str) -> None:
    """Create .venv and install gdlab (with `extra`) unless the same install is already there."""
    if sys.version_info < (3, 10):  # noqa: UP036 - this file may be run by an older Python
        sys.exit(f"gdlab needs Python >= 3.10; this is {sys.version.split()[0]}.")
    spec = f".[{extra}]" if extra else "."
    stamp = VENV / ".gdlab-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        say("creating a virtual environment in .venv (first run: about a minute)")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say(f"installing gdlab {spec} and its dependencies")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", spec)
    stamp.write_text(wanted)


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; install it when it is missing and we can."""
    if Path(CHROMIUM).exists():
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("installing Chromium for the browser tests (about 30 s)")
        run(apt, "update", "-qq")
        run(apt, "install", "-y", "-qq", "chromium")
        return
    sys.exit(
        f"The browser tests need Chromium at {CHROMIUM}. Install it "
        "(sudo apt-get install chromium) and run this command again."
    )


def main(argv: list[str]) -> None:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "app":
        ensure_venv("")
        os.execv(PYTHON, [str(PYTHON), "-m", "streamlit", "run", str(ROOT / "app.py"), *rest])
    elif command == "test":
        ensure_venv("test")
        ensure_chromium()
        os.chdir(ROOT)
        os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *rest])
    elif command == "bench":
        ensure_venv("test")
        ensure_chromium()
        os.execv(PYTHON, [str(PYTHON), str(ROOT / "benchmarks" / "run_all.py"), *rest])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Rewrite the lock files: the newest versions that pyproject.toml's ranges allow today.

    python3 .ci/lock.py          # then python3 .ci/dev.py test, and commit both files if it passes

requirements.txt is the app's lock (the runtime dependencies and everything they pull in, for
Streamlit Community Cloud and `python3 .ci/dev.py app`); requirements-test.txt adds the test
tools and what they pull in. pip resolves both in a throwaway environment and installs nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

APP_HEADER = f"""\
# The app's lock: the exact versions that CI tests (python3 .ci/dev.py test, Python {PYTHON}).
# Streamlit Community Cloud installs this file (it reads requirements.txt before pyproject.toml),
# and so does python3 .ci/dev.py app. pyproject.toml keeps the ranges gdlab supports; their lower
# bounds are tested by python3 .ci/dev.py floor. Written by python3 .ci/lock.py;
# tests/test_project.py checks it against pyproject.toml.
"""
TEST_HEADER = f"""\
# The test tools' lock: pyproject.toml's test extra and what it pulls in beyond requirements.txt,
# installed with requirements.txt by python3 .ci/dev.py test (Python {PYTHON}).
# Written by python3 .ci/lock.py; tests/test_project.py checks it against pyproject.toml.
"""


def canonical(name: str) -> str:
    """The name as PyPI compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(python: Path, target: str, *constraints: Path) -> dict[str, str]:
    """{name: version} of everything pip would install for `target`, gdlab itself left out."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        command += ["--disable-pip-version-check", "--quiet", "--report", str(report), target]
        for constraint in constraints:
            command += ["--constraint", str(constraint)]
        subprocess.run(command, check=True, cwd=ROOT)
        installs = json.loads(report.read_text())["install"]
    found = {canonical(i["metadata"]["name"]): i["metadata"]["version"] for i in installs}
    found.pop("gdlab", None)
    return dict(sorted(found.items()))


def write(path: Path, header: str, versions: dict[str, str]) -> None:
    path.write_text(header + "".join(f"{name}=={version}\n" for name, version in versions.items()))
    print(f"wrote {path.name}: {len(versions)} pins")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        environment = Path(scratch) / "venv"
        venv.EnvBuilder(with_pip=True).create(environment)
        python = environment / "bin" / "python"
        app = resolve(python, ".")
        write(APP_LOCK, APP_HEADER, app)
        everything = resolve(python, ".[test]", APP_LOCK)
        write(TEST_LOCK, TEST_HEADER, {n: v for n, v in everything.items() if n not in app})


if __name__ == "__main__":
    main()

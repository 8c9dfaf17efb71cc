#!/usr/bin/env python3
"""Set up and run gdlab with nothing but Python >= 3.11 and git.

    python3 .ci/dev.py app     # start the page on http://localhost:8501
    python3 .ci/dev.py test    # run the whole test suite (installs Chromium if it is missing)
    python3 .ci/dev.py floor   # the AppTest and core tests at the oldest versions gdlab declares
    python3 .ci/dev.py bench   # run every benchmark and print the table

app, test and bench share one virtual environment, .venv, holding the tested versions pinned in
requirements.txt (the app's lock) and, for test and bench, requirements-test.txt; a lock file is
installed again only when it changed, so switching commands costs nothing. floor builds its own
environment, .venv-floor, with every runtime dependency at the lower bound pyproject.toml
declares. Further arguments pass on to streamlit or pytest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

MINIMUM_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
APP_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"
VENV = ROOT / ".venv"
FLOOR_VENV = ROOT / ".venv-floor"
CHROMIUM = "/usr/bin/chromium"
STAMP = ".gdlab-locks.json"
# The floor step runs what does not need a browser; the project checks (lint, these files) do not
# depend on versions and run in the normal step.
FLOOR_TESTS = ("-m", "not browser", "--ignore", "tests/test_project.py")
# name>=version, optionally with an upper bound: the only form the floor step can pin.
LOWER_BOUND = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*(?P<version>[0-9][0-9A-Za-z.+!-]*)"
    r"(\s*,\s*<\s*[0-9][0-9A-Za-z.+!-]*)?"
)


def say(message: str) -> None:
    print(f"[gdlab] {message}", flush=True)


def run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def python_in(environment: Path) -> Path:
    return (
        environment
        / ("Scripts" if os.name == "nt" else "bin")
        / ("python.exe" if os.name == "nt" else "python")
    )


def floor_pins(pyproject: Path = PYPROJECT) -> list[str]:
    """Every runtime dependency pinned at the lower bound that pyproject.toml declares for it."""
    import tomllib  # here, so that an older Python reaches the version check in main()

    pins = []
    for dependency in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
        match = LOWER_BOUND.fullmatch(dependency.strip())
        if match is None:
            raise SystemExit(
                f"{pyproject.name}: the dependency {dependency!r} needs a lower bound written as "
                "name>=version, so that the floor step can install and test it."
            )
        pins.append(f"{match['name']}=={match['version']}")
    return pins


def _fingerprint(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def ensure_environment(environment: Path, requirements: dict[str, str], install: list[str]) -> Path:
    """Create `environment` and pip-install `install` unless every one of `requirements` is in.

    `requirements` maps a name (a lock file, "floor") to a fingerprint of its content. The stamp
    remembers each one installed, so `test` (both locks) leaves `app` (the app's lock) nothing to
    do, and a change to one file reinstalls only when a command needs that file.
    """
    python = python_in(environment)
    stamp = environment / STAMP
    installed = json.loads(stamp.read_text()) if stamp.exists() and python.exists() else {}
    if python.exists() and all(installed.get(k) == v for k, v in requirements.items()):
        return python
    if not python.exists():
        say(f"creating the virtual environment {environment.name} (a few seconds)")
        venv.EnvBuilder(with_pip=True).create(environment)
        installed = {}
        # A current pip also shows its progress while it unpacks, not only while it downloads.
        run(python, "-m", "pip", "install", "--disable-pip-version-check", "--upgrade", "pip")
    say(
        f"installing into {environment.name}: {', '.join(requirements)} "
        "(the first time takes a minute or two; pip shows what it downloads)"
    )
    run(python, "-m", "pip", "install", "--disable-pip-version-check", *install)
    stamp.write_text(json.dumps({**installed, **requirements}, indent=1))
    say(f"{environment.name} is ready")
    return python


def locked_environment(*locks: Path) -> Path:
    """.venv with the exact versions of the given lock files."""
    fingerprints = {lock.name: _fingerprint(lock.read_bytes()) for lock in locks}
    return ensure_environment(VENV, fingerprints, [a for lock in locks for a in ("-r", str(lock))])


def floor_environment() -> Path:
    """.venv-floor: gdlab itself with every runtime dependency at its lower bound, and the tools."""
    pins = floor_pins()
    say(f"runtime dependencies at their declared lower bounds: {' '.join(pins)}")
    fingerprint = _fingerprint(PYPROJECT.read_bytes(), TEST_LOCK.read_bytes())
    # gdlab is installed (not editable: its build has nothing to warn about) so that pip checks
    # the floors against its own metadata; the tests import the work tree's copy all the same.
    return ensure_environment(
        FLOOR_VENV, {"floor": fingerprint}, [*pins, "-r", str(TEST_LOCK), str(ROOT)]
    )


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


def ensure_axe() -> None:
    """The accessibility audit injects axe-core from npm (tests/a11y, pinned by its lock)."""
    a11y = ROOT / "tests" / "a11y"
    if (a11y / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The accessibility audit needs npm (Node.js) to install axe-core in tests/a11y.")
    say("installing axe-core for the accessibility audit (npm ci in tests/a11y)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=a11y)


def main(argv: list[str]) -> None:
    if sys.version_info < MINIMUM_PYTHON:
        sys.exit(
            f"gdlab needs Python >= {'.'.join(map(str, MINIMUM_PYTHON))}; "
            f"this is {sys.version.split()[0]}."
        )
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    # Nothing installs gdlab into .venv: pytest and `streamlit run app.py` import it from the
    # work tree (the benchmarks put the work tree on sys.path), so an edit is seen at once.
    if command == "app":
        python = locked_environment(APP_LOCK)
        os.execv(python, [str(python), "-m", "streamlit", "run", str(ROOT / "app.py"), *rest])
    elif command == "test":
        python = locked_environment(APP_LOCK, TEST_LOCK)
        ensure_chromium()
        ensure_axe()
        os.chdir(ROOT)
        os.execv(python, [str(python), "-m", "pytest", *rest])
    elif command == "floor":
        python = floor_environment()
        os.chdir(ROOT)
        os.execv(python, [str(python), "-m", "pytest", *FLOOR_TESTS, *rest])
    elif command == "bench":
        python = locked_environment(APP_LOCK, TEST_LOCK)
        ensure_chromium()
        os.execv(python, [str(python), str(ROOT / "benchmarks" / "run_all.py"), *rest])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Project hygiene: lint, hosting files in step with pyproject, the README's commands."""

import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_requirements_match_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    requirements = sorted(line for line in lines if line and not line.startswith("#"))
    assert requirements == sorted(project["dependencies"])


def test_upload_limit_matches_the_parser():
    from gdlab.data import MAX_CSV_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1_000_000 == MAX_CSV_BYTES


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(python3 \S+ \w+)", readme, flags=re.MULTILINE)
    assert commands[:2] == ["python3 .ci/dev.py app", "python3 .ci/dev.py test"]
    assert "python3 .ci/dev.py test" in (ROOT / ".ci" / "run").read_text()


def test_no_uv_lock_to_shadow_requirements_on_community_cloud():
    assert not (ROOT / "uv.lock").exists()

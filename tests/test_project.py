"""Project hygiene: lint, the lock files against pyproject's ranges, one Python floor, the README's
commands."""

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def load_dev():
    """.ci/dev.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("dev", ROOT / ".ci" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins(path: Path) -> dict[str, Version]:
    """{name: version} of a lock file, which may hold nothing but `name==version` lines."""
    found: dict[str, Version] = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        [specifier] = requirement.specifier
        assert specifier.operator == "==" and not requirement.marker, f"{path.name}: {line}"
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.name} pins {name} twice"
        found[name] = Version(specifier.version)
    return found


def unpinned_or_outside_range(declared: list[str], locked: dict[str, Version]) -> list[str]:
    return [
        dependency
        for dependency in map(Requirement, declared)
        if locked.get(canonicalize_name(dependency.name)) not in dependency.specifier
    ]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_app_lock_pins_every_runtime_dependency_within_its_range():
    assert unpinned_or_outside_range(PROJECT["dependencies"], pins(ROOT / "requirements.txt")) == []


def test_the_test_lock_pins_every_test_tool_within_its_range_and_no_app_package():
    app, test = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-test.txt")
    assert unpinned_or_outside_range(PROJECT["optional-dependencies"]["test"], test) == []
    assert sorted(app.keys() & test.keys()) == []


def test_a_lock_file_with_a_range_is_refused(tmp_path):
    lock = tmp_path / "requirements.txt"
    lock.write_text("# header\nnumpy==2.4.6\nstreamlit>=1.57\n")
    with pytest.raises(AssertionError, match=re.escape("streamlit>=1.57")):
        pins(lock)


def test_the_floor_step_pins_each_runtime_dependency_at_its_declared_lower_bound():
    declared = {
        canonicalize_name(Requirement(d).name): Requirement(d) for d in PROJECT["dependencies"]
    }
    floors = [Requirement(pin) for pin in load_dev().floor_pins()]
    assert sorted(canonicalize_name(f.name) for f in floors) == sorted(declared)
    for floor in floors:
        [pin] = floor.specifier
        [lower] = [
            s for s in declared[canonicalize_name(floor.name)].specifier if s.operator == ">="
        ]
        assert pin.operator == "==" and Version(pin.version) == Version(lower.version)


def test_the_floor_step_refuses_a_dependency_without_a_lower_bound(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["numpy>=2.0", "plotly"]\n')
    with pytest.raises(SystemExit, match="'plotly' needs a lower bound"):
        load_dev().floor_pins(pyproject)


def test_switching_commands_installs_each_lock_once(tmp_path, monkeypatch):
    """`test` installs both locks; `app` after it (one of them) installs nothing; a changed lock
    is installed again."""
    dev = load_dev()
    environment = tmp_path / "venv"
    python = dev.python_in(environment)
    python.parent.mkdir(parents=True)
    python.touch()
    installs = []
    monkeypatch.setattr(dev, "run", lambda *command: installs.append(command[-1]))
    both = {"requirements.txt": "app-1", "requirements-test.txt": "test-1"}
    dev.ensure_environment(environment, both, ["test"])
    dev.ensure_environment(environment, {"requirements.txt": "app-1"}, ["app"])
    dev.ensure_environment(environment, both, ["test"])
    assert installs == ["test"]
    dev.ensure_environment(environment, {"requirements.txt": "app-2"}, ["app"])
    dev.ensure_environment(environment, {**both, "requirements.txt": "app-2"}, ["test"])
    assert installs == ["test", "app"]


def test_one_python_floor_everywhere():
    """pyproject's requires-python, ruff's target, .ci/dev.py's check and the README agree."""
    [requires] = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"]).groups()
    minor = int(requires)
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py3{minor}"
    assert (3, minor) == load_dev().MINIMUM_PYTHON
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"Python ≥ (3\.\d+)", readme) == [f"3.{minor}"]


def test_upload_limit_matches_the_parser():
    from gdlab.data import MAX_CSV_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1_000_000 == MAX_CSV_BYTES


def test_ci_runs_exactly_the_readme_test_command_and_the_floor_step():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(python3 \S+ \w+)", readme, flags=re.MULTILINE)
    assert commands[:2] == ["python3 .ci/dev.py app", "python3 .ci/dev.py test"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("py")]
    assert ci == ["python3 .ci/dev.py test", "python3 .ci/dev.py floor"]


def test_no_uv_lock_to_shadow_requirements_on_community_cloud():
    assert not (ROOT / "uv.lock").exists()

"""The map of the house (README) holds: each group of gdlab imports only the groups above it,
so nothing runs back up, and the library never imports the page."""

import ast
from pathlib import Path

import pytest

GDLAB = Path(__file__).resolve().parent.parent / "gdlab"
HELPERS = {"_validation", "linalg", "number_format", "plain_text"}
# What each group may import, besides the small helpers.
ALLOWED = {
    "data": set(),
    "expressions": set(),
    "models": {"data", "expressions"},
    "running": set(),
    "theory": set(),
    "curvature": set(),
    "derivatives": set(),
    "teaching": {"data", "models", "running", "theory", "curvature", "derivatives"},
    "figures": {"models", "running", "theory", "curvature", "derivatives", "teaching"},
}


def _imports(path: Path) -> set[str]:
    """The gdlab groups a module imports (gdlab.x.y → x), and 'page' or 'streamlit' if it does."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "gdlab" and len(parts) > 1:
                found.add(parts[1])
            elif parts[0] in ("page", "streamlit"):
                found.add(parts[0])
    return found


@pytest.mark.parametrize("group", sorted(ALLOWED))
def test_each_group_imports_only_what_lies_above_it(group):
    paths = (
        sorted((GDLAB / group).glob("*.py"))
        if (GDLAB / group).is_dir()
        else [GDLAB / f"{group}.py"]
    )
    assert paths
    for path in paths:
        extra = _imports(path) - ALLOWED[group] - HELPERS - {group}
        assert not extra, f"{path.relative_to(GDLAB.parent)} imports {sorted(extra)}"

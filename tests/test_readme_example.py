"""The README's "gdlab in Python" example runs as written, without Streamlit, and says what the
README says it says."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from gdlab import load_dataset

ROOT = Path(__file__).resolve().parent.parent


def _example() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## gdlab in Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_without_streamlit(tmp_path):
    script = tmp_path / "example.py"
    # Any import of streamlit, direct or indirect, fails the example.
    script.write_text("import sys\nsys.modules['streamlit'] = None\n" + _example())
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # J = mean((θx − y)²) has J'' = 2·mean(x²), so α_crit = 1/mean(x²), computed here apart.
    x = load_dataset("cars").x
    assert lines[0].startswith(f"α_crit = 2/λ_max = {1 / np.mean(x**2):.4g},")
    assert "converges smoothly" in lines[1]
    assert "oscillates but converges" in lines[2]
    assert "diverging" in lines[3]
    for name in ("cost_curve.html", "history.html"):
        html = (tmp_path / name).read_text()
        assert "plotly" in html and len(html) < 200_000  # the figure, with plotly.js by link

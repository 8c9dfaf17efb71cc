"""The public API: what `gdlab` exported before its modules moved into subpackages still imports
from `gdlab`, and every subpackage's names are the very objects the top level re-exports."""

import importlib
import pkgutil

import pytest

import gdlab

# gdlab.__all__ as it stood before the restructuring (issue 13): these must never disappear.
STABLE = [
    "COSTS",
    "MAX_STEPS",
    "SCALINGS",
    "CostSlice",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "FeatureScaling",
    "GradientCheck",
    "LearningRateTheory",
    "LinearRegression",
    "RangeTest",
    "Regime",
    "Sweep",
    "Tangent",
    "Trace",
    "check_gradient",
    "critical_lr",
    "descend",
    "descent_slice",
    "learning_rate_theory",
    "list_datasets",
    "load_dataset",
    "make_linear",
    "numerical_derivative",
    "numerical_gradient",
    "range_test",
    "read_csv",
    "tangent",
]


@pytest.mark.parametrize("name", STABLE)
def test_every_name_exported_before_still_imports(name):
    assert name in gdlab.__all__
    assert getattr(gdlab, name) is not None


def test_all_lists_exactly_what_the_package_defines():
    assert len(set(gdlab.__all__)) == len(gdlab.__all__)
    for name in gdlab.__all__:
        assert hasattr(gdlab, name), name


def test_every_module_imports_on_its_own_and_never_imports_streamlit():
    names = [m.name for m in pkgutil.walk_packages(gdlab.__path__, "gdlab.")]
    assert {"gdlab.models", "gdlab.running", "gdlab.figures", "gdlab.expressions"} <= set(names)
    for name in names:
        module = importlib.import_module(name)
        assert "streamlit" not in vars(module), name


def test_subpackages_re_export_the_same_objects():
    from gdlab import figures, models, running, teaching

    assert gdlab.LinearRegression is models.LinearRegression
    assert gdlab.descend is running.descend
    assert gdlab.judge is teaching.judge
    for name in figures.__all__:
        assert getattr(figures, name) is not None, name

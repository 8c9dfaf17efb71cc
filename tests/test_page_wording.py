"""What the sections write, read as a class reads it (issue 10, item 14): one curvature with one
parameter, no "rate 0 = …, against 0 = …", a scalar as a number, not "(21)", the sweep's table
in words, and numbers with a true minus and no e-notation in every chart."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_app import assert_clean, charts, open_page
from test_number_format import read_back

import gdlab

CARS = gdlab.load_dataset("cars")
HYPHEN_MINUS = re.compile(r"(?<![\w)])-\d")  # "-1539"; "1-D" or "100-fold" are words
E_NOTATION = re.compile(r"\d[eE][+-]?\d")  # "3.78e-05", "1.2e+04"


def curvatures(intercept: bool) -> np.ndarray:
    """Eigenvalues of the MSE Hessian (2/n)XᵀX of the cars data, from numpy alone."""
    x = np.asarray(CARS.x, dtype=float)
    design = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    return np.linalg.eigvalsh(2 / x.size * design.T @ design)


def markdown(at) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def bold_numbers(text: str) -> list[float]:
    return [read_back(found) for found in re.findall(r"\*\*([−\d.×⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)\*\*", text)]


def test_regimes_with_one_parameter_names_its_one_curvature():
    at = open_page(section="regimes")
    assert_clean(at)
    text = markdown(at)
    assert "flattest" not in text and "steepest" not in text
    (lam,) = curvatures(intercept=False)
    assert "1 − αλ = " in text
    assert bold_numbers(text)[0] == pytest.approx(1 - 0.001 * lam, rel=1e-3)


def test_regimes_with_two_parameters_names_both_and_writes_a_true_minus():
    at = open_page(section="regimes", params="2", lr="0.003")
    assert_clean(at)
    text = markdown(at)
    low, high = curvatures(intercept=True)
    factors = bold_numbers(text)[:2]
    assert factors == pytest.approx([1 - 0.003 * high, 1 - 0.003 * low], rel=1e-3)
    assert factors[0] < 0 and "**−" in text and not HYPHEN_MINUS.search(text)


def test_optimizers_with_one_parameter_say_momentum_has_nothing_to_add():
    at = open_page(section="optimizers")
    assert_clean(at)
    text = markdown(at)
    assert not re.search(r"rate 0 =|against 0 =|×0 =", text), text
    assert "κ = 1" in text and "one step" in text


def test_optimizers_with_two_parameters_give_both_rates():
    at = open_page(section="optimizers", params="2")
    assert_clean(at)
    text = markdown(at)
    low, high = curvatures(intercept=True)
    kappa = high / low
    momentum = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    plain = (kappa - 1) / (kappa + 1)
    found = re.search(r"shrinks ×(\S+) = \(√κ − 1\)/\(√κ \+ 1\) per step, against ×(\S+) =", text)
    assert found, text
    assert read_back(found.group(1)) == pytest.approx(momentum, rel=1e-2)
    assert read_back(found.group(2)) == pytest.approx(plain, rel=1e-2)


def test_your_own_cost_writes_a_scalar_as_a_number():
    at = open_page(section="custom")  # the default surface has one parameter
    assert_clean(at)
    texts = [c.value for c in at.main.caption] + [
        box.value for kind in ("success", "info", "error") for box in getattr(at.main, kind)
    ]
    joined = "\n".join(texts)
    assert "Exact gradient at the start:" in joined, joined
    assert re.search(r"at θ = −?\d", joined), joined  # the end point, as a number
    assert not re.search(r"\((−?[\d.]+(×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)\)", joined), joined


def test_the_sweep_table_is_static_and_in_words():
    at = open_page(section="sweep", params="2")
    assert_clean(at)
    (table,) = at.main.table
    frame = table.value
    assert list(frame.index) == ["1/λ_max", "α*", "α_crit"]
    assert set(frame["its status"]) <= {"converged", "diverged", "not converged yet"}


STATES = [
    {},
    {"params": "2"},
    {"lr": "0.005"},
    {"params": "2", "lr": "0.02", "k": "3"},
    {"params": "2", "k": "10"},
    *({"section": name} for name in ("compare", "sweep", "range", "regimes", "optimizers",
                                     "derivatives", "custom")),
    *({"section": name, "params": "2"} for name in ("compare", "sweep", "range", "regimes",
                                                    "optimizers", "derivatives")),
    {"section": "regimes", "lr": "0.0035"},  # a negative map slope on the cobweb
]  # fmt: skip


def chart_words(spec: dict) -> list[str]:
    """Every text a chart draws: title, trace names, annotations, axis titles and tick labels."""
    layout = spec["layout"]
    words = [layout.get("title", {}).get("text", "")]
    words += [trace.get("name", "") for trace in spec["data"] if trace.get("showlegend", True)]
    words += [a.get("text", "") for a in layout.get("annotations", [])]
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            words.append(axis.get("title", {}).get("text", ""))
            words += [str(t) for t in axis.get("ticktext", [])]
    return [word for word in words if word]


@pytest.mark.parametrize("query", STATES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_every_chart_writes_numbers_as_the_page_does(query):
    at = open_page(**query)
    assert not at.exception
    for title, spec in charts(at).items():
        for word in chart_words(spec):
            assert not HYPHEN_MINUS.search(word), (title, word)
            assert not E_NOTATION.search(word), (title, word)

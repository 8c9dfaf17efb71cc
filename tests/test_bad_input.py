"""Every way in with bad input gets a clear message and leaves the page working.

Each test here backs a row of the README's "Bad input" table (the rest are in test_data.py,
test_links.py, test_app.py and test_app_lab.py, named in that table).
"""

from __future__ import annotations

import pytest
from test_app import assert_clean, charts, open_page

from gdlab.data import MAX_CSV_BYTES
from page.controls import MAX_PAGE_STEPS


def upload(at, name: str, content: bytes):
    at.radio(key="source").set_value("Upload a CSV").run()
    at.sidebar.file_uploader[0].set_value((name, content, "text/csv"))
    at.run()
    return at


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"x,y\n", "no data rows"),
        (b"x,y\n1,2\n", "at least 2"),
        (b"name,y\nada,1\nbob,2\n", "numeric"),
        (b"\x00\x01\x02\x03binary", "not a text CSV"),
        (b"x,y\nnan,1\ninf,2\n", "at least 2"),
    ],
)
def test_broken_uploads_show_the_reason_and_keep_the_page(content, message):
    at = upload(open_page(), "bad.csv", content)
    assert_clean(at)
    errors = " ".join(e.value for e in at.sidebar.error).lower()
    assert message.lower() in errors, errors
    assert len(charts(at)) == 4  # the built-in data stay on screen


def test_an_enormous_upload_is_refused_with_the_limit(monkeypatch):
    big = b"x,y\n" + b"1,2\n" * (MAX_CSV_BYTES // 4 + 10)
    at = upload(open_page(), "big.csv", big)
    assert_clean(at)
    assert any("5 MB" in e.value or "5,000,000" in e.value for e in at.sidebar.error)


def test_rows_with_missing_values_are_dropped_and_reported():
    at = upload(open_page(), "gaps.csv", b"x,y\n1,2\n2,\n3,5\n4,inf\n5,9\n")
    assert_clean(at)
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "Dropped 2 rows" in notes


def test_a_constant_x_is_explained_not_crashed():
    at = upload(open_page(), "flat.csv", b"x,y\n3,1\n3,2\n3,4\n")
    at.selectbox(key="scaling").set_value("standardize").run()
    assert_clean(at)
    assert any("constant" in w.value for w in at.sidebar.warning)
    assert any("does not depend on θ" in w.value for w in at.main.warning)


def test_data_too_extreme_for_floating_point_get_a_message():
    at = upload(open_page(), "huge.csv", b"x,y\n1e200,1e200\n2e200,3e200\n3e200,1e200\n")
    assert_clean(at)
    assert any("too extreme" in e.value for e in at.main.error)


@pytest.mark.parametrize("steps", [1, MAX_PAGE_STEPS])
@pytest.mark.parametrize("lr", [1e-6, 10.0])
def test_alpha_and_steps_at_their_limits(lr, steps):
    at = open_page()
    at.select_slider(key="lr").set_value(lr).run()
    at.slider(key="steps").set_value(steps).run()
    assert_clean(at)


@pytest.mark.parametrize("end", ["min", "max"])
def test_theta0_at_both_ends_with_two_parameters(end):
    at = open_page()
    at.radio(key="params").set_value(2).run()
    for key in ("theta0_θ₀", "theta0_θ₁"):
        slider = at.slider(key=key)
        slider.set_value(getattr(slider, end)).run()
    at.select_slider(key="lr").set_value(10.0).run()
    assert_clean(at)


def test_optimizer_hyperparameters_at_their_edges():
    at = open_page(section="optimizers")
    at.multiselect(key="race_optimizers").set_value(
        ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    ).run()
    at.slider(key="race_mu").set_value(0.99).run()
    for name in ("gd", "adam", "rmsprop", "adagrad"):
        at.number_input(key=f"race_lr_{name}").set_value(100.0).run()
    at.slider(key="race_batch").set_value(1).run()
    assert_clean(at)
    for name in ("momentum", "adam"):
        at.number_input(key=f"race_lr_{name}").set_value(1e-8).run()
    assert_clean(at)


def test_a_sweep_with_its_ends_swapped_says_so():
    at = open_page(section="sweep")
    at.number_input(key="sweep_low").set_value(2.0).run()
    at.number_input(key="sweep_high").set_value(0.5).run()
    assert_clean(at)
    assert any("lower end must be below" in e.value for e in at.error)


def test_a_range_test_with_its_ends_swapped_says_so():
    at = open_page(section="range")
    at.number_input(key="range_low").set_value(1.0).run()
    at.number_input(key="range_high").set_value(1e-3).run()
    assert_clean(at)
    assert any("'from α' must be below 'to α'" in e.value for e in at.error)

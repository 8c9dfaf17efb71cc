"""The Range test section when the very first step overflows: a message, no chart, no crash.

Data near 1e60 (accepted: their squares are far from overflow) give the page's default model
ŷ = θx a curvature λ_max = 2·mean(x²) = 4e121, so even the test's smallest rate, 1e-7, multiplies
the error 4e114-fold in one step, and J overflows.
"""

from test_app import assert_clean, charts, open_page
from test_bad_input import upload

import gdlab
from gdlab.running.sweep import range_test

ROWS = [(k * 1e60, 3 * k * 1e60) for k in range(1, 8)]


def test_a_range_test_whose_first_step_overflows_says_so_and_keeps_the_page():
    problem = gdlab.LinearRegression([x for x, _ in ROWS], [y for _, y in ROWS], intercept=False)
    expected = range_test(problem, [0.0], 1e-7, 10.0, 100)
    assert expected.stopped_at == 0 and expected.costs.size == 0
    content = b"x,y\n" + b"".join(f"{x!r},{y!r}\n".encode() for x, y in ROWS)
    at = upload(open_page(section="range"), "huge.csv", content)
    assert_clean(at)
    assert expected.message in [w.value for w in at.warning]
    assert not any(title.startswith("Learning-rate range test") for title in charts(at))

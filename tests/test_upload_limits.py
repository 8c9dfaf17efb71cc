"""One upload cannot exhaust the server: shapes refused before pandas, linear reading, bounded
echoes, a thinned scatter, and an upload's cache key that no column name can make ambiguous."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from test_app import assert_clean, chart, decode, open_page, series
from test_bad_input import upload
from test_hostile_links import unescaped_marks
from test_plain import read_back

from gdlab import descend, figures
from gdlab.data import MAX_COLUMNS, MAX_LINE_CHARS, DataError, read_csv
from gdlab.data import csv_files as data
from gdlab.data.dataset import MAX_ECHO
from gdlab.models.linear import LinearRegression
from page.plain import excerpt
from page.sidebar import MAX_MESSAGE_LENGTH

# The hostile files: 1,666,660 commas then two short rows (4.99 MB when each of the
# 1,666,661 header cells is a quoted empty name, 1.67 MB bare), and 10,000 named columns.
COMMAS = b"," * 1_666_660 + b"\n1,2\n3,4\n"
QUOTED = b'"",' * 1_666_660 + b'""\n1,2\n3,4\n'
WIDE = (
    ",".join(f"c{i}" for i in range(10_000)).encode()
    + b"\n"
    + b"\n".join(b",".join([v] * 10_000) for v in (b"1", b"2"))
    + b"\n"
)


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()  # shared by every AppTest in this process
    st.cache_resource.clear()


@pytest.fixture
def no_pandas(monkeypatch):
    """Fail if the file reaches pandas' parser: these shapes must be refused from the text."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandas.read_csv was called")

    monkeypatch.setattr(data.pd, "read_csv", refuse)


@pytest.mark.parametrize(
    ("content", "columns"),
    [(COMMAS, 1_666_661), (QUOTED, 1_666_661), (WIDE, 10_000)],
    ids=["1.67M-commas", "4.99MB-quoted", "10000-columns"],
)
def test_a_header_with_too_many_columns_is_refused_before_pandas(no_pandas, content, columns):
    with pytest.raises(DataError, match=f"The header has {columns:,} columns") as error:
        read_csv(content)
    assert f"limit of {MAX_COLUMNS} columns" in str(error.value)


def test_the_page_refuses_the_hostile_upload_and_stays_usable(request):
    at = open_page()  # the built-in data it shows meanwhile are read by pandas, once
    request.getfixturevalue("no_pandas")
    at = upload(at, "commas.csv", QUOTED)
    assert_clean(at)
    (error,) = at.sidebar.error
    assert "The header has 1,666,661 columns" in read_back(error.value)
    assert len(at.get("plotly_chart")) == 4  # the built-in data stay on screen


def test_a_wide_header_within_the_line_limit_is_counted_before_pandas(no_pandas):
    header = ",".join(["a"] * 5_000)  # 9,999 characters: short enough, far too wide
    with pytest.raises(DataError, match="The file has 5,000 columns, over the limit of 100"):
        read_csv(f"{header}\n{header}\n".encode())


def test_the_column_limit_is_exact():
    names = [f"c{i}" for i in range(MAX_COLUMNS)]
    row, other = (",".join(str(k * i) for i in range(MAX_COLUMNS)) for k in (1, 2))
    ds = read_csv(f"{','.join(names)}\n{row}\n{other}\n".encode())
    assert ds.columns == tuple(names)
    with pytest.raises(DataError, match=f"{MAX_COLUMNS + 1} columns, over the limit"):
        read_csv(f"{','.join(names)},extra\n{row},1\n{row},2\n".encode())


def test_a_long_line_in_the_body_is_refused_with_its_number(no_pandas):
    content = b"x,y\n1,2\n" + b"3," + b"4" * MAX_LINE_CHARS + b"\n"
    with pytest.raises(DataError, match=f"Line 3 is {MAX_LINE_CHARS + 2:,} characters long"):
        read_csv(content)


def test_a_4_mb_single_cell_is_refused_without_being_echoed(no_pandas):
    with pytest.raises(DataError) as error:
        read_csv(b"x,y\n" + b"a" * 4_000_000 + b",1\n2,3\n")
    assert len(str(error.value)) < 300


def test_wider_rows_before_the_header_make_no_extra_columns():
    # Rows of empty cells are layout; the header is the first row with a name in it.
    ds = read_csv(b",,,\n\nx,y\n1,2\n3,5\n")
    assert ds.columns == ("x", "y")
    np.testing.assert_array_equal(ds.y, [2, 5])


def test_a_row_wider_than_the_header_is_an_error_not_new_columns():
    with pytest.raises(DataError, match="Expected 2 fields in line 3, saw 4"):
        read_csv(b"x,y\n1,2\n3,4,5,6\n")


def test_duplicate_names_are_found_in_linear_time():
    # 20,000 names: the old names.count() per name took seconds; a Counter takes milliseconds.
    names = [f"c{i}" for i in range(20_000)] + ["c7", "c9"]
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"duplicate column names: 'c7', 'c9'\."):
        data._column_names(names)
    assert time.perf_counter() - start < 0.5


def test_a_file_is_parsed_once_whatever_columns_are_chosen(monkeypatch):
    calls, parse = [], data._parse_csv
    monkeypatch.setattr(data, "_parse_csv", lambda text: calls.append(text) or parse(text))
    content = b"a,b,c\n1,2,4\n2,3,9\n3,5,16\n"
    at = upload(open_page(), "three.csv", content)
    at.selectbox(key="upload_x").set_value("b").run()
    at.selectbox(key="upload_y").set_value("c").run()
    assert_clean(at)
    assert calls.count(content) == 1  # (the built-in cars data were read for the first view)
    np.testing.assert_array_equal(decode(series(chart(at, "Data and"), "data")["y"]), [4, 9, 16])


# -- bounded echoes --------------------------------------------------------------------------


def longest_quote(message: str) -> int:
    """The longest '…' quote in a message (names and cells are quoted with repr)."""
    parts = message.split("'")
    return max((len(p) for p in parts[1::2]), default=0)


def test_a_100_kb_column_name_and_a_4_mb_cell_are_quoted_as_excerpts():
    # Quoted cells may span lines, so a 100 kB name and a 4 MB cell pass the line limit.
    name = "n" * 99 + ("\nn" + "n" * 98) * 1_000
    cell = "word\n" * 800_000
    content = f'"{name}",y\n"{cell}",1\n2,3\n'.encode()
    assert len(content) > 4_000_000
    with pytest.raises(DataError) as error:
        read_csv(content)
    message = str(error.value)
    assert "Not numeric" in message
    assert longest_quote(message) <= MAX_ECHO and "…" in message
    assert len(message) < 400


def test_every_data_message_fits_the_page_however_long_the_names():
    names = [f"{i:03d}" + "é" * 90 for i in range(MAX_COLUMNS)]
    text_row = ",".join("t" * 90 for _ in names)
    content = f"{','.join(names)}\n{text_row}\n{text_row}\n".encode()
    messages = []
    for x in (None, "missing", names[0]):
        with pytest.raises(DataError) as error:
            read_csv(content, x=x)
        messages.append(str(error.value))
    assert all(longest_quote(m) <= MAX_ECHO for m in messages)
    assert max(map(len, messages)) < MAX_MESSAGE_LENGTH
    assert "and 92 more" in messages[0] and "and 92 more" in messages[1]


HOSTILE_NAME = "[a](https://evil.example) **b** $x$ <a href='https://e.example'>c</a>"


def test_an_uploads_name_columns_and_notes_are_plain_text():
    content = f"{HOSTILE_NAME},y\n1,2\n,3\n3,5\n".encode()
    at = upload(open_page(), f"{HOSTILE_NAME}.csv", content)
    assert_clean(at)
    notes = [w.value for w in at.sidebar.warning]
    assert notes and all(unescaped_marks(n) == [] for n in notes), notes
    assert any(HOSTILE_NAME[:30] in read_back(n) for n in notes)  # names are cut to 40
    axis = chart(at, "Data and")["layout"]["xaxis"]["title"]["text"]
    assert "<" not in axis and "&lt;a href" in axis  # plotly shows it, does not link it
    at = upload(at, "text.csv", f"{HOSTILE_NAME},y\nab,1\ncd,2\n".encode())
    (error,) = at.sidebar.error
    assert unescaped_marks(error.value) == [] and HOSTILE_NAME[:30] in read_back(error.value)
    (caption,) = [c.value for c in at.sidebar.caption if "the last file that loaded" in c.value]
    file_name = caption.split("**")[1]
    assert unescaped_marks(file_name) == []
    assert read_back(file_name) == excerpt(f"{HOSTILE_NAME}.csv")


# -- the scatter is thinned; the fit is not -------------------------------------------------------


def test_data_sample_is_bounded_deterministic_and_keeps_the_extremes():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=50_000), rng.normal(size=50_000)
    drawn = figures.data_sample(x, y)
    assert drawn.size <= figures.MAX_DATA_POINTS
    assert np.array_equal(drawn, figures.data_sample(x.copy(), y.copy()))
    assert {x.argmin(), x.argmax(), y.argmin(), y.argmax()} <= set(drawn.tolist())
    # Evenly spread in x: each tenth of the sorted x holds about a tenth of the drawn points.
    deciles = np.quantile(x, np.linspace(0, 1, 11))
    counts = np.histogram(x[drawn], deciles)[0]
    assert counts.min() > 0.08 * drawn.size
    small = np.arange(10.0)
    np.testing.assert_array_equal(figures.data_sample(small, small), np.arange(10))


def test_a_big_upload_draws_a_sample_but_fits_every_row():
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 10, 20_000)
    y = 3 - 0.5 * x + rng.normal(size=x.size)
    content = pd.DataFrame({"x": x, "y": y}).to_csv(index=False).encode()
    at = upload(open_page(), "big.csv", content)
    at.radio(key="params").set_value(2).run()
    assert_clean(at)
    spec = chart(at, "Data and the model")
    points = series(spec, "data")
    assert points["name"] == f"data ({figures.MAX_DATA_POINTS:,} of 20,000 drawn)"
    drawn_x, drawn_y = decode(points["x"]), decode(points["y"])
    assert drawn_x.size == figures.MAX_DATA_POINTS
    parsed = read_csv(content)  # the file's values, as floats
    rows = {(a, b) for a, b in zip(parsed.x, parsed.y, strict=True)}
    assert all((a, b) in rows for a, b in zip(drawn_x, drawn_y, strict=True))
    best = series(spec, "best fit θ*")
    grid = decode(best["x"])
    design = np.column_stack([np.ones_like(parsed.x), parsed.x])
    theta = np.linalg.lstsq(design, parsed.y, rcond=None)[0]  # every row, not the sample
    np.testing.assert_allclose(decode(best["y"]), theta[0] + theta[1] * grid, rtol=1e-9)


def test_fit_figure_draws_at_most_the_sample():
    x = np.linspace(0, 1, 100_000)
    problem = LinearRegression(x, 2 * x + 1)
    trace = descend(problem, np.zeros(problem.n_params), 0.1, 3)
    points = figures.fit_figure(problem, trace, 0).data[0]
    assert len(points.x) <= figures.MAX_DATA_POINTS
    assert points.name.startswith("data (") and "of 100,000 drawn" in points.name


# -- the cache key -------------------------------------------------------------------------------


def test_column_names_with_colons_never_share_a_cached_model():
    content = b"a:b,c,a,b:c\n1,10,100,1000\n2,20,300,4000\n3,40,200,9000\n"
    at = upload(open_page(), "colons.csv", content)
    assert (at.selectbox(key="upload_x").value, at.selectbox(key="upload_y").value) == ("a:b", "c")
    first = series(chart(at, "Data and"), "data")
    np.testing.assert_array_equal(decode(first["x"]), [1, 2, 3])
    at.selectbox(key="upload_x").set_value("a").run()
    at.selectbox(key="upload_y").set_value("b:c").run()
    assert_clean(at)
    second = series(chart(at, "Data and"), "data")
    np.testing.assert_array_equal(decode(second["x"]), [100, 300, 200])
    np.testing.assert_array_equal(decode(second["y"]), [1000, 4000, 9000])
    # The fitted line is that of a and b:c, not the cached one of a:b and c.
    best = series(chart(at, "Data and"), "best fit θ*")
    grid = decode(best["x"])
    slope = np.linalg.lstsq(np.array([[100.0], [300.0], [200.0]]), [1000, 4000, 9000])[0][0]
    np.testing.assert_allclose(decode(best["y"]), slope * grid, rtol=1e-9)

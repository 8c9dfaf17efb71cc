"""CSV exports with a row-index column: the index is left out, said so, and never fitted.

The files are the ones students make: written here by pandas' own `DataFrame.to_csv` (default,
spreadsheet-style `;` with decimal commas and a BOM, UTF-16, re-saved after reading), and R's
`write.csv` / `write.csv2` output written out by hand as R prints it (quoted header with "" first,
quoted row names). The reference is the frame itself: x and y must be its first two data columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_app import assert_clean, chart, decode, open_page, series
from test_bad_input import upload
from test_plain import read_back

from gdlab.data import DataError, read_csv

CARS = Path(__file__).resolve().parent.parent / "data" / "cars.csv"


def frame(n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({"height": rng.uniform(150, 190, n).round(1),
                         "weight": rng.uniform(50, 90, n).round(2),
                         "age": rng.integers(18, 60, n)})  # fmt: skip


def assert_frame_columns(ds, df: pd.DataFrame) -> None:
    assert (ds.x_name, ds.y_name) == ("height", "weight")
    assert ds.columns == tuple(df.columns)
    np.testing.assert_array_equal(ds.x, df["height"].to_numpy(dtype=float))
    np.testing.assert_array_equal(ds.y, df["weight"].to_numpy(dtype=float))
    # Quoted "" (R's mark, or pandas with QUOTE_ALL) reads as row names, bare as a row index.
    assert any(
        ("row index" in note or "row names" in note) and "left out" in note for note in ds.notes
    ), ds.notes


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},  # a European spreadsheet's CSV
        {"sep": "\t"},
        {"encoding": "utf-16"},  # with BOM, like Excel's "Unicode text"
        {"quoting": csv.QUOTE_ALL},  # the index header is then a quoted "", as in R
    ],
    ids=["default", "semicolon-decimal-comma-bom", "tab", "utf16", "quote-all"],
)
def test_a_pandas_to_csv_export_is_read_without_its_index(tmp_path, options):
    df = frame()
    path = tmp_path / "export.csv"
    df.to_csv(path, **options)
    assert_frame_columns(read_csv(path), df)


def test_a_filtered_and_sorted_pandas_export_still_loses_its_index(tmp_path):
    df = frame(30)
    subset = df[df["age"] > 30].sort_values("weight")  # index now gappy and out of order
    path = tmp_path / "subset.csv"
    subset.to_csv(path)
    ds = read_csv(path)
    assert_frame_columns(ds, subset)
    assert any("a different whole number in each row" in note for note in ds.notes)


def test_a_pandas_file_read_and_saved_again_loses_both_indexes(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    df = frame()
    df.to_csv(first)
    pd.read_csv(first).to_csv(second)  # header ",Unnamed: 0,height,…"
    ds = read_csv(second)
    assert_frame_columns(ds, df)
    assert sum("row index" in note for note in ds.notes) == 2
    assert any("'Unnamed: 0'" in note for note in ds.notes)


def test_a_pandas_export_without_index_is_read_as_it_is(tmp_path):
    df = frame()
    path = tmp_path / "plain.csv"
    df.to_csv(path, index=False)
    ds = read_csv(path)
    assert (ds.x_name, ds.y_name) == ("height", "weight")
    assert ds.notes == ()


def test_a_named_column_counting_the_rows_is_data(tmp_path):
    df = pd.DataFrame({"x": np.arange(10), "y": np.arange(10) ** 2})
    path = tmp_path / "named.csv"
    df.to_csv(path, index=False)
    ds = read_csv(path)
    assert (ds.x_name, ds.y_name) == ("x", "y")
    np.testing.assert_array_equal(ds.x, np.arange(10))
    assert ds.notes == ()
    # A named index is a column the student chose to keep.
    df.index.name = "trial"
    df.to_csv(path)
    assert read_csv(path).columns == ("trial", "x", "y")


@pytest.mark.parametrize(
    "content",
    [b",a,b\n0.5,1,2\n1.5,3,5\n", b",a,b\n-1,1,2\n-2,3,5\n", b",a,b\n3,1,2\n3,3,5\n4,4,4\n"],
    ids=["fractions", "negative", "repeated"],
)
def test_an_unnamed_column_that_is_not_an_index_stays(content):
    ds = read_csv(content)
    assert ds.columns == ("column_1", "a", "b")
    assert ds.notes == ()


def r_write_csv(header: list[str], rows: list[tuple[str, list[str]]], sep: str = ",") -> bytes:
    """What R's write.csv writes: every name and row name in double quotes, numbers bare."""
    lines = [sep.join(['""', *(f'"{h}"' for h in header)])]
    lines += [sep.join([f'"{name}"', *values]) for name, values in rows]
    return ("\n".join(lines) + "\n").encode()


def test_an_r_write_csv_export_of_cars_gives_the_builtin_cars():
    with CARS.open(newline="") as handle:
        table = list(csv.reader(handle))
    content = r_write_csv(table[0], [(str(i), row) for i, row in enumerate(table[1:], 1)])
    assert content.startswith(b'"","speed","dist"\n"1",4,2\n"2",4,10\n')
    ds = read_csv(content)
    assert (ds.x_name, ds.y_name) == ("speed", "dist")
    np.testing.assert_array_equal(ds.x, [float(row[0]) for row in table[1:]])
    np.testing.assert_array_equal(ds.y, [float(row[1]) for row in table[1:]])
    assert any("row names" in note and "left out" in note for note in ds.notes), ds.notes


MTCARS = (
    '"","mpg","cyl","disp","hp","drat","wt","qsec","vs","am","gear","carb"\n'
    '"Mazda RX4",21,6,160,110,3.9,2.62,16.46,0,1,4,4\n'
    '"Mazda RX4 Wag",21,6,160,110,3.9,2.875,17.02,0,1,4,4\n'
    '"Datsun 710",22.8,4,108,93,3.85,2.32,18.61,1,1,4,1\n'
    '"Hornet 4 Drive",21.4,6,258,110,3.08,3.215,19.44,1,0,3,1\n'
)


def test_r_row_names_that_are_names_are_left_out_with_a_note():
    ds = read_csv(MTCARS.encode())
    assert (ds.x_name, ds.y_name) == ("mpg", "cyl")
    np.testing.assert_array_equal(ds.x, [21, 21, 22.8, 21.4])
    assert ds.columns[0] == "mpg" and "column_1" not in ds.columns
    assert any('named ""' in note and "R's write.csv" in note for note in ds.notes)


def test_an_r_write_csv2_export_with_semicolons_and_decimal_commas():
    rows = [("1", ["4,5", "2"]), ("2", ["7", "10,25"]), ("3", ["8", "4"])]
    ds = read_csv(r_write_csv(["speed", "dist"], rows, sep=";"))
    np.testing.assert_array_equal(ds.x, [4.5, 7, 8])
    np.testing.assert_array_equal(ds.y, [2, 10.25, 4])
    assert any("row names" in note for note in ds.notes)


def test_only_the_first_unnamed_column_can_be_an_index():
    ds = read_csv(b",,y\n0,5,1\n1,7,4\n2,9,2\n")
    assert ds.columns == ("column_2", "y")
    np.testing.assert_array_equal(ds.x, [5, 7, 9])


def test_a_missing_column_error_says_the_index_was_left_out():
    with pytest.raises(DataError, match=r"found 1: 'y'\..*The first column has no name"):
        read_csv(b",y\n0,3\n1,5\n2,8\n")


# -- the page ------------------------------------------------------------------------------------


def test_the_page_offers_no_index_column_and_says_why(tmp_path):
    df = frame(40)
    path = tmp_path / "export.csv"
    df.to_csv(path)
    at = upload(open_page(), "export.csv", path.read_bytes())
    assert_clean(at)
    assert list(at.selectbox(key="upload_x").options) == list(df.columns)
    assert (at.selectbox(key="upload_x").value, at.selectbox(key="upload_y").value) == (
        "height",
        "weight",
    )
    data = series(chart(at, "Data and the model"), "data")
    np.testing.assert_array_equal(decode(data["x"]), df["height"].to_numpy(dtype=float))
    notes = [read_back(w.value) for w in at.sidebar.warning]
    assert any("row index" in note and "left out" in note for note in notes), notes

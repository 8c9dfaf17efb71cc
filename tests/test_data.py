"""Tests for gdlab.data: built-in datasets, CSV reading and synthetic lines."""

from __future__ import annotations

import copy
import io
import pickle
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdlab import data
from gdlab.data import (
    DEFAULT_DATASET,
    DataError,
    Dataset,
    csv_files,
    list_datasets,
    load_dataset,
    make_linear,
    read_csv,
)

EXPECTED_ROWS = {
    "cars": 50,
    "women": 15,
    "faithful": 272,
    "trees": 31,
    "penguins": 342,
    "pressure": 19,
}


def assert_clean(ds: Dataset) -> None:
    for arr in (ds.x, ds.y):
        assert arr.dtype == np.float64
        assert arr.ndim == 1
        assert arr.shape == (ds.n,)
        assert not arr.flags.writeable
        assert np.isfinite(arr).all()


# --- built-in datasets ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED_ROWS))
def test_builtin_datasets_load(name: str) -> None:
    ds = load_dataset(name)
    assert ds.n == EXPECTED_ROWS[name]
    assert ds.name == name
    assert_clean(ds)
    info = next(i for i in list_datasets() if i.name == name)
    assert (ds.x_name, ds.y_name) == (info.x, info.y)
    assert (ds.x_unit, ds.y_unit) == (info.x_unit, info.y_unit)
    assert ds.x_name in ds.columns and ds.y_name in ds.columns
    assert ds.description and ds.source
    assert not ds.x_is_constant


def test_builtin_arrays_cannot_be_changed() -> None:
    ds = load_dataset("cars")
    with pytest.raises(ValueError, match="read-only"):
        ds.x[0] = 99.0
    assert load_dataset("cars").x[0] == 4.0


def test_penguins_drops_the_two_unmeasured_rows() -> None:
    ds = load_dataset("penguins")
    assert ds.n == 342
    assert ds.dropped_rows == 2
    assert ds.notes == (
        "Dropped 2 rows with missing or non-finite values in flipper_len or body_mass.",
    )
    assert ds.columns == ("bill_len", "bill_dep", "flipper_len", "body_mass")


def test_builtin_files_keep_the_missing_rows() -> None:
    frame = pd.read_csv(data.DATA_DIR / "penguins.csv")
    assert len(frame) == 344
    assert "rownames" not in frame.columns


def test_labels_and_frame() -> None:
    ds = load_dataset("cars")
    assert ds.x_label == "speed (mph)"
    assert ds.y_label == "dist (ft)"
    frame = ds.to_frame()
    assert list(frame.columns) == ["speed", "dist"]
    assert len(frame) == 50
    frame.iloc[0, 0] = -1.0  # the frame is a copy; the dataset stays intact
    assert ds.x[0] == 4.0


def test_other_builtin_columns_get_units() -> None:
    ds = load_dataset("trees", x="Height")
    assert (ds.x_label, ds.y_label) == ("Height (ft)", "Volume (ft³)")


def test_label_without_unit() -> None:
    ds = read_csv(b"a,b\n1,2\n3,4\n")
    assert (ds.x_label, ds.y_label) == ("a", "b")


def test_catalogue_order_and_default() -> None:
    names = [info.name for info in list_datasets()]
    assert names == ["cars", "women", "faithful", "trees", "penguins", "pressure"]
    assert DEFAULT_DATASET == names[0] == "cars"
    cars = list_datasets()[0]
    assert cars.description == "Speed of 50 cars in the 1920s and the distance they needed to stop."
    units = {i.name: (i.x, i.x_unit, i.y, i.y_unit) for i in list_datasets()}
    assert units["faithful"] == ("waiting", "min", "eruptions", "min")
    assert units["trees"] == ("Girth", "in", "Volume", "ft³")
    assert units["pressure"] == ("temperature", "°C", "pressure", "mm Hg")


def test_unknown_dataset_lists_the_names() -> None:
    with pytest.raises(DataError, match=r"no built-in dataset 'iris'.*'cars'.*'pressure'"):
        load_dataset("iris")


def test_builtin_with_unknown_column() -> None:
    with pytest.raises(DataError, match=r"Column 'mass' not found.*'body_mass'"):
        load_dataset("penguins", y="mass")


# --- read_csv: sources and formats ------------------------------------------------------------

SIMPLE = b"x,y\n1,2\n2,4\n3,7\n"


def test_read_csv_from_path(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes(SIMPLE)
    for source in (path, str(path)):
        ds = read_csv(source)
        np.testing.assert_array_equal(ds.x, [1, 2, 3])
        np.testing.assert_array_equal(ds.y, [2, 4, 7])
        assert ds.source == "points.csv"
        assert ds.name == "uploaded"
        assert_clean(ds)


@pytest.mark.parametrize("wrap", [bytes, bytearray, io.BytesIO])
def test_read_csv_from_bytes_and_file_objects(wrap: type) -> None:
    ds = read_csv(wrap(SIMPLE), name="mine")
    assert ds.name == "mine"
    np.testing.assert_array_equal(ds.y, [2, 4, 7])


def test_read_csv_from_upload_like_object_after_a_read() -> None:
    upload = io.BytesIO(SIMPLE)
    upload.name = "upload.csv"
    upload.read()  # getvalue() still returns everything, as for Streamlit's UploadedFile
    ds = read_csv(upload)
    assert ds.n == 3
    assert ds.source == "upload.csv"


def test_read_csv_from_read_only_object() -> None:
    class Reader:
        def read(self) -> bytes:
            return SIMPLE

    assert read_csv(Reader()).n == 3


def test_read_csv_copies_the_values() -> None:
    ds = read_csv(SIMPLE)
    assert_clean(ds)
    assert ds.columns == ("x", "y")
    assert ds.dropped_rows == 0
    assert ds.notes == ()


@pytest.mark.parametrize(
    "content",
    [
        b"x,y\n1.5,2.5\n3,4\n",
        b"x;y\n1.5;2.5\n3;4\n",
        b"x\ty\n1.5\t2.5\n3\t4\n",
        b"x;y\n1,5;2,5\n3;4\n",
        b"x\ty\n1,5\t2,5\n3\t4\n",
        b"x , y \r\n 1.5 , 2.5\r\n3, 4\r\n",
        b"\xef\xbb\xbfx,y\n1.5,2.5\n3,4\n",
        "x;y\n1,5;2,5\n3;4\n".encode("utf-16"),
    ],
    ids=[
        "comma",
        "semicolon",
        "tab",
        "decimal-comma",
        "tab-decimal-comma",
        "spaces-crlf",
        "bom",
        "utf16",
    ],
)
def test_delimiters_decimals_and_encodings(content: bytes) -> None:
    ds = read_csv(content)
    assert (ds.x_name, ds.y_name) == ("x", "y")
    np.testing.assert_array_equal(ds.x, [1.5, 3.0])
    np.testing.assert_array_equal(ds.y, [2.5, 4.0])


def test_decimal_comma_example_from_the_brief() -> None:
    ds = read_csv(b"a;b\n1,5;2,7\n-3,25;1e3\n")
    np.testing.assert_array_equal(ds.x, [1.5, -3.25])
    np.testing.assert_array_equal(ds.y, [2.7, 1000.0])


def test_latin1_header() -> None:
    content = "température;pression\n20,5;1013\n25;1009,5\n".encode("latin-1")
    ds = read_csv(content)
    assert (ds.x_name, ds.y_name) == ("température", "pression")
    np.testing.assert_array_equal(ds.y, [1013.0, 1009.5])


def test_auto_pick_skips_text_columns() -> None:
    content = b"species,island,flipper,mass,height\nA,B,181,3750,1\nC,D,190,4000,2\n"
    ds = read_csv(content)
    assert (ds.x_name, ds.y_name) == ("flipper", "mass")
    assert ds.columns == ("flipper", "mass", "height")


def test_numeric_column_may_have_missing_cells() -> None:
    ds = read_csv(b"name,a,b\nx,1,\ny,NA,2\nz,3,4\nw,5,6\n")
    assert (ds.x_name, ds.y_name) == ("a", "b")
    assert ds.n == 2
    assert ds.dropped_rows == 2


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ("c", "a", ("c", "a")),
        ("b", None, ("b", "a")),
        (None, "a", ("b", "a")),
        (" c ", None, ("c", "a")),
    ],
)
def test_explicit_columns(x: str | None, y: str | None, expected: tuple[str, str]) -> None:
    ds = read_csv(b"a,b,c\n1,2,3\n4,5,7\n", x=x, y=y)
    assert (ds.x_name, ds.y_name) == expected


def test_empty_header_cells_get_names() -> None:
    # 0.5, 1.5 cannot be a row index, so the unnamed column is data (see test_row_index.py).
    ds = read_csv(b",a,b\n0.5,1,2\n1.5,3,5\n", x="a", y="b")
    assert ds.columns == ("column_1", "a", "b")


# --- read_csv: rows that are dropped or noted -------------------------------------------------


def test_missing_and_non_finite_rows_are_dropped_and_counted() -> None:
    content = b"x,y\n1,2\n2,\n3,nan\ninf,4\n5,-inf\n6,7\n,\n8,9\n"
    ds = read_csv(content)
    np.testing.assert_array_equal(ds.x, [1, 6, 8])
    # The row of empty cells (",") is layout and ignored; the other four are data and counted.
    assert ds.dropped_rows == 4
    assert ds.notes == ("Dropped 4 rows with missing or non-finite values in x or y.",)


def test_one_dropped_row_is_singular() -> None:
    ds = read_csv(b"x,y\n1,2\n2,\n3,4\n")
    assert ds.notes == ("Dropped 1 row with missing or non-finite values in x or y.",)


def test_constant_x_is_allowed_with_a_note() -> None:
    ds = read_csv(b"speed,dist\n4,2\n4,10\n4,7\n")
    assert ds.x_is_constant
    assert ds.notes == ("x (speed) is constant: no slope can be learned from it.",)


def test_first_row_of_numbers_is_noted() -> None:
    ds = read_csv(b"1,2\n3,4\n5,6\n")
    assert ds.n == 2
    assert any("read as the column names" in note for note in ds.notes)


# --- read_csv: errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"x,y\n", "header row but no data rows"),
        (b"x,y\n\n,\n", "header row but no data rows"),
        (b"x,y\n1,2\n", r"Need at least 2 rows with numbers in both 'x' and 'y'.*found 1\. "),
        (b"x,y\n1,\n,2\nnan,inf\n", "found 0 \\(3 had missing or non-finite values\\)"),
        (b"name,x\na,1\nb,2\n", "Need two numeric columns.*found 1: 'x'"),
        (b"a,b\nx,y\nz,w\n", r"found 0\. Not numeric: 'a' \(e\.g\. 'x'\), 'b' \(e\.g\. 'y'\)"),
        (b'x,y\n"1,5",2\n3,4\n', r"found 1: 'y'\. Not numeric: 'x' \(e\.g\. '1,5'\)"),
        (b"x,y\n1,2\n3,4,5\n", "Could not read the file.*Expected 2 fields in line 3, saw 3"),
        (b'x,y\n"1,2\n', "Could not read the file.*quotes are closed"),
        (b"x,x\n1,2\n3,4\n", "duplicate column names: 'x'"),
        (b"x, x\n1,2\n3,4\n", "duplicate column names: 'x'"),
    ],
)
def test_bad_files(content: bytes, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_csv(content)


CSV_CHARS = st.sampled_from(list('0123456789,;\t\n\r" .-eEnaNifxyé\x00'))


@settings(max_examples=300, deadline=None)
@given(
    content=st.one_of(st.binary(max_size=80), st.text(CSV_CHARS, max_size=80).map(str.encode)),
    x=st.sampled_from([None, "x", "y", "0"]),
)
def test_any_bytes_give_a_dataset_or_a_data_error(content: bytes, x: str | None) -> None:
    try:
        ds = read_csv(content, x=x)
    except DataError as exc:
        assert str(exc)
    else:
        assert ds.n >= 2
        assert_clean(ds)


def test_missing_column_lists_existing_columns() -> None:
    with pytest.raises(DataError, match=r"Column 'weight' not found.*'height', 'mass'"):
        read_csv(b"height,mass\n1,2\n3,4\n", x="height", y="weight")


def test_non_numeric_column_shows_a_bad_value() -> None:
    content = b"size,mass\n10,2\n12 cm,4\n"
    with pytest.raises(DataError, match="Column 'size' is not numeric: it contains '12 cm'"):
        read_csv(content, x="size", y="mass")


def test_text_column_named_before_auto_pick() -> None:
    # The named column's problem is reported, not the lack of a second numeric column.
    with pytest.raises(DataError, match="Column 'name' is not numeric: it contains 'a'"):
        read_csv(b"name,x\na,1\nb,2\n", x="name")


def test_empty_column_is_not_numeric() -> None:
    with pytest.raises(DataError, match="Column 'b' has no values"):
        read_csv(b"a,b,c\n1,,2\n3,,4\n", x="a", y="b")


def test_same_column_for_x_and_y_is_rejected() -> None:
    with pytest.raises(DataError, match="x and y are both 'a'"):
        read_csv(b"a,b\n1,2\n3,4\n", x="a", y="a")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"x,y\n1,\x002\n", "NUL bytes"),
        (bytes(range(1, 32)) * 10, "control characters"),
    ],
)
def test_binary_files_are_refused(content: bytes, kind: str) -> None:
    with pytest.raises(DataError, match=f"This file is not a text CSV: .*{kind}"):
        read_csv(content)


def test_file_over_the_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(csv_files, "MAX_CSV_BYTES", 10)
    message = re.escape("The file is 16 bytes (0.0 MB), over the limit of 10 bytes")
    with pytest.raises(DataError, match=message):
        read_csv(SIMPLE)
    path = tmp_path / "big.csv"
    path.write_bytes(SIMPLE)
    with pytest.raises(DataError, match=message):
        read_csv(path)


def test_real_size_limit_is_five_megabytes() -> None:
    assert data.MAX_CSV_BYTES == 5_000_000
    content = b"x,y\n" + b"1,2\n" * 1_250_000  # 5,000,004 bytes
    with pytest.raises(DataError, match=re.escape("over the limit of 5,000,000 bytes (5 MB)")):
        read_csv(content)


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_files, "MAX_ROWS", 2)
    with pytest.raises(DataError, match="The file has 3 data rows, over the limit of 2"):
        read_csv(SIMPLE)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="File not found"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a folder"):
        read_csv(tmp_path)


def test_dataset_checks_its_arrays() -> None:
    with pytest.raises(DataError, match="NaN or infinite"):
        Dataset(name="d", x=np.array([1.0, np.nan]), y=np.ones(2), x_name="a", y_name="b")
    with pytest.raises(DataError, match="x has 2 values but y has 3"):
        Dataset(name="d", x=np.ones(2), y=np.ones(3), x_name="a", y_name="b")
    source = np.array([1.0, 2.0])
    ds = Dataset(name="d", x=source, y=source, x_name="a", y_name="b")
    source[0] = 5.0
    assert ds.x[0] == 1.0
    assert not ds.x.flags.writeable


@pytest.mark.parametrize("clone", [lambda d: pickle.loads(pickle.dumps(d)), copy.deepcopy])
def test_copies_stay_read_only(clone: Callable[[Dataset], Dataset]) -> None:
    # Streamlit's st.cache_data hands out pickled copies; they must stay frozen too.
    ds = clone(load_dataset("penguins"))
    assert_clean(ds)
    assert ds.n == 342
    assert ds.notes == load_dataset("penguins").notes


# --- make_linear ------------------------------------------------------------------------------


def test_make_linear_is_reproducible() -> None:
    a, b = make_linear(seed=3), make_linear(seed=3)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    c = make_linear(seed=4)
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.y, c.y)
    assert a.n == 50
    assert_clean(a)


def test_make_linear_without_noise_is_exact() -> None:
    ds = make_linear(n=20, slope=-1.5, intercept=4.0, noise=0.0, seed=1, x_min=-2.0, x_max=3.0)
    np.testing.assert_array_equal(ds.y, 4.0 + -1.5 * ds.x)
    assert ds.x.min() >= -2.0 and ds.x.max() <= 3.0
    slope, intercept = np.polyfit(ds.x, ds.y, 1)
    assert slope == pytest.approx(-1.5)
    assert intercept == pytest.approx(4.0)


def test_make_linear_recovers_the_slope_roughly_with_noise() -> None:
    ds = make_linear(n=2000, slope=2.0, intercept=1.0, noise=1.0, seed=0)
    slope, _ = np.polyfit(ds.x, ds.y, 1)
    assert slope == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"n": 1},
            "The 'n' parameter of make_linear must be an int in the range [2, 100000]. "
            "Got 1 instead.",
        ),
        ({"n": 100_001}, "'n' parameter"),
        ({"n": 5.0}, "'n' parameter"),
        ({"n": True}, "'n' parameter"),
        (
            {"noise": -0.1},
            "The 'noise' parameter of make_linear must be a finite float >= 0. Got -0.1 instead.",
        ),
        ({"noise": float("nan")}, "'noise' parameter"),
        ({"slope": float("inf")}, "'slope' parameter"),
        ({"intercept": "1"}, "'intercept' parameter"),
        ({"seed": -1}, "'seed' parameter"),
        ({"x_min": 5.0, "x_max": 5.0}, "'x_min' parameter of make_linear must be less than"),
        ({"x_max": float("inf")}, "'x_max' parameter"),
    ],
)
def test_make_linear_argument_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make_linear(**kwargs)  # type: ignore[arg-type]

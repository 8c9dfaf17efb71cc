"""CSV files, as students make them, read into datasets.

Uploaded files are untrusted, so :func:`read_csv` is defensive:

* files larger than ``MAX_CSV_BYTES`` (5 MB), with more than ``MAX_ROWS`` (100 000) data rows,
  a line longer than ``MAX_LINE_CHARS`` (10 000) or more than ``MAX_COLUMNS`` (100) columns are
  refused, the last two before pandas sees the file, so one upload cannot stall the app (a
  header of 1.7 M commas would otherwise become 1.7 M columns); every step is linear in the
  file's size, and a file is parsed once, by :func:`read_table`, whatever columns are chosen;
* text is decoded as UTF-8 (with or without BOM, or UTF-16 with BOM), else as Windows-1252 /
  latin-1, but only if the bytes look like text: images, archives and PDFs are refused;
* the delimiter (``,``, ``;`` or tab) is detected from the first lines; with ``;`` or tab a comma
  inside a number is a decimal comma, as in European spreadsheets (``1,5;2,7`` is 1.5 and 2.7);
* a first column that only labels the rows is left out and reported in ``notes``: an unnamed
  one holding a different whole number ≥ 0 in each row (``DataFrame.to_csv``'s index: 0, 1,
  2, …, or a subset of it after filtering or sorting; pandas' ``Unnamed: 0`` when such a file
  was read and saved again), or R's ``write.csv`` row names under a quoted empty name ``""``;
  a named column, even one holding 0, 1, 2, …, is data and is kept;
* rows with a missing or non-finite x or y are dropped, counted and reported in ``notes``;
* x and y must be two different columns (fitting a column against itself teaches nothing).

Every problem with the data raises :class:`DataError`, whose message says what is wrong and how
to fix it, so a page can show it to the student as it is; it quotes the file's own text (a
column name, a cell) only as a short excerpt, since an upload can hold a 100 kB name.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from gdlab.data.dataset import MAX_LISTED, DataError, Dataset, _cut, _quoted, _quoted_list

MAX_CSV_BYTES = 5_000_000


MAX_ROWS = 100_000


# An x, a y and a few more: ample for a lesson, and pandas' work per column stays small.
MAX_COLUMNS = 100


# 100 columns of 100 characters; every physical line is bounded, so the header can be counted
# (and the delimiter sniffed) before pandas builds anything.
MAX_LINE_CHARS = 10_000


CsvSource = str | Path | bytes | bytearray | memoryview | BinaryIO


_DELIMITERS = (",", ";", "\t")


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


_SNIFF_LINES = 50


# Cells that mean "no value" in common exports (R, Excel, databases); compared case-insensitively.
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "-"})


# Signatures of files students upload by mistake instead of a CSV.
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook is one)",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office document",
    b"\x1f\x8b": "a gzip archive",
}


# Each column parsed to floats (NaN where missing), with its first non-number cell, if any.
_Parsed = dict[str, tuple[np.ndarray, str | None]]


# pandas' name for a header cell it read as empty, kept when such a frame is saved again.
_UNNAMED = re.compile(r"Unnamed: \d+")


_NO_VALUES = np.full(0, np.nan)  # what a column that is not numeric offers: nothing


_NO_VALUES.flags.writeable = False


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v") + b"\x7f"


@dataclass(frozen=True, eq=False)
class Column:
    """One column of a file: its name, and for a numeric column its values as read-only floats
    (NaN where a cell is missing); for any other column, the first cell that is not a number."""

    name: str
    values: np.ndarray | None
    first_bad: str | None = None

    def __post_init__(self) -> None:
        if self.values is not None:
            values = np.array(self.values, dtype=np.float64, copy=True)
            values.flags.writeable = False
            object.__setattr__(self, "values", values)

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def numeric(self) -> bool:
        return self.values is not None


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file parsed once, every column ready, so any choice of x and y is a cheap selection
    (:meth:`dataset`) rather than a second reading of the file. Immutable, safe to share."""

    name: str
    columns: tuple[Column, ...]
    source: str = ""
    description: str = ""
    units: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # about the file as a whole, e.g. a row index left out

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """The columns offered as x or y, in file order."""
        return tuple(c.name for c in self.columns if c.numeric)

    def dataset(self, x: str | None = None, y: str | None = None) -> Dataset:
        """The columns ``x`` and ``y`` as a Dataset; without them, the first two numeric columns
        (a missing one is filled with the first numeric column that is not the other)."""
        parsed: _Parsed = {
            c.name: (c.values, None) if c.numeric else (_NO_VALUES, c.first_bad)
            for c in self.columns
        }
        units = dict(self.units)
        try:
            x_name, y_name = _choose_columns(x, y, parsed)
        except DataError as error:  # a column left out as a row index may be the one missing
            raise DataError(" ".join((str(error), *self.notes))) from None
        xs, ys = parsed[x_name][0], parsed[y_name][0]
        keep = np.isfinite(xs) & np.isfinite(ys)
        kept, dropped = int(keep.sum()), int(keep.size - keep.sum())
        if kept < 2:
            why = f" ({dropped} had missing or non-finite values)" if dropped else ""
            raise DataError(
                f"Need at least 2 rows with numbers in both {_quoted(x_name)} and "
                f"{_quoted(y_name)} to fit a line, but found {kept}{why}. Add rows, fill in "
                "missing values or choose other columns."
            )
        xs, ys = xs[keep], ys[keep]
        return Dataset(
            name=self.name,
            x=xs,
            y=ys,
            x_name=x_name,
            y_name=y_name,
            x_unit=units.get(x_name, ""),
            y_unit=units.get(y_name, ""),
            description=self.description,
            source=self.source,
            columns=self.numeric_columns,
            dropped_rows=dropped,
            notes=_notes(x_name, y_name, xs, dropped) + self.notes,
        )


def read_table(file: CsvSource, *, name: str = "uploaded") -> Table:
    """Parse a CSV from a path, bytes or binary file-like object (e.g. a Streamlit upload) once;
    ``Table.dataset(x, y)`` then picks the columns. See the module docstring for the rules."""
    return _table(_read_bytes(file), name=name, source=_file_name(file))


def read_csv(
    file: CsvSource, x: str | None = None, y: str | None = None, *, name: str = "uploaded"
) -> Dataset:
    """Read a CSV from a path, bytes or binary file-like object (e.g. a Streamlit upload).

    Without ``x``/``y`` the first two numeric columns are used (a missing one is filled with the
    first numeric column that is not the other). See the module docstring for the rules.
    """
    return read_table(file, name=name).dataset(x, y)


def _read_bytes(file: CsvSource) -> bytes:
    """Get the raw bytes, refusing empty and oversized files before any parsing."""
    if isinstance(file, (str, Path)):
        data = _read_path(Path(file))
    elif isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
    elif hasattr(file, "getvalue") or hasattr(file, "read"):
        # Prefer getvalue (Streamlit's UploadedFile): the whole content, wherever the cursor is.
        data = file.getvalue() if hasattr(file, "getvalue") else file.read()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    else:
        raise TypeError(
            f"Expected a path, bytes or a binary file object, got {type(file).__name__}."
        )
    if not data:
        raise DataError("The file is empty (0 bytes). Choose a CSV file with a header and data.")
    _check_size(len(data))
    return data


def _read_path(path: Path) -> bytes:
    try:
        _check_size(path.stat().st_size)  # before reading, so a huge file is never loaded
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"File not found: {path}. Check the path and file name.") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, not a file. Choose a CSV file.") from None
    except OSError as exc:
        raise DataError(f"Could not read {path}: {exc.strerror}. Check the file.") from None


def _check_size(size: int) -> None:
    if size > MAX_CSV_BYTES:
        raise DataError(
            f"The file is {size:,} bytes ({size / 1e6:.1f} MB), over the limit of "
            f"{MAX_CSV_BYTES:,} bytes ({MAX_CSV_BYTES / 1e6:g} MB). Upload a smaller file, "
            "e.g. only the two columns you need or a sample of the rows."
        )


def _file_name(file: CsvSource) -> str:
    if isinstance(file, (str, Path)):
        return Path(file).name
    return str(getattr(file, "name", "") or "")


def _decode(data: bytes) -> str:
    """Decode text, refusing binary files rather than showing mojibake."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16 with BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    kind = _binary_kind(data)
    if kind:
        raise DataError(
            f"This file is not a text CSV: it looks like {kind}. Export the data from your "
            "spreadsheet as 'CSV UTF-8 (comma delimited)' and upload that file."
        )
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252 is latin-1 plus € and curly quotes
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails; the bytes were checked to be text above


def _binary_kind(data: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    if b"\x00" in data:
        return "binary data (it contains NUL bytes)"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 0.01 * len(data):
        return "binary data (it contains many control characters)"
    return ""


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that gives the first lines the same number of fields as the header.

    Ties go to more fields. Counting fields per line (not characters) keeps ``1,5;2,7`` a
    two-column ``;`` row: split on ``,`` the header ``x;y`` would have 1 field, the rows 2.
    """
    lines = text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]
    best, best_score = ",", (0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(r) == width for r in rows) / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(data: bytes) -> tuple[pd.DataFrame, bool, tuple[str, ...]]:
    """Parse bytes into stripped strings with unique column names, whether "," is decimal, and
    notes about the file (a row index left out). Shapes that would make pandas build a huge
    table are refused first, from the text itself: a line too long, a header too wide."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError("The file is empty: it has only blank lines. Choose a CSV file with data.")
    _check_line_lengths(text)
    delimiter = _sniff_delimiter(text)
    width, quoted_empty_first = _header_shape(text, delimiter)
    if width > MAX_COLUMNS:
        raise DataError(
            f"The file has {width:,} columns, over the limit of {MAX_COLUMNS}. Keep only the "
            "columns you need (x, y and a few more) and upload that file."
        )
    try:
        with warnings.catch_warnings():  # pandas only warns when a row is cut to `names`
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width),  # a longer row is an error, not new columns
                index_col=False,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                skip_blank_lines=True,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, Warning) as exc:
        raise DataError(_unreadable(delimiter, _pandas_reason(exc))) from None
    raw = raw.fillna("").apply(lambda column: column.str.strip())
    raw = raw[(raw != "").any(axis=1)]  # rows of empty cells are layout, not data
    if raw.empty:
        raise DataError(
            "Every cell of the file is empty. Choose a CSV file with a header and data."
        )
    header = _column_names(raw.iloc[0].tolist())
    body = raw.iloc[1:]
    if body.empty:
        raise DataError(
            "The file has a header row but no data rows. Add at least two rows of numbers."
        )
    if len(body) > MAX_ROWS:
        raise DataError(
            f"The file has {len(body):,} data rows, over the limit of {MAX_ROWS:,}. "
            "Upload a sample of the rows instead."
        )
    body.columns = header
    body = body.reset_index(drop=True)
    notes: list[str] = []  # leading row indexes: a re-saved pandas export can have two
    for position, name in enumerate(raw.iloc[0]):
        note = _row_index_note(position, name, quoted_empty_first, body.iloc[:, position])
        if not note:
            break
        notes.append(note)
    return body.iloc[:, len(notes) :], delimiter != ",", tuple(notes)


def _check_line_lengths(text: str) -> None:
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_LINE_CHARS:
        return
    number = next(i for i, line in enumerate(lines, 1) if len(line) > MAX_LINE_CHARS)
    line = lines[number - 1]
    if not any(earlier.strip() for earlier in lines[: number - 1]):  # the header line
        # Counted without parsing: quotes aside, the most frequent delimiter separates the names.
        fields = 1 + max(line.count(d) for d in _DELIMITERS)
        if fields > MAX_COLUMNS:
            raise DataError(
                f"The header has {fields:,} columns (its line is {len(line):,} characters "
                f"long), over the limit of {MAX_COLUMNS} columns and {MAX_LINE_CHARS:,} "
                "characters a line. Keep only the columns you need (x, y and a few more) "
                "and upload that file."
            )
    raise DataError(
        f"Line {number:,} is {len(line):,} characters long, over the limit of "
        f"{MAX_LINE_CHARS:,} characters a line. A CSV for this page has at most "
        f"{MAX_COLUMNS} columns of short values: keep only the columns you need."
    )


def _header_shape(text: str, delimiter: str) -> tuple[int, bool]:
    """The number of columns pandas will make (the widest record up to and including the
    header, the first with a non-empty cell), and whether the header's first cell is written
    as a quoted empty name, "", as R's write.csv writes it above the row names."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    width, start = 0, 0
    try:
        for record in reader:
            width = max(width, len(record))
            if any(cell.strip() for cell in record):
                first_line = text.split("\n", start + 1)[start]
                quoted_empty = re.match(rf'\s*""\s*(?:{re.escape(delimiter)}|$)', first_line)
                return width, quoted_empty is not None
            start = reader.line_num
    except csv.Error as exc:
        raise DataError(_unreadable(delimiter, str(exc))) from None
    return max(width, 1), False


def _unreadable(delimiter: str, reason: str) -> str:
    return (
        f"Could not read the file as a {_DELIMITER_NAMES[delimiter]}-separated CSV "
        f"({_cut(reason, 200)}). Check that every row has as many values as the header "
        "and that quotes are closed."
    )


def _pandas_reason(exc: Exception) -> str:
    return str(exc).replace("Error tokenizing data. C error: ", "").strip().rstrip(".")


def _column_names(header: list[str]) -> list[str]:
    names = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    duplicates = [n for n, count in Counter(names).items() if count > 1]  # linear, not n²
    if duplicates:
        raise DataError(
            f"The header has duplicate column names: {_quoted_list(sorted(duplicates))}. "
            "Rename the columns so that each name is used once."
        )
    return names


def _row_index_note(position: int, header: str, quoted_empty: bool, cells: pd.Series) -> str:
    """Why a leading column is left out as a row index, or "" if it is data.

    Only a column without a real name qualifies, so a column called "x" holding 0, 1, 2, … is
    kept. pandas' to_csv writes its index under an empty name (read back by pandas as
    "Unnamed: 0"): whole numbers ≥ 0, all different (0, 1, 2, … unless rows were filtered or
    sorted). R's write.csv writes its row names (1, 2, … or names) under a quoted empty name.
    """
    # Only the first column may be nameless; after it, only pandas' "Unnamed: 0" of a re-save.
    if (header or position > 0) and not _UNNAMED.fullmatch(header):
        return ""
    which = "The first column" if position == 0 else f"Column {position + 1}"
    left_out = "It is left out, not offered as x or y (give it a name in the header to use it)."
    if quoted_empty and position == 0 and (cells != "").all() and cells.is_unique:
        return f'{which} is named "" and holds row names, as R\'s write.csv writes them. {left_out}'
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    whole = np.isfinite(values).all() and (values >= 0).all() and (values == values.round()).all()
    if not whole or np.unique(values).size < values.size:
        return ""
    named = f" ({_quoted(header)})" if header else ""
    rows = "holds a different whole number in each row"
    for first in (0, 1):
        if np.array_equal(values, np.arange(first, first + values.size)):
            rows = f"numbers the rows {first}, {first + 1}, {first + 2}, …"
    return (
        f"{which}{named} has no name and {rows}: a row index, as pandas' to_csv writes it. "
        + left_out
    )


def _numbers(cells: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, str | None]:
    """Parse a column of strings: floats (NaN where missing) and the first non-number, if any."""
    dotted = cells.str.replace(",", ".", regex=False) if decimal_comma else cells
    missing = cells.str.lower().isin(_MISSING)
    values = pd.to_numeric(dotted.where(~missing, ""), errors="coerce").to_numpy(
        dtype=np.float64, copy=True
    )
    bad = np.isnan(values) & ~missing.to_numpy()
    first_bad = str(cells[bad].iloc[0]) if bad.any() else None  # as written, for the message
    return values, first_bad


def _table(
    data: bytes,
    *,
    name: str,
    source: str,
    description: str = "",
    units: tuple[tuple[str, str], ...] = (),
) -> Table:
    frame, decimal_comma, notes = _parse_csv(data)
    columns = []
    for col in frame.columns:
        values, first_bad = _numbers(frame[col], decimal_comma)
        numeric = first_bad is None and not np.isnan(values).all()
        columns.append(Column(col, values if numeric else None, first_bad))
    if all(_is_number(c) for c in frame.columns):  # a common slip: the file has no header row
        notes += (
            "The first row holds only numbers but was read as the column names; "
            "if it is data, add a header row with names.",
        )
    return Table(name, tuple(columns), source, description, units, notes)


def _numeric_columns(parsed: _Parsed) -> tuple[str, ...]:
    # Numeric: at least one number and nothing that is neither a number nor a missing marker.
    return tuple(c for c, (v, bad) in parsed.items() if bad is None and not np.isnan(v).all())


def _choose_columns(x: str | None, y: str | None, parsed: _Parsed) -> tuple[str, str]:
    """Check named columns exist and are numeric; fill the others with free numeric columns."""
    numeric = _numeric_columns(parsed)
    chosen = [c.strip() if c is not None else None for c in (x, y)]
    for col in chosen:
        if col is not None:
            _require_numeric(col, parsed, numeric)
    for i, col in enumerate(chosen):
        if col is None:
            free = [c for c in numeric if c not in chosen]
            if not free:
                raise DataError(_too_few_numeric(parsed, numeric))
            chosen[i] = free[0]
    x_name, y_name = str(chosen[0]), str(chosen[1])
    if x_name == y_name:
        raise DataError(f"x and y are both {_quoted(x_name)}; choose two different columns.")
    return x_name, y_name


def _too_few_numeric(parsed: _Parsed, numeric: tuple[str, ...]) -> str:
    found = ": " + _quoted_list(numeric) if numeric else ""
    # Show why each other column is not numeric: usually units, text or a decimal comma.
    others = [f"{_quoted(c)} (e.g. {_quoted(bad)})" for c, (_, bad) in parsed.items() if bad]
    shown = ", ".join(others[:MAX_LISTED])
    if len(others) > MAX_LISTED:
        shown += f" and {len(others) - MAX_LISTED:,} more"
    not_numeric = f" Not numeric: {shown}." if others else ""
    return (
        f"Need two numeric columns (x and y) but found {len(numeric)}{found}.{not_numeric} "
        "Add a column of numbers, or remove units and text from the cells of one."
    )


def _require_numeric(col: str, parsed: _Parsed, numeric: tuple[str, ...]) -> None:
    if col not in parsed:
        raise DataError(
            f"Column {_quoted(col)} not found. The file has the columns: "
            f"{_quoted_list(parsed)}. Choose one of these (names are case-sensitive)."
        )
    values, first_bad = parsed[col]
    choices = f" Numeric columns here: {_quoted_list(numeric)}." if numeric else ""
    if first_bad is not None:
        raise DataError(
            f"Column {_quoted(col)} is not numeric: it contains {_quoted(first_bad)}. Choose a "
            f"column of numbers, or remove units and text from its cells.{choices}"
        )
    if np.isnan(values).all():
        raise DataError(
            f"Column {_quoted(col)} has no values. Choose a column of numbers.{choices}"
        )


def _notes(x_name: str, y_name: str, xs: np.ndarray, dropped: int) -> tuple[str, ...]:
    """Plain sentences about what loading these columns changed or what will go wrong."""
    notes = []
    if dropped:
        rows = "row" if dropped == 1 else "rows"
        notes.append(
            f"Dropped {dropped} {rows} with missing or non-finite values in {_cut(x_name)} "
            f"or {_cut(y_name)}."
        )
    if xs.min() == xs.max():
        notes.append(f"x ({_cut(x_name)}) is constant: no slope can be learned from it.")
    return tuple(notes)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True

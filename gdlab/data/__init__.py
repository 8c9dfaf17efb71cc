"""The data: built-in datasets (`builtin`), CSV files as students make them (`csv_files`) and
synthetic lines (`synthetic`). Everything returns a `Dataset` (`dataset`): two read-only float64
columns ``x`` and ``y`` plus the metadata a page needs to label axes and explain what happened
while loading; every problem with the data raises `DataError`, whose message a page can show
as it is."""

from gdlab.data.builtin import DATA_DIR, DEFAULT_DATASET, DatasetInfo, list_datasets, load_dataset
from gdlab.data.csv_files import (
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_CHARS,
    MAX_ROWS,
    Column,
    Table,
    read_csv,
    read_table,
)
from gdlab.data.dataset import DataError, Dataset
from gdlab.data.synthetic import make_linear

__all__ = [
    "DATA_DIR",
    "DEFAULT_DATASET",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_LINE_CHARS",
    "MAX_ROWS",
    "Column",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "Table",
    "list_datasets",
    "load_dataset",
    "make_linear",
    "read_csv",
    "read_table",
]

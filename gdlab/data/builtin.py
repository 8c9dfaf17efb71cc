"""The built-in datasets: real data with their sources and units, read from data/*.csv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gdlab.data.csv_files import _read_bytes, _table
from gdlab.data.dataset import DataError, Dataset, _quoted

DEFAULT_DATASET = "cars"


DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"


@dataclass(frozen=True)
class DatasetInfo:
    """A catalogue entry for a built-in dataset: what it is and which columns to plot."""

    name: str
    title: str
    description: str
    x: str
    y: str
    x_unit: str
    y_unit: str
    source: str


# Units of every numeric column in the built-in files, so any choice of x and y gets labels.
_UNITS: dict[str, dict[str, str]] = {
    "cars": {"speed": "mph", "dist": "ft"},
    "women": {"height": "in", "weight": "lb"},
    "faithful": {"waiting": "min", "eruptions": "min"},
    "trees": {"Girth": "in", "Height": "ft", "Volume": "ft³"},
    "penguins": {"flipper_len": "mm", "body_mass": "g", "bill_len": "mm", "bill_dep": "mm"},
    "pressure": {"temperature": "°C", "pressure": "mm Hg"},
}


_RDATASETS = "via the Rdatasets collection (R's datasets)"


def _info(name: str, title: str, description: str, x: str, y: str, source: str) -> DatasetInfo:
    units = _UNITS[name]
    return DatasetInfo(name, title, description, x, y, units[x], units[y], source)


# Teaching order: a small clean line first, the curved one last.
_CATALOGUE: tuple[DatasetInfo, ...] = (
    _info(
        "cars",
        "Stopping distances of cars",
        "Speed of 50 cars in the 1920s and the distance they needed to stop.",
        "speed",
        "dist",
        "Ezekiel, M. (1930) Methods of Correlation Analysis. Wiley; "
        f"via McNeil (1977) Interactive Data Analysis; {_RDATASETS}.",
    ),
    _info(
        "women",
        "Height and weight of women",
        "Average weight of American women aged 30–39 for 15 heights. "
        "Almost a perfect straight line.",
        "height",
        "weight",
        f"The World Almanac and Book of Facts, 1975; via McNeil (1977); {_RDATASETS}.",
    ),
    _info(
        "faithful",
        "Old Faithful geyser",
        "272 eruptions of the Old Faithful geyser in Yellowstone: "
        "the waiting time between eruptions and how long each eruption lasted.",
        "waiting",
        "eruptions",
        f"Härdle, W. (1991) Smoothing Techniques with Implementation in S. Springer; {_RDATASETS}.",
    ),
    _info(
        "trees",
        "Black cherry trees",
        "Diameter (called Girth in the file), height and timber volume of 31 felled "
        "black cherry trees. Thicker trees give more wood.",
        "Girth",
        "Volume",
        "Meyer, H. A. (1953) Forest Mensuration; Ryan, Joiner & Ryan (1976) "
        f"Minitab Student Handbook; {_RDATASETS}.",
    ),
    _info(
        "penguins",
        "Palmer penguins",
        "Flipper length and body mass of 344 penguins of three species near Palmer Station, "
        "Antarctica. Two penguins have no measurements.",
        "flipper_len",
        "body_mass",
        "Gorman, Williams & Fraser (2014) PLoS ONE 9(3): e90081; Palmer Station LTER "
        f"(palmerpenguins, CC0); {_RDATASETS}.",
    ),
    _info(
        "pressure",
        "Vapour pressure of mercury",
        "Vapour pressure of mercury at 19 temperatures from 0 to 360 °C. "
        "It is strongly curved, so a straight line fits it badly.",
        "temperature",
        "pressure",
        f"Weast, R. C. (1973) Handbook of Chemistry and Physics. CRC Press; {_RDATASETS}.",
    ),
)


def list_datasets() -> tuple[DatasetInfo, ...]:
    """The built-in datasets in teaching order; the first is ``DEFAULT_DATASET``."""
    return _CATALOGUE


def load_dataset(name: str, x: str | None = None, y: str | None = None) -> Dataset:
    """Load the built-in dataset ``name`` with its default columns unless ``x``/``y`` are given."""
    info = next((i for i in _CATALOGUE if i.name == name.strip().lower()), None)
    if info is None:
        available = ", ".join(repr(i.name) for i in _CATALOGUE)
        raise DataError(
            f"There is no built-in dataset {_quoted(name)}. Choose one of: {available}."
        )
    table = _table(
        _read_bytes(DATA_DIR / f"{info.name}.csv"),
        name=info.name,
        source=info.source,
        description=info.description,
        units=tuple(_UNITS[info.name].items()),
    )
    return table.dataset(x if x is not None else info.x, y if y is not None else info.y)

from collections.abc import Iterator

import numpy as np
import pytest

import gdlab


@pytest.fixture
def three_points() -> tuple[np.ndarray, np.ndarray]:
    """x = 1, 2, 3 and y = 1, 2, 2: small enough to do every number by hand."""
    return np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0])


@pytest.fixture(params=[info.name for info in gdlab.list_datasets()])
def dataset(request) -> gdlab.Dataset:
    return gdlab.load_dataset(request.param)


# -- the browser tests' server and Chromium, one of each per test module ----------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import browser  # tests/browser.py; imported here so unit tests never load Playwright

    with browser.streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    import browser

    with browser.chromium() as instance:
        yield instance

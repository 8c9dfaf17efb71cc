"""Cached core results: pure, hashable inputs in, immutable gdlab results out.

Every cache is bounded (max_entries) and shared by all sessions, keyed by content, so a class
opening the same link computes each run once and memory does not grow with the audience.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

import gdlab
from gdlab.data import Table, read_table
from gdlab.running.optimizers import OPTIMIZERS
from gdlab.running.sweep import RangeTest, Sweep, range_test, sweep
from gdlab.teaching.verdict import Verdict, judge


@dataclass(frozen=True)
class Model:
    problem: gdlab.LinearRegression
    theory: gdlab.LearningRateTheory


@dataclass(frozen=True)
class Run:
    trace: gdlab.Trace
    verdict: Verdict


@st.cache_data(max_entries=16, show_spinner=False)
def builtin_dataset(name: str) -> gdlab.Dataset:
    return gdlab.load_dataset(name)


@st.cache_data(max_entries=16, show_spinner=False)
def synthetic_dataset(n: int, slope: float, intercept: float, noise: float, seed: int):
    return gdlab.make_linear(n=n, slope=slope, intercept=intercept, noise=noise, seed=seed)


# Parsed once per file, whatever columns are then chosen; keyed by the content's digest, so the
# 5 MB is hashed once. A table is immutable and shared unpickled; at most 4 are kept, each at
# most about 20 MB of floats (a 5 MB file holds at most 2.5 M numbers).
@st.cache_resource(max_entries=4, show_spinner=False)
def uploaded_table(digest: str, _content: bytes, name: str) -> Table:
    return read_table(_content, name=name)


def upload_key(digest: str, x: str, y: str) -> str:
    """The data key of an upload's columns x and y. JSON, because column names may hold any
    character: joined with ":", x="a:b", y="c" and x="a", y="b:c" would share a key."""
    return json.dumps(["upload", digest, x, y])


# `data_key` identifies the data's content; the dataset itself is not hashed again.
@st.cache_resource(max_entries=32, show_spinner=False)
def build_model(data_key: str, _dataset: gdlab.Dataset, params: int, scaling: str, cost: str):
    """Immutable and read-only, so one shared copy serves every session (no pickling)."""
    problem = gdlab.LinearRegression(
        _dataset.x, _dataset.y, intercept=params == 2, scaling=scaling, cost=cost
    )
    return Model(problem, gdlab.learning_rate_theory(problem))


def model_key(data_key: str, params: int, scaling: str, cost: str) -> tuple:
    return (data_key, params, scaling, cost)


@st.cache_data(max_entries=128, show_spinner=False)
def run_descent(key: tuple, _model: Model, theta0: tuple, lr: float, steps: int) -> Run:
    trace = gdlab.descend(_model.problem, np.array(theta0), lr, steps)
    return Run(trace, judge(trace, _model.theory, _model.problem.min_cost, lr))


class _BoundedCache:
    """A small thread-safe LRU shared by all sessions, for results whose computation reports
    progress to the page (st.cache_data would replay or reject those page updates)."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get_or_compute(self, key: tuple, compute: Callable[[], object]):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value


_SWEEPS = _BoundedCache(max_entries=32)


def run_sweep(
    key: tuple,
    model: Model,
    theta0: tuple,
    low: float,
    high: float,
    count: int,
    steps: int,
    progress: Callable[[int, int], None] | None = None,
) -> Sweep:
    """Cached by content; `progress` is called only when the sweep is really computed."""
    return _SWEEPS.get_or_compute(
        (key, theta0, low, high, count, steps),
        lambda: sweep(
            model.problem,
            np.array(theta0),
            np.geomspace(low, high, count),
            steps,
            progress=progress,
        ),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def run_range_test(
    key: tuple, _model: Model, theta0: tuple, low: float, high: float, steps: int
) -> RangeTest:
    return range_test(_model.problem, np.array(theta0), low, high, steps)


@st.cache_data(max_entries=64, show_spinner=False)
def run_optimizer(
    key: tuple,
    _model,
    theta0: tuple,
    name: str,
    settings: tuple,
    lr,
    steps: int,
    batch_size: int | None,
    seed: int,
) -> gdlab.Trace:
    """One optimizer's run; `settings` are its hyperparameters, `lr` a float or a schedule."""
    optimizer = OPTIMIZERS[name](*settings)
    return gdlab.descend(
        _model.problem,
        np.array(theta0),
        lr,
        steps,
        optimizer=optimizer,
        batch_size=batch_size,
        seed=seed,
    )

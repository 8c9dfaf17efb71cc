"""Shareable links: the page's controls as URL query parameters, and back.

A value that does not parse or is out of range is dropped with a notice saying what was wrong
and what is used instead, so a mangled link still opens a working page. A notice quotes the
link's own text only as a short excerpt: anyone can write a link, and a 100 kB parameter name
must not come back whole. Notices are plain text; the page escapes them before showing them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from gdlab.data import DEFAULT_DATASET, list_datasets
from gdlab.expressions import MAX_LENGTH
from gdlab.models.linear import COSTS, SCALINGS
from gdlab.models.network import ACTIVATIONS, MAX_WIDTH
from gdlab.running.optimizers import OPTIMIZERS
from gdlab.teaching.cost_presets import PRESET_COSTS
from gdlab.teaching.curved_models import MODELS as CURVED_MODELS
from gdlab.teaching.presets import PRESETS_BY_KEY
from page.controls import LR_MAX, LR_MIN, MAX_PAGE_STEPS

SOURCES = ("builtin", "synthetic", "upload")
SECTIONS = (
    "step", "compare", "sweep", "range", "regimes", "optimizers", "derivatives", "custom",
    "mistakes", "beyond",
)  # fmt: skip
MAX_COMPARE = 8
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
PRESET_COST_NAMES = tuple(PRESET_COSTS)
SCHEDULE_NAMES = ("constant", "step", "exponential", "inverse_time", "cosine", "warmup")
MAX_ECHO = 40  # characters of a link's own text quoted back in a notice


class Tidied(NamedTuple):
    """A value a parser accepted after changing it, and what it changed (for the notice)."""

    value: object
    change: str


@dataclass(frozen=True)
class LinkField:
    parse: Callable[[str], object]  # raises ValueError with the allowed values, or returns Tidied
    default: object


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"one of {', '.join(options)}")
        return text

    return parse


def _number(low: float, high: float, integer: bool = False) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        allowed = f"{'a whole number' if integer else 'a number'} from {low:g} to {high:g}"
        try:
            value = float(text)
        except ValueError:
            raise ValueError(allowed) from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(allowed)
        if integer:
            if value != int(value):
                raise ValueError(allowed)
            return int(value)
        return value

    return parse


def _numbers(low: float, high: float, max_count: int) -> Callable[[str], tuple[float, ...]]:
    one = _number(low, high)

    def parse(text: str) -> tuple[float, ...]:
        parts = [p for p in text.split(",") if p.strip()]
        if not 1 <= len(parts) <= max_count:
            raise ValueError(f"1 to {max_count} comma-separated numbers from {low:g} to {high:g}")
        return tuple(float(one(p.strip())) for p in parts)

    return parse


def _choices(*options: str) -> Callable[[str], tuple[str, ...] | Tidied]:
    def parse(text: str) -> tuple[str, ...] | Tidied:
        names = tuple(p.strip() for p in text.split(",") if p.strip())
        if not names or any(name not in options for name in names):
            raise ValueError(f"a comma-separated list of {', '.join(options)}")
        once = tuple(dict.fromkeys(names))  # each option at most once, first mention first
        if once != names:
            repeated = [name for name in once if names.count(name) > 1]
            return Tidied(once, f"lists {', '.join(repeated)} more than once; using {_show(once)}")
        return names

    return parse


def _text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:  # checked by the page's own (safe) parser when used
        if not 0 < len(text) <= max_length:
            raise ValueError(f"a formula of 1 to {max_length} characters")
        return text

    return parse


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("0 or 1")
    return text == "1"


FIELDS: dict[str, LinkField] = {
    "source": LinkField(_choice(*SOURCES), "builtin"),
    "dataset": LinkField(_choice(*(info.name for info in list_datasets())), DEFAULT_DATASET),
    "n": LinkField(_number(2, 10_000, integer=True), 50),
    "seed": LinkField(_number(0, 2**31 - 1, integer=True), 0),
    "slope": LinkField(_number(-100, 100), 2.0),
    "intercept": LinkField(_number(-100, 100), 1.0),
    "noise": LinkField(_number(0, 100), 1.0),
    "params": LinkField(_number(1, 2, integer=True), 1),
    "scaling": LinkField(_choice(*SCALINGS), "none"),
    "cost": LinkField(_choice(*COSTS), "mse"),
    # θ₀'s range depends on the data; the page checks it once the data are known.
    "theta0": LinkField(_numbers(-1e12, 1e12, 2), (0.0,)),
    "lr": LinkField(_number(LR_MIN, LR_MAX), 0.001),
    "steps": LinkField(_number(1, MAX_PAGE_STEPS, integer=True), 50),
    "k": LinkField(_number(0, MAX_PAGE_STEPS, integer=True), 0),
    "log": LinkField(_flag, True),
    "predict": LinkField(_flag, False),
    "compare": LinkField(_numbers(LR_MIN, LR_MAX, MAX_COMPARE), ()),
    "preset": LinkField(_choice(*PRESETS_BY_KEY), ""),
    # the sections' own controls
    "sweep_low": LinkField(_number(1e-6, 10), 1e-3),
    "sweep_high": LinkField(_number(1e-6, 10), 1.5),
    "sweep_count": LinkField(_number(10, 200, integer=True), 100),
    "sweep_steps": LinkField(_number(10, MAX_PAGE_STEPS, integer=True), 1000),
    "range_low": LinkField(_number(1e-9, 1), 1e-7),
    "range_high": LinkField(_number(1e-6, 1e3), 10.0),
    "range_steps": LinkField(_number(10, 1000, integer=True), 100),
    "race": LinkField(_choices(*OPTIMIZER_NAMES), ("gd", "momentum", "adam")),
    **{f"race_lr_{name}": LinkField(_number(1e-8, 100), None) for name in OPTIMIZER_NAMES},
    "race_mu": LinkField(_number(0, 0.99), 0.9),
    "schedule": LinkField(_choice(*SCHEDULE_NAMES), "constant"),
    "batch": LinkField(_number(1, 100_000, integer=True), None),
    "shuffle": LinkField(_number(0, 2**31 - 1, integer=True), 0),
    "formula_preset": LinkField(_choice(*PRESET_COST_NAMES, "your own"), "two minima"),
    "formula": LinkField(_text(MAX_LENGTH), None),
    "formula_params": LinkField(_number(1, 2, integer=True), None),
    "formula_theta0": LinkField(_numbers(-1e6, 1e6, 2), None),
    "formula_lr": LinkField(_number(1e-8, 100), None),
    "formula_steps": LinkField(_number(1, 2000, integer=True), 200),
    "formula_optimizer": LinkField(_choice(*OPTIMIZER_NAMES), "gd"),
    "beyond_model": LinkField(_choice(*CURVED_MODELS), "network_pressure"),
    "beyond_width": LinkField(_number(1, MAX_WIDTH, integer=True), 16),
    "beyond_act": LinkField(_choice(*ACTIVATIONS), "tanh"),
    "beyond_lr": LinkField(_number(LR_MIN, LR_MAX), 0.05),
    "beyond_steps": LinkField(_number(1, MAX_PAGE_STEPS, integer=True), 1000),
    "beyond_seed": LinkField(_number(0, 2**31 - 1, integer=True), 0),
    "beyond_k": LinkField(_number(0, MAX_PAGE_STEPS, integer=True), 0),
    "beyond_sweep": LinkField(_flag, False),
    "section": LinkField(_choice(*SECTIONS), "step"),
    "present": LinkField(_flag, False),  # presentation mode, for a teacher's shared link
}


def read_link(query: Mapping[str, str]) -> tuple[dict[str, object], tuple[str, ...]]:
    """The valid values in a URL's query, and a notice for each value that was not."""
    values: dict[str, object] = {}
    notices = []
    for name, text in query.items():
        field = FIELDS.get(name)
        if field is None:
            notices.append(f"Ignored the unknown link parameter '{_echo(name)}'.")
            continue
        try:
            value = field.parse(str(text).strip())
        except ValueError as allowed:
            notices.append(
                f"The link's {name}='{_echo(text)}' is not {allowed}; "
                f"using the default, {_show(field.default)}."
            )
            continue
        if isinstance(value, Tidied):
            notices.append(f"The link's {name}='{_echo(text)}' {value.change}.")
            value = value.value
        values[name] = value
    return values, tuple(notices)


def _echo(text: object) -> str:
    """At most MAX_ECHO characters of a link's text, on one line, with "…" where it was cut."""
    flat = "".join(c if c.isprintable() else " " for c in str(text)[: MAX_ECHO + 1])
    return flat if len(flat) <= MAX_ECHO else flat[: MAX_ECHO - 1] + "…"


def write_link(values: Mapping[str, object]) -> dict[str, str]:
    """Query parameters for the values that differ from their defaults (short links)."""
    query = {}
    for name, value in values.items():
        field = FIELDS[name]
        if value == field.default:
            continue
        query[name] = _show(value)
    return query


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(_show(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)

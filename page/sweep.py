"""Sweep: final cost and steps to a tolerance against α, with the theory's rates marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gdlab import figures
from gdlab.running.sweep import MAX_RATES
from gdlab.teaching import lessons
from page import compute
from page.charts import CHART_CONFIG, download
from page.compute import Model
from page.controls import LR_MAX, LR_MIN, MAX_PAGE_STEPS, fmt
from page.state import defaults

STATUS_WORDS = {"converged": "converged", "diverged": "diverged", "max_steps": "not converged yet"}


def sweep_section(model_key: tuple, model: Model, theta0: tuple) -> None:
    theory = model.theory
    crit = theory.critical_lr
    c1, c2, c3, c4 = st.columns(4)
    defaults(sweep_low=1e-3, sweep_high=1.5, sweep_count=100, sweep_steps=1000)
    low_x = c1.number_input("from (× α_crit)", 1e-6, 10.0, format="%.0e", key="sweep_low")
    high_x = c2.number_input("to (× α_crit)", 1e-6, 10.0, format="%.2f", key="sweep_high")
    count = c3.slider("rates", 10, 200, key="sweep_count")
    steps = c4.slider("steps each", 10, MAX_PAGE_STEPS, key="sweep_steps")
    if not low_x < high_x:
        st.error("The sweep's lower end must be below its upper end; swap them or widen the range.")
        return
    low, high = max(low_x * crit, LR_MIN / 10), min(high_x * crit, LR_MAX * 10)
    bar = st.progress(0.0, text="Sweeping…")

    def progress(k: int, total: int) -> None:
        bar.progress(k / total, text=f"Sweeping {count} rates: step {k:,} of {total:,}")

    result = compute.run_sweep(
        model_key, model, theta0, low, high, min(count, MAX_RATES), steps, progress=progress
    )
    bar.empty()
    st.plotly_chart(
        figures.sweep_figure(result, theory, model.problem.min_cost),
        config=CHART_CONFIG,
        key="sweep_chart",
    )
    st.plotly_chart(
        figures.contraction_figure(result, theory), config=CHART_CONFIG, key="contraction_chart"
    )
    rows = []
    for name, rate in (
        ("1/λ_max", theory.one_step_lr),
        ("α*", theory.optimal_lr),
        ("α_crit", crit),
    ):
        nearest = int(np.argmin(np.abs(np.log(result.lrs / rate))))
        measured = result.distance_ratio[nearest]
        rows.append({
            "rate": name, "α": fmt(rate), "predicted contraction": fmt(theory.contraction(rate)),
            "nearest swept α": fmt(result.lrs[nearest]),
            "measured there": fmt(measured) if np.isfinite(measured) else "—",
            "its status": STATUS_WORDS.get(str(result.statuses[nearest]), "—"),
        })  # fmt: skip
    # A static table: it wraps its cells in the column's width instead of scrolling its last
    # column out of sight on a projector (and the screen checks can read its text).
    st.table(pd.DataFrame(rows).set_index("rate"))
    st.caption(lessons.SWEEP_CONTRACTION)
    download(result.to_frame(), "Download the sweep as CSV", "gdlab-sweep.csv", "download_sweep")

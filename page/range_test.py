"""Range test: the learning-rate range test of deep-learning practice against the exact rates."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gdlab import figures
from gdlab.teaching import lessons
from page import compute
from page.charts import CHART_CONFIG, download
from page.compute import Model
from page.controls import fmt
from page.state import defaults


def range_test_section(model_key: tuple, model: Model, theta0: tuple) -> None:
    st.markdown(lessons.RANGE_TEST)
    c1, c2, c3 = st.columns(3)
    defaults(range_low=1e-7, range_high=10.0, range_steps=100)
    low = c1.number_input("from α", 1e-9, 1.0, format="%.0e", key="range_low")
    high = c2.number_input("to α", 1e-6, 1e3, format="%.0e", key="range_high")
    steps = c3.slider("steps", 10, 1000, key="range_steps")
    if not low < high:
        st.error("'from α' must be below 'to α'.")
        return
    result = compute.run_range_test(model_key, model, theta0, low, high, steps)
    if result.steepest_lr is None:  # not one finite step: no curve, nothing to suggest
        st.warning(result.message)
        return
    theory = model.theory
    st.plotly_chart(
        figures.range_test_figure(result, theory), config=CHART_CONFIG, key="range_chart"
    )
    rows = [
        {"rate": "suggested: steepest fall", "α": fmt(result.steepest_lr),
         "÷ α_crit": fmt(result.steepest_lr / theory.critical_lr, 3)},
        {"rate": "suggested: lowest J ÷ 10", "α": fmt(result.valley_lr),
         "÷ α_crit": fmt(result.valley_lr / theory.critical_lr, 3)},
        {"rate": "exact: best fixed rate α*", "α": fmt(theory.optimal_lr),
         "÷ α_crit": fmt(theory.optimal_lr / theory.critical_lr, 3)},
        {"rate": "exact: α_crit = 2/λ_max", "α": fmt(theory.critical_lr), "÷ α_crit": "1"},
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    stop = (
        result.message
        if result.stopped_at is not None
        else "The cost never blew up in this range: widen 'to α'."
    )
    st.caption(stop)
    download(
        result.to_frame(),
        "Download the range test as CSV",
        "gdlab-range-test.csv",
        "download_range",
    )

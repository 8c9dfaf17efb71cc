"""Compare rates: several α side by side, their cost histories and paths under one step slider."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gdlab import figures
from page import compute
from page.charts import CHART_CONFIG, download
from page.compute import Model
from page.controls import fmt
from page.links import FIELDS, MAX_COMPARE

# One rate per regime, as multiples m of α_crit: the steepest direction's error is multiplied by
# 1 − 2m per step, and no two of these share its size |1 − 2m| (0.1 and 0.9 would: ×0.8 and
# ×−0.8 draw one J − J* line). 0.02 (×0.96) is still far off after the default 50 steps (too
# slow); 0.25 (×0.5) converges smoothly; 0.5 is 1/λ_max, the one-step rate (α* too, with one
# parameter); 0.85 (×−0.7) overshoots every step yet converges; 1.05 (×−1.1) diverges.
MULTIPLES = (0.02, 0.25, 0.5, 0.85, 1.05)
MULTIPLES_TEXT = " / ".join(f"{m:g}" for m in MULTIPLES) + " × α_crit"


def compare_rates(model_key: tuple, model: Model, theta0: tuple, steps: int) -> tuple:
    """Overlay several rates; returns the rates used (for the link)."""
    crit = model.theory.critical_lr

    def use_multiples() -> None:
        st.session_state["compare_rates"] = ", ".join(f"{m * crit:.4g}" for m in MULTIPLES)

    left, right = st.columns([3, 2], vertical_alignment="bottom")
    text = left.text_input(
        f"Rates to compare (up to {MAX_COMPARE}, separated by commas)",
        key="compare_rates",
        placeholder="for example 0.001, 0.003, 0.0039",
        help=f"Leave empty for {MULTIPLES_TEXT}: one rate for each regime.",
    )
    right.button(MULTIPLES_TEXT, on_click=use_multiples, key="compare_multiples")
    rates = tuple(m * crit for m in MULTIPLES)
    if text.strip():
        try:
            rates = tuple(FIELDS["compare"].parse(text.replace(" ", "")))
        except ValueError as allowed:
            st.error(
                f"Could not read the rates {text[:60]!r}: type {allowed}. "
                "Showing multiples of α_crit meanwhile."
            )
    runs = [compute.run_descent(model_key, model, theta0, lr, steps) for lr in rates]
    labels = [f"α = {fmt(lr, 3)}: {run.verdict.kind}" for lr, run in zip(rates, runs, strict=True)]
    traces = [run.trace for run in runs]
    st.plotly_chart(
        figures.compare_history_figure(traces, labels, model.problem.min_cost),
        config=CHART_CONFIG,
        key="compare_history",
    )
    # The history shows how fast each error shrinks, not its sign: this shows the overshoots.
    st.plotly_chart(
        figures.signed_error_figure(model.problem, traces, labels),
        config=CHART_CONFIG,
        key="compare_signed_error",
    )
    longest = max(trace.n_steps for trace in traces)
    k = st.slider("Step k (all rates)", 0, max(longest, 1), key="compare_k")
    view = figures.parameter_view(model.problem, traces[int(np.argmin([t.cost for t in traces]))])
    st.plotly_chart(
        figures.paths_figure(model.problem, traces, labels, k, view),
        config=CHART_CONFIG,
        key="compare_paths",
    )
    for lr, run in zip(rates, runs, strict=True):
        st.markdown(f"- **α = {fmt(lr)}** ({lr / crit:.2f} × α_crit): {run.verdict.headline}")
    frames = [run.trace.to_frame() for run in runs]
    download(
        pd.concat(frames, ignore_index=True),
        "Download these runs as CSV",
        "gdlab-compare.csv",
        "download_compare",
    )
    return rates if text.strip() else ()

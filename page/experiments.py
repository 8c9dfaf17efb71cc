"""Which α, and why: rates side by side, a sweep, the range test and the regimes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gdlab import figures, lab_figures
from gdlab.controls import LR_MAX, LR_MIN, MAX_PAGE_STEPS, fmt
from gdlab.links import FIELDS, MAX_COMPARE
from gdlab.sweep import MAX_RATES
from page import compute
from page.compute import Model, Run
from page.inspector import CHART_CONFIG
from page.state import defaults

MULTIPLES = (0.1, 0.5, 0.9, 1.0, 1.1)


def _download(frame: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    st.download_button(
        label,
        data=lambda: frame.to_csv(index=False, float_format="%.17g"),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


# -- compare rates side by side ------------------------------------------------------------------


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
        help="Leave empty for 0.1, 0.5, 0.9, 1.0 and 1.1 × α_crit.",
    )
    right.button(
        "0.1 / 0.5 / 0.9 / 1.0 / 1.1 × α_crit", on_click=use_multiples, key="compare_multiples"
    )
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
    labels = [f"α = {lr:.3g}: {run.verdict.kind}" for lr, run in zip(rates, runs, strict=True)]
    traces = [run.trace for run in runs]
    st.plotly_chart(
        lab_figures.compare_history_figure(traces, labels, model.problem.min_cost),
        config=CHART_CONFIG,
        key="compare_history",
    )
    longest = max(trace.n_steps for trace in traces)
    k = st.slider("Step k (all rates)", 0, max(longest, 1), key="compare_k")
    view = figures.parameter_view(model.problem, traces[int(np.argmin([t.cost for t in traces]))])
    st.plotly_chart(
        lab_figures.paths_figure(model.problem, traces, labels, k, view),
        config=CHART_CONFIG,
        key="compare_paths",
    )
    for lr, run in zip(rates, runs, strict=True):
        st.markdown(f"- **α = {lr:.4g}** ({lr / crit:.2f} × α_crit): {run.verdict.headline}")
    frames = [run.trace.to_frame() for run in runs]
    _download(
        pd.concat(frames, ignore_index=True),
        "Download these runs as CSV",
        "gdlab-compare.csv",
        "download_compare",
    )
    return rates if text.strip() else ()


# -- sweep ---------------------------------------------------------------------------------------


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
        lab_figures.sweep_figure(result, theory, model.problem.min_cost),
        config=CHART_CONFIG,
        key="sweep_chart",
    )
    st.plotly_chart(
        lab_figures.contraction_figure(result, theory), config=CHART_CONFIG, key="contraction_chart"
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
            "its status": result.statuses[nearest],
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption(
        "Predicted contraction: max|1 − αλᵢ| over the Hessian's eigenvalues. Measured: "
        "the geometric mean of ‖θₖ − θ*‖/‖θₖ₋₁ − θ*‖ over each run's last 10 steps."
    )
    _download(result.to_frame(), "Download the sweep as CSV", "gdlab-sweep.csv", "download_sweep")


# -- range test ----------------------------------------------------------------------------------


def range_test_section(model_key: tuple, model: Model, theta0: tuple) -> None:
    st.markdown(
        "The **learning-rate range test** of deep-learning practice: start tiny, multiply α "
        "each step, watch the loss, stop when it blows up, and pick a rate from the curve. "
        "Here the right answer is known exactly, so you can see how well the rule of thumb does."
    )
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
        lab_figures.range_test_figure(result, theory), config=CHART_CONFIG, key="range_chart"
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
    _download(
        result.to_frame(),
        "Download the range test as CSV",
        "gdlab-range-test.csv",
        "download_range",
    )


# -- regimes -------------------------------------------------------------------------------------


def regimes_section(model: Model, run: Run, lr: float) -> None:
    theory = model.theory
    st.markdown(
        f"Each step multiplies the error along the steepest direction by 1 − αλ_max = "
        f"**{1 - lr * theory.lambda_max:.3g}** and along the flattest by 1 − αλ_min = "
        f"**{1 - lr * theory.lambda_min:.3g}**. A factor between 0 and 1 shrinks smoothly, "
        "between −1 and 0 flips sides while shrinking, below −1 grows."
    )
    left, right = st.columns(2)
    left.plotly_chart(
        lab_figures.cost_ratio_figure(model.problem, run.trace, theory, lr),
        config=CHART_CONFIG,
        key="ratio_chart",
    )
    if model.problem.n_params == 1:
        view = figures.parameter_view(model.problem, run.trace)
        right.plotly_chart(
            lab_figures.cobweb_figure(model.problem, run.trace, lr, view),
            config=CHART_CONFIG,
            key="cobweb_chart",
        )
        right.caption(
            "A map slope between −1 and 1 pulls the path into the fixed point θ*; "
            "a negative slope makes it spiral, a slope below −1 throws it out."
        )
    else:
        right.markdown(
            f"Condition number κ = λ_max/λ_min = **{fmt(theory.condition_number)}**. "
            f"At the best fixed rate α* = {fmt(theory.optimal_lr)} both directions shrink "
            f"×(κ − 1)/(κ + 1) = {fmt(theory.contraction(theory.optimal_lr))} per step. "
            "Switch to one parameter for the cobweb view."
        )

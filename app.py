"""gdlab: pick data, an initial θ and a learning rate α; watch gradient descent step by step.

A thin page over the `gdlab` package: widgets (page/sidebar.py) → cached core results
(page/compute.py) → pure figure builders (gdlab/figures/), one module per section (page/).
Run it with `streamlit run app.py`.
"""

from __future__ import annotations

import streamlit as st

from page import (
    animation,
    beyond,
    compare,
    compute,
    derivative_lab,
    ghosts,
    mistakes,
    own_cost,
    predict,
    presentation,
    race,
    range_test,
    regimes,
    sidebar,
    state,
    step_by_step,
    style,
    summary,
    sweep,
)

SECTIONS = {
    "step": "Step by step",
    "compare": "Compare rates",
    "sweep": "Sweep",
    "range": "Range test",
    "regimes": "Regimes",
    "optimizers": "Optimizers",
    "derivatives": "Derivative lab",
    "custom": "Your own cost",
    "mistakes": "The derivation's mistakes",
    "beyond": "Beyond quadratics",
}

OWN_RUNS = ("custom", "beyond")  # sections with runs of their own, not the sidebar's
OWN_RUN_NOTE = (
    "This section sets its own cost, start and α. The controls below are the other "
    "sections' straight-line model; they keep their values."
)


def main() -> None:
    st.set_page_config(
        page_title="gdlab: learning rates in gradient descent", page_icon="📉", layout="wide"
    )
    state.read_url_once()
    presenting = presentation.is_on()
    style.apply(presenting)
    own_run = st.session_state.get("section") in OWN_RUNS  # a link or a click may have set it
    if presenting and own_run:  # its α is in the section: the sidebar's stays hidden with it
        bar = None
        presentation.switch(st.container(key="present_bar"))
    elif presenting:  # α and the presets at the top of the main area; the sidebar is hidden
        bar = presentation.bar()
    else:
        bar = None
        presentation.switch(st.sidebar)
        st.title("How the learning rate steers gradient descent")
        st.caption(
            "Each step moves θ against the slope of the cost: θ ← θ − α·J′(θ). "
            "Pick data, a start and α in the sidebar; step through the run below."
        )

    if own_run and not presenting:
        st.sidebar.info(OWN_RUN_NOTE)
    settings = sidebar.choose_settings(bar.presets if bar else None)
    try:
        model = compute.build_model(
            settings.data_key, settings.dataset, settings.params, settings.scaling, settings.cost
        )
    except ValueError as error:  # data too extreme for floating point: say so, keep the page
        st.error(str(error))
        return
    if model.theory.lambda_max == 0:
        st.warning(
            "The cost does not depend on θ here (x is all zeros): there is nothing to "
            "learn. Choose another x column or the two-parameter model."
        )
        return
    theta0 = sidebar.choose_start(model.problem)
    lr, steps = sidebar.choose_rate(model.theory, bar.rate if bar else None)
    run = compute.run_descent(settings.model_key, model, theta0, lr, steps)

    state.show_notices()
    preset = sidebar.active_preset(lr)
    st.session_state.setdefault("section", "step")  # a link may have set it already
    if not presenting:
        predict.enabled()  # presenting, its switch sits with the section buttons below
    predicting = bool(st.session_state.get("predict"))
    section = st.session_state["section"] if presenting else choose_section()
    if predicting and section not in OWN_RUNS:
        question = (settings.data_key, settings.model_key, theta0, lr, steps)
        if not predict.gate(question, model, run, lr):
            # The guess comes first: nothing below may give the answer away.
            if presenting:
                predict.enabled()
                choose_section(label_visibility="visible")
            state.write_url(theta0, (), section)
            return
    if preset is not None and not presenting:
        st.info(f"**Preset: {preset.title}.** {preset.notice}")
    if section not in OWN_RUNS:  # those have their own runs; this one is the sidebar's
        summary.show_verdict(run)
        if not presenting:  # presenting, the first screen is the verdict and the charts
            summary.show_metrics(model, run)
            summary.show_regime_bar(model, lr, steps)

    compared: tuple = ()
    if section == "compare":
        compared = compare.compare_rates(settings.model_key, model, theta0, steps)
    elif section == "sweep":
        sweep.sweep_section(settings.model_key, model, theta0)
    elif section == "range":
        range_test.range_test_section(settings.model_key, model, theta0)
    elif section == "regimes":
        regimes.regimes_section(settings.model_key, model, theta0, run, lr)
    elif section == "optimizers":
        race.race_section(settings.model_key, model, theta0, lr, steps)
    elif section == "custom":
        own_cost.custom_section()
    elif section == "mistakes":
        mistakes.mistakes_section(settings.model_key, model, theta0, lr, steps, settings.dataset)
    elif section == "beyond":
        beyond.beyond_section()
    elif section == "derivatives":
        derivative_lab.derivative_lab(model, run.trace, st.session_state.get("k", 0))
    else:
        ghost_runs = ghosts.remember((settings.model_key, theta0), lr, run)
        if not presenting:
            ghosts.controls()
        step_by_step.show_inspector(model, run, settings.dataset, ghost_runs, presenting)
        if presenting:
            ghosts.controls()
        animation.download_animation(model, run, settings.dataset.name, lr)
    if presenting:
        if preset is not None:
            st.info(f"**Preset: {preset.title}.** {preset.notice}")
        if section not in OWN_RUNS:
            summary.show_metrics(model, run)
            summary.show_regime_bar(model, lr, steps)
        predict.enabled()
        choose_section(label_visibility="visible")
    if section == "step":
        step_by_step.show_formulas(settings.cost, settings.params)
        step_by_step.show_table(run)
    state.write_url(theta0, compared, section)


def choose_section(label_visibility: str = "collapsed") -> str:
    return st.segmented_control(
        "Section",
        list(SECTIONS),
        format_func=SECTIONS.get,
        key="section",
        required=True,
        label_visibility=label_visibility,
    )


main()

"""The sidebar: presets, data, model, initial θ and learning rate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import gdlab
from gdlab.teaching.presets import PRESETS, PRESETS_BY_KEY
from page import compute, state
from page.controls import LR_GRID, LR_MAX, LR_MIN, MAX_PAGE_STEPS, fmt, format_rate, slider_range
from page.plain import excerpt, quote

MODELS = {1: "One parameter: ŷ = θx", 2: "Two parameters: ŷ = θ₀ + θ₁x"}
SCALING_NAMES = {"none": "none", "standardize": "standardize", "minmax": "min-max"}
COST_NAMES = {"mse": "MSE: (1/n)Σ(ŷ − y)²", "half_mse": "½·MSE: (1/2n)Σ(ŷ − y)²"}
DEFAULT_LR, DEFAULT_STEPS = 0.001, 50
MAX_MESSAGE_LENGTH = 2_000  # longer than any data message, whose quotes of the file are short


@dataclass(frozen=True)
class Settings:
    data_key: str
    dataset: gdlab.Dataset
    params: int
    scaling: str
    cost: str

    @property
    def model_key(self) -> tuple:
        return compute.model_key(self.data_key, self.params, self.scaling, self.cost)


def clamp_state(key: str, low: float, high: float, default: float) -> None:
    """Give a slider its value through session state, kept inside a range that changed with the
    data or model (a widget must not get both a default and a session-state value)."""
    value = st.session_state.get(key, default)
    st.session_state[key] = min(max(value, low), high)


# -- presets ------------------------------------------------------------------------------------


def apply_preset(key: str) -> None:
    """Set every control for a classroom scenario (a button callback: runs before the page)."""
    preset = PRESETS_BY_KEY[key]
    dataset = compute.builtin_dataset(preset.dataset)
    model = compute.build_model(
        f"builtin:{preset.dataset}", dataset, preset.params, preset.scaling, preset.cost
    )
    lr = min(max(preset.learning_rate(model.theory), LR_MIN), LR_MAX)
    for theta_key in [k for k in st.session_state if str(k).startswith("theta0_")]:
        del st.session_state[theta_key]
    st.session_state.update({
        "source": state.SOURCE_LABELS["builtin"], "dataset": preset.dataset,
        "params": preset.params, "scaling": preset.scaling, "cost": preset.cost,
        "steps": preset.steps, "lr": lr, "k": 0, "playing": False,
        "preset": (key, lr),
    })  # fmt: skip


def preset_buttons(row: DeltaGenerator | None = None) -> None:
    """The presets in the sidebar, or in a row of the main area (presentation mode)."""
    pending = st.session_state.pop("_preset_from_link", None)
    if pending:
        apply_preset(pending)
    where = row if row is not None else st.sidebar.expander("Classroom presets", expanded=False)
    for preset in PRESETS:
        where.button(
            preset.title,
            key=f"preset_{preset.key}",
            on_click=apply_preset,
            args=(preset.key,),
            width="content" if row is not None else "stretch",
        )


def active_preset(lr: float):
    """The preset whose settings are still all on screen, if any (it explains itself)."""
    applied = st.session_state.get("preset")
    if not applied:
        return None
    preset = PRESETS_BY_KEY[applied[0]]
    same = (
        st.session_state.get("source") == state.SOURCE_LABELS["builtin"]
        and st.session_state.get("dataset") == preset.dataset
        and st.session_state.get("params") == preset.params
        and st.session_state.get("scaling") == preset.scaling
        and st.session_state.get("cost") == preset.cost
        and lr == applied[1]
    )
    return preset if same else None


# -- data ---------------------------------------------------------------------------------------


def choose_data() -> tuple[str, gdlab.Dataset]:
    st.sidebar.header("Data")
    labels = list(state.SOURCE_LABELS.values())
    source = st.sidebar.radio("Source", labels, key="source", label_visibility="collapsed")
    if source == state.SOURCE_LABELS["synthetic"]:
        return synthetic_data()
    if source == state.SOURCE_LABELS["upload"]:
        chosen = upload_data()
        if chosen is not None:
            return chosen
    infos = {info.name: info for info in gdlab.list_datasets()}
    name = st.sidebar.selectbox(
        "Dataset",
        list(infos),
        key="dataset",
        format_func=lambda n: infos[n].title,
        disabled=source != state.SOURCE_LABELS["builtin"],
    )
    dataset = compute.builtin_dataset(name)
    st.sidebar.caption(
        f"{infos[name].description} **{dataset.x_label} → {dataset.y_label}**, n = {dataset.n}."
    )
    for note in dataset.notes:
        st.sidebar.caption(f"ⓘ {note}")
    return f"builtin:{name}", dataset


SYNTHETIC_DEFAULTS = {"syn_n": 50, "syn_seed": 0, "syn_slope": 2.0, "syn_intercept": 1.0,
                      "syn_noise": 1.0}  # fmt: skip


def synthetic_data() -> tuple[str, gdlab.Dataset]:
    for key, value in SYNTHETIC_DEFAULTS.items():  # through session state: a link may set them
        st.session_state.setdefault(key, value)
    left, right = st.sidebar.columns(2)
    n = left.number_input("n points", 2, 10_000, step=10, key="syn_n")
    seed = right.number_input("seed", 0, 2**31 - 1, key="syn_seed")
    slope = left.number_input("slope", -100.0, 100.0, step=0.5, key="syn_slope")
    intercept = right.number_input("intercept", -100.0, 100.0, step=0.5, key="syn_intercept")
    noise = st.sidebar.number_input(
        "noise (std of y around the line)", 0.0, 100.0, step=0.5, key="syn_noise"
    )
    dataset = compute.synthetic_dataset(
        int(n), float(slope), float(intercept), float(noise), int(seed)
    )
    st.sidebar.caption(f"y = {intercept:g} + {slope:g}·x + noise, x uniform in [0, 10].")
    return f"synthetic:{n}:{slope}:{intercept}:{noise}:{seed}", dataset


def upload_data() -> tuple[str, gdlab.Dataset] | None:
    """The uploaded CSV, or the last one that loaded if this one is bad (None: none loaded yet).

    Everything the file brings (its name, column names, cells in messages) is a visitor's text:
    shown as plain text, and cut to a short excerpt."""
    file = st.sidebar.file_uploader(
        "CSV file (comma, semicolon or tab; up to 5 MB)", type=["csv", "txt", "tsv"], key="upload"
    )
    if file is not None:
        content = file.getvalue()
        digest = hashlib.sha256(content).hexdigest()
        try:
            table = compute.uploaded_table(digest, content, file.name)
            columns = table.numeric_columns
            if len(columns) < 2:
                table.dataset()  # raises DataError: which columns are not numeric, and why
            for key in ("upload_x", "upload_y"):  # a new file may not have the old columns
                if st.session_state.get(key) not in columns:
                    st.session_state.pop(key, None)
            left, right = st.sidebar.columns(2)
            x = left.selectbox("x column", columns, index=0, key="upload_x", format_func=excerpt)
            y = right.selectbox(
                "y column",
                columns,
                index=min(1, len(columns) - 1),
                key="upload_y",
                format_func=excerpt,
            )
            dataset = table.dataset(x, y)
            st.session_state["last_upload"] = (compute.upload_key(digest, x, y), dataset)
        except gdlab.DataError as error:
            st.sidebar.error(quote(error, MAX_MESSAGE_LENGTH))
    last = st.session_state.get("last_upload")
    if last is None:
        st.sidebar.info("No CSV loaded yet: showing a built-in dataset meanwhile.")
        return None
    if file is None or last[1].name != file.name:
        st.sidebar.caption(f"Using **{quote(last[1].name)}**, the last file that loaded.")
    for note in last[1].notes:
        st.sidebar.warning(quote(note, MAX_MESSAGE_LENGTH))
    return last


def data_preview(dataset: gdlab.Dataset) -> None:
    with st.sidebar.expander(f"Preview: {dataset.n} rows"):
        st.dataframe(dataset.to_frame().head(8), hide_index=True, height=250)


# -- model, start and learning rate ---------------------------------------------------------------


def choose_model() -> tuple[int, str, str]:
    st.sidebar.header("Model")
    params = st.sidebar.radio("Parameters", list(MODELS), format_func=MODELS.get, key="params")
    scaling = st.sidebar.selectbox(
        "Feature scaling of x", list(SCALING_NAMES), format_func=SCALING_NAMES.get, key="scaling"
    )
    cost = st.sidebar.radio("Cost", list(COST_NAMES), format_func=COST_NAMES.get, key="cost")
    return params, scaling, cost


def choose_settings(presets: DeltaGenerator | None = None) -> Settings:
    preset_buttons(presets)
    data_key, dataset = choose_data()
    data_preview(dataset)
    params, scaling, cost = choose_model()
    return Settings(data_key, dataset, params, scaling, cost)


def choose_start(problem: gdlab.LinearRegression) -> tuple[float, ...]:
    st.sidebar.header("Initial θ")
    from_link = st.session_state.pop(state.THETA0_FROM_LINK, None)
    if from_link is not None and len(from_link) != problem.n_params:
        state.add_notice(
            f"The link's θ₀ has {len(from_link)} values but the model has "
            f"{problem.n_params} parameters; using 0."
        )
        from_link = None
    start = []
    for j, (name, (low, high)) in enumerate(
        zip(problem.param_names, problem.theta_bounds(), strict=True)
    ):
        lo, hi, step = slider_range(low, high)
        key = f"theta0_{name}"
        if from_link is not None:
            if lo <= from_link[j] <= hi:
                st.session_state[key] = from_link[j]
            else:
                state.add_notice(
                    f"The link's {name}₀ = {from_link[j]:g} is outside this "
                    f"chart's range [{lo:g}, {hi:g}]; using 0."
                )
                st.session_state.pop(key, None)
        clamp_state(key, lo, hi, min(max(0.0, lo), hi))
        start.append(
            st.sidebar.slider(f"start value of {name}", lo, hi, step=step, key=key, format="%g")
        )
    return tuple(float(v) for v in start)


def rate_control(theory: gdlab.LearningRateTheory, where: DeltaGenerator) -> float:
    """α on its log-scale slider with the thresholds beside it: in the sidebar, or (presentation
    mode) in the main area, slider and thresholds side by side."""
    current = st.session_state.setdefault("lr", DEFAULT_LR)
    # A preset or a link may ask for a rate between grid points: offer it as a stop of its own.
    options = LR_GRID if current in LR_GRID else tuple(sorted((*LR_GRID, current)))
    in_sidebar = where is st.sidebar
    slider, notes = (where, where) if in_sidebar else where.columns([3, 1.8])
    lr = slider.select_slider(
        "Learning rate α (log scale)", options, key="lr", format_func=format_rate
    )
    crit, one_step, best = (fmt(r) for r in (theory.critical_lr, theory.one_step_lr,
                                             theory.optimal_lr))  # fmt: skip
    if in_sidebar:
        notes.markdown(
            f"- diverges above α_crit = 2/λ_max = **{crit}**\n"
            f"- one-step rate 1/λ_max = {one_step}\n"
            f"- best fixed rate α* = {best}"
        )
    else:  # a narrower column beside the slider: the same facts in fewer words
        notes.markdown(
            f"- α_crit = 2/λ_max = **{crit}**\n- one-step 1/λ_max = {one_step}\n"
            f"- best fixed α* = {best}"
        )
    if theory.critical_lr < LR_GRID[0]:
        where.warning("α_crit is below the smallest α here: scale x to make the cost rounder.")
    return float(lr)


def choose_rate(
    theory: gdlab.LearningRateTheory, rate: DeltaGenerator | None = None
) -> tuple[float, int]:
    """α (in the sidebar, or where presentation mode puts it) and the number of steps."""
    st.sidebar.header("Learning rate")
    lr = rate_control(theory, rate if rate is not None else st.sidebar)
    clamp_state("steps", 1, MAX_PAGE_STEPS, DEFAULT_STEPS)
    steps = st.sidebar.slider(
        "Steps (at most)",
        1,
        MAX_PAGE_STEPS,
        key="steps",
        help=f"Up to {MAX_PAGE_STEPS:,} on this page, so a run stays quick to compute and to read.",
    )
    return lr, int(steps)

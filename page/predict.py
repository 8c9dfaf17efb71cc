"""Predict, then reveal: before the page shows what α does, the student commits to a guess.

While the mode is on, the verdict, the numbers, the regime bar, the preset's explanation and the
charts stay hidden until a guess is made for the current settings; then they appear with the
guess marked, and a running score. Guesses live in this session only; nothing is stored on the
server.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from gdlab.teaching.predictions import REGIMES, STEP_BANDS, Mark, mark, outcome, score
from page.compute import Model, Run
from page.controls import fmt

MARKS = "_prediction_marks"  # question → Mark, for this session


def enabled() -> bool:
    return st.toggle(
        "Predict, then reveal",
        key="predict",
        help="Guess what this α will do before the page shows it; a score counts your guesses.",
    )


def _question_id(question: tuple) -> str:
    return hashlib.sha256(repr(question).encode()).hexdigest()[:16]


def gate(question: tuple, model: Model, run: Run, lr: float) -> bool:
    """Whether the run's results may be shown: only once a guess for `question` is in."""
    marks: dict[str, Mark] = st.session_state.setdefault(MARKS, {})
    qid = _question_id(question)
    if qid not in marks:
        with st.form(key=f"prediction_{qid}", border=True):
            st.markdown(
                f"**What will α = {fmt(lr)} do?** Make your guess; the verdict and the charts "
                "appear when you reveal them."
            )
            regime = st.radio("It will be", REGIMES, index=None, horizontal=True)
            band = st.radio(
                "It gets within 1% of the minimum in", STEP_BANDS, index=None, horizontal=True
            )
            revealed = st.form_submit_button("Reveal", type="primary", key="reveal")
        if not revealed:
            return False
        if regime is None or band is None:
            st.warning("Choose both a regime and a number of steps, then reveal.")
            return False
        answer = outcome(run.trace, model.problem.min_cost, run.verdict.kind)
        marks[qid] = mark(regime, band, answer)
        st.rerun()  # again, without the form: the answer takes its place at the top
    right, total = score(marks.values())
    result = marks[qid]
    box = st.success if result.regime_right else st.warning
    box(f"{result.text} Score: {right} of {total} regimes guessed right.")
    return True

"""Predict, then reveal, on the page: nothing gives the answer away before the guess."""

from streamlit.testing.v1 import AppTest
from test_app import open_page


def _radio(at: AppTest, label: str):
    return next(r for r in at.radio if r.label == label)


def _guess(at: AppTest, regime: str, band: str) -> AppTest:
    _radio(at, "It will be").set_value(regime)
    _radio(at, "It gets within 1% of the minimum in").set_value(band)
    return at.button(key="reveal").click().run()


def test_a_link_opens_in_predict_mode_with_the_answer_hidden():
    at = open_page(predict="1", lr="0.005")
    assert not at.exception
    assert at.toggle(key="predict").value is True
    assert not at.get("plotly_chart"), "no chart before the guess"
    shown = " ".join(e.value for e in [*at.success, *at.info, *at.warning, *at.error])
    assert "diverg" not in shown.lower()
    assert any("What will α" in m.value for m in at.markdown)


def test_revealing_shows_the_verdict_the_mark_and_the_score():
    at = open_page(predict="1", lr="0.005")
    at = _guess(at, "smooth", "under 10")
    assert not at.exception
    assert at.get("plotly_chart"), "the charts appear once the guess is in"
    warnings = " ".join(w.value for w in at.warning)
    assert "you said smooth, it is diverging" in warnings
    assert "Score: 0 of 1" in warnings
    assert any("diverg" in e.value for e in at.error)  # the verdict itself
    # A new α is a new question: hidden again until guessed, and the score carries on.
    at.select_slider(key="lr").set_value(1e-5).run()
    assert not at.get("plotly_chart")
    at = _guess(at, "too slow", "more, or never")
    assert "Score: 1 of 2" in " ".join(e.value for e in [*at.success, *at.warning])


def test_a_guess_needs_both_parts():
    at = open_page(predict="1")
    _radio(at, "It will be").set_value("smooth")
    at = at.button(key="reveal").click().run()
    assert any("Choose both" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_switching_it_off_shows_everything_again():
    at = open_page(predict="1")
    at.toggle(key="predict").set_value(False).run()
    assert at.get("plotly_chart")
    assert "predict" not in at.query_params

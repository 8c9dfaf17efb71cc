"""Hostile links and formulas: what came from a visitor is shown as plain text, bounded.

Streamlit renders markdown and $…$ LaTeX in alerts, so a link's text shown raw would put a live
link, a fetched image or a drawn box on the project's own page. Each notice is checked as the
markdown the page sends: every ASCII punctuation mark in the visitor's part is backslash-escaped
(CommonMark then shows it literally), and the text reads back as the link had it.
"""

from __future__ import annotations

import string
import urllib.parse

import pytest
from playwright.sync_api import Browser
from test_app import assert_clean, open_page
from test_expressions import HOSTILE as HOSTILE_FORMULAS
from test_plain import read_back

from gdlab.expressions import ExpressionError, parse
from page.links import FIELDS, OPTIMIZER_NAMES, read_link
from page.own_cost import MAX_ERROR_LENGTH
from page.plain import WORD_JOINER
from page.state import MAX_NOTICE_LENGTH, MAX_NOTICES

INTRO = "**This link had values the page could not use.** "
HOSTILE = {
    "lr": "[click](https://evil.example)",
    "[x](https://evil.example)": "1",
    "x": "![p](https://t.example/p.png)",  # unknown: only its name is echoed
    "dataset": "![p](https://t.example/p.png)",
    "steps": r"$\rule{9cm}{9cm}$",
    "k": "*emphasis* __strong__ <b>html</b> `code`",
}
LITERAL = (*(text for text in HOSTILE.values() if text != "1"), "[x](https://evil.example)")


def link_notice(at) -> str:
    notices = [w.value for w in at.main.warning if w.value.startswith(INTRO)]
    assert len(notices) == 1, [w.value for w in at.main.warning]
    return notices[0][len(INTRO) :]


def unescaped_marks(markdown: str) -> list[str]:
    """ASCII punctuation that markdown would read as syntax: not preceded by a backslash."""
    marks, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            i += 2
            continue
        if markdown[i] in string.punctuation:
            marks.append(markdown[i])
        i += 1
    return marks


def test_a_hostile_link_is_echoed_as_plain_text():
    at = open_page(**HOSTILE)
    assert_clean(at)
    body = link_notice(at)
    assert unescaped_marks(body) == [], body
    assert "](" not in body.replace("\\]\\(", "") and "![" not in body.replace("\\!\\[", "")
    shown = read_back(body)
    assert "Ignored the unknown link parameter 'x'." in shown  # its value is not echoed
    for text in LITERAL:
        assert f"='{text}'" in shown or f"parameter '{text}'" in shown, (text, shown)


def test_a_huge_parameter_name_is_shown_as_a_short_excerpt():
    at = open_page(**{"[a](https://evil.example)" + "x" * 100_000: "1"})
    assert_clean(at)
    body = link_notice(at)
    assert len(body) < 200 and unescaped_marks(body) == []
    assert read_back(body).startswith("Ignored the unknown link parameter '[a](https")


def test_a_link_with_thousands_of_bad_parameters_gets_a_count():
    at = open_page(**{f"p{i}": "1" for i in range(900)})
    assert_clean(at)
    body = read_back(link_notice(at))
    assert body.count("Ignored the unknown link parameter") == MAX_NOTICES
    assert body.endswith(f"{900 - MAX_NOTICES:,} more link parameters could not be used either.")


def test_the_page_never_cuts_a_notice_of_its_own():
    # quote() bounds what it shows; the link's text in a notice is already cut much shorter.
    queries = [{name: "x" * 1000} for name in FIELDS]
    queries += [{"y" * 1000: "1"}, {"race": ",".join(OPTIMIZER_NAMES * 9)}]
    longest = max(len(n) for query in queries for n in read_link(query)[1])
    assert longest < MAX_NOTICE_LENGTH


def test_the_page_never_cuts_a_parser_message():
    longest = 0
    for text in [*HOSTILE_FORMULAS, "a" * 450, "f" * 300 + "(theta)", "2" + "x" * 400]:
        try:
            parse(text, ("theta0", "theta1"))
        except ExpressionError as error:
            longest = max(longest, len(str(error)))
    assert 100 < longest < MAX_ERROR_LENGTH


@pytest.mark.parametrize("race", ["gd,gd", "adam, adam", "adam,gd,adam"])
def test_a_repeated_optimizer_in_a_link_races_once(race):
    at = open_page(section="optimizers", race=race)
    assert_clean(at)
    kept = list(dict.fromkeys(name.strip() for name in race.split(",")))
    assert at.multiselect(key="race_optimizers").value == kept
    assert "more than once; using" in read_back(link_notice(at))
    at.multiselect(key="race_optimizers").set_value(["gd", "momentum"]).run()  # still usable
    assert_clean(at)


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ("__import__", "Unknown name '__import__'"),
        ("theta + [x](https://evil.example)", "Character '['"),
        ("theta + $x$", "Character '$'"),
        ("__" + "a" * 400 + "__", "Unknown name '__" + "a" * 37 + "…'"),
    ],
)
def test_a_parser_message_quoting_the_formula_is_plain_text(formula, shown):
    at = open_page(section="custom", formula=formula)
    assert not at.exception
    [error] = [e.value for e in at.main.error]
    intro = "**That formula cannot be used.** "
    assert error.startswith(intro)
    body = error[len(intro) :]
    assert unescaped_marks(body) == [], body
    assert shown in read_back(body)
    assert len(body) < 400
    assert at.code[0].value.startswith(formula)  # the formula itself, in a code block


@pytest.mark.browser
def test_a_hostile_link_draws_no_link_image_or_maths_in_the_browser(
    server: str, chromium: Browser
) -> None:
    import browser  # tests/browser.py; here so the other tests never start Playwright

    page = browser.open_page(chromium, f"{server}/?{urllib.parse.urlencode(HOSTILE)}")
    try:
        browser.wait_for_idle(page)
        notice = page.locator(browser.MAIN).locator("[data-testid=stAlert]", has_text="This link")
        notice.wait_for()
        browser.assert_no_exception(page)
        assert page.locator('a[href*="evil.example"]').count() == 0
        assert page.locator('img[src*="t.example"]').count() == 0
        assert notice.locator("a, img, .katex, em, code, b").count() == 0
        assert notice.locator("strong").all_inner_texts() == [
            "This link had values the page could not use."
        ]  # the page's own markdown still renders
        text = notice.inner_text().replace(WORD_JOINER, "")  # it keeps addresses unlinked
        for shown in LITERAL:
            assert shown in text, text
    finally:
        page.context.close()

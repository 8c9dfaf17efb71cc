"""Visitor text is shown literally: bounded, and nothing in it is rendered."""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdlab.plain_text import plain_label
from page.plain import WORD_JOINER, excerpt, quote


def unescape_markdown(text: str) -> str:
    """CommonMark's reading of a backslash followed by ASCII punctuation: the mark itself."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in string.punctuation:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_back(markdown: str) -> str:
    """What a reader sees: the escapes resolved, the invisible word joiners unseen."""
    return unescape_markdown(markdown).replace(WORD_JOINER, "")


def test_a_markdown_link_image_and_latex_are_escaped():
    hostile = "[click](https://evil.example) ![x](https://t.example/p.png) **b** $\\rule{9cm}{9cm}$"
    shown = quote(hostile, limit=500)
    assert "\\[click\\]\\(https\\:" in shown
    assert "\\$\\\\rule" in shown
    assert read_back(shown) == hostile


@pytest.mark.parametrize(
    "address",
    ["https://evil.example/p", "HTTP://evil.example", "www.evil.example", "me@evil.example"],
)
def test_a_bare_address_is_not_auto_linked(address):
    # remark-gfm links these in the parsed text, escapes or not (mdast-util-gfm-autolink-literal)
    protocol = re.compile(r"(https?:\/\/|www(?=\.))([-.\w]+)", re.IGNORECASE)
    email = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
    shown = unescape_markdown(quote(f"see {address} now"))
    assert not protocol.search(shown) and not email.search(shown), shown
    assert shown.replace(WORD_JOINER, "") == f"see {address} now"


@given(st.text(max_size=200))
def test_quote_reads_back_as_the_excerpt(text):
    assert read_back(quote(text, limit=80)) == excerpt(text, limit=80)


def test_an_echo_is_bounded_and_on_one_line():
    assert excerpt("x" * 100_000) == "x" * 59 + "…"
    assert excerpt("a\nb\tc") == "a b c"


def test_html_in_a_chart_label_is_drawn_as_text():
    assert plain_label('<a href="https://evil.example">x</a> & y') == (
        '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp; y'
    )
    assert len(plain_label("y" * 1000)) == 60

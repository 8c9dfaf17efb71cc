"""Text that came from a visitor (a link, an upload, a formula), made safe to show.

Streamlit renders markdown and `$…$` LaTeX in `st.warning`, `st.info`, `st.error`,
`st.markdown`, `st.caption` and widget labels, so a visitor's text would otherwise become live
links, fetched images, emphasis or drawn boxes on a public page. `quote` bounds the text (a
100 kB link parameter is shown as a short excerpt) and backslash-escapes every ASCII
punctuation character, which CommonMark then shows literally; `$` is escaped the same way so
no maths is typeset. Escapes do not stop GitHub-style autolinks, which Streamlit finds in the
text after parsing (`https://…`, `www.…`, `name@host.org`): an invisible word joiner (U+2060)
is put inside each such pattern instead.
"""

from __future__ import annotations

import re
import string

MAX_ECHO = 60
_ESCAPED = {ord(c): "\\" + c for c in string.punctuation}
WORD_JOINER = "\u2060"
# Where remark-gfm's autolink patterns, /(https?:\/\/|www(?=\.))…/i and /…@[-\w]+(\.…)+/,
# would match: right after "http:" or "https:", between "www" and ".", right after "@".
_AUTOLINK_BREAKS = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def excerpt(text: object, limit: int = MAX_ECHO) -> str:
    """At most `limit` characters of `text`, with "…" where it was cut; control characters
    (newlines included) become spaces so an excerpt stays on one line."""
    # Only the first limit + 1 characters are looked at: a 4 MB cell costs no more than a word.
    flat = "".join(" " if not c.isprintable() else c for c in str(text)[: limit + 1])
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quote(text: object, limit: int = MAX_ECHO) -> str:
    """A visitor's text as literal markdown: bounded by `excerpt`, every punctuation mark
    escaped and no address auto-linked, so it reads exactly as typed and nothing in it is
    rendered."""
    unlinked = _AUTOLINK_BREAKS.sub(WORD_JOINER, excerpt(text, limit))
    return unlinked.translate(_ESCAPED)

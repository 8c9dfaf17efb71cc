"""Labels that came from a visitor, made safe for plotly.

Plotly renders a subset of HTML in titles, axis titles, legends and annotations (`<a href>`,
`<b>`, `<br>`, `<img>` is dropped but `<a>` is live). A column name from an uploaded file is a
visitor's text, so it is shown with `<`, `>` and `&` written as entities, which plotly draws
as the characters themselves.
"""

from __future__ import annotations

MAX_LABEL = 60


def plain_label(text: object, limit: int = MAX_LABEL) -> str:
    """`text` as a plotly label that renders literally, at most `limit` characters."""
    flat = "".join(" " if not c.isprintable() else c for c in str(text))
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

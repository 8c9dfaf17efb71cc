"""The page's few layout rules that Streamlit's own options cannot express.

A classroom projector is often 1024×768: with the sidebar open, the main area is then about
680 px wide, too narrow for two charts side by side. Below 1100 px of viewport the chart rows
(containers keyed "charts…") stack their columns, so each chart gets the full width; above it,
a laptop's 1280 px shows two a row. The main area's side padding is narrowed from Streamlit's
5rem, which costs a fifth of a projector's width, and captions are darkened to pass WCAG AA.
"""

from __future__ import annotations

import streamlit as st

STACK_BELOW_PX = 1100

_CSS = f"""<style>
[data-testid=stMainBlockContainer] {{ padding-left: 1.5rem; padding-right: 1.5rem;
                                      padding-top: 2.5rem; }}
/* Captions: Streamlit fades them to 3.8:1 on the sidebar (WCAG AA asks 4.5:1). */
[data-testid=stCaptionContainer], [data-testid=stCaptionContainer] p {{ color: #4d4d4d !important;
                                                                        opacity: 1; }}
@media (max-width: {STACK_BELOW_PX}px) {{
  [class*="st-key-charts"] [data-testid=stHorizontalBlock] {{ flex-direction: column; }}
  [class*="st-key-charts"] [data-testid=stColumn] {{ width: 100% !important;
                                                    flex: 1 1 100% !important; }}
}}
</style>"""

# Presentation mode (page/presentation.py). The sidebar and the button that unfolds it are
# hidden rather than folded: Streamlit folds the sidebar only as the page first loads
# (st.set_page_config's initial_sidebar_state), and a visitor's own choice wins on reruns.
# Streamlit's top bar goes too: empty with the minimal toolbar, it is a transparent strip
# 64 px tall over the page, which a projector cannot spare. The verdict is set large, and α's
# label and value larger than Streamlit's 15 px.
_PRESENT_CSS = """<style>
[data-testid=stSidebar], [data-testid=stExpandSidebarButton],
[data-testid=stSidebarCollapsedControl], [data-testid=stHeader] { display: none !important; }
[data-testid=stMainBlockContainer] { padding-top: 1rem; }
.st-key-verdict [data-testid=stAlert] p { font-size: 1.4rem; line-height: 1.3; }
.st-key-present_bar [data-testid=stSlider] [data-testid=stWidgetLabel] p,
.st-key-present_bar [data-testid=stSliderThumbValue] { font-size: 1.1rem; }
</style>"""


def apply(presenting: bool = False) -> None:
    st.html(_CSS + (_PRESENT_CSS if presenting else ""))

"""What every section's charts and tables share: plotly's toolbar settings and the CSV
download button."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def download(frame: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    st.download_button(
        label,
        data=lambda: frame.to_csv(index=False, float_format="%.17g"),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


# plotly's toolbar shows at the top right of a chart on hover: with all its eight buttons
# (224 px) it covered the titles of half-width charts at 1280 px. Two are kept: the PNG for
# slides, and reset after a zoom (dragging zooms, double-clicking resets too).
CHART_CONFIG = {
    "displaylogo": False,
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

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


CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}

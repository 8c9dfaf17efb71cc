"""The Streamlit page's sections (the numerical work lives in the gdlab package)."""

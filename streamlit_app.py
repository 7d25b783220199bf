"""The digits page (built in a later issue)."""

import streamlit as st

st.title("digits")
st.write("Draw a digit: the page is coming soon. Meanwhile: `python scripts/predict.py FILE`.")

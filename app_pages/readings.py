"""What the Draw and Photo pages show for a number (or a digit in a photo): the number, the picture with a box
and the digit read over each part, and each digit's three likeliest readings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from PIL import Image

from digits.annotation import annotated
from digits.charts import probability_bars

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.recognition import NumberRecognition

MODES = ["Digit", "Number"]  # what the Draw and Photo pages read: one digit, or a whole number


def show_reading(reading: NumberRecognition, picture: Image.Image, label: str) -> None:
    """The number read as a metric called `label`, the picture with its boxes, and every digit's top 3 (of a
    single digit, the probability of each of the ten, as the Draw page shows them); first, that level lines were
    left out of it (NumberRecognition.without_level_lines), when they were."""
    if left_out := reading.level_lines_left_out:
        st.info(("A level line is" if left_out == 1 else f"{left_out} level lines are") + " left out of the number: "
                "a level line (a dash, or the first stroke of a 7 or a 5) is no digit.")
    least = min(d.confidence for d in reading.digits)
    st.metric(label, reading.text, delta=f"{least:.0%} sure" + (" of its least sure digit" if len(reading.digits) > 1
              else ""), delta_color="off", delta_arrow="off")
    one = len(reading.digits) == 1
    if reading.unsure and one:
        st.warning("Not sure of this digit (marked ?, in amber). Try writing it more plainly.")
    elif reading.unsure:
        places = ", ".join(str(i + 1) for i, d in enumerate(reading.digits) if d.unsure)
        st.warning(f"Not sure of digit {places} (marked ?, in amber). Try writing it more plainly or apart from "
                   "its neighbours.")
    st.image(annotated(picture, reading), caption="The digit's box, with the digit read over it" if one else
             "Each part it read, boxed, with the digit over it")
    if one:
        digit = reading.digits[0]
        st.vega_lite_chart(probability_bars(digit.probabilities, digit.digit), height=240)
        return
    rows = ["| | read | sure | also |", "|---|---|---|---|"]
    for place, digit in enumerate(reading.digits, start=1):
        also = ", ".join(f"{d} ({p:.0%})" for d, p in digit.top(3)[1:] if f"{p:.0%}" != "0%") or "–"  # no "(0%)"
        mark = " ⚠️ unsure" if digit.unsure else ""
        rows.append(f"| {place} | **{digit.digit}**{mark} | {digit.confidence:.0%} | {also} |")
    st.markdown("\n".join(rows))

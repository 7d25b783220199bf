"""The Draw page: draw a digit, see what the CNN reads, how sure it is, what it saw and what drove it."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from digits.charts import probability_bars
from digits.registry import ModelRegistry

from app_pages.resources import load_recognizer

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.recognition import Recognition, Recognizer


def enlarged(model_input: np.ndarray) -> Image.Image:
    """The 28x28 model input at 7x, with a faint grid, one cell per pixel the model saw."""
    pixels = np.kron((model_input * 255).astype(np.uint8), np.ones((7, 7), np.uint8))
    pixels[::7, :] = pixels[:, ::7] = 40
    return Image.fromarray(pixels)


def show_recognition(recognizer: Recognizer, result: Recognition, explain: bool) -> None:
    """The digit read, how sure, all ten probabilities, the 28x28 input and, with `explain`, its saliency."""
    st.metric("Prediction", result.digit, delta=f"{result.confidence:.0%} sure", delta_color="off", delta_arrow="off")
    if result.unsure:
        second = result.runner_up
        st.warning(f"Not sure: it could also be a **{second}** ({result.probabilities[second]:.0%}). "
                   "Try drawing it bigger or more plainly.")
    bars, seen = st.columns([1.4, 1])
    bars.vega_lite_chart(probability_bars(result.probabilities, result.digit), height=240)
    if explain:
        inspection = importlib.import_module("digits.inspection")
        heat = inspection.saliency(recognizer.model, result.model_input)
        seen.image(inspection.saliency_overlay(result.model_input, heat), width=196,
                   caption=f"Which pixels drove the {result.digit}: the brighter, the more")
    else:
        seen.image(enlarged(result.model_input), caption="What the model saw: 28x28, centred like MNIST", width=196)


registry = ModelRegistry()
model_path = registry.current_path()
st.caption("Draw a digit from 0 to 9 in the black square. A CNN trained on MNIST reads it after every stroke.")
drawing, answer = st.columns([1, 1.4], gap="large")
with drawing:
    st.write("")  # room for the canvas toolbar, which sits above the canvas
    canvas = st_canvas(
        stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
        height=280, width=280, drawing_mode="freedraw", return_image_data=True, key="canvas",
    )
    st.caption("Clear with the bin icon above the canvas; undo a stroke with the arrow.")
    explain = st.toggle("Show which pixels drove the answer", key="explain")
with answer:
    # The first visit waits here, under a spinner, for TensorFlow and the model; the canvas is up already.
    recognizer = load_recognizer(str(model_path), model_path.stat().st_mtime)
    image = canvas.image_data  # decoded from PNG on each access
    result = None if image is None else recognizer.recognize(image)
    if result is None:
        st.info("Draw a digit to see what the model reads.")
    else:
        show_recognition(recognizer, result, explain)

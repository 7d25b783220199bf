"""Bad input, fuzzed: arrays of any shape, dtype and value go into preprocessing, the recognizer (a drawing, a
number, a photo) and the corrections store. Each gives a result or None, or a ValueError of its own with a message;
nothing else escapes, no warning either (NumPy's RuntimeWarnings on NaN would otherwise pass in silence), and every
result is sane. The model is the shipped one, loaded once for the session (conftest's `shipped`)."""

import io
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import digits
from digits.corrections import Corrections
from digits.drawing import render
from digits.preprocessing import SIZE, to_mnist_input
from digits.recognition import NumberRecognition

DIGITS_CODE = Path(digits.__file__).parent

# The same examples on every run (derandomize), and no example database left in the working tree.
FUZZ = settings(deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PURE = settings(FUZZ, max_examples=200)  # preprocessing alone: about 2 ms an example
MODEL = settings(FUZZ, max_examples=50)  # through the model or the database: about 10-50 ms an example

# Every kind of dtype: the ones an image may have and the ones it may not.
DTYPES = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
                   hnp.floating_dtypes(sizes=(16, 32, 64)), hnp.complex_number_dtypes())
PIXEL_DTYPES = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
                         hnp.floating_dtypes(sizes=(16, 32, 64)))
SIDES = st.integers(0, 48)
SHAPES = st.one_of(
    hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=5),  # any layout at all
    st.tuples(SIDES, SIDES),  # grey
    st.tuples(SIDES, SIDES, st.integers(1, 5)),  # one to five channels
)
LAYOUTS = st.one_of(st.tuples(SIDES, SIDES), st.tuples(SIDES, SIDES, st.integers(1, 4)))  # grey to RGBA

# Anything at all: any dtype, any shape, any value the dtype holds (NaN, inf, extremes). Hypothesis fills most
# of a large array with one value and scatters others, which makes ink on a background.
ANYTHING = st.one_of(hnp.arrays(DTYPES, SHAPES), hnp.arrays(object, st.tuples(SIDES, SIDES), elements=st.one_of(
    st.none(), st.integers(), st.floats(), st.text(max_size=2))))
# Arrays an image may be, of any finite values: past the checks, into the arithmetic.
PICTURES = PIXEL_DTYPES.flatmap(lambda dtype: hnp.arrays(dtype, LAYOUTS, elements=hnp.from_dtype(
    dtype, allow_nan=False, allow_infinity=False)))


@st.composite
def drawings(draw: st.DrawFn) -> np.ndarray:
    """Pen strokes anywhere on a canvas of any size and aspect, in any layout and dtype an image may have."""
    height, width = draw(st.integers(1, 120)), draw(st.integers(1, 360))
    point = st.tuples(st.floats(0, 1), st.floats(0, 1))
    strokes = draw(st.lists(st.lists(point, min_size=1, max_size=5), min_size=1, max_size=6))
    extent, pen = draw(st.floats(1, max(height, width))), draw(st.floats(0.5, 30))
    centre = draw(st.floats(0, width)), draw(st.floats(0, height))
    ink = render(strokes, extent, centre, pen, max(height, width))[:height, :width, 3] / 255  # white on clear
    ink = 1 - ink if draw(st.booleans()) else ink  # or dark on light
    layout = draw(st.sampled_from(["grey", "one channel", "grey and alpha", "RGB", "RGBA", "alpha"]))
    pixels = {"grey": ink, "one channel": ink[..., None], "grey and alpha": np.dstack([ink, np.ones_like(ink)]),
              "RGB": np.dstack([ink] * 3), "RGBA": np.dstack([ink] * 3 + [np.ones_like(ink)]),
              "alpha": np.dstack([np.zeros((*ink.shape, 3)), ink])}[layout]
    dtype = draw(st.sampled_from([np.uint8, np.int64, np.uint16, np.float16, np.float32, np.float64, bool]))
    if dtype is bool:
        return pixels >= 0.5
    return pixels.astype(dtype) if np.dtype(dtype).kind == "f" else (pixels * 255).round().astype(dtype)


IMAGES = st.one_of(drawings(), PICTURES, ANYTHING)  # about a third each: refused, nothing drawn, a result

DOT = np.pad(np.ones((3, 3)), 10)  # a speck
STROKE = np.pad(np.ones((30, 4)), 10)  # a 1
SCATTERED = np.zeros((8, 47), np.int8)  # lone pixels, found by hypothesis: a one-pixel "mark" had no spread to measure
SCATTERED[[1, 1, 2, 2, 3], [0, 3, 0, 4, 2]] = [4, 39, 4, 4, 4]
# The named edge cases, tried on every run whatever hypothesis draws.
EDGE_CASES = [
    np.zeros((0, 0)), np.zeros((0, 5, 3), np.uint8), np.zeros((4, 0, 2)),  # empty
    np.array(0.5), np.ones((1, 1)), np.ones((1, 1, 4), np.uint8),  # 0-d, 1x1
    np.random.default_rng(0).random((10000, 3)), np.pad(np.ones((9000, 3)), ((500, 500), (0, 0))),  # 10000x3
    np.where(STROKE > 0, np.nan, 0.0), np.where(STROKE > 0, np.inf, 0.0), np.full((20, 20), -np.inf),  # not finite
    np.full((20, 20, 3), 1.7e308), np.full((20, 20), np.finfo(np.float16).max, np.float16),  # floats that overflow
    STROKE[..., None], np.stack([STROKE, STROKE], axis=2),  # one channel (H, W, 1); grey with alpha (H, W, 2)
    np.stack([np.zeros_like(STROKE), STROKE], axis=2),  # alpha only: the ink is what is opaque; RGBA, clear or not
    np.zeros((20, 20, 4), np.uint8), np.dstack([np.full((*STROKE.shape, 3), 255), STROKE * 255]).astype(np.uint8),
    STROKE > 0, (STROKE * 255).astype(np.int64), STROKE.astype(np.float16), DOT, SCATTERED,  # bool, int64, float16
    STROKE * 255 - 2**62, (STROKE * 2**62).astype(np.int64), (STROKE * 100).astype(np.int8),  # other integers
    STROKE + 0.5j, STROKE.astype(object), np.full((5, 5), None), np.full((5, 5), "x"),  # complex, objects, text
    np.zeros((2, 20, 20, 3)), np.zeros((20, 20, 5)), np.zeros((20, 20, 3), "datetime64[s]"),  # 4-d, 5 channels
]


def with_edge_cases(test: Callable) -> Callable:
    """The test with each of EDGE_CASES as an explicit example."""
    for image in EDGE_CASES:
        test = example(image)(test)
    return test


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What call(*args, **kwargs) returns, or None when it refuses the input with a ValueError raised by the
    digits code itself with a message. Any other exception, a ValueError leaked from a library, or any warning
    fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = call(*args, **kwargs)
        except ValueError as error:
            assert_refusal(error)
            event("refused")  # the mix of outcomes shows with --hypothesis-show-statistics
            return None
    event("nothing drawn" if result is None else "a result")
    return result


def assert_refusal(error: ValueError) -> None:
    """A ValueError raised on purpose: by code in the digits package, with a message of a few words."""
    message = str(error)
    assert message[:1].isalpha() and len(message.split()) >= 3, f"unclear message: {message!r}"
    raised_in = innermost(error.__traceback__).tb_frame.f_code.co_filename
    assert Path(raised_in).is_relative_to(DIGITS_CODE), f"{error!r} escaped from {raised_in}"


def innermost(traceback: TracebackType) -> TracebackType:
    """The frame of a traceback where the exception was raised."""
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback


def assert_model_input(model_input: np.ndarray) -> None:
    assert model_input.shape == (SIZE, SIZE) and model_input.dtype == np.float32
    assert np.isfinite(model_input).all() and 0.0 <= model_input.min() and model_input.max() <= 1.0


def assert_recognition(recognition: digits.Recognition) -> None:
    probabilities = recognition.probabilities
    assert probabilities.shape == (10,) and np.isfinite(probabilities).all() and probabilities.min() >= 0
    assert abs(probabilities.sum() - 1) < 1e-6
    assert 0 <= recognition.digit <= 9 and recognition.digit == probabilities.argmax()
    assert_model_input(recognition.model_input)


def assert_reading(reading: NumberRecognition, image: np.ndarray) -> None:
    """Digits read, each sane, each with a box inside the image."""
    assert reading.digits and len(reading.boxes) == len(reading.digits)
    for recognition, (left, top, right, bottom) in zip(reading.digits, reading.boxes):
        assert_recognition(recognition)
        assert 0 <= left < right <= image.shape[1] and 0 <= top < bottom <= image.shape[0]


@pytest.fixture(scope="module")
def corrections(tmp_path_factory) -> Corrections:
    return Corrections(tmp_path_factory.mktemp("fuzz") / "corrections.sqlite")


@PURE
@given(IMAGES)
@with_edge_cases
def test_preprocessing_takes_any_array(image):
    model_input = outcome(to_mnist_input, image)
    if model_input is not None:
        assert_model_input(model_input)


@MODEL
@given(IMAGES)
@with_edge_cases
def test_recognize_takes_any_array(shipped, image):
    recognition = outcome(shipped.recognize, image)
    if recognition is not None:
        assert_recognition(recognition)


@MODEL
@given(IMAGES)
@with_edge_cases
def test_recognize_number_takes_any_array(shipped, image):
    number = outcome(shipped.recognize_number, image)
    if number is not None:
        assert_reading(number, image)


@MODEL
@given(IMAGES)
@with_edge_cases
def test_recognize_photo_takes_any_array(shipped, image):
    photo = outcome(shipped.recognize_photo, image)
    if photo is not None:
        assert len(photo.digits) == 1
        assert_reading(photo, image)


@MODEL
@given(IMAGES)
@with_edge_cases
@example(STROKE * 1e300)  # a drawing in floats beyond float32's range: its PNG is clipped before the cast
def test_corrections_keep_any_drawing_or_refuse_it(corrections, image):
    correction_id = outcome(corrections.add, image, 7, predicted=1, probabilities=[0.1] * 10, session="fuzz")
    if correction_id is not None:
        kept = next(c for c in corrections.records() if c.id == correction_id)
        assert kept.label == 7 and kept.image.shape == (SIZE, SIZE) and kept.image.dtype == np.uint8
        canvas = Image.open(io.BytesIO(corrections.canvas_png(correction_id)))
        assert (canvas.height, canvas.width) == image.shape[:2]  # the drawing as drawn, at its size

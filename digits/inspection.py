"""What a model gets right and wrong on the MNIST test set, and which pixels drove one answer.

Reading the 10,000 test digits takes about 15 s on two cores, too slow for every run of a page, so
`inspection_for` does it once per model and keeps the result beside the model as NAME.inspection.npz:
the confusion matrix and every misread digit with what was read and the runner-up. The stored file
names the model file and the test set it was made from (their sha256), so a model saved again under
the same name, or another test set, gets a fresh inspection instead of a stale one.

`saliency` is per drawing and cheap: one gradient of the model, compiled once per model.
"""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO, Callable

import keras
import numpy as np
import tensorflow as tf

from digits.data import file_sha256
from digits.model import read_probabilities
from digits.registry import replaced_atomically

# Stored with each inspection; a file of another format version loads as None and is made again.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Inspection:
    """A model's answers on a test set: the confusion matrix and the digits it misread."""

    confusion: np.ndarray  # (10, 10) int64: rows the true digit, columns the digit read
    error_indices: np.ndarray  # (E,) int64: where each misread digit is in the test set, in test-set order
    error_images: np.ndarray  # (E, 28, 28) uint8: the misread digits
    error_labels: np.ndarray  # (E,) int64: the true digit
    error_read: np.ndarray  # (E,) int64: the digit read
    error_runner_up: np.ndarray  # (E,) int64: the second most probable digit
    error_read_probability: np.ndarray  # (E,) float32
    error_runner_up_probability: np.ndarray  # (E,) float32
    test_set_sha256: str  # of the test images and labels, as uint8

    @property
    def test_size(self) -> int:
        """How many test digits were read."""
        return int(self.confusion.sum())

    @property
    def test_accuracy(self) -> float:
        """The share of test digits read right."""
        return float(np.trace(self.confusion) / self.test_size)

    @property
    def per_digit_accuracy(self) -> np.ndarray:
        """For each digit 0-9, the share of its test images read right (NaN for a digit with none)."""
        with np.errstate(invalid="ignore"):
            return np.diag(self.confusion) / self.confusion.sum(axis=1)

    def scores(self) -> dict:
        """The scores a model's metadata keeps: test_accuracy, and per_digit_accuracy by digit ("0" to "9")."""
        return {"test_accuracy": self.test_accuracy,
                "per_digit_accuracy": {str(d): float(a) for d, a in enumerate(self.per_digit_accuracy)}}


def test_set_sha256(x_test: np.ndarray, y_test: np.ndarray) -> str:
    """The sha256 of test images and labels, both as uint8 (so the labels' dtype does not change it)."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(x_test, dtype=np.uint8))
    digest.update(np.ascontiguousarray(y_test, dtype=np.uint8))
    return digest.hexdigest()


def inspect_model(model: keras.Model, x_test: np.ndarray, y_test: np.ndarray) -> Inspection:
    """Read the uint8 test images (N, 28, 28) once and tally what the model got right and wrong."""
    probabilities = read_probabilities(model, x_test)
    # A stable sort puts the first of equal probabilities first, as argmax does.
    read, runner_up = np.argsort(-probabilities, axis=1, kind="stable")[:, :2].T
    labels = np.asarray(y_test, dtype=np.int64)
    confusion = np.bincount(labels * 10 + read, minlength=100).reshape(10, 10)
    errors = np.flatnonzero(read != labels)
    return Inspection(
        confusion=confusion,
        error_indices=errors,
        error_images=np.asarray(x_test[errors], dtype=np.uint8),
        error_labels=labels[errors],
        error_read=read[errors],
        error_runner_up=runner_up[errors],
        error_read_probability=probabilities[errors, read[errors]],
        error_runner_up_probability=probabilities[errors, runner_up[errors]],
        test_set_sha256=test_set_sha256(x_test, y_test),
    )


def inspection_path(model_path: str | os.PathLike) -> Path:
    """Where a model's inspection lives: NAME.inspection.npz beside NAME.keras."""
    return Path(model_path).with_suffix(".inspection.npz")


def save_inspection(inspection: Inspection, model_path: str | os.PathLike) -> Path:
    """Write the inspection beside the model, tagged with the model file's sha256; atomically."""
    path = inspection_path(model_path)
    with replaced_atomically(path) as file:
        write_inspection(inspection, file, Path(model_path))
    return path


def write_inspection(inspection: Inspection, file: BinaryIO, model_file: Path) -> None:
    """Write the inspection to an open file, tagged with the sha256 of `model_file`, its model's content."""
    arrays = {field.name: np.asarray(getattr(inspection, field.name)) for field in fields(Inspection)}
    arrays["model_sha256"] = np.asarray(file_sha256(model_file))
    arrays["format_version"] = np.asarray(FORMAT_VERSION)
    np.savez_compressed(file, **arrays)  # a file object, so NumPy adds no second .npz to the name


def load_inspection(model_path: str | os.PathLike) -> Inspection | None:
    """The inspection stored beside the model; None if there is none, it is unreadable, or it was made
    for another model file (one saved since under the same name)."""
    model_path = Path(model_path)
    try:
        # Opened here, not by np.load, which leaves its file open when the archive is truncated.
        with open(inspection_path(model_path), "rb") as file, np.load(file, allow_pickle=False) as archive:
            stored = {key: archive[key] for key in archive.files}
        if stored.pop("format_version") != FORMAT_VERSION or stored.pop("model_sha256") != file_sha256(model_path):
            return None
        stored["test_set_sha256"] = str(stored["test_set_sha256"])
        inspection = Inspection(**stored)
    except Exception:  # missing, truncated, not a zip, other keys: all mean "none stored"
        return None
    return inspection if _well_formed(inspection) else None


def _well_formed(inspection: Inspection) -> bool:
    """Whether the arrays have the shapes and kinds an inspection has."""
    count = len(inspection.error_indices)
    per_error = [getattr(inspection, field.name) for field in fields(Inspection) if field.name.startswith("error_")]
    return (
        inspection.confusion.shape == (10, 10)
        and inspection.confusion.dtype.kind in "iu"
        and inspection.error_images.shape == (count, 28, 28)
        and inspection.error_images.dtype == np.uint8
        and all(array.ndim >= 1 and len(array) == count for array in per_error)
    )


def load_saved_model(model_path: str | os.PathLike) -> keras.Model:
    """Load a saved model for inference, refusing the arbitrary code a .keras file could carry."""
    return keras.saving.load_model(model_path, compile=False, safe_mode=True)


def load_digit_model(model_path: str | os.PathLike) -> keras.Model:
    """Load a saved digit model (28x28 images in, the ten digits' probabilities out), with a ValueError that says
    why any other file is none: Keras fails on them in many ways, and said "File not found" of a text file."""
    try:
        model = load_saved_model(model_path)
    except Exception as error:
        said = str(error).strip().split("\n")[0]  # of a text file, Keras' whole advice on TFSMLayer
        raise ValueError(f"{model_path} is not a model Keras can load (a .keras file that train.py saved): "
                         f"{type(error).__name__}: {said}") from error
    if tuple(model.input_shape) != (None, 28, 28, 1) or tuple(model.output_shape[1:]) != (10,):
        raise ValueError(f"{model_path} is not a digit model: it takes {tuple(model.input_shape)[1:]} and gives "
                         f"{tuple(model.output_shape)[1:]}, where a digit model takes 28x28 images and gives the "
                         "ten digits' probabilities")
    return model


def inspection_for(
    model_path: str | os.PathLike,
    x_test: np.ndarray,
    y_test: np.ndarray,
    load_model: Callable[[Path], keras.Model] = load_digit_model,
) -> Inspection:
    """The stored inspection of the model on this test set, else one made now and stored for next time.

    `load_model` is called only when the inspection has to be made (pass one that returns a model
    already in memory to skip loading it again).
    """
    model_path = Path(model_path)
    stored = load_inspection(model_path)
    if stored is not None and stored.test_set_sha256 == test_set_sha256(x_test, y_test):
        return stored
    inspection = inspect_model(load_model(model_path), x_test, y_test)
    try:
        save_inspection(inspection, model_path)
    except OSError as error:  # a read-only models folder: show the inspection anyway, made again next time
        warnings.warn(f"could not store the inspection of {model_path}: {error}", stacklevel=2)
    return inspection


@functools.lru_cache(maxsize=4)
def _saliency_graph(model: keras.Model) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """The saliency computation for one model, compiled on its first call.

    Cached on the model object itself, which the cache holds, so a later model cannot take over its
    entry as it could an id(); four covers the served model and a few looked at on the Model page.
    """
    blur = tf.fill((3, 3, 1, 1), 1 / 9)

    @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32), tf.TensorSpec((), tf.int32)])
    def saliency_of(model_input, digit):
        with tf.GradientTape() as tape:
            tape.watch(model_input)
            probabilities = model(model_input[None, ..., None], training=False)[0]
            digit = tf.where(digit < 0, tf.argmax(probabilities, output_type=tf.int32), digit)
            probability = probabilities[digit]
        gradient = tape.gradient(probability, model_input)
        # Gradient x input: how much of p(digit) each pixel's ink carries, to first order. The bare
        # gradient is speckle over the whole square: on 300 test digits it put 32% of its weight more
        # than 3 pixels from any ink, where there is nothing to see. Times the input it lies on the ink
        # only; a 3x3 mean then turns its single-pixel speckle into the stroke parts that matter.
        attribution = tf.abs(gradient * model_input)[None, ..., None]
        smoothed = tf.nn.conv2d(attribution, blur, strides=1, padding="SAME")[0, ..., 0]
        return tf.math.divide_no_nan(smoothed, tf.reduce_max(smoothed))

    return saliency_of


def saliency(model: keras.Model, model_input: np.ndarray, digit: int | None = None) -> np.ndarray:
    """Which pixels of a 28x28 model input (float32 in [0, 1]) drove p(digit), the digit read by default.

    A 28x28 float32 map in [0, 1]: zero off the ink and more than a pixel from it, 1 where it is highest.
    """
    if digit is not None and digit not in range(10):
        raise ValueError(f"digit must be 0-9, not {digit}")
    target = -1 if digit is None else digit
    saliency_of = _saliency_graph(model)
    return saliency_of(tf.constant(model_input, tf.float32), tf.constant(target, tf.int32)).numpy()


def saliency_overlay(model_input: np.ndarray, saliency: np.ndarray, scale: int = 7) -> np.ndarray:
    """The model input in grey with the saliency as a red-to-yellow heat on top, as an RGB image
    (28 * scale square, uint8) upscaled with nearest neighbour so the pixels stay visible."""
    # The ink at half brightness, so that the heat stands out on it as well as on the black.
    grey = np.repeat(0.5 * model_input[..., None], 3, axis=-1)
    heat = np.stack([np.ones_like(saliency), saliency, np.zeros_like(saliency)], axis=-1)  # red, then yellow
    opacity = saliency[..., None]
    pixels = np.round(255 * ((1 - opacity) * grey + opacity * heat)).astype(np.uint8)
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1)

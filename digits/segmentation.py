"""The checker: a small CNN that tells which candidate crops of a number are one whole digit, for
digits/numbers.py to weigh its readings by.

The digit model reads parts of digits and touching pairs as digits with certainty (a 4 with a 1 against
it reads as a 4 at 100%), so the chain of likeliest digits is often the wrong one. The checker learns
what a whole digit looks like from the candidate crops of numbers composed here: MNIST training digits
redrawn with a pen, and the training styles (digits/drawing.py), side by side with gaps and overlaps of
their own. Each crop is labelled by whose ink it holds. The numbers benchmark's digits
(digits/benchmark_shapes.py) and layout (digits/number_shapes.py) are never used.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers as keras_layers

from digits.drawing import Strokes, render, skeleton_strokes, styled_digits
from digits.model import build_compact
from digits.numbers import number_candidates
from digits.training import one_cycle

WHOLE = 0.8  # a crop is one whole digit when it holds this share of one digit's ink...
STRAY = 0.2  # ...and other digits' ink of at most this share of that digit's (a column cut through a touching pair)
STYLED = 0.3  # the share of digits drawn in the training styles; the rest are MNIST training digits redrawn


def composed_number(drawings: list[Strokes], rng: np.random.Generator) -> np.ndarray:
    """The drawings as one number on a canvas, in one hand's size and pen, each digit a little bigger or
    smaller, higher or lower; 40% of the gaps overlap (up to a quarter of the height), the rest are spaces.
    Returns one layer per digit (N, H, W), ink bright on black: the number is their maximum."""
    height = rng.uniform(70, 210)
    pen = rng.uniform(4, min(24, height / 5.5))
    size = int(height * 1.5)
    parts = []
    for strokes in drawings:
        centre = (size / 2, size / 2 + height * rng.uniform(-0.08, 0.08))
        ink = render(strokes, height * rng.uniform(0.85, 1.12), centre, pen, size)[..., 3]
        columns = np.flatnonzero(ink.any(axis=0))
        parts.append(ink[:, columns[0] : columns[-1] + 1])
    gaps = [height * (rng.uniform(-0.25, 0.02) if rng.random() < 0.4 else rng.uniform(0.03, 0.5)) for _ in parts[1:]]
    lefts = np.concatenate([[0], np.cumsum([part.shape[1] + gap for part, gap in zip(parts, gaps)])]).astype(int)
    lefts += 20 - min(lefts.min(), 0)
    layers = np.zeros((len(parts), size, int(max(lefts + [p.shape[1] for p in parts])) + 20), np.uint8)
    for layer, part, left in zip(layers, parts, lefts):
        layer[:, left : left + part.shape[1]] = part
    return layers


def labelled_crops(layers: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The candidate crops of a composed number (model inputs, N x 28 x 28) and whether each is one whole
    digit (N,): it holds WHOLE of one digit's ink and little of any other's. None if nothing is drawn."""
    candidates = number_candidates(layers.max(axis=0))
    if candidates is None:
        return None
    ink = layers > 0
    totals = ink.sum(axis=(1, 2))
    labels = []
    for candidate in range(len(candidates.boxes)):
        inside = (ink & candidates.mask(candidate)).sum(axis=(1, 2))
        digit = int(np.argmax(inside / np.maximum(totals, 1)))
        labels.append(inside[digit] >= WHOLE * totals[digit] and inside.sum() - inside[digit] <= STRAY * inside[digit])
    return candidates.model_inputs, np.array(labels, np.float32)


def checker_examples(images: np.ndarray, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The labelled candidate crops of `count` numbers of 2-4 digits composed from `images` (MNIST training
    digits, redrawn with a pen) and from the training styles (STYLED of the digits)."""
    inputs, labels = [], []
    for _ in range(count):
        length = int(rng.integers(2, 5))
        styled, _ = styled_digits(length, rng)
        picked = rng.integers(0, len(images), length)
        drawings = [styled[k] if rng.random() < STYLED else skeleton_strokes(images[i]) for k, i in enumerate(picked)]
        crops = labelled_crops(composed_number(drawings, rng))
        if crops is not None:
            inputs.append(crops[0])
            labels.append(crops[1])
    return np.concatenate(inputs), np.concatenate(labels)


def build_checker() -> keras.Model:
    """The compact network of digits/model.py with one output: the probability that a crop is one whole digit."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    outputs = keras_layers.Dense(1, activation="sigmoid", name="one_digit")(build_compact(inputs))
    return keras.Model(inputs, outputs, name="one_digit_checker")


def train_checker(
    examples: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    epochs: int = 5,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    seed: int = 1,
    verbose: int | str = "auto",
) -> tuple[keras.Model, dict]:
    """Train a checker on labelled crops (checker_examples) with Adam on the one-cycle schedule; returns it
    and its accuracy and ROC AUC on the validation crops."""
    keras.utils.set_random_seed(seed)
    model = build_checker()
    steps = epochs * int(np.ceil(len(examples[0]) / batch_size))
    model.compile(optimizer=keras.optimizers.Adam(one_cycle(learning_rate, steps)), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    x, y = examples
    model.fit(x[..., None], y, batch_size=batch_size, epochs=epochs, verbose=verbose)
    scores = model.evaluate(validation[0][..., None], validation[1], batch_size=1000, verbose=0, return_dict=True)
    return model, {"validation_accuracy": round(float(scores["accuracy"]), 4),
                   "validation_auc": round(float(scores["auc"]), 4)}

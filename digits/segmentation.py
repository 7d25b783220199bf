"""The checker, the pair reader and the number reader: three networks that digits/numbers.py weighs its readings
by. The checker tells which candidate crops of a number are one whole digit; the pair reader reads a run of a blob
of ink as two touching digits, or as none; the number reader is the digit model fine-tuned on the whole digits cut
from numbers, which are harder than digits drawn alone (a neighbour's stray ink, a slice's edge): the digit model it
was tuned from (shipped until 2026-12-01) reads 97.0% of those of held-out numbers right (99.65% of MNIST test), the
number reader 98.7%.

The digit model reads parts of digits and touching pairs as digits with certainty (a 4 with a 1 against
it reads as a 4 at 100%), so the chain of likeliest digits is often the wrong one; and no column cut parts
digits that overlap deeply. All three networks learn from the candidate crops of numbers composed here: MNIST
training digits redrawn with a pen, and the training styles (digits/drawing.py), side by side with gaps and
overlaps of their own. Each crop is labelled by whose ink it holds. The numbers benchmark's digits
(digits/benchmark_shapes.py) and layout (digits/number_shapes.py) are never used.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import keras
import numpy as np
from keras import layers as keras_layers

from digits.data import Mnist
from digits.drawing import Strokes, render, skeleton_strokes, styled_digits
from digits.finetuning import fine_tune
from digits.model import build_compact, build_compact_probability
from digits.numbers import NONE, number_candidates

WHOLE = 0.8  # a crop is one whole digit when it holds this share of one digit's ink...
STRAY = 0.2  # ...and other digits' ink of at most this share of that digit's (a column cut through a touching pair)
OVERLAPPING = 0.4  # the share of gaps that overlap in the checker's numbers...
OVERLAPPING_PAIRS = 0.75  # the pair reader's numbers overlap more: few pair runs are two whole digits...
NOT_PAIRS_KEPT = 1 / 3  # ...and it trains on this share of the others. With all of them (one run in 18 a pair),
# 5 epochs on 6,000 numbers read 50% of the held-out pairs right (26% as none); a third of them, 73% (9%)
ONES_REPEATED = 3  # a 1 beside a 4 or 7 reads as either: a reader that saw each pair once read 60% of the
# held-out pairs with a 1 right (70% of all pairs), and numbers such as 941 as 944; this way, 69% (73%)
CROWDS_REPEATED = 3  # a run that holds three digits or more is none, but one in 60 runs is: a reader that saw a
# third of them read 313, 849 and 718 as 33, 89 and 78 (12 of the 44 numbers it misread of the benchmark's seeds
# 1-3; crowds read as none: 78% of the held-out, this way 90%; 2,500 numbers of seeds 1-5 misread: 70, this way 65)
STYLED = 0.3  # the share of digits drawn in the training styles; the rest are MNIST training digits redrawn
READER_TUNE = {"epochs": 3, "learning_rate": 5e-4, "share": 0.5}  # the number reader's fine-tune (finetuning.py)...
REPLAYED = 0.4  # ...beside its crops, this many MNIST training digits per crop, each seen once an epoch. Tried on
# the numbers benchmark's seeds 1-5 (2,500 numbers, 57 misread with the digit model of 2026-11-30 alone), on the
# whole digits of 10,000 numbers: 3 epochs misread 53 by the reader alone and 52 weighed with the digit model; 5
# epochs 55 and 51


def composed_number(drawings: list[Strokes], rng: np.random.Generator, overlapping: float = OVERLAPPING) -> np.ndarray:
    """The drawings as one number on a canvas, in one hand's size and pen, each digit a little bigger or
    smaller, higher or lower; `overlapping` of the gaps overlap (up to a quarter of the height), the rest are spaces.
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
    gaps = [height * (rng.uniform(-0.25, 0.02) if rng.random() < overlapping else rng.uniform(0.03, 0.5))
            for _ in parts[1:]]
    lefts = np.concatenate([[0], np.cumsum([part.shape[1] + gap for part, gap in zip(parts, gaps)])]).astype(int)
    lefts += 20 - min(lefts.min(), 0)
    layers = np.zeros((len(parts), size, int(max(lefts + [p.shape[1] for p in parts])) + 20), np.uint8)
    for layer, part, left in zip(layers, parts, lefts):
        layer[:, left : left + part.shape[1]] = part
    return layers


@dataclass(frozen=True)
class LabelledCrops:
    """The candidate crops of composed numbers and what each holds, for training the three networks."""

    inputs: np.ndarray  # (N, 28, 28) candidate crops...
    whole: np.ndarray  # (N,) ...1.0 when one is one whole digit, else 0.0
    pair_inputs: np.ndarray  # (P, 28, 56) pair runs (runs of atoms of one blob)...
    pairs: np.ndarray  # (P, 2) ...their left and right digits when one is two whole digits, else NONE twice
    pair_wholes: np.ndarray  # (P,) how many digits each holds WHOLE of the ink of
    digits: np.ndarray  # (N,) the digit each candidate crop that is one whole digit holds, NONE for the others

    @property
    def two_digits(self) -> np.ndarray:
        """(P,) True where a pair run is two whole digits."""
        return (self.pairs < NONE).all(axis=1)

    @property
    def two_with_a_1(self) -> np.ndarray:
        """(P,) True where a pair run is two whole digits and one of them is a 1."""
        return self.two_digits & (self.pairs == 1).any(axis=1)

    @property
    def crowded(self) -> np.ndarray:
        """(P,) True where a pair run holds three whole digits or more."""
        return self.pair_wholes > 2


def labelled_crops(layers: np.ndarray, digits: list[int]) -> LabelledCrops | None:
    """The candidate crops of a composed number of `digits` and what each holds: a crop is one whole digit
    when it holds WHOLE of one digit's ink and little of any other's, a pair run is two when it holds WHOLE
    of each of two digits' ink and little of any other's. None if nothing is drawn."""
    candidates = number_candidates(layers.max(axis=0))
    if candidates is None:
        return None
    ink = layers > 0
    totals = np.maximum(ink.sum(axis=(1, 2)), 1)

    def inside(mask: np.ndarray) -> np.ndarray:  # each digit's ink in the crop
        return (ink & mask).sum(axis=(1, 2))

    whole, held_digits = [], []
    for run in candidates.runs:
        held = inside(candidates.mask(run))
        digit = int(np.argmax(held / totals))
        whole.append(held[digit] >= WHOLE * totals[digit] and held.sum() - held[digit] <= STRAY * held[digit])
        held_digits.append(digits[digit] if whole[-1] else NONE)
    pairs, wholes = [], []
    for run in candidates.pair_runs:
        held = inside(candidates.mask(run))
        wholes.append(int((held >= WHOLE * totals).sum()))
        two = sorted(np.argsort(held / totals)[-2:]) if len(digits) > 1 else [0, 0]
        is_pair = (len(digits) > 1 and all(held[d] >= WHOLE * totals[d] for d in two)
                   and held.sum() - held[two].sum() <= STRAY * held[two].min())
        pairs.append([digits[two[0]], digits[two[1]]] if is_pair else [NONE, NONE])
    return LabelledCrops(candidates.model_inputs, np.array(whole, np.float32), candidates.pair_inputs,
                         np.array(pairs, np.uint8).reshape(-1, 2), np.array(wholes, np.uint8),
                         np.array(held_digits, np.uint8))


def labelled_examples(images: np.ndarray, labels: np.ndarray, count: int, rng: np.random.Generator,
                      overlapping: float = OVERLAPPING) -> LabelledCrops:
    """The labelled crops of `count` numbers of 2-4 digits composed from `images` (MNIST training digits,
    redrawn with a pen, and their `labels`) and from the training styles (STYLED of the digits), `overlapping`
    of their gaps overlaps (composed_number)."""
    crops = []
    for _ in range(count):
        length = int(rng.integers(2, 5))
        styled, styled_labels = styled_digits(length, rng)
        picked = rng.integers(0, len(images), length)
        chosen = [(styled[k], int(styled_labels[k])) if rng.random() < STYLED else
                  (skeleton_strokes(images[i]), int(labels[i])) for k, i in enumerate(picked)]
        labelled = labelled_crops(composed_number([d for d, _ in chosen], rng, overlapping),
                                  [digit for _, digit in chosen])
        if labelled is not None:
            crops.append(labelled)
    return LabelledCrops(*(np.concatenate([getattr(c, f.name) for c in crops]) for f in fields(LabelledCrops)))


def pair_examples(crops: LabelledCrops, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The pair runs to train the pair reader on: every one that is two whole digits (ONES_REPEATED times when one
    of them is a 1), every one that holds three or more (CROWDS_REPEATED times), NOT_PAIRS_KEPT of the others."""
    kept = crops.two_digits | (rng.random(len(crops.pairs)) < NOT_PAIRS_KEPT)
    repeats = np.where(crops.two_with_a_1, ONES_REPEATED, kept)
    repeats = np.where(crops.crowded, CROWDS_REPEATED, repeats)
    chosen = np.repeat(np.arange(len(crops.pairs)), repeats)
    return crops.pair_inputs[chosen], crops.pairs[chosen]


def reader_examples(crops: LabelledCrops) -> tuple[np.ndarray, np.ndarray]:
    """The number reader's examples: the crops that are one whole digit, as uint8 images (N, 28, 28) like MNIST's,
    and their digits."""
    whole = crops.digits < NONE
    return np.round(crops.inputs[whole] * 255).astype(np.uint8), crops.digits[whole]


def tune_number_reader(model: keras.Model, crops: LabelledCrops, mnist: Mnist, seed: int = 1,
                       verbose: int | str = 0, **recipe) -> keras.Model:
    """A copy of the digit model `model` fine-tuned on the crops that are one whole digit, with MNIST training digits
    replayed beside them (READER_TUNE's settings; `recipe` overrides them)."""
    x, y = reader_examples(crops)
    settings = {**READER_TUNE, "replay": max(1, round(REPLAYED * len(x))), **recipe}
    return fine_tune(model, x, y, mnist, seed=seed, verbose=verbose, **settings)[0]


def pair_figures(read: np.ndarray, crops: LabelledCrops) -> dict[str, float | None]:
    """How a pair reader's readings (P, 2) of the crops' pair runs bear out their labels: the share of pairs read
    right, of pairs with a 1 read right, of other runs read as none, and of runs holding three digits or more read
    as none (None where the crops have no such run)."""
    right, none = (read == crops.pairs).all(axis=1), (read == NONE).all(axis=1)
    shares = {"pairs_right": right[crops.two_digits], "pairs_with_1_right": right[crops.two_with_a_1],
              "others_none": none[~crops.two_digits], "crowds_none": none[crops.crowded]}
    return {name: round(float(share.mean()), 4) if share.size else None for name, share in shares.items()}


def build_checker() -> keras.Model:
    """The compact network of digits/model.py with one output: the probability that a crop is one whole digit."""
    return build_compact_probability("one_digit", "one_digit_checker")


def build_pair_reader() -> keras.Model:
    """The compact network of digits/model.py on a 28x56 pair run, with two softmaxes over 11 classes: its left
    and its right digit, or NONE when it is not two whole digits."""
    inputs = keras.Input(shape=(28, 56, 1), name="pair")
    x = keras_layers.Reshape((2, NONE + 1))(keras_layers.Dense(2 * (NONE + 1))(build_compact(inputs)))
    return keras.Model(inputs, keras_layers.Softmax(name="digits")(x), name="pair_reader")

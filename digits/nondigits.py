"""Drawings that are no digit (scribbles, shapes, letters, signs), and the detector that learns to tell them from
digits.

The digit model knows ten classes only, so whatever is drawn comes out as a digit, often surely: a smiley or a
heart as a 0 at 100%, an A, a W, a star or a # as a 4 (2026-12-03). The detector is a small network of its own
that gives the probability that a model input is a digit at all; the pages say so when it is low
(digits/recognition.py, DIGIT_BELOW). It learns from MNIST training digits, their pen-redrawn twins and the styled
digits (digits/synthesis.py) against the drawings made here. The benchmark's non-digits (digits/benchmark_shapes.py)
are drawn by generators, hands, sizes, pens and seeds of their own, and some are of kinds never drawn here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from digits.data import Mnist
from digits.drawing import Strokes, arc, in_hand, training_image
from digits.recipes import CHECKED_NONDIGITS, DETECTOR_TUNE, TRAINING_IMAGES
from digits.synthesis import STYLED_COUNT, cached_chunks, drawing_code_sha256, pen_twins, styled_digits

if TYPE_CHECKING:
    import keras


def scribble(rng: np.random.Generator) -> Strokes:
    """A pen wandering about, crossing its own path: a long random walk that keeps some of its heading (shorter
    walks come out like a 2, a 5 or an S)."""
    heading, point, points = rng.normal(0, 1, 2), np.zeros(2), []
    for _ in range(rng.integers(100, 220)):
        heading = 0.7 * heading + rng.normal(0, 1, 2)
        point = point + 0.05 * heading
        points.append(tuple(point))
    return [points]


def zigzag(rng: np.random.Generator) -> Strokes:
    """Three to nine straight strokes up and down across, in one (four to ten corners)."""
    corners = rng.integers(4, 11)
    height = rng.uniform(0.3, 1.0)
    return [[(x, 0.5 + height * ((i % 2) - 0.5)) for i, x in enumerate(np.linspace(0, 1, corners))]]


def spiral(rng: np.random.Generator) -> Strokes:
    """A spiral of one and a half to four turns, from the middle out."""
    angles = np.linspace(0, rng.uniform(1.5, 4) * 2 * np.pi, 120) * rng.choice([-1, 1])
    radii = 0.05 + 0.45 * np.abs(angles) / np.abs(angles[-1])
    return [list(zip(0.5 + radii * np.cos(angles), 0.5 + radii * np.sin(angles)))]


def polygon(rng: np.random.Generator) -> Strokes:
    """A closed polygon of three, five or six sharp corners, or a five-pointed star, in one stroke."""
    corners = rng.choice([3, 5, 6, 5])
    step = 2 if corners == 5 and rng.random() < 0.5 else 1  # every other corner: a star
    angles = rng.uniform(0, 2 * np.pi) + np.arange(corners + 1) * step * 2 * np.pi / corners
    return [list(zip(0.5 + 0.5 * np.cos(angles), 0.5 + 0.5 * np.sin(angles)))]


def face(rng: np.random.Generator) -> Strokes:
    """A face with two dots for eyes and a curved mouth, round or narrow (squeezed between the digits of a number,
    a smiley drawn narrow was read as a 0: 2026-12-04)."""
    # The head's half-width (its half-height is 0.5), so 0.42-1.3 as wide as high once in_hand stretches it. Faces
    # down to 0.28 as wide made a detector that took 8 of the drawn benchmark's 1,000 slashed zeros for none (a narrow
    # oval with a stroke inside), where this one takes none (2026-12-04).
    width = rng.uniform(0.3, 0.5)
    eye, mouth = 0.34 * width, rng.uniform(0.4, 0.7) * width
    return [arc(0.5, 0.5, width, rng.uniform(0.45, 0.55), np.pi / 2, 2 * np.pi),
            [(0.5 - eye, 0.35), (0.5 - eye + 0.01, 0.37)], [(0.5 + eye, 0.35), (0.5 + eye - 0.01, 0.37)],
            arc(0.5, 0.55, mouth, rng.uniform(-0.2, 0.2), np.pi + 0.5, np.pi - 1.0)]


def heart(rng: np.random.Generator) -> Strokes:
    """A heart in one stroke from its notch: round lobes down to a point (closed like a 0, hearts were read as a
    sure 0: 2026-12-03)."""
    lobe, point = rng.uniform(0.2, 0.26), rng.uniform(0.85, 1.0)
    notch = rng.uniform(0.22, 0.38)
    left = arc(0.5 - lobe, notch, lobe, lobe, 0, 1.2 * np.pi)
    right = arc(0.5 + lobe, notch, lobe, lobe, -0.2 * np.pi, 1.2 * np.pi)
    return [[*left, (0.5, point), *right]]


def box(rng: np.random.Generator) -> Strokes:
    """A square or an upright rectangle with sharp corners, in one stroke (boxes were read as 0s: 2026-12-03)."""
    half = rng.uniform(0.25, 0.5)
    return [[(0.5 - half, 0), (0.5 - half, 1), (0.5 + half, 1), (0.5 + half, 0), (0.5 - half, 0)]]


# Capital letters that no digit looks like, stroke by stroke in the unit box (not O, I, S, Z, B, G, T, Y or L).
LETTERS: dict[str, Strokes] = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.25, 0.55), (0.75, 0.55)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(0.9, 0), (0, 0.55), (1, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "R": [[(0, 1), (0, 0), *arc(0.35, 0.25, 0.5, 0.25, np.pi / 2, -np.pi), (0, 0.5), (0.9, 1)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
}


def letter(rng: np.random.Generator) -> Strokes:
    """One of LETTERS."""
    return LETTERS[rng.choice(list(LETTERS))]


# Signs, stroke by stroke: # + = * and an arrow.
SIGNS: list[Strokes] = [
    [[(0.35, 0), (0.3, 1)], [(0.7, 0), (0.65, 1)], [(0, 0.35), (1, 0.35)], [(0, 0.65), (1, 0.65)]],
    [[(0.5, 0), (0.5, 1)], [(0, 0.5), (1, 0.5)]],
    [[(0, 0.3), (1, 0.3)], [(0, 0.7), (1, 0.7)]],
    [[(0.5, 0), (0.5, 1)], [(0.07, 0.25), (0.93, 0.75)], [(0.93, 0.25), (0.07, 0.75)]],
    [[(0, 0.5), (1, 0.5)], [(0.7, 0.2), (1, 0.5), (0.7, 0.8)]],
]


def sign(rng: np.random.Generator) -> Strokes:
    """One of SIGNS."""
    return SIGNS[rng.integers(len(SIGNS))]


KINDS: dict[str, Callable[[np.random.Generator], Strokes]] = {
    "scribble": scribble, "zigzag": zigzag, "spiral": spiral, "polygon or star": polygon, "face": face,
    "letter": letter, "sign": sign, "heart": heart, "box": box,
}


def nondigit_images(count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` drawings of the KINDS in turn, each in its own hand, as model inputs (N, 28, 28 uint8), drawn as the
    training's styled digits are (training_image); the rare one that comes out blank is left out."""
    kinds = list(KINDS.values())
    images = [training_image(in_hand(kinds[i % len(kinds)](rng), rng), rng) for i in range(count)]
    return np.array([image for image in images if image is not None], np.uint8).reshape(-1, 28, 28)


def drawn_nondigits(count: int, seed: tuple[int, ...]) -> np.ndarray:
    """nondigit_images(count, np.random.default_rng(seed)), from the drawing cache when it has them
    (digits/synthesis.py's, keyed by count, seed and the code that draws them). A fine-tune that teaches the detector
    drew its 2,600 anew each time: 15 s of its 100 (2026-12-06). One chunk, drawn in this process: a worker of its
    own would import TensorFlow (4.5 s) to draw them."""
    code = hashlib.sha256(drawing_code_sha256().encode() + Path(__file__).read_bytes()).hexdigest()
    key = hashlib.sha256(f"{count} {seed} {code}".encode()).hexdigest()
    [chunk] = cached_chunks("nondigits", code, [key], nondigit_chunk, [(count, seed)], [count], None)
    return chunk["images"]


def nondigit_chunk(count: int, seed: tuple[int, ...]) -> dict[str, np.ndarray]:
    """drawn_nondigits' drawings, as the drawing cache keeps them."""
    return {"images": nondigit_images(count, np.random.default_rng(seed))}


def detector_examples(mnist: Mnist, count: int, seed: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """`count` training examples (x float32 (N, 28, 28) in 0-1, as model inputs, y float32 (N,), 1 for a digit): half
    digits, a third of them pen-redrawn twins of MNIST training digits (from the cache), a third styled digits (as
    many as there are, up to that) and the rest MNIST training digits, none of the validation slice; half drawings
    that are no digit (drawn_nondigits). The same `seed` gives the same examples."""
    third = count // 6
    twins = pen_twins(mnist.x_train[:TRAINING_IMAGES], third)  # those of the first digits: a training draws them first
    styled = styled_digits(min(third, STYLED_COUNT))[0]
    picked = np.random.default_rng([*seed, 0]).choice(TRAINING_IMAGES, count // 2 - len(twins) - len(styled),
                                                      replace=False)
    digits = np.concatenate([twins, styled, mnist.x_train[picked]])
    return labelled(digits, drawn_nondigits(count - len(digits), (*seed, 1)))


def detector_validation(mnist: Mnist, count: int, seed: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """`count` examples held out, as detector_examples gives them: half MNIST's validation slice, half drawings
    that are no digit (drawn with a `seed` training does not use)."""
    digits = mnist.x_train[TRAINING_IMAGES:][: count // 2]
    return labelled(digits, drawn_nondigits(count - len(digits), seed))


def teaching_drawings(mnist: Mnist, seed: int = 1, examples: int = DETECTOR_TUNE["examples"]
                      ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """What a fine-tune teaches the detector with beside a writer's drawings (finetuning.teach_detector): `examples`
    like the detector's training's (detector_examples), and the CHECKED_NONDIGITS drawings that are no digit the taught
    detector is checked on; read from the drawing cache, and drawn into it where missing (scripts/draw_ahead.py draws
    them for the page's fine-tunes)."""
    return detector_examples(mnist, examples, (seed, 7)), drawn_nondigits(CHECKED_NONDIGITS, (seed, 8))


def labelled(digits: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 digits and other drawings (N, 28, 28) as one set of model inputs in 0-1, and their labels (1: a digit)."""
    return (np.concatenate([digits, others]).astype(np.float32) / 255,
            np.concatenate([np.ones(len(digits)), np.zeros(len(others))]).astype(np.float32))


def build_detector() -> keras.Model:
    """The compact network of digits/model.py with one output: the probability that a model input is a digit."""
    # Imported here: the drawings above need no TensorFlow, and scripts/draw_ahead.py, drawing them beside the
    # server, grew from 112 MB to 657 MB when this module imported it (a review, 2026-12-06).
    from digits.model import build_compact_probability

    return build_compact_probability("digit", "digit_or_not")

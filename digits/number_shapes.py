"""Whole numbers drawn on a wide canvas, for the numbers benchmark: the benchmark's own digits
(digits/benchmark_shapes.py, never the training templates) side by side, in varied sizes, baselines and
spacing, some touching their neighbour and some drawn in strokes that do not meet."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np
from scipy import ndimage

from digits.benchmark_shapes import STYLES, by_hand
from digits.drawing import Strokes, render

HEIGHT = 280  # the canvas is as high as the app's digit canvas (its number strip is 260) and as wide as needed
EIGHT_WAY = np.ones((3, 3), bool)  # pixels touching at a corner are connected, as the segmentation takes them


def ink_on_canvas(strokes: Strokes, extent: float, centre: tuple[float, float], pen: float) -> np.ndarray:
    """A drawing's ink (bright on black) on a HEIGHT-square canvas, drawn as drawing.render draws it."""
    return render(strokes, extent, centre, pen, HEIGHT)[..., 3]


def lay_out(drawings: list[np.ndarray], gaps: list[float], margin: int = 30) -> np.ndarray:
    """Grey drawings of one height (ink bright on black) side by side on one canvas, as a stack (N, H, W): drawing i
    on the canvas at its place, `gaps[i]` pixels between the ink of drawing i and of drawing i + 1 (negative:
    they overlap that much). The number's picture is the stack's maximum; its layers show which ink is whose."""
    columns = [np.flatnonzero(d.any(axis=0)) for d in drawings]
    widths = [c[-1] - c[0] + 1 for c in columns]
    lefts = np.concatenate([[margin], margin + np.cumsum(np.add(widths[:-1], np.round(gaps)))]).astype(int)
    lefts -= min(lefts.min() - margin, 0)  # a gap wider than the margin is negative: keep all on the canvas
    layers = np.zeros((len(drawings), drawings[0].shape[0], int(max(lefts + widths)) + margin), drawings[0].dtype)
    for layer, drawing, c, left, width in zip(layers, drawings, columns, lefts, widths):
        layer[:, left : left + width] = drawing[:, c[0] : c[-1] + 1]
    return layers


def touching(first: np.ndarray, second: np.ndarray) -> bool:
    """True if two drawings' ink (layers of one canvas) meets, so that it is one piece of ink on the canvas."""
    return bool((ndimage.binary_dilation(first > 0, EIGHT_WAY) & (second > 0)).any())


def pieces(ink: np.ndarray) -> int:
    """How many separate pieces of ink a grey drawing has."""
    return ndimage.label(ink > 0, EIGHT_WAY)[1]


def split_at_corner(strokes: Strokes) -> Strokes:
    """A 7 drawn in one stroke as two, the bar and the stem, split at its top right corner (unit box, y down)."""
    points = np.asarray(strokes[0])
    corner = int(np.argmax(points[:, 0] - points[:, 1]))
    return [strokes[0][: corner + 1], strokes[0][corner:]]


def drawn_apart(strokes: Strokes, moving: int, trim: bool, draw: Callable[[Strokes], np.ndarray]) -> Strokes:
    """The drawing with stroke `moving` lifted off the others until the drawing `draw`(strokes) comes in
    two pieces: moved away from the rest in steps of 1% of the box, or with `trim`, cut short at its end."""
    rest = np.concatenate([np.asarray(s) for i, s in enumerate(strokes) if i != moving])
    away = np.asarray(strokes[moving]).mean(axis=0) - rest.mean(axis=0)
    away /= max(np.linalg.norm(away), 1e-9)
    for step in range(1, 60):
        if trim:
            stroke = strokes[moving][: -step] if step < len(strokes[moving]) - 1 else strokes[moving][:2]
        else:
            stroke = [tuple(np.asarray(p) + away * 0.01 * step) for p in strokes[moving]]
        moved = [stroke if i == moving else s for i, s in enumerate(strokes)]
        if pieces(draw(moved)) >= 2:
            return moved
    return strokes


# Digits people draw in strokes that often do not meet: the stroke that comes off (its index), how
# (cut short, or moved away), and whether the one-stroke drawing is split at the corner first (a 7).
APART = {
    (1, "flag and base"): (1, False, False),  # the base under the 1
    (4, "open"): (0, True, False),  # the bar stopping short of the upright
    (5, "after"): (1, False, False),  # the flag above the body
    (7, "plain"): (1, False, True),  # the stem under the bar
    (7, "hooked"): (1, False, True),
}


@dataclass(frozen=True)
class DrawnNumber:
    """A number drawn on a canvas, and what the benchmark needs to know about it."""

    image: np.ndarray  # grey, ink bright on black, HEIGHT high (with a mark, half a digit higher)
    text: str
    touching: int  # pairs of neighbouring digits whose ink meets
    apart: int  # digits in pieces: drawn in strokes that do not meet


def drawn_number(length: int, rng: np.random.Generator, mark: str = "") -> DrawnNumber:
    """A random number of `length` digits drawn by one hand with one pen: each digit in a random style of
    the benchmark's, a little bigger or smaller and higher or lower than the others; most gaps between
    digits a fair space, a quarter of them overlapping (so that many neighbours touch); a third of the
    digits that can be drawn in strokes apart, so drawn. With `mark` ("." or ","), a decimal point or a comma
    drawn in one gap, chosen at random and left wide enough for it (drawn_mark)."""
    height = rng.uniform(90, 200)
    pen = rng.uniform(6, min(20, height / 6))  # a pen over a sixth of the digit's height fills its loops
    middle = rng.uniform(HEIGHT / 2 - 25, HEIGHT / 2 + 25)
    text, drawings, apart = "", [], 0
    for _ in range(length):
        digit = int(rng.integers(10))
        style = str(rng.choice(list(STYLES[digit])))
        strokes = by_hand(STYLES[digit][style](rng), rng)
        extent = height * rng.uniform(0.85, 1.12)
        centre = (HEIGHT / 2, middle + height * rng.uniform(-0.07, 0.07))
        draw = partial(ink_on_canvas, extent=extent, centre=centre, pen=pen)
        if (digit, style) in APART and rng.random() < 1 / 3:
            moving, trim, split = APART[digit, style]
            strokes = drawn_apart(split_at_corner(strokes) if split else strokes, moving, trim, draw)
        text += str(digit)
        drawings.append(draw(strokes))
        apart += pieces(drawings[-1]) >= 2
    gaps = [height * (rng.uniform(-0.15, 0.0) if rng.random() < 0.25 else rng.uniform(0.04, 0.45))
            for _ in range(length - 1)]
    if mark:
        place = int(rng.integers(1, length))  # the mark stands before this digit
        gaps[place - 1] = height * rng.uniform(0.2, 0.5) + pen
    layers = lay_out(drawings, gaps)
    meeting = sum(touching(a, b) for a, b in zip(layers[:-1], layers[1:]))
    if mark:  # on a canvas taller by half a digit, that the mark stays on it under digits that reach its foot
        layers = np.pad(layers, ((0, 0), (0, round(height / 2)), (0, 0)))
    image = layers.max(axis=0)
    if mark:
        image = np.maximum(image, drawn_mark(mark, layers[place - 1], layers[place], height, pen, rng))
        text = text[:place] + mark + text[place:]
    return DrawnNumber(image, text, meeting, apart)


def drawn_mark(mark: str, before: np.ndarray, after: np.ndarray, height: float, pen: float,
               rng: np.random.Generator) -> np.ndarray:
    """A decimal point (".") or a comma (",") drawn by hand between two digits' ink (layers of one canvas), at their
    feet, on a canvas of theirs: a point a tap of the pen or a small dab, a little above or below the feet; a comma
    a short stroke from about the feet down and to the left, straight or bowed, 0.2-0.45 of the digits' height, from
    one hanging under the feet to one written on the line, ending at them or a little under (a review's)."""
    start, stop = np.flatnonzero(before.any(axis=0))[-1], np.flatnonzero(after.any(axis=0))[0]
    x = start + (stop - start) * rng.uniform(0.35, 0.65)
    feet = (np.flatnonzero(before.any(axis=1))[-1] + np.flatnonzero(after.any(axis=1))[-1]) / 2
    if mark == ".":
        dab = pen * rng.uniform(0.0, 0.8)
        angle = rng.uniform(0, 2 * np.pi)
        strokes = [[(0.5, 0.5), (0.5 + np.cos(angle), 0.5 + np.sin(angle))]]
        extent, centre = max(dab, 0.1), (x, feet - pen / 2 + height * rng.normal(0, 0.04))
    else:
        extent = height * rng.uniform(0.2, 0.45)
        lean, bow = rng.uniform(0.1, 0.6), rng.uniform(-0.15, 0.15)
        strokes = [[(lean * (1 - t) + bow * np.sin(np.pi * t), t) for t in np.linspace(0, 1, 8)]]
        centre = (x, feet - extent * rng.uniform(0.0, 0.95) + extent / 2)
    rows, width = before.shape
    return render(strokes, extent, centre, pen, max(width, rows))[:rows, :width, 3]

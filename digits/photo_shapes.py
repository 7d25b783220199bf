"""Photos of drawn digits, for the photos benchmark: the benchmark's own digits (digits/benchmark_shapes.py)
inked on paper and photographed badly, with paper texture, a lighting gradient or a shadow, a turn of the
page, blur, sensor noise and JPEG compression, in blue or black ink; some on ruled or squared paper, as an
exercise book's."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from scipy import ndimage

from digits.benchmark_shapes import STYLES, by_hand
from digits.drawing import render

Random = np.random.Generator
INKS = {"black": ((15, 15, 20), (60, 60, 65)), "blue": ((15, 30, 110), (60, 80, 200))}  # RGB ranges of each ink


def smooth_noise(rng: Random, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Noise smoothed over `sigma` pixels, scaled to unit standard deviation."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return field / max(field.std(), 1e-9)


def paper(rng: Random, shape: tuple[int, int]) -> np.ndarray:
    """Off-white paper (H, W, 3) in 0-255: a tint, blotches and grain."""
    tint = rng.uniform(195, 245) + rng.uniform(-8, 8, 3)
    grain = smooth_noise(rng, shape, rng.uniform(0.6, 1.5)) * rng.uniform(2, 6)
    blotches = smooth_noise(rng, shape, rng.uniform(15, 40)) * rng.uniform(2, 8)
    return tint + (grain + blotches)[..., None]


def lighting(rng: Random, shape: tuple[int, int]) -> np.ndarray:
    """How much light falls on each pixel (H, W), 1 at most: a gradient across the page in a random direction,
    or a soft-edged shadow (of a hand or a phone) over part of it."""
    rows, columns = np.mgrid[: shape[0], : shape[1]] / max(shape)
    angle = rng.uniform(0, 2 * np.pi)
    along = rows * np.sin(angle) + columns * np.cos(angle)
    along = (along - along.min()) / max(np.ptp(along), 1e-9)
    if rng.random() < 0.5:
        return 1.0 - rng.uniform(0.2, 0.45) * along
    edge = rng.uniform(0.25, 0.75)  # the shadow covers the part of the page beyond this line
    softness = rng.uniform(0.01, 0.08)
    shade = 1.0 / (1.0 + np.exp(-(along - edge) / softness))
    return 1.0 - rng.uniform(0.25, 0.45) * shade


def ruled_page_lines(rng: Random, shape: tuple[int, int], angle: float,
                     digit_height: float) -> tuple[np.ndarray, np.ndarray]:
    """An exercise book's lines (H, W in [0, 1]) and their colour (RGB), turned by `angle` degrees as
    ndimage.rotate turns the writing: ruled, 0.6-1.3 of a digit's height apart, half the time with a red margin
    line down the page, or squared, 0.3-0.65; 1-3.5 pixels wide, light blue, grey or a darker blue."""
    squared = rng.random() < 0.5
    spacing = digit_height * (rng.uniform(0.3, 0.65) if squared else rng.uniform(0.6, 1.3))
    width = rng.uniform(1.0, 3.5)
    rows, columns = np.mgrid[: shape[0], : shape[1]].astype(np.float32)
    turn = np.deg2rad(angle)
    down, across = rows * np.cos(turn) + columns * np.sin(turn), columns * np.cos(turn) - rows * np.sin(turn)
    lines = np.zeros(shape, np.float32)
    for distance in [down, across] if squared else [down]:
        off = np.abs((distance - rng.uniform(0, spacing)) % spacing - spacing / 2)  # from the nearest line's middle
        lines = np.maximum(lines, np.clip(width / 2 + 0.5 - (spacing / 2 - off), 0, 1))
    shades = [(rng.uniform(140, 200), rng.uniform(170, 215), rng.uniform(215, 245)),  # light blue
              (rng.uniform(120, 190),) * 3,  # grey
              (rng.uniform(80, 130), rng.uniform(110, 160), rng.uniform(180, 230))]  # a darker blue
    lines, colour = lines[..., None] * rng.uniform(0.5, 1.0), np.array(shades[rng.integers(3)])
    if not squared and rng.random() < 0.5:  # the margin, anywhere across the photo
        margin = np.clip(width / 2 + 0.5 - np.abs(across - rng.uniform(0.05, 0.95) * shape[1]), 0, 1)[..., None]
        red = (rng.uniform(200, 240), rng.uniform(60, 140), rng.uniform(80, 150))
        colour = colour * (1 - margin) + np.array(red) * margin
        lines = np.maximum(lines, margin * rng.uniform(0.6, 1.0))
    return lines, colour


def photographed(ink: np.ndarray, rng: Random, colour: str, digit_height: float | None = None) -> np.ndarray:
    """A photo (uint8 RGB, JPEG-decoded) of `ink` (H, W in [0, 1], bright where inked) on paper; on ruled or
    squared paper (ruled_page_lines) when the height of its digits is given."""
    shape = ink.shape
    low, high = np.array(INKS[colour])
    ink_rgb = low + (high - low) * rng.uniform() + rng.uniform(-5, 5, 3)  # one shade, a little off in each channel
    angle = rng.uniform(-10, 10)
    alpha = ndimage.rotate(ink, angle, reshape=False, order=1)[..., None] * rng.uniform(0.85, 1.0)
    page = paper(rng, shape)
    if digit_height is not None:
        lines, line_rgb = ruled_page_lines(rng, shape, angle, digit_height)
        page = page * (1 - lines) + line_rgb * lines
    picture = page * (1 - alpha) + ink_rgb * alpha
    picture = picture * lighting(rng, shape)[..., None]
    picture = ndimage.gaussian_filter(picture, (*[rng.uniform(0.4, 1.6)] * 2, 0))
    picture = picture + rng.normal(0, rng.uniform(3, 10), picture.shape)  # sensor noise, up to about ±20 levels
    buffer = io.BytesIO()
    quality = int(rng.integers(35, 91))
    Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def digit_photo(digit: int, rng: Random, ruled: bool = False) -> tuple[np.ndarray, str]:
    """A photo of `digit` and the colour of its ink: the digit in one of the benchmark's styles, 300-800 pixels
    wide, the digit a quarter to two thirds of the photo's height, somewhere near its middle, in blue or black ink;
    on ruled or squared paper if `ruled`."""
    width, height = int(rng.integers(300, 801)), int(rng.integers(240, 601))
    style = rng.choice(list(STYLES[digit]))
    strokes = by_hand(STYLES[digit][style](rng), rng)
    extent = height * rng.uniform(0.25, 0.65)
    side = max(width, height)
    centre = (side / 2 + rng.uniform(-0.15, 0.15) * width, side / 2 + rng.uniform(-0.12, 0.12) * height)
    pen = extent * rng.uniform(0.04, 0.12)
    canvas = render(strokes, extent, centre, pen, side)[..., 3] / 255.0
    top, left = (side - height) // 2, (side - width) // 2
    colour = str(rng.choice(list(INKS)))
    return photographed(canvas[top : top + height, left : left + width], rng, colour, extent if ruled else None), colour


def number_photo(ink: np.ndarray, rng: Random, ruled: bool = False) -> np.ndarray:
    """A photo of a drawn number (grey, bright on black, as digits/number_shapes.py draws it), with paper
    around it, in blue or black ink; on ruled or squared paper if `ruled`."""
    margin = int(rng.integers(20, 120))
    rows = np.flatnonzero(ink.any(axis=1))
    height = float(rows[-1] - rows[0]) if ruled and rows.size else None
    return photographed(np.pad(ink / 255.0, margin), rng, str(rng.choice(list(INKS))), height)

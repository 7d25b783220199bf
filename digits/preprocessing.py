"""Turn any picture of a digit into a 28x28 input exactly the way MNIST digits were made."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

BOX = 20  # MNIST fits each digit in a 20x20 box...
SIZE = 28  # ...inside a 28x28 image...
# ...with its centre of mass at the centre, (14, 14) (the MNIST training set averages 14.00, 14.01).
PAIR_BOX = 48  # two digits side by side fit in a box 20 high and this wide, in a 28x56 image
STROKE = (2.2, 2.8, 4.3)  # MNIST's stroke widths in pixels: 5th percentile, median, 95th percentile
SUPERSAMPLE = 4  # strokes are measured and adjusted at 4x the final resolution
MIN_CONTRAST = 0.15  # ink must differ from the background by this much of the full range to count
INK = 0.5  # after normalising, a pixel at least this bright is solid ink
NOISE = 0.1  # fainter than this is background noise (paper grain, JPEG artefacts)


def to_mnist_input(image: Image.Image | np.ndarray) -> np.ndarray | None:
    """A 28x28 float32 array in [0, 1], white ink on black, centred like MNIST; None if nothing is drawn.

    Takes a PIL image or an array: grey (H, W), (H, W, 1), RGB or RGBA (opaque or transparent
    background), uint8 in 0-255 or float in 0-1, any size, dark ink on light or light on dark. ValueError
    for an array that cannot be a picture: another layout, empty, not numbers, or NaN or infinite values.
    """
    return fitted_input(image, (BOX, BOX), (SIZE, SIZE))


def to_pair_input(image: Image.Image | np.ndarray) -> np.ndarray | None:
    """A 28x56 float32 array made as to_mnist_input makes its 28x28 one, for two digits side by side: the ink
    fitted in a 20x48 box, its centre of mass at the centre (14, 28); None if nothing is drawn."""
    return fitted_input(image, (BOX, PAIR_BOX), (SIZE, 2 * SIZE))


def fitted_input(image: Image.Image | np.ndarray, box: tuple[int, int], shape: tuple[int, int]) -> np.ndarray | None:
    """The image's ink fitted in a box (height, width) and centred by mass in an array of `shape`, with MNIST's
    strokes: the steps of to_mnist_input."""
    ink = ink_intensity(image)  # 1. one channel, ink bright on a dark background, in [0, 1]
    ink = np.where(ink >= NOISE, ink, 0.0)  # 2. drop faint noise
    if not ink.any():
        return None
    large = fit_in_box(crop_to_ink(ink), (box[0] * SUPERSAMPLE, box[1] * SUPERSAMPLE))  # 3. crop, scale to 4x the box
    solid = large >= INK
    width = stroke_width(solid)
    if is_dot(solid, width):  # 4. a click or a speck is not a digit
        return None
    large = set_stroke_width(large, width, *(w * SUPERSAMPLE for w in STROKE))  # 5. pens to MNIST's strokes
    fitted = fit_in_box(crop_to_ink(large), box)  # 6. into the box (20 pixels high at most), aspect kept, anti-aliased
    return centre_by_mass(fitted, shape)  # 7. the centre of mass at the centre


def has_ink(image: Image.Image | np.ndarray) -> bool:
    """True if anything on the image is brighter than background noise: something was drawn, readable or not."""
    return bool((ink_intensity(image) >= NOISE).any())


PLAIN_MODES = ("1", "L", "LA", "RGB", "RGBA")  # Pillow's modes that the readers take as they are, 8 bits a channel


def grey_levels(image: Image.Image) -> np.ndarray | None:
    """A 16- or 32-bit grey image's pixels as floats in [0, 1]: of its brightest where any is over 255 (16-bit
    data, which may use only 12 of its bits, or be dim: a photo's ink at 100 on paper at 300), else of 255; a float
    image's ("F") as they are where none is over 1. None for the other modes. (Pillow's convert clips them at 255: a
    16-bit PNG came out all white, read as blank paper, and one of floats in [0, 1] black, read as no drawing.)"""
    if not image.mode.startswith("I") and image.mode != "F":  # "I;16", "I;16B", "I;16L", "I", "F"
        return None
    pixels = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    top = pixels.max(initial=0.0)
    return np.clip(pixels / (1.0 if image.mode == "F" and top <= 1 else max(top, 255)), 0.0, 1.0)


def eight_bit(image: Image.Image, kept: tuple[str, ...] = PLAIN_MODES) -> Image.Image:
    """The image in plain 8-bit channels, to show or store: as it is in the modes `kept`; a 16- or 32-bit grey
    or a float one (grey_levels) as 8-bit grey; palette, CMYK and the rest as RGBA."""
    if image.mode in kept:
        return image
    if (levels := grey_levels(image)) is not None:
        return Image.fromarray((levels * 255).round().astype(np.uint8))
    return image.convert("LA" if image.mode == "La" else "RGBA")  # Pillow converts "La" (premultiplied) to "LA" only


def readable_pixels(image: Image.Image, kept: tuple[str, ...] = PLAIN_MODES) -> np.ndarray:
    """The image's pixels as the readers take them: a 16- or 32-bit grey's as grey_levels gives them, floats that
    keep all their levels; the others as eight_bit gives them."""
    levels = grey_levels(image)
    return levels if levels is not None else np.asarray(eight_bit(image, kept))


def ink_intensity(image: Image.Image | np.ndarray) -> np.ndarray:
    """The image as one float channel in [0, 1] where ink is bright (peak 1) and the background is 0."""
    if isinstance(image, Image.Image):
        image = readable_pixels(image)
    pixels = checked_pixels(np.asarray(image))
    full = full_scale(pixels)
    if pixels.dtype.kind == "f":
        pixels = np.clip(pixels, 0.0, 1.0)  # before mixing channels or casting, where 1e308 would overflow
    channels = pixels.shape[2] if pixels.ndim == 3 else 0
    if channels in (2, 4) and pixels[..., -1].min() < full / 2:
        grey = pixels[..., -1]  # a transparent background: what is opaque is the drawing, whatever its colour
    elif channels in (1, 2):
        grey = pixels[..., 0]
    elif channels in (3, 4):
        grey = pixels[..., :3] @ np.float32([0.299, 0.587, 0.114])  # luminance, as Pillow's "L"
    else:
        grey = pixels
    grey = np.clip(grey.astype(np.float32) / full, 0.0, 1.0)
    background = np.median(border(grey))
    ink = np.clip(grey - background if background < 0.5 else background - grey, 0.0, None)  # light-on-dark ink
    contrast = ink.max()
    return ink / contrast if contrast >= MIN_CONTRAST else np.zeros_like(ink)


def checked_pixels(pixels: np.ndarray) -> np.ndarray:
    """`pixels` if they can be a picture: grey (H, W) or (H, W, 1-4) channels, not empty, of bools, integers
    or finite floats. Else ValueError saying what is wrong, for the caller to pass on."""
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] > 4):
        raise ValueError(f"expected a grey, RGB or RGBA image, got an array of shape {pixels.shape}")
    if pixels.dtype.kind not in "biuf":  # complex numbers, Python objects, strings, dates: no brightness
        raise ValueError(f"expected an image of bools, integers or floats, got an array of {pixels.dtype}")
    if pixels.size == 0:
        raise ValueError(f"the image is empty: an array of shape {pixels.shape}")
    if pixels.dtype.kind == "f" and not np.isfinite(pixels).all():  # NaN would read as blank, or as anything
        raise ValueError("the image holds NaN or infinite values; pixels must be finite")
    return pixels


def full_scale(pixels: np.ndarray) -> float:
    """The value of full ink or full opacity: 1 for bools and floats, 255 for integers."""
    return 1.0 if pixels.dtype.kind in "bf" else 255.0


def border(image: np.ndarray) -> np.ndarray:
    """The pixels along the four edges of an image: mostly background in any picture of a digit."""
    return np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])


def ink_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    """The smallest box holding all the ink (bright on 0): left, top, right, bottom, right and bottom exclusive."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """The smallest rectangle holding all the ink."""
    left, top, right, bottom = ink_box(ink)
    return ink[top:bottom, left:right]


def stroke_width(solid: np.ndarray) -> float:
    """The typical width of the strokes in a mask: twice the area over the outline (a disc gives its radius)."""
    inner = ndimage.binary_erosion(solid)  # ink whose four neighbours are ink too; beyond the edges is not
    outline = np.count_nonzero(solid & ~inner)
    return 2 * np.count_nonzero(solid) / max(outline, 1)


def is_dot(solid: np.ndarray, width: float) -> bool:
    """True if the solid ink is empty, or a blob hardly longer than its stroke `width` (a click, a speck)."""
    rows, cols = np.nonzero(solid)
    if len(rows) == 0:
        return True
    length = max(np.ptp(rows), np.ptp(cols)) + 1
    return length < 2.5 * width


def set_stroke_width(ink: np.ndarray, width: float, low: float, target: float, high: float) -> np.ndarray:
    """Widen strokes (now `width` wide) thinner than `low` to about `target`, and thin strokes wider than `high`
    to it."""
    if width < low:
        steps = round((target - width) / 2)  # a (2s+1)-pixel square dilation widens a stroke by 2s pixels
        return ndimage.grey_dilation(np.pad(ink, steps), size=2 * steps + 1, mode="constant") if steps else ink
    if width > high:
        steps = round((width - high) / 2)  # beyond the edges is background: strokes at the edge thin too
        return ndimage.grey_erosion(ink, size=2 * steps + 1, mode="constant", cval=0.0) if steps else ink
    return ink


def fit_in_box(ink: np.ndarray, box: tuple[int, int]) -> np.ndarray:
    """Scale to fill a box (height, width), keeping the aspect ratio, anti-aliased; peak ink 1."""
    height, width = ink.shape
    scale = min(box[0] / height, box[1] / width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    fitted = np.asarray(Image.fromarray(ink.astype(np.float32)).resize(size, resample))
    return np.clip(fitted, 0.0, None) / fitted.max()


def centre_by_mass(ink: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Place `ink` in an array of `shape` so that its centre of mass falls on the array's centre."""
    cy, cx = ndimage.center_of_mass(ink)
    top, left = round(cy - shape[0] / 2), round(cx - shape[1] / 2)  # where the output's corner lies in `ink`
    pad = max(shape)
    padded = np.pad(ink, pad)
    return np.ascontiguousarray(padded[pad + top : pad + top + shape[0], pad + left : pad + left + shape[1]],
                                np.float32)

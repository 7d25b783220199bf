"""Photos of digits: uploaded files and camera shots opened safely, and the paper lifted off the ink.

A photo is not a canvas: the paper is grey and uneven (texture, a lighting gradient, a shadow), perhaps ruled or
squared, the sensor adds noise, the ink may be blue, and dust is ink too. photo_ink turns a photo into what
to_mnist_input expects, the ink bright on black, and keeps the scale so that boxes found on it can be drawn on the
photo.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage
from skimage.filters import threshold_otsu
from skimage.transform import hough_line

from digits.numbers import elongation, piece_height
from digits.preprocessing import checked_pixels, full_scale, readable_pixels

MAX_MEGABYTES = 20  # the largest upload or file read, in the uploader's decimal megabytes
MAX_BYTES = MAX_MEGABYTES * 10**6
# The most pixels decoded: a 48-megapixel phone photo passes; a file that claims more is refused before they are
# decoded. (Pillow's own decompression-bomb limit, 89 million, warns and goes on.)
MAX_PIXELS = 50_000_000
FORMATS = frozenset({"PNG", "JPEG", "WEBP", "MPO"})  # MPO: a phone's JPEG with a second picture (a code review)
# An iPhone's photos are HEIC (HEIF) by default, which Pillow cannot open: such a file was "not an image" (a
# review, 2026-12-05). Its ftyp box, at byte 4, names one of these brands.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
PNG_END = b"\0\0\0\0IEND\xaeB`\x82"  # the empty IEND chunk and its CRC, which every whole PNG has
WORKING_SIDE = 800  # photos are read at most this large: 12 megapixels would take seconds, and add nothing
SMALLEST_SIDE = 64  # ...and at least this large (enlarged, bicubic): of 200 MNIST test digits shrunk to 10x10 pixels,
# the blur against sensor noise left 14 blank and 98 read right, none and 195 so (14x14: 179 and 200; 28x28 and up: 200)
PAPER_GRID = 200  # the paper's light is estimated on a grid this large on the longer side...
PAPER_WINDOW = 21  # ...over windows this many cells wide (a tenth of the photo: wider than any pen's stroke)
POLARITY_GRID, POLARITY_WINDOW = 64, 15  # the same for telling dark ink from light, by a median (a quarter)
STROKE_CELLS = 4  # no stroke is wider than twice this many cells of that grid (an eighth of the photo)
# A drawing made on a screen (flat_paper): its paper is one colour within FLAT (a JPEG's, too), and at most EDGES of
# its pixels, its strokes' edges, lie between that and INKED from it. Drawings with pens of 4-10% of their side:
# 80-89% paper, 0.6-2.6% between (a JPEG 2.0%); of 300 photos of the photos benchmark, 5 had half their pixels
# within FLAT of one colour, and 21-48% between (2026-12-03).
FLAT, INKED, EDGES = 0.02, 0.3, 0.1
STROKE_SHARE = 0.06  # no drawing's stroke is wider than twice this share of its shorter side (the canvas's pen is
# 22 pixels of 280, 0.08; the tests draw up to 28, 0.1)
SAMPLED = 10_000  # about this many of the pixels, evenly spread, tell whether a picture is a drawing
MIN_INK = 0.22  # ink darkens the paper by at least this share; sensor noise and JPEG stay under 0.15
MIN_DARKER = 0.08  # and by this much of the full range: on dark paper a small share is noise
SPECK = 0.02  # a piece of ink under this share of the largest piece's area is dust or grain, not a stroke...
DUST = 1e-4  # ...and so is one under this share of the photo's area (2 pixels left beside an empty sheet read as a 2)
# A sheet photographed on a desk: the desk is no ink, where it lies along the photo's sides (along_a_side), nor at the
# sheet's edge (light_steps). Of 20 such photos of a review (2026-12-03), 3 were read right as a digit and 2 as a
# number before, 15 and 16 with along_a_side alone, 17 and 17 with both; the photos benchmark reads the same (99.70%
# of its digits, 96.5% of its numbers).
ALONG_A_SIDE = 0.25  # a piece of "ink" along more than this share of a side of the photo is the desk...
STEP, STEP_WIDTH = 0.25, 9  # ...and so is "ink" where the paper's light changes by more than this within 9 pixels
RULING_TURN = 12  # an exercise book's lines are sought within this many degrees of level and of upright...
RULED_LINES = 3  # ...three or more of them, parallel...
RULED_ACROSS = 0.6  # ...each along at least this share of the photo's width or height...
ACROSS_ALONE = 0.8  # ...or fewer along this share (a margin, a ruled page two lines high)...
RULED_ENDS = 0.05  # ...those long ones running from side to side of the photo, to within this share of each...
RULED_SHORT = 0.1  # ...and then the lines on their spacing along this share or more (one running out of the photo)
RUNS_PAST = 0.05  # ...and, unless MANY_LINES or more, run on past all the writing by this share at both ends
MANY_LINES = 5  # (five or more are a page's lines, whatever else is on it)
RULED_WIDTH = 6  # ...and no line wider than this many pixels (a felt pen's stroke is wider)
ENCLOSED = 0.25  # a ring round writing holds two pieces or more at least this share of its height (rings_round_writing)
CIRCLED = 0.45  # ...or one at least this share of its height (a zero's tick, curl or dot inside it is less), and...
STRAIGHT = 6.0  # ...less elongated than this (numbers.elongation): a zero's slash drawn inside it is more (a slash
# 100 pixels long in a 10-pixel pen: 11), a digit other than a 1 less (all training styles under 3.5)
Box = tuple[int, int, int, int]  # left, top, right, bottom, right and bottom exclusive (as PIL's)

# Why nothing was read in a photo (Recognizer.read_photo), said by the Photo page and predict.py.
# Writing under about a fortieth of the photo's height is taken for the paper's grain (SPECK, DUST): a 7 38 pixels
# high on a 2000x1500 photo was, 40 pixels was read; a review's 16-pixel 5 was said to be on blank paper alone.
# "Crop it to the writing", not "to the digit": the page says it of a number too (a review, 2026-12-06).
BLANK = ("No digit found in this photo: the paper looks blank, or the writing is under about a fortieth of the "
         "photo's height, too small to tell from the paper. Try a closer photo, or crop it to the writing, with the "
         "writing clearly darker (or lighter) than the paper.")
# Ink too small to read (a speck, a digit a few pixels high): not blank paper, which the page had said (a review).
TOO_SMALL = "Too small to read: the ink is only a speck. Try a closer photo, or crop it to the writing."
# In place of the 2 the model would read in a level line (Recognition.is_level_line): a dash, an underline.
ONLY_A_LEVEL_LINE = "No digit found in this photo, only a level line (a dash or an underline)."


class PhotoError(ValueError):
    """A file that cannot be read as a photo; the message says why, for the person who sent it."""


def over_the_limit(size: int) -> str:
    """Why a file of `size` bytes, over MAX_BYTES, is not read, in megabytes as the page's uploader counts them: of
    a million bytes (a review's 90 MB file, "90.0MB" in the uploader, had been said to be 85.9 MB)."""
    return f"The file is {size / 1e6:.1f} MB; the limit is {MAX_MEGABYTES} MB."


def open_photo(data: bytes) -> Image.Image:
    """The image in an uploaded file (PNG, JPEG or WebP, at most MAX_BYTES), turned upright by its EXIF
    orientation and fully decoded. Raises PhotoError with a message for the person who sent it."""
    if len(data) > MAX_BYTES:
        raise PhotoError(over_the_limit(len(data)))
    if not data:
        raise PhotoError("The file is empty.")
    too_large = PhotoError(f"The image has more than {MAX_PIXELS // 1_000_000} million pixels (a camera's photo "
                           "has 12-48 million); use a smaller one.")
    try:
        image = Image.open(io.BytesIO(data))  # its header only
        if image.format not in FORMATS:
            raise PhotoError(f"This is a {image.format} image, not a PNG, JPEG or WebP photo: save it as one "
                             "of those and try again.")
        # Checked here, not by lowering Pillow's limit for the call: that limit, and the warnings filter that
        # makes its warning an error, are the whole server's, shared by visitors' threads (a code review).
        if image.width * image.height > MAX_PIXELS:
            raise too_large
        image.load()
        # Pillow decodes a PNG cut anywhere after its pixel data (in the checksum or the end chunk) without
        # a word: such a file was cut short in the middle of an upload or copy all the same.
        if image.format == "PNG" and PNG_END not in data:
            raise PhotoError("The image could not be read: it is cut short (the PNG has no end chunk).")
        return ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except Image.DecompressionBombError:  # over twice Pillow's own limit, refused as the header is read
        raise too_large from None
    except UnidentifiedImageError:
        if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
            raise PhotoError("This is a HEIC photo (an iPhone's), not a PNG, JPEG or WebP: share or export it as a "
                             "JPEG and try again. An iPhone takes JPEGs with Settings > Camera > Formats > Most "
                             "Compatible.") from None
        raise PhotoError("This file is not an image (a PNG, JPEG or WebP photo).") from None
    except (OSError, SyntaxError, ValueError, EOFError):  # truncated or damaged data; Pillow's words help no one
        raise PhotoError("The image could not be read: it is cut short or damaged. Try the whole file again, "
                         "or another photo.") from None


@dataclass(frozen=True)
class PhotoInk:
    """A photo's ink, bright on black, at working size."""

    ink: np.ndarray  # (H, W) float32 in [0, 1]; the paper is 0
    scale: float  # photo pixels per ink pixel
    photo_size: tuple[int, int]  # the photo's width and height

    def on_photo(self, box: Box) -> Box:
        """A box found on the ink, in the photo's pixels. Kept inside the photo: the ink's sides were rounded, so
        its last pixel may reach past the photo's edge (a photo 3 pixels wide is read 1 pixel wide)."""
        width, height = self.photo_size
        left, top, right, bottom = (round(v * self.scale) for v in box)
        return min(left, width - 1), min(top, height - 1), min(right, width), min(bottom, height)


def photo_ink(image: Image.Image | np.ndarray) -> PhotoInk:
    """The ink of a photo of a digit or number on paper, lifted off the paper: dark ink on light paper or light
    on dark, any colour of ink, under uneven light, with paper texture, noise and dust. All zero for blank paper.
    Also right for clean drawings: their ink comes through as it is."""
    if isinstance(image, Image.Image):
        image = readable_pixels(ImageOps.exif_transpose(image), kept=("L", "RGB"))
    pixels = checked_pixels(np.asarray(image))
    if pixels.ndim == 3 and pixels.shape[2] == 4:  # a transparent drawing: its opacity is the ink
        if pixels[..., 3].min() < full_scale(pixels) / 2:
            pixels = pixels[..., 3:]
        else:
            pixels = pixels[..., :3]
    photo_size = pixels.shape[1], pixels.shape[0]
    longer = max(photo_size)
    scale = longer / WORKING_SIDE if longer > WORKING_SIDE else min(longer / SMALLEST_SIDE, 1.0)
    size = (max(1, round(photo_size[0] / scale)), max(1, round(photo_size[1] / scale)))
    # A camera's 8-bit photo is shrunk as it is, before it becomes floats: a 7000x7000 one took 1.7-2.3 s here
    # shrunk as float32, against 0.6-0.7 s (2026-12-05).
    pixels = grey_or_rgb(pixels)
    if scale > 1 and pixels.dtype == np.uint8:
        pixels = resized(pixels, size, Image.Resampling.BOX)
    rgb = as_rgb(pixels)
    if rgb.shape[:2] != size[::-1]:
        resample = Image.Resampling.BOX if scale > 1 else Image.Resampling.BICUBIC
        rgb = resized(rgb, size, resample)
    rgb = ndimage.gaussian_filter(rgb, (1, 1, 0))  # sensor noise: in a shadow it darkens pixels as much as faint ink
    flat = flat_paper(rgb)  # a drawing made on a screen: its paper is one colour, and its ink whatever is not
    light = light_ink(rgb.mean(axis=2)) if flat is None else flat[1]
    if light:  # on a blackboard, a dark canvas
        rgb = 1.0 - rgb
    if flat is None:
        paper = paper_light(rgb)
    else:
        paper = np.broadcast_to(1.0 - flat[0] if light else flat[0], rgb.shape)
    darker = (paper - rgb).max(axis=2)  # any colour of ink: the channel it darkens most
    darkening = np.clip(darker / np.maximum(paper.max(axis=2), 0.05), 0.0, 1.0)
    steps = light_steps(paper)
    mask = (darkening >= max(MIN_INK, otsu(darkening))) & (darker >= MIN_DARKER) & ~steps
    mask &= ~exercise_book_lines(mask)
    labels, count = ndimage.label(mask, np.ones((3, 3), bool))
    if count:  # one labelling finds the largest piece, drops the dust and what lies along the photo's sides
        areas = np.bincount(labels.ravel())
        areas[0] = 0  # the paper
        areas[along_a_side(labels)] = 0
        areas[desk_at_the_edge(labels, steps, rgb.min(axis=2))] = 0
        areas[rings_round_writing(labels)] = 0
        mask = areas[labels] > dust_area(areas, labels.size)
    ink = np.where(mask, darkening, 0.0)
    if ink.any():
        ink = np.clip(ink / np.percentile(ink[mask], 90), 0.0, 1.0)
    return PhotoInk(ink.astype(np.float32), scale, photo_size)


def resized(pixels: np.ndarray, size: tuple[int, int], resample: Image.Resampling) -> np.ndarray:
    """(H, W, C) pixels, 8-bit or float32, resized to `size` (width, height) channel by channel."""
    return np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(c)).resize(size, resample))
                     for c in pixels.transpose(2, 0, 1)], axis=2)


def light_steps(paper: np.ndarray) -> np.ndarray:
    """Where the paper's light steps by more than STEP within STEP_WIDTH pixels: the edge of a sheet on a desk,
    where paper_light's coarse grid spreads the sheet's light over the desk beside it, so that the desk looks like
    ink there. A lighting gradient changes far more slowly."""
    light = paper.max(axis=2)
    return ndimage.maximum_filter(light, STEP_WIDTH) - ndimage.minimum_filter(light, STEP_WIDTH) > STEP


class RuledLines(NamedTuple):
    """A family of parallel lines in a photo's ink, as ruled_lines finds them level (on the photo's transpose for
    upright ones): the lines' turn, and each line's middle (its distance from the top left corner along the normal
    at that turn, as skimage's hough_line measures it) and half width, in pixels."""

    turn: float
    middles: np.ndarray
    halves: np.ndarray


def exercise_book_lines(mask: np.ndarray) -> np.ndarray:
    """The pixels of the ink `mask` that are an exercise book's lines (ruled_lines): ruled paper has one family of
    them, level or upright, and perhaps a margin line across them; squared paper two families. A stroke keeps
    its pixels where it crosses a line, or runs along it wider than it: only the lines' pixels with none of a
    stroke's ink round them are taken. A darker blue grid was read as ink: a 7 on squared paper was read as 0."""
    families = []  # (band, upright, family) of each family found
    for upright in (False, True):
        family = ruled_lines(mask.T if upright else mask)
        if family is not None:
            band = line_band(mask.shape[::-1] if upright else mask.shape, family)
            families.append((band.T if upright else band, upright, family))
    if not families:
        return np.zeros_like(mask)
    taken = lines_taken(mask, families)
    # A family of few lines runs on past the writing at both ends, and there is writing: straight thin strokes in
    # a photo cropped to them (a 1, 111, a 7's bar) are as long as the writing, or all of it.
    writing = writing_left(mask & ~taken)
    kept = [(band, upright, family) for band, upright, family in families if len(family.middles) >= MANY_LINES
            or writing.any() and runs_past(band & mask, writing, upright)]
    if len(kept) == len(families):
        return taken
    return lines_taken(mask, kept) if kept else np.zeros_like(mask)


def lines_taken(mask: np.ndarray, families: list[tuple[np.ndarray, bool, RuledLines]]) -> np.ndarray:
    """The pixels of the ink `mask` in the families' bands, but for a stroke's where it crosses a line or runs
    along it wider than it: a closing of the strokes left beside the lines fills the lines' gaps through them,
    not the lines themselves."""
    lines = np.logical_or.reduce([band for band, _, _ in families])
    side = 2 * int(np.ceil(max(family.halves.max() for _, _, family in families))) + 3
    crossed = ndimage.minimum_filter(ndimage.maximum_filter(np.uint8(mask & ~lines), side), side).astype(bool)
    return lines & mask & ~crossed


def writing_left(mask: np.ndarray) -> np.ndarray:
    """The pieces of `mask` that are writing: neither dust (under SPECK of the largest one's area, or DUST of the
    photo's) nor touching a side of the photo, as the bits of a line its band missed where it runs out do."""
    labels, _ = ndimage.label(mask, np.ones((3, 3), bool))
    areas = np.bincount(labels.ravel())
    areas[np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))] = 0  # the paper too
    return areas[labels] > dust_area(areas, mask.size)


def dust_area(areas: np.ndarray, pixels: int) -> int:
    """The largest area a piece of ink may have and still be dust or grain, not a stroke, among pieces of these
    `areas` (the paper's, and any not counted, 0) in a photo of so many `pixels`: SPECK of the largest piece's, DUST
    of the photo's, or a single pixel, whichever is most."""
    return max(1, int(SPECK * areas.max()), int(DUST * pixels))


def runs_past(line: np.ndarray, writing: np.ndarray, upright: bool) -> bool:
    """Whether the `line`'s ink (level, or `upright`) runs on past both ends of the `writing` by RUNS_PAST of the
    photo or more."""
    across = 0 if upright else 1  # the photo's axis the line runs along
    written = np.flatnonzero(writing.any(axis=1 - across))
    running = np.flatnonzero(line.any(axis=1 - across))
    past = RUNS_PAST * line.shape[across]
    return running[0] <= written[0] - past and running[-1] >= written[-1] + past


def ruled_lines(mask: np.ndarray) -> RuledLines | None:
    """A family of level ruled lines in `mask`, or None. They are straight, parallel, evenly spaced and thin
    (RULED_WIDTH), level within RULING_TURN degrees, and RULED_LINES or more of them each run from side to side
    along RULED_ACROSS of the photo or more, or fewer along ACROSS_ALONE. Then the family's shorter lines are found
    too, on the same spacing, each reaching a side of the photo: one that runs out of a turned photo through its
    top or bottom, one hidden by a stroke along it."""
    height, width = mask.shape
    tops = mask.copy()  # a line's or a stroke's top edge: one pixel a column, however wide it is
    tops[1:] &= ~mask[:-1]
    if tops.sum() < ACROSS_ALONE * width:  # too little for the fewest lines to run along
        return None
    turns = np.pi / 2 + np.deg2rad(np.arange(-RULING_TURN, RULING_TURN + 0.01, 0.25))
    votes, turns, distances = hough_line(tops, turns)
    votes = ndimage.uniform_filter1d(votes.astype(np.float32), 3, axis=0) * 3  # the edge may step by a pixel
    peaks = (votes == ndimage.maximum_filter1d(votes, 9, axis=0)) & (votes >= RULED_SHORT * width)
    peaks[1:] &= ~peaks[:-1]  # one of two equal neighbours
    best = int(np.argmax(np.where(peaks & (votes >= RULED_ACROSS * width), votes, 0).sum(axis=0)))
    column, turn = votes[:, best], turns[best]
    rows, columns = np.nonzero(tops)
    along = columns * np.cos(turn) + rows * np.sin(turn)  # each top edge pixel's distance along the normal

    @cache  # each line is looked at again: as a long line, a shorter one, a place on the spacing
    def ends(at: int) -> np.ndarray:
        """The first and last top edge pixels, (row, column) each, of the line at distance bin `at`."""
        on = np.flatnonzero(np.abs(along - distances[at]) <= 2)
        return np.array([[rows[i], columns[i]] for i in (on[np.argmin(columns[on])], on[np.argmax(columns[on])])])

    @cache
    def wide(at: int) -> int:
        return line_width(mask, turn, distances[at])

    def thin(at: int) -> bool:
        return 0 < wide(at) <= RULED_WIDTH

    near = RULED_ENDS * np.array([height, width])
    found = [at for at in np.flatnonzero(peaks[:, best])
             if column[at] >= RULED_ACROSS * width and thin(at)
             and ends(at)[0, 1] <= near[1] and ends(at)[1, 1] >= width - 1 - near[1]]  # from side to side
    if not (len(found) >= RULED_LINES or found and column[found].min() >= ACROSS_ALONE * width):
        return None
    slots = found
    if len(found) > 1:
        # The family's lines lie on one spacing, each sought at the peak of votes nearest its place. The long lines
        # may lie two or three spacings apart (one between them broken in a shadow): a finer spacing is taken where
        # half or more of the places it adds hold a thin line, not where one stroke happens to lie on one.
        first, last = found[0], found[-1]
        spacing = (last - first) / max(1, round((last - first) / np.median(np.diff(found))))
        shorter = np.array([at for at in np.flatnonzero(peaks[:, best]) if thin(at)])
        for finer in (3, 2):
            fine = spacing / finer
            steps = np.arange(np.floor((shorter[0] - first) / fine), (shorter[-1] - first) / fine + 1)
            added = first + fine * steps[steps % finer != 0]  # as far as thin lines are, between and beyond
            held = [np.abs(shorter - place).min() <= max(1.5, 0.1 * fine) for place in added]
            if held and np.mean(held) >= 0.5:
                spacing /= finer
                break
        places = np.arange(first - spacing * (first // spacing), len(column), spacing).round().astype(int)
        windows = [max(0, place - 3) + int(np.argmax(column[max(0, place - 3) : place + 4])) for place in places]
        reaching = [at for at in np.unique(windows) if column[at] >= RULED_SHORT * width and thin(at)
                    and any((point <= near).any() or (point >= [height - 1, width - 1] - near).any()
                            for point in ends(at))]
        slots = sorted(set(found) | set(reaching))
    widths = np.array([wide(at) for at in slots])
    return RuledLines(float(turn), distances[slots] + (widths - 1) / 2, widths / 2 + 1.5)  # edge to middle


def line_width(mask: np.ndarray, turn: float, distance: float) -> int:
    """How many pixels wide the level line whose top edge lies at `distance` along the normal at `turn` is in
    `mask`: the median, over the columns where it has ink, of the run of ink down from its edge. A stroke that
    runs beside the line for part of its length leaves the median as it is."""
    columns = np.arange(mask.shape[1])
    top = np.round((distance - columns * np.cos(turn)) / np.sin(turn)).astype(int)
    rows = top + np.arange(-2, 2 * RULED_WIDTH)[:, None]  # from just above the edge (it steps), down
    inside = (rows >= 0) & (rows < mask.shape[0])
    inked = np.where(inside, mask[np.clip(rows, 0, mask.shape[0] - 1), columns], False)
    started = np.logical_or.accumulate(inked, axis=0)
    ended = np.logical_or.accumulate(started & ~inked, axis=0)
    present = inked[:5].any(axis=0)
    return int(np.median((started & ~ended)[:, present].sum(axis=0))) if present.any() else 0


def line_band(shape: tuple[int, int], family: RuledLines) -> np.ndarray:
    """The pixels within each level line's half width of its middle: drawn a column at a time (searching every
    pixel for its nearest line took 22 ms on 800x600 pixels)."""
    band = np.zeros(shape, bool)
    columns = np.arange(shape[1])
    middles = (family.middles[:, None] - columns * np.cos(family.turn)) / np.sin(family.turn)  # each line's row
    for middle, half in zip(middles, family.halves / np.sin(family.turn)):
        low, high = np.ceil(middle - half).astype(int), np.floor(middle + half).astype(int)
        for step in range(int(2 * half) + 2):
            rows = low + step
            inside = (rows <= high) & (rows >= 0) & (rows < shape[0])
            band[rows[inside], columns[inside]] = True
    return band


def rings_round_writing(labels: np.ndarray) -> list[int]:
    """The pieces of labelled ink that ring writing: two pieces or more, each at least ENCLOSED of the ring's height,
    in its holes, or one at least CIRCLED of it and less elongated than STRAIGHT. A teacher's circle round an answer,
    a box round a number, is no ink of it: a circled 73 was read as "?0", the circle's halves as two 0s (a review,
    2026-12-05), a circled 7 as a 0. A small or straight stroke in a loop is not enough: a zero's slash, tick, curl
    or dot drawn inside it would make the zero a ring (read as a 1, a 6, a speck), so a circled 1 keeps its circle."""
    pieces = ndimage.find_objects(labels)
    rings = []
    for label, piece in enumerate(pieces, start=1):
        if piece is None:
            continue
        mask = labels[piece] == label
        inside = np.unique(labels[piece][ndimage.binary_fill_holes(mask) & ~mask])
        tall = [i for i in inside if i and piece_height(pieces[i - 1]) >= ENCLOSED * piece_height(piece)]
        if len(tall) >= 2 or (len(tall) == 1 and piece_height(pieces[tall[0] - 1]) >= CIRCLED * piece_height(piece)
                              and elongation(labels[pieces[tall[0] - 1]] == tall[0]) < STRAIGHT):
            rings.append(label)
    return rings


def along_a_side(labels: np.ndarray) -> list[int]:
    """The pieces of labelled ink that lie along a side of the photo: along more than ALONG_A_SIDE of it, or
    further along it than they reach into the photo. Such "ink" is a strip or a corner of desk round the sheet, too
    narrow for paper_light to take it for paper, or the sheet's shadowed edge (a sheet on a desk was read as a 0 at
    98%, an empty one as 116-1: a review, 2026-12-03). A stroke that runs off the photo crosses a side over its
    width only, and reaches further in."""
    height, width = labels.shape
    pieces = ndimage.find_objects(labels)  # each piece's rows and columns, by label - 1
    sides = [  # the side's pixels, its length, and how far a piece (rows, columns) reaches in from it
        (labels[0], width, lambda rows, columns: rows.stop),
        (labels[-1], width, lambda rows, columns: height - rows.start),
        (labels[:, 0], height, lambda rows, columns: columns.stop),
        (labels[:, -1], height, lambda rows, columns: width - columns.start),
    ]
    found = set()
    for cells, length, reach in sides:
        along = np.bincount(cells, minlength=len(pieces) + 1)
        found.update(int(label) for label in np.flatnonzero(along[1:]) + 1
                     if along[label] > ALONG_A_SIDE * length or along[label] >= reach(*pieces[label - 1]))
    return sorted(found)


def desk_at_the_edge(labels: np.ndarray, steps: np.ndarray, dark: np.ndarray) -> list[int]:
    """The pieces of labelled ink beside a sheet's edge (light_steps) that are desk: wedges of it at the sheet's
    corners, where paper_light spreads the sheet's light. In the photo (`dark`: its darkest channel, where any colour
    of ink is dark) such a piece runs on, as dark, into the desk round the sheet, out to the photo's side and over a
    wider area than its own; ink on the sheet stays within its strokes, even across the edge of a shadow."""
    near = np.unique(labels[ndimage.binary_dilation(steps, iterations=2)])
    found = []
    for label in near[near > 0]:
        piece = labels == label
        regions, _ = ndimage.label(dark <= np.percentile(dark[piece], 90), np.ones((3, 3), bool))
        inside = np.unique(regions[piece])
        region = np.isin(regions, inside[inside > 0])
        border = region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any()
        if border and region.sum() > 4 * piece.sum():
            found.append(int(label))
    return found


def grey_or_rgb(pixels: np.ndarray) -> np.ndarray:
    """Checked pixels, grey (H, W) or (H, W, 1) or RGB, as (H, W, 1) or (H, W, 3); ValueError for other layouts."""
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.shape[2] not in (1, 3):
        raise ValueError(f"expected a grey or RGB photo, got an array of shape {pixels.shape}")
    return pixels


def as_rgb(pixels: np.ndarray) -> np.ndarray:
    """Pixels as grey_or_rgb gives them, as float32 RGB in [0, 1]."""
    full = full_scale(pixels)
    if pixels.dtype.kind == "f":
        pixels = np.clip(pixels, 0.0, 1.0)  # before the cast, where 1e308 would overflow float32
    rgb = np.clip(pixels.astype(np.float32) / full, 0.0, 1.0)
    return np.repeat(rgb, 3, axis=2) if rgb.shape[2] == 1 else rgb


def light_ink(grey: np.ndarray) -> bool:
    """True if the ink is lighter than the paper. The paper is most of every part of the picture, so a median
    filter over windows wider than a stroke shows the paper, edges of shadows included, and the ink stands out
    from it, darker or lighter. (The brightness of the border, as for canvases, took paper in a shadow for a
    blackboard; the tails of the histogram took a lighting gradient for light ink.)"""
    coarse = pooled(grey[..., None], POLARITY_GRID)[0][..., 0]
    bright = coarse > otsu(coarse)
    if bright.mean() > 0.5:
        return False
    # A sheet on a darker desk, under half the photo: the light is one wide region round the middle, its strokes
    # closed over, where light strokes vanish once thinned by more than any pen's width (a review's sheet, half the
    # photo on a brown desk, was taken for light ink, and the sheet for the ink: "only a speck", 2026-12-04).
    sheet = wide_region(bright, STROKE_CELLS)
    height, width = sheet.shape
    middle = sheet[height // 3:height - height // 3, width // 3:width - width // 3]
    if middle.mean() > 0.5:  # never empty: of n rows, the middle third keeps n - 2 * (n // 3), at least one
        return False
    residual = coarse - ndimage.median_filter(coarse, size=POLARITY_WINDOW, mode="nearest")
    darkest, brightest = np.percentile(residual, [0.5, 99.5])
    return bool(brightest > -darkest)


def wide_region(mask: np.ndarray, width: int) -> np.ndarray:
    """What of `mask` stays once the gaps in it up to twice `width` are closed over and it is then thinned by
    `width` on every side: a region wider than any stroke (a sheet with its strokes), where strokes vanish."""
    return ndimage.binary_erosion(ndimage.binary_closing(mask, iterations=width), iterations=width)


def pooled(rgb: np.ndarray, cells: int) -> tuple[np.ndarray, int]:
    """The mean of square blocks of an image (H, W, C), about `cells` blocks along its longer side, and the
    blocks' side in pixels."""
    height, width = rgb.shape[:2]
    step = max(1, round(max(height, width) / cells))
    rows, columns = -(-height // step), -(-width // step)
    padded = np.pad(rgb, ((0, rows * step - height), (0, columns * step - width), (0, 0)), mode="edge")
    return padded.reshape(rows, step, columns, step, rgb.shape[2]).mean(axis=(1, 3)), step


def flat_paper(rgb: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """The paper's colour (RGB) where most of the picture is that one colour, give or take FLAT, and the rest ink but
    for its edges, as in a drawing made on a screen, and whether the ink is lighter; None for a photo, whose paper
    light, shadow and noise vary. paper_light and light_ink, made for photos, cannot tell such a drawing's strokes
    from paper where they are about as wide as their windows: of 10 digits drawn with the canvas's own pen (22 of
    280 pixels) and saved, 8 were read right, and none drawn 28 pixels wide (a review, 2026-12-03)."""
    # Every pixel of a 250x700 photo took 4.5 ms; SAMPLED of them take 1.0.
    step = max(1, round((rgb.shape[0] * rgb.shape[1] / SAMPLED) ** 0.5))
    sample = rgb[::step, ::step]
    colour = np.median(sample.reshape(-1, 3), axis=0)
    difference = np.abs(sample - colour).max(axis=2)
    off = difference > FLAT
    if off.mean() > 0.5 or (off & (difference < INKED)).mean() > EDGES:
        return None
    # A sheet photographed on a plain desk is no drawing: what is off the desk's colour is one wide region (its own
    # strokes closed over), where a drawing's strokes vanish once thinned by more than a pen's width (a review's
    # sheet on a brown desk was taken for the ink).
    width = max(1, round(STROKE_SHARE * min(off.shape)))
    if (wide_region(off, width) & off).sum() > 0.5 * off.sum():  # not the loops it closed (a small, bold 0 or 8)
        return None
    return colour, bool(off.any() and sample[off].mean() > colour.mean())


def paper_light(rgb: np.ndarray) -> np.ndarray:
    """The colour the paper would have at each pixel without the ink: a grey closing (the brightest pixel
    near each, then the darkest of those) on a coarse grid, brought back to full size. Strokes narrower than
    PAPER_WINDOW cells drop out of it, while a lighting gradient and the edge of a shadow, straight or smooth,
    come through unchanged (a percentile filter had moved shadow edges by half a window, into false ink)."""
    height, width = rgb.shape[:2]
    coarse, step = pooled(rgb, PAPER_GRID)  # the mean of each cell: it also quiets the noise
    light = ndimage.grey_closing(coarse, size=(PAPER_WINDOW, PAPER_WINDOW, 1), mode="nearest")
    return np.stack([np.asarray(Image.fromarray(light[..., c]).resize((light.shape[1] * step, light.shape[0] * step),
                                                                    Image.Resampling.BILINEAR))[:height, :width]
                     for c in range(3)], axis=2)


def otsu(values: np.ndarray) -> float:
    """Otsu's threshold between paper and ink; 1 (nothing is ink) when all values are one."""
    return float(threshold_otsu(values)) if values.max() > values.min() else 1.0

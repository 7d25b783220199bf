"""Recognizer: picture in, digit and probabilities out, through MNIST preprocessing and the CNN."""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf
from PIL import Image

from digits.numbers import (NONE, Box, NumberCandidates, TooMuchWriting, marks_between, number_lines,
                            numbers_apart, runs_down_columns, weighed_readings)
from digits.photos import BLANK, ONLY_A_LEVEL_LINE, TOO_SMALL, PhotoInk, photo_ink
from digits.preprocessing import ink_box, to_mnist_input
from digits.inspection import load_digit_model, load_saved_model
from digits.registry import CHECKER, MODELS_DIR, NUMBER_READER, PAIR_READER, SHIPPED, detector_for, read_metadata

DEFAULT_MODEL = MODELS_DIR / SHIPPED
# Below this top probability the answer is shown as a guess, with the runner-up beside it. On the
# MNIST test set the shipped model falls below 0.9 on only 0.89% of digits, yet that catches 28 of
# its 37 errors (0.7 would catch 15; 2026-12-07).
UNSURE_BELOW = 0.9
# Below this probability of being a digit at all (the detector of digits/nondigits.py), a drawing is said to look
# like no digit: 6 of the 10,000 MNIST test digits (0.1: 11) and 13 of the drawn benchmark's 7,250 digits are, and
# 83% of the benchmark's non-digits of kinds the detector learned, 80% of kinds it never saw (the detector of
# 2026-12-04; scripts/benchmark_nondigits.py, the README). At the thresholds of 0.01-0.2, docs/history.md.
DIGIT_BELOW = 0.05
# No digit in one stroke is flatter than this, its ink (over 0.3) in the model's input as high as wide: over MNIST
# train and test the flattest is 0.5, over 300 of each drawn benchmark group 0.6. A straight line within about 15
# degrees of level is flatter (0.15 at level), and the model reads it as a 2: 97% of 372 such lines, at a median
# of 0.89 (2026-12-03; is_level_line catches 226 of the 228 within 10 degrees, about 80% at 10-15).
FLATTEST = 0.4
# Up to this flat, a line that is straight (the middle of its ink in each column BENT pixels or less off the line
# through them all) is a level line too: one drawn at 16-22 degrees comes out 0.40-0.55 and was read as a 2 (a
# median of 0.84). Straightness tells it from digits as flat: of MNIST's 70,000 digits, the 4 in one stroke under
# 0.55 (2s and 5s) stray 1.5-2.8 pixels; none of 300 of each drawn benchmark group is under 0.7 so straight. Of 24
# lines at each angle (pens 6-30 pixels, 80-250 long, ruled or by a wobbling hand), it catches 23 at 18 degrees, 20
# at 22, 15 at 24 and none at 26 or steeper, where a 1 or a 7's stem may lean (2026-12-03).
SLOPED, BENT = 0.55, 1.0


def bend(ink: np.ndarray) -> float:
    """How far, in pixels, the middle of the ink (bool) in a column strays at most from the straight line fitted
    through the middles of all its columns: under a pixel for a straight stroke, more for a curved one."""
    columns = np.flatnonzero(ink.any(axis=0))
    if len(columns) < 3:
        return 0.0
    rows = np.arange(ink.shape[0])[:, None]
    middles = (rows * ink[:, columns]).sum(axis=0) / ink[:, columns].sum(axis=0)
    fitted = np.polyval(np.polyfit(columns, middles, 1), columns)
    return float(np.abs(middles - fitted).max())


def tune_for_single_images() -> None:
    """Make TensorFlow run each op in the calling thread, for a process that reads one drawing at a time.

    Handing a one-image call to TensorFlow's thread pools costs about 1 ms of the ~4 ms; batches run
    slower this way. Takes effect only before TensorFlow's first op in this process (else it does nothing).
    """
    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow is running already: it keeps its threads
        pass


@dataclass(frozen=True)
class Recognition:
    """What the model read in one image."""

    digit: int
    probabilities: np.ndarray  # 10 floats summing to 1, one per digit
    model_input: np.ndarray  # the 28x28 image the model saw (of a pair read as two: the ink on this digit's side)
    digit_likeness: float | None = None  # the detector's probability that it is a digit at all; None: not asked

    @property
    def confidence(self) -> float:
        """The probability of the digit read."""
        return float(self.probabilities[self.digit])

    @property
    def runner_up(self) -> int:
        """The second most likely digit."""
        return int(np.argsort(self.probabilities)[-2])

    @property
    def is_level_line(self) -> bool:
        """True when the ink is flatter than any digit (FLATTEST), or nearly as flat and straight (SLOPED, BENT): a
        line lying nearly level, such as the first stroke of a 7 or a 5, which the model would read as a 2."""
        ink = self.model_input > 0.3
        if not ink.any():
            return False
        left, top, right, bottom = ink_box(ink)
        # One stroke: nine columns in ten cross ink once, where a flat 0, 2 or 7 crosses it twice or more, and marks
        # apart ("- -", "1 1") leave columns with none.
        one_stroke = (runs_down_columns(ink[:, left:right]) == 1).mean() >= 0.9
        flatness = (bottom - top) / (right - left)
        straight = flatness < SLOPED and bend(ink[:, left:right]) <= BENT
        return (flatness < FLATTEST or straight) and bool(one_stroke)

    @property
    def looks_like_a_digit(self) -> bool:
        """False when the detector finds the drawing unlike any digit (a smiley, a letter, a scribble), which the
        model still reads as one, often surely."""
        return self.digit_likeness is None or self.digit_likeness >= DIGIT_BELOW

    @property
    def shown(self) -> str:
        """The digit as the pages show it: "?" for a drawing that looks like no digit, whose digit read (a 0 for a
        smiley, often at 100%) would vouch for it."""
        return str(self.digit) if self.looks_like_a_digit else "?"

    @property
    def unsure(self) -> bool:
        """True when the model's top probability is too low to state the digit as fact."""
        return self.confidence < UNSURE_BELOW

    @property
    def confidence_percent(self) -> str:
        """The confidence as the pages say it: a whole percent ("97%"), or, where that would round an unsure
        reading up to UNSURE_BELOW, to a tenth, at most 89.9% ("89.6%", never "90% sure" beside "Not sure")."""
        if self.unsure and round(self.confidence * 100) >= UNSURE_BELOW * 100:
            return f"{min(round(self.confidence * 100, 1), UNSURE_BELOW * 100 - 0.1):.1f}%"
        return f"{self.confidence:.0%}"

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        """The k most likely digits with their probabilities, most likely first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(d), float(self.probabilities[d])) for d in order]


@dataclass(frozen=True)
class NumberRecognition:
    """What the model read in a drawing of a whole number."""

    digits: list[Recognition]  # left to right
    boxes: list[Box]  # each digit's ink: (left, top, right, bottom) in the image's pixels, right and bottom exclusive
    level_lines_left_out: int = 0  # by without_level_lines
    dashes: frozenset[int] = frozenset()  # by without_level_lines: the places of digits with a dash before them
    # The places of digits that begin another number: on a line under the one before, or far to the right of the
    # digit before (numbers.numbers_apart).
    number_starts: frozenset[int] = frozenset()
    dash_boxes: tuple[Box, ...] = ()  # by without_level_lines: each dash's ink, as `boxes`, for the annotation
    marks: tuple[tuple[int, str, Box], ...] = ()  # decimal points and commas: (the place of the digit after it, "." or
    # ",", its ink as `boxes`)

    @property
    def text(self) -> str:
        """The number as written, e.g. "2026", "3.14", ".5" and "1,250" with a decimal point or a comma, or "12-5"
        and "-3" with dashes; numbers one under another or far apart on a line are parted by spaces ("12 85")."""
        return self._spelled(mark_non_digits=False)

    @property
    def shown_text(self) -> str:
        """The number as `text`, each digit as the pages show it (Recognition.shown): "7?1" with a smiley between
        a 7 and a 1, where "701" would vouch for the smiley as a 0."""
        return self._spelled(mark_non_digits=True)

    def _spelled(self, mark_non_digits: bool) -> str:
        """`text`, or with `mark_non_digits`, `shown_text`."""
        marks = {place: mark for place, mark, _ in self.marks}
        return "".join((" " if place in self.number_starts else "") + ("-" if place in self.dashes else "")
                       + marks.get(place, "") + (d.shown if mark_non_digits else str(d.digit))
                       for place, d in enumerate(self.digits))

    def is_a_number(self, surely: bool = True) -> bool:
        """Two digits or more, or a digit after a dash ("-8"), level lines left out; with `surely`, each read surely:
        ink that a reading as one digit gets wrong, often surely (a 1 and a 7 as a 7 at 100%; a photo of -8 as a 2
        that looked like no digit). A digit read as a number seldom is: of 2,175 drawn benchmark digits (300 a group,
        seed 11), 17 read as two digits or more, 2 of them surely; of 300 pairs of MNIST test digits side by side on
        the Draw page's canvas, 288 read surely (2026-12-03)."""
        number = self.without_level_lines()
        return (len(number.digits) > 1 or bool(number.dashes)) and not (surely and number.unsure)

    @property
    def unsure(self) -> bool:
        """True when any of its digits is unsure."""
        return any(d.unsure for d in self.digits)

    def without_level_lines(self) -> NumberRecognition:
        """The reading without the marks that are level lines (Recognition.is_level_line), which would read as 2s.
        One at mid-height before a digit (between two, or before the first) is a dash, kept in the text ("12-5",
        "-3"); the others (the first stroke of a 7 or a 5 still being drawn, an underline, a dash after the last
        digit) are left out, and counted."""
        kept, dashes, starts, left_out, lines = [], set(self.dashes), set(), self.level_lines_left_out, []
        dash_boxes = list(self.dash_boxes)
        line_start = False  # until a digit is kept on the line begun
        for i, digit in enumerate(self.digits):
            if i in self.number_starts:
                left_out += len(lines)  # after the last digit of the line before
                lines, line_start = [], True
            if digit.is_level_line:
                lines.append(i)  # until the next digit, if any, tells whether it is a dash
                continue
            dashed = [line for line in lines if self.is_dash(line, None if line_start or not kept else kept[-1], i)]
            if dashed:
                dashes.add(len(kept))
                lefts, tops, rights, bottoms = zip(*(self.boxes[line] for line in dashed))  # "=": a box round both
                dash_boxes.append((min(lefts), min(tops), max(rights), max(bottoms)))
            if line_start and kept:
                starts.add(len(kept))
            left_out += len(lines) - min(1, len(dashed))  # one dash shows however many lines make it
            kept.append(i)
            lines, line_start = [], False
        # A mark keeps its place among the digits kept; one that no longer lies between two of a line is left out,
        # but for a point before a line's first digit (".5").
        marks = tuple((place, mark, box) for old, mark, box in self.marks
                      if (place := bisect_left(kept, old)) < len(kept)
                      and (mark == "." or place > 0 and place not in starts))
        return NumberRecognition([self.digits[i] for i in kept], [self.boxes[i] for i in kept],
                                 left_out + len(lines), frozenset(dashes), frozenset(starts), tuple(dash_boxes), marks)

    def is_dash(self, line: int, before: int | None, after: int) -> bool:
        """True if the level line at `line` lies at mid-height of the digits `before` (None at the start) and
        `after` it: its middle within the middle two fifths of their height (a 7's or a 5's first stroke lies
        at the top, an underline at the bottom)."""
        top = min(self.boxes[d][1] for d in (before, after) if d is not None)
        bottom = max(self.boxes[d][3] for d in (before, after) if d is not None)
        middle = (self.boxes[line][1] + self.boxes[line][3]) / 2
        return top + 0.3 * (bottom - top) <= middle <= top + 0.7 * (bottom - top)


@dataclass(frozen=True)
class PhotoReading:
    """What a photo was read as (Recognizer.read_photo): its `reading`, or None, with why in `nothing`; and, read as
    one digit, its ink read as a number too (`as_number`), to say when it looks like one."""

    reading: NumberRecognition | None
    as_number: NumberRecognition | None = None
    nothing: str | None = None

    @property
    def looks_like_a_number(self) -> bool:
        """True when, read as one digit, its ink looks like a number (NumberRecognition.is_a_number)."""
        return self.as_number is not None and self.as_number.is_a_number()


def no_model_at(path: Path) -> str:
    """Why no model loads from `path`, and what to do: name the models kept there, or train one. A folder and a
    mistyped name had both been told to train one, the first with a command train.py refuses (a review,
    2026-12-07)."""
    folder = path if path.is_dir() else path.parent
    kept = sorted(p.name for p in folder.glob("*.keras") if not p.name.startswith(".")) if folder.is_dir() else []
    said = f"{path} is a folder, not a model file" if path.is_dir() else f"no model at {path}"
    if kept:
        return f"{said}; the models in {folder}: {', '.join(kept)}"
    out = folder / "mine.keras" if path.is_dir() else path.with_suffix(".keras")
    return f"{said}; train one with: python scripts/train.py --out {out}"


class Recognizer:
    """A trained model with the MNIST preprocessing in front of it."""

    def __init__(self, model: keras.Model, metadata: dict | None = None, path: Path | None = None,
                 checker: keras.Model | None = None, pair_reader: keras.Model | None = None,
                 number_reader: keras.Model | None = None, detector: keras.Model | None = None):
        """`checker`: the model that tells whole digits from parts in a number, `pair_reader`: the one that reads
        two touching digits in one crop, `number_reader`: the one that reads the digits cut from a number beside
        `model` (digits/segmentation.py); without them, recognize_number picks the cuts by the digits' readings
        (`model`'s alone) and widths alone. `detector` tells digits from other drawings (digits/nondigits.py) for
        recognize(), recognize_batch() and recognize_number(); without it, their readings do not say."""
        self.model = model
        self.metadata = metadata or {}
        self.path = path
        self.checker = checker
        self.pair_reader = pair_reader
        self.number_reader = number_reader
        self.detector = detector

        # Two compiled graphs of the model (a direct call costs a few ms; model.predict() would cost tens):
        # one for batches of any size, and one for a single image, which XLA fuses into one step (1.5 ms
        # instead of 3 ms here). XLA compiles on the first call, in about 0.5 s; warm_up() makes that call.
        # Three more run the checker, the pair reader and the number reader on a number's candidates, and one the
        # detector.
        @tf.function(input_signature=[tf.TensorSpec((1, 28, 28, 1), tf.float32)], jit_compile=True)
        def forward_one(image):
            probabilities = model(image, training=False)
            if detector is None:
                return probabilities
            # The detector's probability rides along as an eleventh column: with one compiled call for both,
            # recognize() took 4.9-5.2 ms (p50) here, with two calls 5.8-6.3, without the detector 4.0-4.2 (three
            # runs each, a slow hour of 2026-12-03).
            return tf.concat([probabilities, detector(image, training=False)], axis=1)

        # Each its own function: made by one factory, TensorFlow counted the five as one function traced five times,
        # and warned of "retracing" on predict.py's output (2026-12-07).
        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        def forward_batch(images):
            return model(images, training=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        def check_batch(images):
            return checker(images, training=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 56, 1), tf.float32)])
        def read_pairs(images):
            return pair_reader(images, training=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        def read_in_number(images):
            return number_reader(images, training=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28, 1), tf.float32)])
        def detect(images):
            return detector(images, training=False)

        self._forward_batch, self._forward_one, self._check_batch = forward_batch, forward_one, check_batch
        self._read_pairs, self._read_in_number, self._detect = read_pairs, read_in_number, detect

    @classmethod
    def load(cls, model_path: str | os.PathLike | None = None) -> "Recognizer":
        """Load a saved model (the shipped default if no path) and the metadata beside it, with the shipped checker,
        pair reader and number reader for numbers (digits/segmentation.py) and the detector (digits/nondigits.py; a
        fine-tune's own, where it has one) when they are there."""
        path = Path(model_path) if model_path else DEFAULT_MODEL
        if not path.is_file():
            raise FileNotFoundError(no_model_at(path))
        model = load_digit_model(path)  # safe_mode: a .keras file's Python code (a Lambda layer) is refused
        networks = [load_saved_model(p) if p.is_file() else None
                    for p in (CHECKER, PAIR_READER, NUMBER_READER, detector_for(path))]
        return cls(model, read_metadata(path) or {}, path, *networks)

    def warm_up(self) -> "Recognizer":
        """Compile the graphs a page reads with now, not on its first drawing or number: one image of the shape each
        takes. Only for a server: predict.py, which reads a file once, took 8.2 s, not 8.4, for a digit, and 7.5 s,
        not 8.2, for a number without these calls (2026-12-06)."""
        graphs = [(self.model, self._forward_one), (self.model, self._forward_batch), (self.checker, self._check_batch),
                  (self.pair_reader, self._read_pairs), (self.number_reader, self._read_in_number),
                  (self.detector, self._detect)]
        for network, graph in graphs:
            if network is not None:
                graph(np.zeros((1, *graph.input_signature[0].shape[1:]), np.float32))
        return self

    def recognize(self, image: Image.Image | np.ndarray) -> Recognition | None:
        """Read one image; None when nothing is drawn on it, ValueError when it cannot be a picture (see
        to_mnist_input)."""
        model_input = to_mnist_input(image)
        if model_input is None:
            return None
        one = model_input[None]
        read = self._forward_one(one[..., None]).numpy().astype(np.float64)
        likeness = [float(read[0, 10])] if read.shape[1] > 10 else None
        return self._recognitions(one, self._normalized(read[:, :10]), likeness)[0]

    def recognize_batch(self, images: Iterable[Image.Image | np.ndarray]) -> list[Recognition | None]:
        """Read many images in one model call; None for each blank one."""
        inputs = [to_mnist_input(image) for image in images]
        drawn = [x for x in inputs if x is not None]
        if not drawn:
            return [None] * len(inputs)
        stacked = np.stack(drawn)
        recognitions = iter(self._recognitions(stacked, self._read(stacked, self._forward_batch),
                                               self.digit_likeness(stacked)))
        return [None if x is None else next(recognitions) for x in inputs]

    def recognize_number(self, image: Image.Image | np.ndarray) -> NumberRecognition | None:
        """Read a number of one or more digits written side by side; None when nothing is drawn on the image.
        Raises TooMuchWriting where there is more writing than numbers (a page of text: numbers.MOST_ATOMS).

        Takes any image recognize() takes. Every candidate crop, whole blobs of ink and the parts of wide
        ones (see digits/numbers.py), is read in one model call and in one call of the number reader (their
        readings weighed together), and checked in one call of the checker, and every run of a blob that may be
        two touching digits is read in one call of the pair reader; the readings and checks then pick the cuts.
        Numbers written one under another are read so a line at a time (number_lines), and parted by a space, as are
        numbers far apart on a line (numbers_apart). A
        decimal point or a comma between two digits, or a point before the first, is kept in the text ("3.14", "1,250",
        ".5"; numbers.punctuation).
        The detector is then asked of the digits read, in one call.
        """
        digits, boxes, starts, marks = [], [], set(), []
        for candidates in number_lines(image):
            if digits:
                starts.add(len(digits))
            line_digits, line_boxes = self._read_line(candidates)
            line_marks = marks_between(candidates.marks, line_boxes, len(digits))
            # A decimal point or a comma between two digits joins them, however far apart: 7 . 1 was two numbers.
            starts |= {len(digits) + place for place in numbers_apart(line_boxes)} - {p for p, _, _ in line_marks}
            marks += line_marks
            digits += line_digits
            boxes += line_boxes
        if not digits:
            return None
        # A smiley in Number mode was "0, 100% sure", a scribble between a 7 and a 4 a sure 744. Of the numbers
        # benchmark's 4,003 digits read (seed 0), 6 look like no digit to the detector, in 6 of 1,000 numbers, as
        # 8 of the drawn benchmark's 7,250 single digits do (2026-12-03).
        likeness = self.digit_likeness(np.stack([d.model_input for d in digits]))
        digits = [replace(d, digit_likeness=p) for d, p in zip(digits, likeness)]
        return NumberRecognition(digits, boxes, number_starts=frozenset(starts), marks=tuple(marks))

    def _read_line(self, candidates: NumberCandidates) -> tuple[list[Recognition], list[Box]]:
        """The digits of one line of a number and their boxes, left to right (recognize_number)."""
        inputs = candidates.model_inputs
        probabilities = self._read(inputs, self._forward_batch)
        if self.number_reader is not None:
            probabilities = weighed_readings(probabilities, self._read(inputs, self._read_in_number))
        recognitions = self._recognitions(inputs, probabilities)
        whole = pairs = None
        if self.checker is not None:
            whole = self._check_batch(candidates.model_inputs[..., None]).numpy()[:, 0]
        if self.pair_reader is not None and len(candidates.pair_runs):
            pairs = self._read_pairs(candidates.pair_inputs[..., None]).numpy().astype(np.float64)
        digits, boxes = [], []
        for reading in candidates.choose(probabilities, whole, pairs):
            if reading < len(recognitions):
                digits.append(recognitions[reading])
                boxes.append(candidates.boxes[reading])
                continue
            pair = reading - len(recognitions)
            for side, (box, model_input) in zip(pairs[pair], candidates.pair_halves(pair)):
                # "Not two digits" says nothing of which digit: its share goes to all ten alike, so that a side
                # the reader doubts is shown as unsure.
                probabilities = side[:NONE] + side[NONE] / NONE
                digits.append(Recognition(int(probabilities.argmax()), probabilities, model_input))
                boxes.append(box)
        return digits, boxes

    def recognize_photo(self, image: Image.Image | np.ndarray, number: bool = False) -> NumberRecognition | None:
        """Read a photo of a digit, or with `number` of a whole number, on paper (see digits/photos.py); None
        when it shows no ink. Its boxes are in the photo's pixels; a digit's is the box of all the ink."""
        return self.read_photo_ink(photo_ink(image), number)

    def read_photo_ink(self, found: PhotoInk, number: bool = False) -> NumberRecognition | None:
        """recognize_photo on the ink already lifted off a photo (photo_ink, most of the time a photo takes), so
        that one photo can be read both as a digit and as a number."""
        if number:
            result = self.recognize_number(found.ink)
        else:
            digit = self.recognize(found.ink)
            result = None if digit is None else NumberRecognition([digit], [ink_box(found.ink)])
        return None if result is None else replace(result, boxes=[found.on_photo(b) for b in result.boxes],
                                                   marks=tuple((p, m, found.on_photo(b)) for p, m, b in result.marks))

    def number_if_any(self, image: Image.Image | np.ndarray) -> NumberRecognition | None:
        """recognize_number, or None where nothing is drawn or there is more writing than numbers (TooMuchWriting):
        to tell whether ink read as one digit looks like a number."""
        try:
            return self.recognize_number(image)
        except TooMuchWriting:
            return None

    def read_photo(self, found: PhotoInk, number: bool = False) -> PhotoReading:
        """A photo's ink (photo_ink) read as the Photo page and predict.py read it: as a number, or as one digit and
        as a number too; level lines left out (read as one digit, where the number leaves them out of a digit, it
        is that digit), unless read as one digit it looks like a number; or why nothing was
        read (BLANK, TOO_SMALL, ONLY_A_LEVEL_LINE, or more writing than numbers: TooMuchWriting's words)."""
        # A number read as one digit is read, often surely (107 as a 0 at 100%), so its ink is read as a number
        # too, to say so. Of 400 photos of single digits (the photo benchmark's generator, another seed) one was
        # cut in two, a 2 read as 12. Squeezed into one digit's 28x28, a number of 5 digits is as flat as a dash.
        try:
            reading = self.read_photo_ink(found, number)
            as_number = None if number or reading is None else self.read_photo_ink(found, number=True)
        except TooMuchWriting as error:  # a page of text is no digit either (read as one, a 0)
            return PhotoReading(None, nothing=str(error))
        if reading is None:
            return PhotoReading(None, nothing=TOO_SMALL if found.ink.any() else BLANK)
        read = PhotoReading(reading, as_number)
        if read.looks_like_a_number:
            return read
        alone = None if as_number is None else as_number.without_level_lines()
        if alone is not None and len(alone.digits) == 1 and alone.level_lines_left_out:
            return replace(read, reading=alone)  # a digit underlined: read with its line, a 7 was a 1
        reading = reading.without_level_lines()  # a dash, an underline: read as a 2
        return replace(read, reading=reading) if reading.digits else PhotoReading(None, nothing=ONLY_A_LEVEL_LINE)

    @staticmethod
    def _read(inputs: np.ndarray, forward: Callable[[np.ndarray], tf.Tensor]) -> np.ndarray:
        """The digit probabilities (N, 10) of a stack of model inputs (N, 28, 28) run through a network."""
        return Recognizer._normalized(forward(inputs[..., None]).numpy().astype(np.float64))

    @staticmethod
    def _normalized(probabilities: np.ndarray) -> np.ndarray:
        """float32 softmax outputs (N, 10) made to sum to 1 in float64, each row."""
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    def digit_likeness(self, inputs: np.ndarray) -> list[float | None]:
        """The detector's probability that each of a stack of model inputs (N, 28, 28, as to_mnist_input makes
        them) is a digit at all; None each without a detector."""
        if self.detector is None:
            return [None] * len(inputs)
        return [float(p) for p in self._detect(inputs[..., None]).numpy()[:, 0]]

    @staticmethod
    def _recognitions(inputs: np.ndarray, probabilities: np.ndarray,
                      likeness: list[float | None] | None = None) -> list[Recognition]:
        """The readings of a stack of model inputs (N, 28, 28), from their digit probabilities (N, 10) and, if
        given, the detector's probability that each is a digit."""
        likeness = likeness or [None] * len(inputs)
        return [Recognition(int(p.argmax()), p, x, d) for x, p, d in zip(inputs, probabilities, likeness)]

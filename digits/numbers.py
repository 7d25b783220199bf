"""Whole numbers: the digits of a drawn number found left to right, as candidate crops for the model.

The ink falls into pieces (8-connected components). Specks are dropped, and a short piece over or under
another is a stroke of it drawn apart (a 5's flag, a 7's bar) and joins its blob. A blob too wide for one
digit may be two or three digits that touch, so it is also cut at a few columns into slices. The blobs'
slices, left to right, are the atoms of the number; every run of neighbouring atoms that could be one
digit is a candidate: a slice of a touching pair, a whole blob, or blobs that nearly meet read together
(a 4 whose bar stops short of its upright). Every candidate goes to the digit model in one batch, to the
number reader in another (their readings weighed together: weighed_readings), and to the checker in a third.
Column cuts cannot part digits that overlap deeply (a 0 half inside a 6), so every run of atoms of one blob up
to two digits wide is also a pair run, read by the pair reader as two touching digits or none, in a fourth
batch. The readings, widths, cuts, the checker's word on which candidates are one whole digit and the pair
reader's (digits/segmentation.py) choose the chain of candidates and pair runs that reads the number
(NumberCandidates.choose). Numbers on lines of their own, one under another, are read a line at a time
(number_lines), and digits far apart on a line are two numbers (numbers_apart). More writing than numbers (a page
of text) is refused (TooMuchWriting).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Callable

import numpy as np
from scipy import ndimage

from digits.preprocessing import NOISE, ink_intensity, to_mnist_input, to_pair_input

Box = tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels, right and bottom exclusive (as PIL's)
Slices = tuple[slice, slice]  # rows, columns

# Sizes are in line heights (the median height of the blobs), so that they hold for any canvas, pen and hand.
# Chosen on numbers made from the training templates (digits/drawing.py) and on the numbers benchmark's
# own seed 1; scripts/benchmark_numbers.py reports seed 0. The figures below are from those runs.
SPECK = 0.15  # a piece whose longer side is under this share of the tallest piece is a speck, not a stroke...
DUST = 0.01  # ...and so is one under this share of the image's longer side, whatever the tallest piece
OVERLAP = 0.5  # a short piece overlapping another's columns by this share of the narrower is its stroke
SHORTEST = 0.6  # short: under this share of the other's height; and a slice of a blob must be this high
JOIN = 0.1  # blobs this near or nearer may also be read together: a 4 whose bar stops short of its upright
FLAT = 3.0  # a line under a digit is at least this many times as wide as high, and lies more than...
BASE_GAP = 0.05  # ...this share of the digit's height under its foot, which lies further than...
LINE_END = 0.15  # ...this share of the line's width from both its ends (underlines; a 2's base begins at its foot)
WIDE = 1.0  # one digit is at most this wide (MNIST's median digit is 0.8 as wide as high)...
RELATIVE = 1.4  # ...or this many times the number's median digit (1s left out), when that is less
NARROW = 0.25  # digits other than 1 are at least this wide: a narrower candidate is a sliver of one
NARROWEST = 0.12  # a slice is at least this wide (a 1 drawn with a thin pen is about that)
CUT_FROM = 0.8  # a blob wider than this is also read in slices (from 0.6: 50% more candidates, none read better)...
UNCUT = 4.0  # ...unless a single stroke (no column crosses two) wider than this: no digits touching (at most 2.6 in
# 11,060 blobs of the numbers benchmark's seeds 0-5) but a dash or a line, read whole
CROSSING = 0.35  # a cut's likelihood is multiplied by this for each stroke it crosses after the first
FALL = 0.2  # beyond NARROW to widest, a candidate's likelihood falls as a Gaussian of this width
NONE = 10  # the pair reader's class for a side of a pair run that is not two whole digits
CHECKED = 1.0  # the weights of the checker's log-probability that a candidate is one whole digit, and of the pair...
PAIRED = 1.0  # ...reader's of a pair run's two digits: each network counts as much as the digit model, so a chain's
# likelihood is the plain product of its probabilities. Tuned together on 2,500 numbers of the benchmark's seeds 1-5,
# both 0.25 / 0.6 / 1 / 1.5 / 3 misread 69 / 58 / 57 / 57 / 59 (with the digit model before: 65 / 58 / 55 / 54 / 54),
# fewer on every seed; set apart (each 0.25-1.5), they misread 58-74
READER = 0.5  # the number reader's weight in a candidate's digit probabilities, the digit model's the rest: of 2,500
# numbers of the benchmark's seeds 1-5 (with the digit model of 2026-11-30), the shipped reader weighed so misreads
# 52, alone 54 (the digit model alone 57; weights 0.3-0.7 with two experimental readers, 51-54, alone 53 and 55; a
# plain average of the two, 53-54)
LINE_GAP = 0.12  # lines of writing are parted by at least this share of a digit's height free of ink (a 5's flag
# or a 7's bar drawn apart lies nearer its digit), and are not short (SHORTEST): of the 10,000 MNIST test digits
# (enlarged tenfold), none is two lines so, even at 0.1; with any band 0.4 of a digit high a line, two broken 5s
# were. At 0.25, 107 written 16 pixels over 710 (digits 114 high) was read as one line, 71970, surely (a review:
# 123 over 456 as 412536; 11 pixels apart, they still are); none of 6,000 numbers of the numbers benchmark (seeds
# 0-5) is two lines at 0.12.
# At most this many pieces of digits (atoms: blobs, and the slices of wide ones) are read as numbers: a number's
# digit is at most 3 (of 300 numbers drawn as the numbers benchmark's, another seed: 10 digits in 28 at most,
# 2026-12-05). A scanned page of typed text (643 on one line) took the server's memory past 17 GB, and the kernel
# killed it (a review).
MOST_ATOMS = 100
# Digits further apart than this many times their height are two numbers side by side: of 600 numbers drawn as the
# numbers benchmark's (seed 0), none of whose digits were read further apart than 1.18 (0.45 in 99 of 100,
# 2026-12-05). A review's 14 and 7, a photo's width apart, were read as 147.
NUMBER_GAP = 1.5
MARK = 0.6  # a decimal point or a comma between digits is at most this share of their height at its longer side...
POINT = 0.25  # ...a point at most this (a pen's tap is about a tenth)...
LOW = 0.55  # ...and it begins this share of their height below their tops or lower, at most POINT under their feet
COMMA = 2.0  # a comma is this many times as long as wide or more (elongation; a pen's dab, up to 1.8 its width long,
# is under it), and reaches DROP of their height under their feet...
DROP = 0.1
LONG = 2.5  # ...or only reaches their feet, less SHORT of their height, if it is this long or more, or larger than a
# point: a comma written on the line, from a little over their feet to a little under, was read as a 1 or a point, or
# left out (1,000 as 11000, 1.000 or 1000, a review; one ending 3 pixels over the feet of digits 168 high, 11000). The
# numbers benchmark's points reaching the feet were up to 2.11 as long as wide (2,400 numbers with a mark, seeds 0-5),
# its commas from 2.22.
SHORT = 0.05
BOLD = 0.45  # a point may be as large as this if it is a round, filled dot (a tap of an 18-pixel pen beside digits
# 50 pixels high, or a bold dot, is over POINT: both were dropped without a word, the number still read as sure)
ROUND = 1.5  # round: under this elongation, filled: FILLED of its box or more (a disc fills 0.79), with no hole
FILLED = 0.6
LEADING = 0.5  # a point before the first digit (".5") lies at most this share of the digits' height before it
MARGIN = 4  # pixels of background around each crop: to_mnist_input takes the border's colour for the background
EIGHT_WAY = np.ones((3, 3), bool)  # pixels touching at a corner are connected, as in a pen's diagonal stroke


@dataclass(frozen=True)
class NumberCandidates:
    """The crops a number may be read from: runs of neighbouring atoms (slices of blobs of ink, left to right).
    A reading is a chain of candidates covering every atom once, in order."""

    boxes: list[Box]  # each candidate's ink
    model_inputs: np.ndarray  # (N, 28, 28), each candidate as to_mnist_input makes it
    runs: list[tuple[int, int]]  # each candidate's atoms: from the first to one past the last
    widths: np.ndarray  # (N,) each candidate's width in line heights
    widest: float  # the widest one digit is likely to be in this number, in line heights
    cut_scores: np.ndarray  # (atoms,) the log-likelihood of a cut at each atom's left edge (0 between blobs)
    atoms: list[tuple[int, int, int]]  # (blob, first column, column past the last), left to right
    owners: np.ndarray  # the image's pixels: the blob each belongs to, -1 for none (background, specks no blob's ink
    # encloses)
    ink: np.ndarray  # the image's ink, bright on 0 (ink_intensity)
    pair_runs: list[tuple[int, int]]  # runs of atoms of one blob that may be two digits touching...
    pair_boxes: list[Box]
    pair_inputs: np.ndarray  # (P, 28, 56) ...as to_pair_input makes them, for the pair reader
    marks: list[tuple[Box, str]]  # the decimal points (".") and commas (",") between digits, left out of the crops
    # (as are other dots: punctuation)

    def mask(self, run: tuple[int, int]) -> np.ndarray:
        """The pixels of the image whose ink a run of atoms holds (one of runs or pair_runs; bool, the image's
        shape)."""
        first, stop = run
        return run_mask(self.owners, self.atoms[first:stop], 0, self.owners.shape[1])

    def choose(self, probabilities: np.ndarray, whole: np.ndarray | None = None,
               pairs: np.ndarray | None = None) -> list[int]:
        """The readings of the likeliest chain, left to right: indices into runs + pair_runs (one from
        len(runs) on is a pair run read as two digits). Given the model's (N, 10) probabilities, optionally
        the checker's (N,) probabilities that each candidate is one whole digit, and the pair reader's (P, 2, 11)
        probabilities of each pair run's left and right digit or none (10: not two whole digits).

        A chain's likelihood is the product of its candidates' top probabilities, their width likelihoods,
        the whole probabilities to the power CHECKED, its pair runs' top left and right probabilities to the power
        PAIRED, and its cuts' likelihoods. The model reads parts of a digit (half a 5, the side of a 0) as digits with
        certainty, so the widths, cuts and checks must tell a digit from a part of one: a digit is NARROW to
        the number's widest (any narrower for a 1), likelier falling off beyond; a cut through one stroke is
        where two digits may touch, one through more strokes is likelier through a digit."""
        narrowest = np.where(probabilities.argmax(axis=1) == 1, 0.0, NARROW)
        beyond = np.maximum(narrowest - self.widths, 0) + np.maximum(self.widths - self.widest, 0)
        score = np.log(probabilities.max(axis=1)) - (beyond / FALL) ** 2 / 2
        if whole is not None:
            score += CHECKED * np.log(np.clip(whole, 1e-6, 1.0))
        runs = self.runs
        if pairs is not None and len(self.pair_runs):
            score = np.concatenate([score,
                                    PAIRED * np.log(np.clip(pairs[:, :, :NONE].max(axis=2), 1e-9, 1)).sum(axis=1)])
            runs = runs + self.pair_runs
        atoms = len(self.atoms)
        best = {0: (0.0, [])}  # atom -> (log-likelihood, readings) of the best chain up to it
        for end in range(1, atoms + 1):
            chains = [(best[start][0] + self.cut_scores[start] + score[c], best[start][1] + [c])
                      for c, (start, stop) in enumerate(runs) if stop == end and start in best]
            if chains:
                best[end] = max(chains, key=lambda chain: chain[0])
        return best[atoms][1]

    def pair_halves(self, pair: int) -> list[tuple[Box, np.ndarray]]:
        """The box and model input of each digit of a pair run read as two: its ink split at the cut between its
        atoms nearest the middle of its box, or at the middle when it is one atom (or that leaves a side blank);
        failing both, the halves of its box and of the pair reader's input."""
        first, stop = self.pair_runs[pair]
        left, _, right, _ = self.pair_boxes[pair]
        blob = self.atoms[first][0]
        middle = (left + right) // 2
        inner = [start for _, start, _ in self.atoms[first + 1 : stop]]
        for split in ([min(inner, key=lambda c: abs(c - middle))] if inner else []) + [middle]:
            halves = [crop_run(self.ink, self.owners, [(blob, left, split)]),
                      crop_run(self.ink, self.owners, [(blob, split, right)])]
            if None not in halves:
                return halves
        (_, top, _, bottom), halves = self.pair_boxes[pair], np.hsplit(self.pair_inputs[pair], 2)
        return [((left, top, middle, bottom), halves[0]), ((middle, top, right, bottom), halves[1])]


def article(digit: int) -> str:
    """The article before a digit said aloud: "an 8", "a 7"."""
    return "an" if digit == 8 else "a"


def ordinal(n: int) -> str:
    """A place (from 1) as an ordinal: "1st", "2nd", "11th", "23rd"."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def places(numbers: list[int]) -> str:
    """Places in a number (one or more, from 1) said in words: "the 3rd digit", "the 2nd and 3rd digits",
    "the 1st, 2nd and 4th digits" (as ordinals: "digit 3" of 435 could be taken for its digit 3)."""
    words = [ordinal(n) for n in numbers]
    return (f"the {words[0]} digit" if len(words) == 1 else
            f"the {', '.join(words[:-1])} and {words[-1]} digits")


def places_unlike_digits(numbers: list[int]) -> str:
    """That the digits at these places (from 1) look like no digit: "the 2nd digit looks like no digit"."""
    return f"{places(numbers)} {'looks' if len(numbers) == 1 else 'look'} like no digit"


def weighed_readings(model: np.ndarray, reader: np.ndarray) -> np.ndarray:
    """Candidates' digit probabilities (N, 10) weighed from the digit model's and the number reader's: their geometric
    mean, READER weighing the reader's (a digit either is sure is not, stays unlikely), scaled to sum to 1."""
    log = (1 - READER) * np.log(np.clip(model, 1e-12, 1)) + READER * np.log(np.clip(reader, 1e-12, 1))
    weighed = np.exp(log - log.max(axis=1, keepdims=True))
    return weighed / weighed.sum(axis=1, keepdims=True)


def numbers_apart(boxes: list[Box]) -> list[int]:
    """The places of the digits of a line (their `boxes`, left to right) that begin another number: further than
    NUMBER_GAP of the digits' median height from the digit before."""
    if len(boxes) < 2:
        return []
    sides = np.array(boxes)
    height = float(np.median(sides[:, 3] - sides[:, 1]))
    return [int(place) + 1 for place in np.flatnonzero(sides[1:, 0] - sides[:-1, 2] > NUMBER_GAP * height)]


class TooMuchWriting(ValueError):
    """More writing than numbers (MOST_ATOMS); the message says so, for the person who gave it."""


def number_lines(image) -> list[NumberCandidates]:
    """The candidate crops of each line of a drawing of numbers (any image to_mnist_input takes), a number to a
    line, top to bottom (text_lines); [] if nothing is drawn. Raises TooMuchWriting past MOST_ATOMS in all."""
    ink = ink_intensity(image)
    lines = text_lines(ink)
    rows = np.arange(ink.shape[0])[:, None]
    # One at a time, as they are read: a line's is the whole image's size, and a page of text has 40 lines.
    inks = (np.where((rows >= top) & (rows < bottom), ink, 0.0) for top, bottom in lines) if len(lines) > 1 else [ink]
    found = []
    for line in inks:
        candidates = ink_candidates(line, MOST_ATOMS - sum(len(c.atoms) for c in found))
        found += [] if candidates is None else [candidates]
    return found


def text_lines(ink: np.ndarray) -> list[tuple[int, int]]:
    """The rows (top, bottom exclusive) of each line of writing in an image's ink (ink_intensity's), top to bottom;
    [] if there is none. Lines are parted by LINE_GAP of a digit's height free of ink, specks aside; a band of ink
    shorter than SHORTEST of that (an underline, a dash on a line of its own, a broken digit's stroke) belongs to the
    line nearer it."""
    labels, count = ndimage.label(ink >= NOISE, EIGHT_WAY)
    if count == 0:
        return []
    spans = sorted((rows.start, rows.stop) for _, (rows, _) in
                   without_specks(ndimage.find_objects(labels), max(ink.shape)))
    if not spans:  # specks alone
        return []
    heights = np.array([bottom - top for top, bottom in spans])
    height = float(np.median(heights[heights >= SHORTEST * heights.max()]))  # a digit's, not a flag's or a bar's
    bands: list[list[int]] = []
    for top, bottom in spans:
        if bands and top - bands[-1][1] < LINE_GAP * height:
            bands[-1][1] = max(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    lines = [band for band in bands if band[1] - band[0] >= SHORTEST * height] or [[bands[0][0], bands[-1][1]]]
    for band in bands:
        if band not in lines:
            nearest = min(lines, key=lambda line: max(line[0] - band[1], band[0] - line[1]))
            nearest[:] = [min(nearest[0], band[0]), max(nearest[1], band[1])]
    return [(top, bottom) for top, bottom in lines]


def number_candidates(image) -> NumberCandidates | None:
    """The candidate crops of a drawing of a number on one line (any image to_mnist_input takes); None if nothing
    is drawn."""
    return ink_candidates(ink_intensity(image))


def ink_candidates(ink: np.ndarray, most_atoms: int = MOST_ATOMS) -> NumberCandidates | None:
    """number_candidates of an image's ink (ink_intensity's); raises TooMuchWriting past `most_atoms`."""
    labels, count = ndimage.label(ink >= NOISE, EIGHT_WAY)
    if count == 0:
        return None
    objects = ndimage.find_objects(labels)
    marks = punctuation(labels, objects, max(ink.shape))
    pieces = without_specks([None if label in marks else s for label, s in enumerate(objects, start=1)],
                            max(ink.shape))
    lines = underlines(labels, pieces)
    blobs = with_enclosed_specks(merged(pieces, lines), labels, objects, marks, max(ink.shape))
    lone_lines = {b for b, (members, _) in enumerate(blobs) if len(members) == 1 and members[0] in lines}
    owner = np.full(count + 1, -1)  # each label's blob
    for b, (members, _) in enumerate(blobs):
        owner[members] = b
    owners = owner[labels]
    wholes = {b: crop_run(ink, owners, [(b, columns.start, columns.stop)]) for b, (_, (_, columns)) in enumerate(blobs)}
    readable = [b for b, crop in wholes.items() if crop is not None]  # a blob that reads as nothing (a dot) is no digit
    if not readable:
        return None
    heights = np.array([piece_height(blobs[b][1]) for b in readable])
    widths = np.array([piece_width(blobs[b][1]) for b in readable])
    # Over blobs of a digit's height: a 0 with two lines under it was a line's height, and was cut into slices.
    line = float(np.median(heights[heights >= SHORTEST * heights.max()]))
    typical = widths[widths >= NARROW * line]  # not 1s
    widest = min(WIDE, RELATIVE * float(np.median(typical)) / line) if len(typical) else WIDE
    atoms, cut_scores = [], []  # atoms: (blob, first column, column past the last), left to right
    for b in readable:
        rows, columns = blobs[b][1]
        mask = owners[rows, columns] == b
        strokes = runs_down_columns(mask)
        cuts = cut_columns(mask.sum(axis=0), strokes, line, rows.stop - rows.start)
        atoms += [(b, columns.start + start, columns.start + stop)
                  for start, stop in pairwise([0, *cuts, len(strokes)])]
        cut_scores += [0.0, *(np.log(CROSSING) * np.maximum(strokes[cuts] - 1, 0))]
    if len(atoms) > most_atoms:
        raise TooMuchWriting("There is more writing here than numbers: crop the photo to the number, or write "
                             f"fewer digits (a number of 30 digits has under {MOST_ATOMS} strokes and their parts).")
    boxes, inputs, runs = [], [], []
    pair_boxes, pair_inputs, pair_runs = [], [], []
    for first in range(len(atoms)):
        right = 0  # the run's rightmost column
        for last in range(first, len(atoms)):
            run = atoms[first : last + 1]
            width, right = run[-1][2] - run[0][1], max(right, run[-1][2])
            if run[-1][0] != run[0][0] and right - run[0][1] > (widest + 2 * FALL) * line:
                break  # of two blobs or more, and too wide to be read together: so is every longer run
            if (run[-1][0] == run[0][0] and width <= 2 * (widest + FALL) * line  # one blob: two touching digits?
                    and crosses_twice(run_mask(owners, run, run[0][1], run[-1][2]))):
                pair = crop_run(ink, owners, run, to_pair_input)
                if pair is not None and pair[0][3] - pair[0][1] >= SHORTEST * line:
                    pair_boxes.append(pair[0])
                    pair_inputs.append(pair[1])
                    pair_runs.append((first, last + 1))
            if is_whole_blob(atoms, first, last):  # always a candidate: every reading needs one through it
                crop = wholes[run[0][0]]
            elif right - run[0][1] <= (widest + 2 * FALL) * line and joinable(run, blobs, line, lone_lines):
                crop = crop_run(ink, owners, run)
                if crop is not None and crop[0][3] - crop[0][1] < SHORTEST * line:
                    continue
            else:
                continue  # wider than any digit, or of blobs too far apart
            if crop is not None:
                boxes.append(crop[0])
                inputs.append(crop[1])
                runs.append((first, last + 1))
    widths = np.array([(box[2] - box[0]) / line for box in boxes])
    return NumberCandidates(boxes, np.stack(inputs), runs, widths, widest, np.array(cut_scores), atoms, owners, ink,
                            pair_runs, pair_boxes,
                            np.stack(pair_inputs) if pair_inputs else np.zeros((0, 28, 56), np.float32),
                            [((s[1].start, s[0].start, s[1].stop, s[0].stop), mark)
                             for label, mark in marks.items() if mark for s in [objects[label - 1]]])


def punctuation(labels: np.ndarray, objects: list[Slices], side: int) -> dict[int, str]:
    """The pieces of ink (labelled `labels`; find_objects' slices, labels from 1) that are a decimal point or a
    comma, or a dot that is no digit: label -> ".", "," or "" (a dot, left out). The digits are the pieces as tall as
    SHORTEST of the tallest that begin high. A point or a comma begins low (from LOW of the digits' height down) and
    lies between two digits, where no digit's lower part lies (their columns from LOW down: a 7's bar may reach over
    it); a comma is under MARK of their height, long and thin (COMMA), as high as wide or more (a 1's base drawn apart
    is flat: two in 6,000 benchmark numbers were read as commas), and reaches DROP under their feet (one that is LONG or
    over POINT, their feet, less SHORT), a point is under POINT, or under BOLD if it is a round, filled dot. A point
    may also come just before the first digit (".5", within LEADING of the digits' height). A dot (under POINT)
    anywhere else in no digit's columns (a full stop after the number, one at mid-height) is left out. Before, a
    point was read as a 0 (7.1 as 701) or dropped as a speck, and a comma read as a 1, surely (1,000 as 11000)."""
    tallest = max(piece_height(s) for s in objects)
    tall = [(label, s) for label, s in enumerate(objects, start=1) if piece_height(s) >= SHORTEST * tallest]
    top, feet = np.median([rows.start for _, (rows, _) in tall]), np.median([rows.stop for _, (rows, _) in tall])
    height = feet - top
    low = round(top + LOW * height)
    spans, whole = [], []  # each digit's columns from LOW of the digits' height down, and all its columns
    for label, (rows, columns) in tall:
        if rows.start < low:
            inked = np.flatnonzero((labels[max(low, rows.start) : rows.stop, columns] == label).any(axis=0))
            spans += [(columns.start + inked[0], columns.start + inked[-1] + 1)] if len(inked) else []
            whole.append((columns.start, columns.stop))
    marks = {}
    for label, piece in enumerate(objects, start=1):
        (rows, columns), high, wide = piece, piece_height(piece), piece_width(piece)
        middle = (columns.start + columns.stop) / 2
        if not DUST * side <= max(high, wide) <= MARK * height:
            continue
        mask = labels[rows, columns] == label
        low_enough = low <= rows.start <= feet + POINT * height and not any(a <= middle < b for a, b in spans)
        after = [a for a, _ in spans if a > middle]
        placed = low_enough and any(b <= middle for _, b in spans) and bool(after)
        leading = low_enough and bool(after) and not any(b <= middle for _, b in spans)
        dot = max(high, wide) <= POINT * height
        elongated = elongation(mask) if placed and high >= wide and rows.stop >= feet - SHORT * height else 0.0
        dab = dot and elongated < LONG and rows.stop < feet + DROP * height  # a point drawn as a short stroke
        if elongated >= COMMA and not dab:
            marks[label] = ","
        elif (placed or leading and min(after) - columns.stop <= LEADING * height) and (
                dot or max(high, wide) <= BOLD * height and is_round_dot(mask)):
            marks[label] = "."
        elif dot and not any(a <= middle < b for a, b in whole):
            marks[label] = ""
    return marks


def is_round_dot(mask: np.ndarray) -> bool:
    """True if a piece of ink (bool, cut to its box) is a round, filled dot: ROUND, FILLED and without a hole (a
    small 0 has one)."""
    return (elongation(mask) < ROUND and mask.mean() >= FILLED
            and not (ndimage.binary_fill_holes(mask) & ~mask).any())


def elongation(mask: np.ndarray) -> float:
    """How many times as long as wide a piece of ink (bool) is: the square root of the ratio of its pixels'
    variances along their main axis and across it (a line L long and w wide: L / w; a round dot, or a pixel: 1)."""
    pixels = np.stack(np.nonzero(mask)).astype(float)
    if pixels.shape[1] < 2:
        return 1.0
    spread = np.linalg.eigvalsh(np.cov(pixels))
    return float(np.sqrt(spread[1] / max(spread[0], 1e-9)))


def marks_between(marks: list[tuple[Box, str]], boxes: list[Box], first: int = 0) -> list[tuple[int, str, Box]]:
    """The marks (NumberCandidates.marks) that lie between two of the digits boxed `boxes` (left to right; the first
    at place `first`): (the place of the digit after the mark, the mark, its box). A point may come before the first
    digit (".5"); a comma there, or a mark after the last digit, is no mark of the number, and is left out."""
    placed = [(sum(left + right < mark_box[0] + mark_box[2] for left, _, right, _ in boxes), mark, mark_box)
              for mark_box, mark in marks]
    return [(first + place, mark, box) for place, mark, box in placed if place < len(boxes) and (place or mark == ".")]


def is_whole_blob(atoms: list[tuple[int, int, int]], first: int, last: int) -> bool:
    """True if atoms first to last are all of one blob: every atom of it."""
    blob = atoms[first][0]
    return (atoms[last][0] == blob and (first == 0 or atoms[first - 1][0] != blob)
            and (last == len(atoms) - 1 or atoms[last + 1][0] != blob))


def runs_down_columns(mask: np.ndarray) -> np.ndarray:
    """How many runs of ink (True) each column of a bool mask crosses, top to bottom: the strokes it crosses."""
    return mask[0] + (mask[1:] & ~mask[:-1]).sum(axis=0)


def crosses_twice(mask: np.ndarray) -> bool:
    """True if some row of a run's ink (bool) crosses two strokes or more. Two digits side by side do; ink that no
    row crosses twice is one stroke (a slanted 1, which the pair reader could take for two 1s touching)."""
    return bool(runs_down_columns(mask.T).max() >= 2)


def joinable(run: list[tuple[int, int, int]], blobs: list[tuple[list[int], Slices]], line: float,
             lines: set[int]) -> bool:
    """True if each blob in the run is JOIN line heights or nearer to the next (the run within one blob is), and
    none of several is a line under a digit (`lines`, the blobs that are one: underlines)."""
    run_blobs = list(dict.fromkeys(blob for blob, _, _ in run))
    spans = [blobs[b][1][1] for b in run_blobs]
    return (all(right.start - left.stop <= JOIN * line for left, right in pairwise(spans))
            and (len(run_blobs) == 1 or not lines.intersection(run_blobs)))


def crop_run(ink: np.ndarray, owners: np.ndarray, run: list[tuple[int, int, int]],
             to_input: Callable[[np.ndarray], np.ndarray | None] = to_mnist_input) -> tuple[Box, np.ndarray] | None:
    """The box and model input (to_mnist_input's, or `to_input`'s) of the ink of a run of atoms; None if it reads
    as nothing."""
    left, right = min(start for _, start, _ in run), max(stop for _, _, stop in run)
    mask = run_mask(owners, run, left, right)
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    top, bottom = rows[0], rows[-1] + 1
    part = np.where(mask[top:bottom], ink[top:bottom, left:right], 0.0)
    model_input = to_input(np.pad(part, MARGIN))
    if model_input is None:
        return None
    return (left + int(columns[0]), int(top), left + int(columns[-1]) + 1, int(bottom)), model_input


def run_mask(owners: np.ndarray, run: list[tuple[int, int, int]], left: int, right: int) -> np.ndarray:
    """The pixels of a run of atoms, in columns `left` to `right` of the image (bool, all of its rows)."""
    mask = np.zeros((owners.shape[0], right - left), bool)
    for blob, start, stop in run:
        mask[:, start - left : stop - left] |= owners[:, start:stop] == blob
    return mask


def without_specks(objects: list[Slices | None], side: int) -> list[tuple[int, Slices]]:
    """(label, slices) of the pieces that are not specks (nor None: left out), in an image whose longer side is
    `side` pixels.
    Judged against the tallest piece, so that it holds for any canvas and pen: a stray 2-3 pixel dot beside
    100-pixel digits is one fiftieth of their height; the smallest strokes that do belong to a digit, a 5's
    flag or a 1's base drawn apart, are about a third. And against the image: an image of dust alone has no
    tall piece to judge by, so a piece under DUST of the image's longer side is always a speck (a digit that
    small would be about 8 pixels high on the app's 780x260 number strip): an 840x280 canvas sprinkled with 2%
    dust made 12,000 candidate crops and took 16 s to read (now none, in milliseconds)."""
    tallest = max(piece_height(s) for s in objects if s is not None)
    smallest = max(SPECK * tallest, DUST * side)
    return [
        (label, s)
        for label, s in enumerate(objects, start=1)
        if s is not None and max(piece_height(s), piece_width(s)) >= smallest
    ]


def with_enclosed_specks(blobs: list[tuple[list[int], Slices]], labels: np.ndarray, objects: list[Slices],
                         marks: dict[int, str], side: int) -> list[tuple[list[int], Slices]]:
    """The blobs, each with the specks (pieces not among them nor among the marks, yet DUST of the image's longer
    side or more) that its ink encloses, as Digit mode reads all the ink of a drawing: a smiley's eyes were left out,
    and the mouth in an oval read as a sure 0 that the detector could not tell from a digit (2026-12-04). Only those
    enclosed: a dot under a 7's bar, in no loop, stays out of the 7, and a tap inside a 0's loop goes to the 0 though
    the bar of the 7 before it reach over it."""
    kept = {label for members, _ in blobs for label in members} | set(marks)
    filled = {}  # a blob's ink in its box, holes filled: made once, when a speck first needs it

    def encloses(blob: int, label: int, rows: slice, columns: slice) -> bool:
        members, (blob_rows, blob_columns) = blobs[blob]
        if blob not in filled:
            filled[blob] = ndimage.binary_fill_holes(np.isin(labels[blob_rows, blob_columns], members))
        within = filled[blob][rows.start - blob_rows.start : rows.stop - blob_rows.start,
                              columns.start - blob_columns.start : columns.stop - blob_columns.start]
        return bool(within[labels[rows, columns] == label].any())

    for label, piece in enumerate(objects, start=1):
        if label in kept or max(piece_height(piece), piece_width(piece)) < DUST * side:
            continue
        rows, columns = piece
        enclosing = [b for b, (_, (blob_rows, blob_columns)) in enumerate(blobs)
                     if blob_rows.start <= rows.start and rows.stop <= blob_rows.stop  # within its box...
                     and blob_columns.start <= columns.start and columns.stop <= blob_columns.stop
                     and encloses(b, label, rows, columns)]  # ...and its ink around
        if enclosing:  # the innermost, should loops nest
            blobs[min(enclosing, key=lambda b: np.prod(filled[b].shape))][0].append(label)
    return blobs


def merged(pieces: list[tuple[int, Slices]], lines: set[int] = frozenset()) -> list[tuple[list[int], Slices]]:
    """The pieces grouped into blobs, (labels, slices) left to right: a short piece (under SHORTEST of the
    other's height) over or under another, their columns overlapping by OVERLAP of the narrower one, is a
    stroke of the same digit drawn apart (a 5's flag, a 7's bar over its stem, a 1's base), but for the pieces
    labelled `lines` under it (underlines). Two tall
    pieces so overlapping may be one digit (a 4 drawn in two strokes) or two leaning into each other (a
    slanted 1 beside a 0): the model's readings decide (see number_candidates).

    The first pair that can merge does, again and again until none can: merging widens a blob, which may then
    take in another. Only pairs with the blob just widened can have become mergeable, so each step checks it
    against all the others at once, and the thousands of pieces of a page of noise take milliseconds, not a
    minute (rescanning every pair after each merge took 50 s for 2,000 pieces)."""
    labels = [[label] for label, _ in pieces]
    boxes = piece_boxes(pieces)
    lined = np.array([label in lines for label, _ in pieces], bool)  # each blob: a line under a digit
    a = 0  # no pair of blobs before a can merge
    while a < len(labels):
        mergeable = np.flatnonzero(joins(boxes, a, lined))
        earlier, later = mergeable[mergeable < a], mergeable[mergeable > a]
        if len(earlier):  # blob a, widened, now joins an earlier blob: that pair comes first
            into, taken = int(earlier[0]), a
        elif len(later):
            into, taken = a, int(later[0])
        else:
            a += 1
            continue
        labels[into] += labels.pop(taken)
        boxes[into, ::2] = np.minimum(boxes[into, ::2], boxes[taken, ::2])  # top, left
        boxes[into, 1::2] = np.maximum(boxes[into, 1::2], boxes[taken, 1::2])  # bottom, right
        boxes = np.delete(boxes, taken, axis=0)
        lined[into] = False
        lined = np.delete(lined, taken)
        a = into
    blobs = [(members, (slice(top, bottom), slice(left, right)))
             for members, (top, bottom, left, right) in zip(labels, boxes.tolist())]
    return sorted(blobs, key=lambda blob: blob[1][1].start)


def piece_height(piece: Slices) -> int:
    """The rows a piece of ink (find_objects' slices) spans."""
    return piece[0].stop - piece[0].start


def piece_width(piece: Slices) -> int:
    """The columns a piece of ink (find_objects' slices) spans."""
    return piece[1].stop - piece[1].start


def piece_boxes(pieces: list[tuple[int, Slices]]) -> np.ndarray:
    """Each piece's box, (label, slices) each: top, bottom, left, right; N x 4 (0 x 4 for none)."""
    return np.array([(rows.start, rows.stop, columns.start, columns.stop) for _, (rows, columns) in pieces],
                    int).reshape(-1, 4)


def joins(boxes: np.ndarray, a: int, lined: np.ndarray) -> np.ndarray:
    """Which blobs (boxes: top, bottom, left, right; N x 4) merge with blob a: their columns overlap by OVERLAP
    of the narrower one, and the shorter is under SHORTEST of the other's height and no wider than two digits (WIDE of
    it, twice; never a itself), or one digit when it lies lower, and is then no line under a digit (`lined`, each
    blob's; underlines): a line under digits is no stroke of one (a 1's or a 2's base is), and 305 underlined read
    1235, 17 underlined 67, 7 underlined 1. Two 7s whose bars, drawn apart from their stems,
    run into one are read as 7s: at one digit's width, 4877 (of the numbers benchmark's 6,000, seeds 0-5) read 4871."""
    top, bottom, left, right = boxes[a]
    overlap = np.minimum(right, boxes[:, 3]) - np.maximum(left, boxes[:, 2])
    widths = boxes[:, 3] - boxes[:, 2]
    narrower = np.minimum(right - left, widths)
    heights = boxes[:, 1] - boxes[:, 0]
    shorter, taller = np.minimum(heights, bottom - top), np.maximum(heights, bottom - top)
    others_short = heights < bottom - top
    short_width = np.where(others_short, widths, right - left)
    middles = boxes[:, 0] + boxes[:, 1] - top - bottom  # twice how far each blob's middle lies below a's
    lower = np.where(others_short, middles > 0, middles < 0)  # the short one lies lower: a base, or a line under
    short_lined = np.where(others_short, lined, lined[a])
    return ((overlap >= OVERLAP * narrower) & (shorter < SHORTEST * taller)
            & (short_width <= np.where(lower, 1, 2) * WIDE * taller) & ~(lower & short_lined))


def underlines(labels: np.ndarray, pieces: list[tuple[int, Slices]]) -> set[int]:
    """The labels of the pieces (labels' (label, slices), not specks) that are lines under a digit, not strokes of
    it: FLAT, short (under SHORTEST of the digit's height), with no other ink lower in their columns but lines, and
    more than BASE_GAP of the digit's height under its foot (the middle of its lowest row of ink), which lies over
    the line further than LINE_END of its width from both its ends. A 1's base meets its foot; a 2's base drawn
    apart begins under it, where a line under a 7 runs on both ways (read with it, a 7 underlined was a 1 with a
    base, a 0 a 2). Measured at the foot, a sloping line is as far under it as it looks. A sliver of a broken 6
    over the rest of its loop is no line (read as a 5 so)."""
    boxes = piece_boxes(pieces)
    heights, widths = boxes[:, 1] - boxes[:, 0], boxes[:, 3] - boxes[:, 2]
    flat = widths >= FLAT * heights
    lines = set()
    for i in np.flatnonzero(flat):
        top, bottom, left, right = boxes[i]
        beside = (boxes[:, 2] < right) & (boxes[:, 3] > left)  # in its columns
        if (beside & (boxes[:, 0] > top) & ~flat).any():
            continue
        for j in np.flatnonzero(beside & (heights[i] < SHORTEST * heights) & (boxes[:, 1] <= bottom)):
            label, (rows, columns) = pieces[j]
            feet = columns.start + np.flatnonzero(labels[rows.stop - 1, columns] == label)
            foot = round(float(feet.mean()))
            if not left + LINE_END * widths[i] <= feet[0] <= feet[-1] < right - LINE_END * widths[i]:
                continue
            under = np.flatnonzero(labels[top:bottom, foot] == pieces[i][0])
            if len(under) and top + under[0] - rows.stop > BASE_GAP * heights[j]:
                lines.add(pieces[i][0])
                break
    return lines


def cut_columns(profile: np.ndarray, strokes: np.ndarray, line: float, height: int) -> list[int]:
    """Where a blob (its `profile`: ink pixels per column; `strokes`: runs of ink per column; `height` pixels
    high) wider than CUT_FROM line heights may be cut into touching digits: in the middle of each stretch of
    columns that cross one stroke only (where two digits meet), and of each stretch of the thinnest columns of
    ink (where they cross); none nearer than NARROWEST line heights to the edges or half that to each other.
    None for a narrower blob, nor for a single stroke wider than UNCUT or short (under SHORTEST line heights
    high): a line under two digits, cut, was read with them, 17 underlined as 11 or 67. (Cuts every 0.15 line
    heights besides doubled the candidates and read no number more right.)"""
    width = len(profile)
    if width <= CUT_FROM * line or (strokes.max() <= 1 and (width > UNCUT * line or height < SHORTEST * line)):
        return []
    narrowest = max(1, round(NARROWEST * line))
    # A stretch of equal thinnest columns is cut in its middle only: cut at every column of it, as before, a
    # 7's bar drawn first (a level stroke as high as the pen, then the line height) made 2,243 candidates and
    # 5,034 pair runs, 10 s or more to read; a short dash, hundreds.
    thinnest = profile == ndimage.minimum_filter1d(profile, 2 * narrowest + 1)
    cuts = []
    for column in [*middles(strokes == 1), *middles(thinnest)]:
        if narrowest <= column <= width - narrowest and all(abs(column - c) >= narrowest / 2 for c in cuts):
            cuts.append(column)
    return sorted(cuts)


def middles(columns: np.ndarray) -> list[int]:
    """The middle of each stretch of True in `columns` (bool, 1-D, not empty), left to right."""
    stretches, count = ndimage.label(columns)
    return [round(middle) for middle in ndimage.mean(np.arange(len(columns)), stretches, range(1, count + 1))]

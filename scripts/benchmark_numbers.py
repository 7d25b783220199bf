"""Measure how well the recognizer reads whole numbers: 2 to 6 digits drawn side by side on a wide canvas.

The digits are the benchmark's own (digits/benchmark_shapes.py, never the training templates), laid out
by digits/number_shapes.py: varied sizes, baselines and spacing, neighbours touching, digits drawn in
strokes that do not meet; and numbers with a decimal point or a comma between two of their digits. Prints a
table and writes the figures as JSON (default benchmarks/numbers.json); --montage saves the numbers it misreads.
"""

import argparse
import sys
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from montage import grid  # noqa: E402  (scripts/, on the path when this runs)

from digits import Recognizer  # noqa: E402
from digits.evaluation import percentiles_ms, report  # noqa: E402
from digits.number_shapes import drawn_number  # noqa: E402
from digits.recognition import tune_for_single_images  # noqa: E402

LENGTHS = range(2, 7)


def digits_in_place(drawn: str, read: str) -> int:
    """How many of the drawn digits were read, in order: the characters the two strings have in common
    in sequence (a digit missed or one too many costs one, not every digit after it)."""
    return sum(block.size for block in SequenceMatcher(None, drawn, read, autojunk=False).get_matching_blocks())


def tiles(image: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[np.ndarray]:
    """The number's picture, dimmed, with the boxes of the digits read drawn on it, in square tiles left to
    right (a montage row shows them side by side, as one picture)."""
    picture = Image.fromarray((image * 0.6).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    for box in boxes:
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), outline=255, width=3)
    side = picture.height
    wide = np.pad(np.asarray(picture), ((0, 0), (0, -picture.width % side)))
    return [wide[:, x : x + side] for x in range(0, wide.shape[1], side)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="a .keras model (default: the shipped model)")
    parser.add_argument("--count", type=int, default=1000, help="numbers, as many of each length 2-6")
    parser.add_argument("--marked", type=int, default=400,
                        help="numbers with a decimal point or a comma (half each), 2-6 digits, after the others")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--montage",
                        help="save the misread numbers (the first 40) to this PNG, boxes and readings shown")
    parser.add_argument("--out", default="benchmarks/numbers.json")
    args = parser.parse_args()
    tune_for_single_images()  # as the page does
    recognizer = Recognizer.load(args.model)
    rng = np.random.default_rng([args.seed, 2026])  # a stream of its own, apart from the single-digit benchmark's
    numbers = [drawn_number(LENGTHS[i % len(LENGTHS)], rng) for i in range(args.count)]
    readings = [recognizer.recognize_number(n.image) for n in numbers]
    marked = [drawn_number(LENGTHS[i % len(LENGTHS)], rng, ".,"[i // len(LENGTHS) % 2]) for i in range(args.marked)]
    marked_readings = [recognizer.recognize_number(n.image) for n in marked]
    marked_read = ["" if r is None else r.text for r in marked_readings]
    marked_right = np.array([n.text == text for n, text in zip(marked, marked_read)])
    marks = np.array([next(c for c in n.text if c in ".,") for n in marked])
    mark_kept = np.array([n.text.find(m) == text.find(m) for n, m, text in zip(marked, marks, marked_read)])
    read = ["" if r is None else r.text for r in readings]
    right = np.array([n.text == text for n, text in zip(numbers, read)])
    lengths = np.array([len(n.text) for n in numbers])
    touching = np.array([n.touching > 0 for n in numbers])
    apart = np.array([n.apart > 0 for n in numbers])
    in_place = sum(digits_in_place(n.text, text) for n, text in zip(numbers, read))
    three = next(n.image for n in numbers if len(n.text) == 3 and n.image.shape[1] <= 840)
    canvas = np.zeros((280, 840), np.uint8)  # a 3-digit number on an 840x280 canvas, for the timing
    canvas[:, : three.shape[1]] = three
    figures = {
        "model": recognizer.path.name,
        "numbers": args.count,
        "whole_number_accuracy": float(right.mean()),
        "per_length": {int(k): float(right[lengths == k].mean()) for k in LENGTHS},
        "digit_accuracy": in_place / int(lengths.sum()),
        "touching_numbers": int(touching.sum()),
        "touching_accuracy": float(right[touching].mean()),
        "not_touching_accuracy": float(right[~touching].mean()),
        "strokes_apart_numbers": int(apart.sum()),
        "strokes_apart_accuracy": float(right[apart].mean()),
        "marked_numbers": args.marked,
        "marked_accuracy": {m: float(marked_right[marks == m].mean()) for m in ".,"},
        "marks_in_place": {m: float(mark_kept[marks == m].mean()) for m in ".,"},
        "recognize_number_3_digits_840x280": percentiles_ms(lambda: recognizer.recognize_number(canvas), 100),
    }
    rows = [
        ("model", figures["model"]),
        (f"whole numbers read right ({args.count}, 2-6 digits)", f"{figures['whole_number_accuracy']:.2%}"),
        *[(f"{k} digits", f"{a:.2%}") for k, a in figures["per_length"].items()],
        ("digits read in place", f"{figures['digit_accuracy']:.2%}"),
        (f"numbers with touching neighbours ({figures['touching_numbers']})", f"{figures['touching_accuracy']:.2%}"),
        (f"numbers with no digits touching ({args.count - figures['touching_numbers']})",
         f"{figures['not_touching_accuracy']:.2%}"),
        (f"numbers with a digit drawn in strokes apart ({figures['strokes_apart_numbers']})",
         f"{figures['strokes_apart_accuracy']:.2%}"),
        *[(f"numbers with a {name} ({(marks == m).sum()}): read whole / the {name} read in its place",
           f"{figures['marked_accuracy'][m]:.2%} / {figures['marks_in_place'][m]:.2%}")
          for m, name in ((".", "decimal point"), (",", "comma"))],
        ("recognize_number() on a 3-digit 840x280 canvas, p50 / p95",
         "{p50_ms} ms / {p95_ms} ms".format(**figures["recognize_number_3_digits_840x280"])),
    ]
    report(rows, figures, args.out)
    if args.montage:  # one row per misread number, the first 40, then the first 20 with a point or a comma
        misread = [(numbers[i], read[i], readings[i]) for i in np.flatnonzero(~right)[:40]]
        misread += [(marked[i], marked_read[i], marked_readings[i]) for i in np.flatnonzero(~marked_right)[:20]]
        grid([(f"{number.text} read {text or '-'}", tiles(number.image, [] if reading is None else reading.boxes),
               [""] * 8) for number, text, reading in misread] or [("none misread", [], [])], args.montage)
    return 0


if __name__ == "__main__":
    sys.exit(main())

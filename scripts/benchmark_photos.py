"""Measure how well the recognizer reads photos: drawn digits inked on paper and photographed badly.

The digits are the benchmark's own (digits/benchmark_shapes.py, never the training templates); the photos
(digits/photo_shapes.py) have paper texture, a lighting gradient or a shadow, a turn of up to 10 degrees,
blur, sensor noise and JPEG compression, in blue or black ink. Numbers (digits/number_shapes.py) are
photographed the same way. Digits and numbers on ruled or squared paper, as an exercise book's, are a group of
their own, drawn from a stream of their own. Prints a table and writes the figures as JSON (default
benchmarks/photos.json); --montage saves the photos it misreads. Each photo is read as the Photo page and
predict.py read it (Recognizer.read_photo): level lines left out, a digit read as a number too.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from montage import grid  # noqa: E402  (scripts/, on the path when this runs)

from digits import Recognizer  # noqa: E402
from digits.evaluation import report  # noqa: E402
from digits.number_shapes import drawn_number  # noqa: E402
from digits.photo_shapes import digit_photo, number_photo  # noqa: E402
from digits.photos import photo_ink  # noqa: E402
from digits.recognition import NumberRecognition, tune_for_single_images  # noqa: E402


def square(photo: np.ndarray) -> np.ndarray:
    """A photo in grey, padded to a square, for a montage cell."""
    grey = np.asarray(Image.fromarray(photo).convert("L"))
    side = max(grey.shape)
    return np.pad(grey, ((0, side - grey.shape[0]), (0, side - grey.shape[1])), constant_values=60)


def page_reading(recognizer: Recognizer, photo: np.ndarray, number: bool = False) -> NumberRecognition | None:
    """A photo read as the Photo page reads it, as a digit or with `number` as a number (Recognizer.read_photo);
    None where it says why nothing was read."""
    return recognizer.read_photo(photo_ink(photo), number).reading


def numbers_read_right(numbers: list, readings: list) -> float | None:
    """The share of drawn numbers whose photo was read as the whole number (None: no numbers)."""
    if not numbers:
        return None
    return float(np.mean([r is not None and r.text == n.text for n, r in zip(numbers, readings)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="a .keras model (default: the shipped model)")
    parser.add_argument("--count", type=int, default=1000, help="digit photos, as many of each digit")
    parser.add_argument("--numbers", type=int, default=200, help="photos of numbers 2-6 digits long")
    parser.add_argument("--ruled", type=int, default=500, help="digit photos on ruled or squared paper")
    parser.add_argument("--ruled-numbers", type=int, default=100, help="photos of numbers on ruled or squared paper")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--montage", help="save the misread photos (up to 60) and what the model saw to this PNG")
    parser.add_argument("--out", default="benchmarks/photos.json")
    args = parser.parse_args()
    tune_for_single_images()  # as the page does
    recognizer = Recognizer.load(args.model).warm_up()  # as the page's, so no read pays a graph's compiling
    rng = np.random.default_rng([args.seed, 4711])  # a stream of its own, apart from the other benchmarks'
    labels = np.arange(args.count) % 10
    photos, colours, read, seconds = [], [], [], []
    for digit in labels:
        photo, colour = digit_photo(int(digit), rng)
        start = time.perf_counter()
        result = page_reading(recognizer, photo)
        seconds.append(time.perf_counter() - start)
        photos.append(photo)
        colours.append(colour)
        read.append(-1 if result is None else result.digits[0].digit)
    read, colours = np.array(read), np.array(colours)
    right = read == labels
    numbers = [drawn_number(2 + i % 5, rng) for i in range(args.numbers)]
    number_photos = [number_photo(n.image, rng) for n in numbers]
    number_readings = [page_reading(recognizer, p, number=True) for p in number_photos]
    # On ruled or squared paper, from a stream of their own, so the groups above stay as they were drawn.
    ruled_rng = np.random.default_rng([args.seed, 4712])
    ruled_labels = np.arange(args.ruled) % 10
    ruled_photos = [digit_photo(int(digit), ruled_rng, ruled=True)[0] for digit in ruled_labels]
    ruled_read = np.array([-1 if r is None else r.digits[0].digit
                           for r in (page_reading(recognizer, p) for p in ruled_photos)])
    ruled_numbers = [drawn_number(2 + i % 5, ruled_rng) for i in range(args.ruled_numbers)]
    ruled_number_readings = [page_reading(recognizer, number_photo(n.image, ruled_rng, ruled=True), number=True)
                             for n in ruled_numbers]
    figures = {
        "model": recognizer.path.name,
        "photos": args.count,
        "accuracy": float(right.mean()),
        "blank_answers": int((read == -1).sum()),
        "per_digit": {int(d): float(right[labels == d].mean()) for d in range(10)},
        "per_ink": {c: float(right[colours == c].mean()) for c in sorted(set(colours))},
        "read_photo_ms": {"p50": round(float(np.percentile(seconds, 50)) * 1000, 1),
                          "p95": round(float(np.percentile(seconds, 95)) * 1000, 1)},
        "number_photos": args.numbers,
        "number_accuracy": numbers_read_right(numbers, number_readings),
        "number_blank_answers": sum(r is None for r in number_readings),
        "ruled_photos": args.ruled,
        "ruled_accuracy": float((ruled_read == ruled_labels).mean()) if args.ruled else None,
        "ruled_blank_answers": int((ruled_read == -1).sum()),
        "ruled_number_photos": args.ruled_numbers,
        "ruled_number_accuracy": numbers_read_right(ruled_numbers, ruled_number_readings),
    }
    rows = [
        ("model", figures["model"]),
        (f"digit photos read right ({args.count})", f"{figures['accuracy']:.2%}"),
        ("digit photos with no answer", str(figures["blank_answers"])),
        *[(f"digit {d}", f"{a:.2%}") for d, a in figures["per_digit"].items()],
        *[(f"{c} ink", f"{a:.2%}") for c, a in figures["per_ink"].items()],
        ("photo_ink() and read_photo(), as the page reads a digit photo, p50 / p95",
         "{p50} ms / {p95} ms".format(**figures["read_photo_ms"])),
    ]
    if numbers:
        rows += [(f"photos of numbers read right ({args.numbers}, 2-6 digits)", f"{figures['number_accuracy']:.2%}"),
                 ("photos of numbers with no answer", str(figures["number_blank_answers"]))]
    if args.ruled:
        rows += [(f"digit photos on ruled or squared paper read right ({args.ruled})",
                  f"{figures['ruled_accuracy']:.2%}"),
                 ("of them with no answer", str(figures["ruled_blank_answers"]))]
    if ruled_numbers:
        rows += [(f"photos of numbers on ruled or squared paper read right ({args.ruled_numbers})",
                  f"{figures['ruled_number_accuracy']:.2%}")]
    report(rows, figures, args.out)
    if args.montage:  # each misread photo beside the ink the model read it from, the ruled paper's last
        labels, read = np.concatenate([labels, ruled_labels]), np.concatenate([read, ruled_read])
        photos += ruled_photos
        wrong = np.flatnonzero(read != labels)[:60]
        rows = [(f"{labels[i]} read {read[i] if read[i] >= 0 else '-'}" + (" (ruled)" if i >= args.count else ""),
                 [square(photos[i]), square((photo_ink(photos[i]).ink * 255).astype(np.uint8))], ["photo", "ink"])
                for i in wrong]
        grid(rows or [("none misread", [], [])], args.montage)
    return 0


if __name__ == "__main__":
    sys.exit(main())

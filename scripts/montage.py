"""Save a labelled grid of generated digits, to look at them: the benchmark's styled digits as drawn on
the canvas (one row per style), the training generator's as the model gets them (28x28), or simulated
writers' digits (one row per writer, as the model gets them).

With --model, only the benchmark drawings that model misreads, each captioned with what it read, and the MNIST
test digits behind the redrawn groups' misreadings as MNIST gives them.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits import Recognizer, load_mnist  # noqa: E402
from digits.benchmark_shapes import STYLES, by_hand  # noqa: E402
from digits.drawing import TRAINING_STYLES, Strokes, in_hand, render, training_image  # noqa: E402
from digits.evaluation import (  # noqa: E402
    STYLED, drawn_groups, placement, read_digits, redrawn_misreadings,
)
from digits.writers import Writer  # noqa: E402

CELL, LABEL, CAPTION = 84, 190, 12  # pixels: a sample, the row names on the left, a caption under a sample
Rows = list[tuple[str, list[np.ndarray], list[str]]]  # (name, grey images, a caption for each)


def grid(rows: Rows, out: str) -> None:
    """Save the rows as one PNG: white ink on black, names on the left, captions under the images."""
    across = max(len(images) for _, images, _ in rows)
    sheet = Image.new("L", (LABEL + across * (CELL + 2), len(rows) * (CELL + CAPTION + 4)), 60)
    draw = ImageDraw.Draw(sheet)
    for r, (name, images, captions) in enumerate(rows):
        y = r * (CELL + CAPTION + 4)
        draw.text((4, y + CELL // 2), name, fill=255)
        for c, (image, caption) in enumerate(zip(images, captions)):
            x = LABEL + c * (CELL + 2)
            sheet.paste(Image.fromarray(image).resize((CELL, CELL), Image.Resampling.BOX), (x, y))
            draw.text((x + 2, y + CELL), caption, fill=255)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)


def render_canvas(strokes: Strokes, rng: np.random.Generator) -> np.ndarray:
    """The drawing's ink on the canvas, placed as the benchmark places it."""
    return render(strokes, **placement(rng, *STYLED))[..., 3]


def benchmark_rows(across: int, rng: np.random.Generator) -> Rows:
    """One row per benchmark style, drawn on the canvas as the benchmark places them."""
    rows = []
    for digit, styles in STYLES.items():
        for style, template in styles.items():
            images = [render_canvas(by_hand(template(rng), rng), rng) for _ in range(across)]
            rows.append((f"{digit}: {style}", images, [""] * across))
    return rows


def training_rows(across: int, rng: np.random.Generator) -> Rows:
    """One row per training style, as the 28x28 images the model is trained on."""
    rows = []
    for name, (_, _, template) in TRAINING_STYLES.items():
        images = [training_image(in_hand(template(rng), rng), rng) for _ in range(across)]
        images = [np.zeros((28, 28), np.uint8) if image is None else image for image in images]
        rows.append((name, images, [""] * across))
    return rows


def writer_rows(seeds: range, across: int, rng: np.random.Generator) -> Rows:
    """One row per simulated writer: their digits 0-9, then again, as the 28x28 images the model gets."""
    rows = []
    for seed in seeds:
        images, labels = Writer.random(seed).digits(-(-across // 10), rng)
        order = np.argsort(np.arange(len(labels)) % (len(labels) // 10), kind="stable")[:across]
        rows.append((f"writer {seed}", list(images[order]), [str(labels[i]) for i in order]))
    return rows


def failure_rows(model: str | None, count: int, across: int, seed: int) -> Rows:
    """For each benchmark group (benchmark.py's: MNIST test digits redrawn, then the styled digits), the first
    `across` drawings of `count` that the model misreads, captioned with the label and what it read, and a row name
    with the group's accuracy; then all the MNIST test digits behind the redrawn groups' misreadings as MNIST gives
    them, `across` a row, captioned with their index, label and what the model reads in them as they are."""
    recognizer, mnist = Recognizer.load(model), load_mnist()
    rows, reads = [], {}
    for name, images, labels in drawn_groups(mnist, count, seed):
        digits_read = read_digits(recognizer, images)
        reads[name] = digits_read, labels
        wrong = np.flatnonzero(digits_read != labels)
        rows.append((
            f"{name}\n{1 - len(wrong) / len(labels):.1%} of {len(labels)}",
            [images[i][..., 3] for i in wrong[:across]],
            [f"{labels[i]} read {digits_read[i]}" for i in wrong[:across]],
        ))
    originals = redrawn_misreadings(reads, count, len(mnist.x_test))
    as_given = read_digits(recognizer, list(mnist.x_test[originals]))
    for start in range(0, len(originals), across):
        shown = range(start, min(start + across, len(originals)))
        rows.append(("MNIST originals of the\nredrawn misreadings", [mnist.x_test[originals[i]] for i in shown],
                     [f"#{originals[i]} {mnist.y_test[originals[i]]} read {as_given[i]}" for i in shown]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="the PNG to write")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--benchmark", action="store_true", help="the benchmark's styled digits (the default)")
    source.add_argument("--training", action="store_true", help="the training generator's digits")
    source.add_argument("--writers", type=int, metavar="N", help="N simulated writers' digits (seeds from --seed)")
    parser.add_argument("--model", nargs="?", const="",
                        help="only the benchmark drawings this model (default: the shipped one) misreads, and the "
                             "MNIST test digits behind the redrawn ones (MNIST from $DIGITS_MNIST)")
    parser.add_argument("--count", type=int, default=1000, help="with --model: as benchmark.py's --count")
    parser.add_argument("--across", type=int, default=12, help="samples per row")
    parser.add_argument("--only", default="", help="only the rows whose name contains this, e.g. 'slashed'")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.training and args.model is not None:
        parser.error("--model reads the benchmark's drawings, not the training ones")
    rng = np.random.default_rng(args.seed)
    if args.model is not None:
        rows = failure_rows(args.model or None, args.count, args.across, args.seed)
    elif args.training:
        rows = training_rows(args.across, rng)
    elif args.writers:
        rows = writer_rows(range(args.seed, args.seed + args.writers), args.across, rng)
    else:
        rows = benchmark_rows(args.across, rng)
    grid([row for row in rows if args.only in row[0]], args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

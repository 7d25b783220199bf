"""Measure the detector that tells digits from drawings that are no digit (digits/nondigits.py).

Of the benchmark's non-digits (digits/benchmark_shapes.py: kinds the detector learns from, drawn by other
generators, and kinds it never sees), the share it finds, and the share the page marked before it (Not sure); of
the MNIST test digits and of the drawn benchmark's digits (scripts/benchmark.py's groups), the share it takes for no
digit. Prints a table and writes the figures as JSON (default benchmarks/nondigits.json); --montage saves the
non-digits it misses, and the digits it takes for none, to look at.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from digits import Recognizer, load_mnist  # noqa: E402
from digits.benchmark_shapes import NON_DIGITS, NON_DIGITS_UNSEEN, nondigit_drawings  # noqa: E402
from digits.drawing import render  # noqa: E402
from digits.evaluation import drawn_groups, placement, read_all, report  # noqa: E402
from digits.model import as_model_input  # noqa: E402
from digits.recognition import DIGIT_BELOW, Recognition  # noqa: E402
from montage import grid  # noqa: E402

SEED = 6007  # the non-digits' own; the detector's training draws with seeds 1 and 2
SIZES, PENS = (90, 250), (4, 28)  # on the 280x280 canvas: wider ranges than the training's (90-240, 10-30)


def share(flags: list[bool]) -> float:
    """The share of True, rounded for the JSON."""
    return round(float(np.mean(flags)), 4) if flags else 0.0


def marks(read: list[Recognition]) -> dict[str, float]:
    """Of readings of non-digits: the share the detector finds, the share the page marked before it (Not sure: all
    it said of them), and the share it marks now (either)."""
    return {"found": share([not r.looks_like_a_digit for r in read]),
            "marked_before": share([r.unsure for r in read]),
            "marked_now": share([r.unsure or not r.looks_like_a_digit for r in read])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="a .keras digit model (default: the shipped model)")
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, ...)")
    parser.add_argument("--count", type=int, default=200, help="drawings of each kind of non-digit")
    parser.add_argument("--drawn", type=int, default=1000, help="digits of each drawn benchmark group")
    parser.add_argument("--out", default="benchmarks/nondigits.json")
    parser.add_argument("--montage", help="a PNG of the non-digits missed and the digits taken for none")
    args = parser.parse_args()
    recognizer, mnist = Recognizer.load(args.model), load_mnist(args.data)
    if recognizer.detector is None:
        print("error: no detector (models/segmentation/digit_or_not.keras); train one with "
              "scripts/train_detector.py", file=sys.stderr)
        return 2

    # The non-digits, each kind in turn, and what the page makes of them.
    rng = np.random.default_rng(SEED)
    kinds = {**NON_DIGITS, **NON_DIGITS_UNSEEN}
    drawings, names = nondigit_drawings(args.count * len(kinds), rng)
    images = [render(strokes, **placement(rng, SIZES, PENS))[..., 3] for strokes in drawings]
    readings = read_all(recognizer, images)  # None for a drawing too small to read, which the page says so of
    by_kind = {kind: [r for r, name in zip(readings, names) if name == kind and r is not None] for kind in kinds}
    figures = {"model": recognizer.path.name, "too_small": sum(r is None for r in readings), "per_kind": {
        kind: {**marks(read), "read_as": np.bincount([r.digit for r in read], minlength=10).tolist()}
        for kind, read in by_kind.items()}}
    for group, members in (("learned_kinds", NON_DIGITS), ("unseen_kinds", NON_DIGITS_UNSEEN)):
        figures[group] = marks([r for kind in members for r in by_kind[kind]])

    # The digits taken for none: MNIST test as it is, and the drawn benchmark's groups as the page gets them.
    likeness = np.array(recognizer.digit_likeness(as_model_input(mnist.x_test)[..., 0]))
    figures["mnist_test_taken_for_none"] = share(list(likeness < DIGIT_BELOW))
    figures["drawn_taken_for_none"], taken, drawn = {}, [], 0
    for group, digits, labels in drawn_groups(mnist, args.drawn):
        read = read_all(recognizer, digits)
        figures["drawn_taken_for_none"][group] = share([r is not None and not r.looks_like_a_digit for r in read])
        taken += [(r.model_input, f"{label} p={r.digit_likeness:.2f}") for r, label in zip(read, labels)
                  if r is not None and not r.looks_like_a_digit]
        drawn += len(digits)
    figures["drawn_taken_for_none_all"] = {"digits": drawn, "taken_for_none": len(taken)}

    rows = [(f"{kind}{'' if kind in NON_DIGITS else ' (never learned)'}: found / marked before / marked now",
             f"{f['found']:.0%} / {f['marked_before']:.0%} / {f['marked_now']:.0%}")
            for kind, f in figures["per_kind"].items()]
    rows += [(f"all {group.replace('_', ' ')}: found / marked before / marked now",
              f"{figures[group]['found']:.1%} / {figures[group]['marked_before']:.1%} / "
              f"{figures[group]['marked_now']:.1%}") for group in ("learned_kinds", "unseen_kinds")]
    rows += [("MNIST test digits taken for none", f"{figures['mnist_test_taken_for_none']:.2%}"),
             ("drawn benchmark digits taken for none", f"{len(taken)} of {drawn:,} ({len(taken) / drawn:.2%})")]
    report(rows, figures, args.out)

    if args.montage:
        missed = [(kind, [np.round(r.model_input * 255).astype(np.uint8) for r in read if r.looks_like_a_digit][:12])
                  for kind, read in by_kind.items()]
        pictures = [(f"missed {kind}", shown, [""] * len(shown)) for kind, shown in missed if shown]
        pictures.append(("digits taken for none", [np.round(x * 255).astype(np.uint8) for x, _ in taken[:12]],
                         [caption for _, caption in taken[:12]]))
        grid(pictures, args.montage)
    return 0


if __name__ == "__main__":
    sys.exit(main())

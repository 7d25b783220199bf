"""Draw the training material (pen-redrawn twins of MNIST's training digits, and the styled digits) into the
cache, so that the first training on this machine finds it there instead of drawing it (20-30 s on two cores); and
the drawings that are no digit which "Learn my handwriting" teaches the detector with, so that the first fine-tune
that teaches it does not draw them (11-23 s).

    python scripts/draw_ahead.py               # for a training on all 55,000 training images
    python scripts/draw_ahead.py --limit 300   # for one on the first 300 (--limit as train.py's)

The app runs it soon after it starts, at the lowest CPU priority (digits.retraining.start_drawing_ahead). A training
that starts meanwhile waits for it and reads what it drew, rather than drawing the same chunks at once.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.data import MnistError, load_mnist  # noqa: E402
from digits.nondigits import teaching_drawings  # noqa: E402
from digits.recipes import VALIDATION  # noqa: E402
from digits.retraining import FINE_TUNE_SEED  # noqa: E402
from digits.synthesis import cache_dir, exit_with_parent, training_material  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="draw for a training on the first N images (default: all)")
    parser.add_argument("--data", help="mnist.npz (default: $DIGITS_MNIST, then the Keras cache)")
    parser.add_argument("--parent", type=int, help="end within a second of the process with this id")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be at least 1, not {args.limit}")
    if args.parent:
        exit_with_parent(args.parent)
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    if not os.access(folder, os.W_OK):  # what it drew would be lost: a training draws what it needs itself
        print(f"Nothing drawn: the cache folder {folder} cannot be written to (set DIGITS_CACHE_DIR)", file=sys.stderr)
        return 1
    try:
        mnist = load_mnist(args.data, download=False)
    except MnistError as error:
        print(f"Nothing drawn: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    twins, styled, _ = training_material(mnist.x_train[: len(mnist.x_train) - VALIDATION], args.limit)
    print(f"{len(twins):,} pen twins and {len(styled):,} styled digits in {folder}, "
          f"drawn or found in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    teaching_drawings(mnist, FINE_TUNE_SEED)
    print(f"The drawings that are no digit a fine-tune teaches the detector with, drawn or found in "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the detector that tells digits from drawings that are no digit (digits/nondigits.py), and save it with its
metadata; the shipped one is models/segmentation/digit_or_not.keras:

    python scripts/train_detector.py
    python scripts/train_detector.py --examples 2000 --epochs 1 --out /tmp/detector.keras

Its digits are MNIST's first 55,000 training digits, their pen-redrawn twins and the styled digits; its validation
digits are the last 5,000, which the digit models hold out too. All that is drawn (the twins, the styled digits and
the drawings that are no digit) is drawn once per machine for a seed, then read from the cache.
"""

import argparse
import sys
import time
from pathlib import Path

import keras

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.data import MnistError, load_mnist  # noqa: E402
from digits.nondigits import build_detector, detector_examples, detector_validation  # noqa: E402
from digits.registry import DETECTOR  # noqa: E402
from digits.training import save_network, train_on_crops  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--examples", type=int, default=48000, help="training examples, half of them digits")
    parser.add_argument("--validation", type=int, default=4000, help="examples for the validation figures")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(DETECTOR), help="where to write it (.keras; default: the shipped one's)")
    args = parser.parse_args()
    if not args.out.endswith(".keras"):
        parser.error("--out must end in .keras")
    if min(args.examples, args.validation) < 2 or args.epochs < 1:
        parser.error("--examples and --validation must be at least 2, --epochs at least 1")
    try:
        mnist = load_mnist(args.data)
    except MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    examples = detector_examples(mnist, args.examples, (args.seed, 1))
    held_out = detector_validation(mnist, args.validation, (args.seed, 2))
    print(f"{len(examples[1]):,} examples, {examples[1].mean():.0%} digits ({time.perf_counter() - started:.0f} s to "
          "draw)")
    model, scores = train_on_crops(build_detector, examples, held_out, "binary_crossentropy",
                                   ["accuracy", keras.metrics.AUC(name="auc")], args.epochs, batch_size=256,
                                   learning_rate=6e-3, seed=args.seed, augment=True, verbose=2)
    settings = {"examples": len(examples[1]), "epochs": args.epochs, "seed": args.seed}
    save_network(model, scores, mnist, started, args.out, **settings)
    print(f"saved {args.out}: {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the checker that tells which candidate crops of a number are one whole digit (digits/segmentation.py)
and save it with its metadata; the shipped one is models/segmentation/one_digit.keras:

    python scripts/train_checker.py
    python scripts/train_checker.py --numbers 200 --epochs 1 --out /tmp/checker.keras

Its numbers are composed from MNIST's first 55,000 training digits; the validation numbers from the last
5,000, which the digit models hold out too.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.data import MnistError, load_mnist  # noqa: E402
from digits.recipes import TRAINING_IMAGES  # noqa: E402
from digits.registry import CHECKER  # noqa: E402
from digits.segmentation import checker_examples, train_checker  # noqa: E402
from digits.training import describe_training, save_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--numbers", type=int, default=8000, help="numbers of 2-4 digits to take crops from")
    parser.add_argument("--validation", type=int, default=800, help="numbers for the validation figures")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(CHECKER), help="where to write the checker (.keras)")
    args = parser.parse_args()
    if not args.out.endswith(".keras"):
        parser.error("--out must end in .keras")
    if min(args.numbers, args.validation, args.epochs) < 1:
        parser.error("--numbers, --validation and --epochs must be at least 1")
    try:
        mnist = load_mnist(args.data)
    except MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    examples = checker_examples(mnist.x_train[:TRAINING_IMAGES], args.numbers, np.random.default_rng([args.seed, 1]))
    validation = checker_examples(mnist.x_train[TRAINING_IMAGES:], args.validation, np.random.default_rng([args.seed, 2]))
    print(f"{len(examples[1]):,} crops, {examples[1].mean():.1%} of them one whole digit "
          f"({time.perf_counter() - started:.0f} s to compose)")
    model, scores = train_checker(examples, validation, args.epochs, seed=args.seed)
    settings = {"numbers": args.numbers, "crops": len(examples[1]), "whole_share": round(float(examples[1].mean()), 4),
                "epochs": args.epochs, "seed": args.seed}
    save_model(model, {**scores, **describe_training(mnist, model, time.perf_counter() - started, **settings)}, args.out)
    print(f"saved {args.out}: validation accuracy {scores['validation_accuracy']:.4f}, "
          f"ROC AUC {scores['validation_auc']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

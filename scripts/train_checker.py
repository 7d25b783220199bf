"""Train the checker that tells which candidate crops of a number are one whole digit, or with --pairs the pair
reader that reads two touching digits in one crop (digits/segmentation.py), and save it with its metadata; the
shipped ones are models/segmentation/one_digit.keras and pair.keras:

    python scripts/train_checker.py
    python scripts/train_checker.py --pairs
    python scripts/train_checker.py --numbers 200 --epochs 1 --out /tmp/checker.keras

Their numbers are composed from MNIST's first 55,000 training digits; the validation numbers from the last
5,000, which the digit models hold out too. The pair reader's metadata also keeps the share of validation pairs it
reads right (and of those with a 1), and of other runs and of runs of three digits or more it reads as none.
"""

import argparse
import sys
import time
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.data import MnistError, load_mnist  # noqa: E402
from digits.numbers import NONE  # noqa: E402
from digits.recipes import TRAINING_IMAGES  # noqa: E402
from digits.registry import CHECKER, PAIR_READER  # noqa: E402
from digits.segmentation import (OVERLAPPING, OVERLAPPING_PAIRS, build_checker, build_pair_reader,  # noqa: E402
                                 labelled_examples, pair_examples, pair_figures, train_on_crops)
from digits.training import describe_training, save_model  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--numbers", type=int, help="numbers of 2-4 digits to take crops from (default: 8,000; 12,000 "
                        "with --pairs)")
    parser.add_argument("--validation", type=int, default=800, help="numbers for the validation figures")
    parser.add_argument("--epochs", type=int, help="default: 5; 6 with --pairs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", action="store_true", help="train the pair reader instead of the checker")
    parser.add_argument("--out", help="where to write it (.keras; default: the shipped one's path)")
    args = parser.parse_args()
    # The defaults are those of the shipped networks.
    args.out = args.out or str(PAIR_READER if args.pairs else CHECKER)
    if args.numbers is None:
        args.numbers = 12000 if args.pairs else 8000
    if args.epochs is None:
        args.epochs = 6 if args.pairs else 5
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
    overlapping = OVERLAPPING_PAIRS if args.pairs else OVERLAPPING
    training, validation = (labelled_examples(mnist.x_train[part], mnist.y_train[part], count,
                                              np.random.default_rng([args.seed, k]), overlapping)
                            for k, (part, count) in enumerate([(slice(TRAINING_IMAGES), args.numbers),
                                                               (slice(TRAINING_IMAGES, None), args.validation)], start=1))
    if args.pairs:
        examples = pair_examples(training, np.random.default_rng([args.seed, 3]))
        held_out = validation.pair_inputs, validation.pairs
        shares = {"crops": len(examples[1]), "pair_share": round(float((examples[1][:, 0] < NONE).mean()), 4)}
        build, loss, metrics = build_pair_reader, "sparse_categorical_crossentropy", ["accuracy"]
    else:
        examples, held_out = (training.inputs, training.whole), (validation.inputs, validation.whole)
        shares = {"crops": len(training.whole), "whole_share": round(float(training.whole.mean()), 4)}
        build, loss, metrics = build_checker, "binary_crossentropy", ["accuracy", keras.metrics.AUC(name="auc")]
    print(f"{shares} ({time.perf_counter() - started:.0f} s to compose)")
    model, scores = train_on_crops(build, examples, held_out, loss, metrics, args.epochs, seed=args.seed)
    if args.pairs:
        read = model.predict(validation.pair_inputs[..., None], batch_size=1000, verbose=0).argmax(axis=-1)
        scores |= {f"validation_{name}": share for name, share in pair_figures(read, validation).items()}
    settings = {"numbers": args.numbers, **shares, "epochs": args.epochs, "seed": args.seed}
    save_model(model, {**scores, **describe_training(mnist, model, time.perf_counter() - started, **settings)}, args.out)
    print(f"saved {args.out}: {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the checker that tells which candidate crops of a number are one whole digit, or with --pairs the pair
reader that reads two touching digits in one crop, or with --reader the number reader, the digit model fine-tuned
on the whole digits cut from numbers (digits/segmentation.py), and save it with its metadata; the shipped ones are
models/segmentation/one_digit.keras, pair.keras and digits_in_numbers.keras:

    python scripts/train_checker.py
    python scripts/train_checker.py --pairs
    python scripts/train_checker.py --reader
    python scripts/train_checker.py --numbers 200 --epochs 1 --out /tmp/checker.keras

Their numbers are composed from MNIST's first 55,000 training digits; the validation numbers from the last
5,000, which the digit models hold out too. The pair reader's metadata also keeps the share of validation pairs it
reads right (and of those with a 1), and of other runs and of runs of three digits or more it reads as none; the
number reader's, the share of validation whole digits it and the digit model it started from read right, and its
MNIST test accuracy.
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
from digits.finetuning import accuracy  # noqa: E402
from digits.inspection import load_saved_model  # noqa: E402
from digits.recognition import DEFAULT_MODEL  # noqa: E402
from digits.registry import CHECKER, NUMBER_READER, PAIR_READER  # noqa: E402
from digits.segmentation import (OVERLAPPING, OVERLAPPING_PAIRS, READER_TUNE, build_checker,  # noqa: E402
                                 build_pair_reader, labelled_examples, pair_examples, pair_figures, reader_examples,
                                 tune_number_reader)
from digits.training import save_network, train_on_crops  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--numbers", type=int, help="numbers of 2-4 digits to take crops from (default: 8,000; 12,000 "
                        "with --pairs; 10,000 with --reader)")
    parser.add_argument("--validation", type=int, default=800, help="numbers for the validation figures")
    parser.add_argument("--epochs", type=int, help=f"default: 5; 6 with --pairs; {READER_TUNE['epochs']} with --reader")
    parser.add_argument("--seed", type=int, default=1)
    network = parser.add_mutually_exclusive_group()
    network.add_argument("--pairs", action="store_true", help="train the pair reader instead of the checker")
    network.add_argument("--reader", action="store_true", help="fine-tune the number reader instead of the checker")
    parser.add_argument("--from", dest="base",
                        help="with --reader, the digit model to fine-tune (default: the shipped one)")
    parser.add_argument("--out", help="where to write it (.keras; default: the shipped one's path)")
    args = parser.parse_args()
    # The defaults are those of the shipped networks.
    args.out = args.out or str(PAIR_READER if args.pairs else NUMBER_READER if args.reader else CHECKER)
    if args.numbers is None:
        args.numbers = 12000 if args.pairs else 10000 if args.reader else 8000
    if args.epochs is None:
        args.epochs = 6 if args.pairs else READER_TUNE["epochs"] if args.reader else 5
    if not args.out.endswith(".keras"):
        parser.error("--out must end in .keras")
    if min(args.numbers, args.validation, args.epochs) < 1:
        parser.error("--numbers, --validation and --epochs must be at least 1")
    if args.base and not args.reader:
        parser.error("--from goes with --reader")
    args.base = args.base or str(DEFAULT_MODEL)
    if args.reader and not Path(args.base).is_file():
        parser.error(f"--from: no model at {args.base}")
    try:
        mnist = load_mnist(args.data)
    except MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    base = load_saved_model(args.base) if args.reader else None
    started = time.perf_counter()
    overlapping = OVERLAPPING_PAIRS if args.pairs else OVERLAPPING
    training, validation = (labelled_examples(mnist.x_train[part], mnist.y_train[part], count,
                                              np.random.default_rng([args.seed, k]), overlapping)
                            for k, (part, count) in enumerate([(slice(TRAINING_IMAGES), args.numbers),
                                                               (slice(TRAINING_IMAGES, None), args.validation)],
                                                              start=1))
    if args.reader:
        shares = {"crops": len(reader_examples(training)[1]), "from": Path(args.base).name}
    elif args.pairs:
        examples = pair_examples(training, np.random.default_rng([args.seed, 3]))
        held_out = validation.pair_inputs, validation.pairs
        shares = {"crops": len(examples[1]), "pair_share": round(float((examples[1][:, 0] < NONE).mean()), 4)}
        build, loss, metrics = build_pair_reader, "sparse_categorical_crossentropy", ["accuracy"]
    else:
        examples, held_out = (training.inputs, training.whole), (validation.inputs, validation.whole)
        shares = {"crops": len(training.whole), "whole_share": round(float(training.whole.mean()), 4)}
        build, loss, metrics = build_checker, "binary_crossentropy", ["accuracy", keras.metrics.AUC(name="auc")]
    print(f"{shares} ({time.perf_counter() - started:.0f} s to compose)")
    if args.reader:
        model = tune_number_reader(base, training, mnist, seed=args.seed, verbose=2, epochs=args.epochs)
        x, y = reader_examples(validation)
        scores = {"validation_accuracy": round(accuracy(model, x, y), 4),
                  "validation_accuracy_before": round(accuracy(base, x, y), 4),
                  "test_accuracy": round(accuracy(model, mnist.x_test, mnist.y_test), 4)}
    else:
        model, scores = train_on_crops(build, examples, held_out, loss, metrics, args.epochs, seed=args.seed)
    if args.pairs:
        read = model.predict(validation.pair_inputs[..., None], batch_size=1000, verbose=0).argmax(axis=-1)
        scores |= {f"validation_{name}": share for name, share in pair_figures(read, validation).items()}
    settings = {"numbers": args.numbers, **shares, "epochs": args.epochs, "seed": args.seed}
    save_network(model, scores, mnist, started, args.out, **settings)
    print(f"saved {args.out}: {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

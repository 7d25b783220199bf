"""Train the digit CNN on MNIST and save models/NAME.keras with models/NAME.json beside it.

    python scripts/train.py                       # the shipped model's recipe
    python scripts/train.py --limit 500 --epochs 1 --out /tmp/quick.keras
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.data import MnistError, load_mnist  # noqa: E402
from digits.training import train_and_save  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1, help="the same seed reproduces the same model")
    parser.add_argument("--limit", type=int, help="train on the first N training images only")
    parser.add_argument("--no-augment", action="store_true", help="train on plain MNIST")
    parser.add_argument("--out", default="models/digits.keras", help="where to write the model (.keras)")
    args = parser.parse_args()
    if not args.out.endswith(".keras"):
        parser.error("--out must end in .keras")
    try:
        mnist = load_mnist(args.data)
    except MnistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    metadata = train_and_save(
        mnist, args.out, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
        limit=args.limit, augment=not args.no_augment,
    )
    print(f"saved {args.out}: test accuracy {metadata['test_accuracy']:.4f}, "
          f"{metadata['training_seconds']:.0f} s, {metadata['parameters']} parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the recognizer: MNIST test accuracy, recognize() speed, and accuracy on digits drawn like on a canvas.

Prints a table and writes the figures as JSON (default benchmarks/recognizer.json).
"""

import argparse
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits import Recognizer, load_mnist  # noqa: E402
from digits.evaluation import measure, report  # noqa: E402
from digits.recognition import tune_for_single_images  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="a .keras model (default: the shipped model)")
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, ...)")
    parser.add_argument("--count", type=int, default=1000,
                        help="drawn digits per MNIST group and of all digits in styles (a quarter per style family)")
    parser.add_argument("--out", default="benchmarks/recognizer.json")
    args = parser.parse_args()
    tune_for_single_images()  # as the page does: TensorFlow runs each op in the calling thread
    recognizer, mnist = Recognizer.load(args.model), load_mnist(args.data)
    figures = {"model": str(recognizer.path.name), "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
               **measure(recognizer, mnist, args.count, log=lambda line: print(line, file=sys.stderr))}
    s = figures["speed"]
    rows = [
        ("model", figures["model"]),
        ("MNIST test accuracy (10,000 digits)", f"{figures['mnist_test_accuracy']:.2%}"),
        ("recognize() on one 280x280 canvas, p50 / p95", f"{s['p50_ms']} ms / {s['p95_ms']} ms"),
        ("recognize_batch() throughput (one TensorFlow thread, as the page runs)",
         f"{s['batch_images_per_s']} images/s"),
    ]
    rows += [(name, f"{accuracy:.2%}") for name, accuracy in figures["drawn_accuracy"].items()]
    rows += [("all drawn groups", f"{figures['drawn_accuracy_all']:.2%}")]
    styled = figures["styled_accuracy_per_digit"]
    rows += [(f"digit {digit}, all drawn groups / styled groups",
              f"{accuracy:.2%} / {styled[digit]:.2%}" if digit in styled else f"{accuracy:.2%} / -")
             for digit, accuracy in figures["drawn_accuracy_per_digit"].items()]
    rows += [("MNIST-redrawn test digits misread / of them misread as MNIST gives them too",
              f"{len(figures['redrawn_misread'])} / {len(figures['redrawn_misread_as_given_too'])}")]
    report(rows, figures, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

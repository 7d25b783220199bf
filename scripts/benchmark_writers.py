"""Measure how well "Learn my handwriting" learns one person's digits, on simulated writers (digits/writers.py).

Each writer gives 3 corrections per digit. The serving model is fine-tuned on them with replayed MNIST,
as the page's fine-tune does, then scored on 30 other digits of each of that writer's. The fine-tune's
recipe was tuned on writers of seeds below 20; the default writers here (seeds 1000 on) were never looked at
while tuning. Of 10 more of each digit, those the detector takes for no digit are kept too, as a writer keeps them
through "A digit after all?", and teach it beside the corrections (finetuning.teach_detector, tuned on writer 7):
how many of the 300 other digits it takes for none, before and after.

    python scripts/benchmark_writers.py                   # 10 writers, and one timed train.py --from command
    python scripts/benchmark_writers.py --writers 3 --first 0 --no-command

Prints a table and writes the figures as JSON (default benchmarks/writers.json); --montage saves the
writers' digits that the fine-tuned model still misreads.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits import load_mnist  # noqa: E402
from digits.corrections import Corrections  # noqa: E402
from digits.evaluation import report  # noqa: E402
from digits.finetuning import accuracy, as_trained, fine_tune, taken_for_none, teach_detector  # noqa: E402
from digits.inspection import load_saved_model  # noqa: E402
from digits.model import read_probabilities  # noqa: E402
from digits.registry import ModelRegistry  # noqa: E402
from digits.writers import Writer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORRECTIONS, OTHERS, MORE = 3, 30, 10  # per digit and writer


def time_command(model: Path, writer: Writer, folder: Path) -> float:
    """Seconds that `train.py --from` takes, start to finish, on a store of the writer's corrections as drawn on
    the canvas."""
    store = Corrections(folder / "corrections.sqlite")
    rng = np.random.default_rng([writer.seed, 1])
    for digit in range(10):
        for _ in range(CORRECTIONS):
            store.add(writer.canvas(digit, rng), digit)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train.py"), "--from", str(model), "--corrections",
                    str(store.path), "--out", str(folder / "mine.keras")], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "digits.keras"))
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--first", type=int, default=1000, help="the first writer's seed")
    parser.add_argument("--no-command", action="store_true", help="skip timing the train.py --from command")
    parser.add_argument("--montage", help="save the digits still misread after the fine-tune to this PNG")
    parser.add_argument("--out", default="benchmarks/writers.json")
    args = parser.parse_args()
    mnist = load_mnist()
    model = load_saved_model(args.model)
    trained = as_trained(ModelRegistry(Path(args.model).parent).metadata(Path(args.model)))
    mnist_before = accuracy(model, mnist.x_test, mnist.y_test)
    rows, writers, still_wrong = [], [], []
    for seed in range(args.first, args.first + args.writers):
        writer = Writer.random(seed)
        x, y = writer.digits(CORRECTIONS, np.random.default_rng([seed, 1]))
        others, labels = writer.digits(OTHERS, np.random.default_rng([seed, 2]))
        started = time.perf_counter()
        tuned, _ = fine_tune(model, x, y, mnist, **trained)  # as the app fine-tunes it
        seconds = time.perf_counter() - started
        read_before = read_probabilities(model, others).argmax(axis=1)
        read_after = read_probabilities(tuned, others).argmax(axis=1)
        figures = {
            "seed": seed, "errors_before": int((read_before != labels).sum()),
            "errors_after": int((read_after != labels).sum()), "digits": len(labels),
            "mnist_after": accuracy(tuned, mnist.x_test, mnist.y_test), "fine_tune_s": round(seconds, 1),
        }
        more, _ = writer.digits(MORE, np.random.default_rng([seed, 3]))
        refused = taken_for_none(others)
        detector, figures["detector"] = teach_detector(np.concatenate([x, more[taken_for_none(more)]]), mnist)
        figures["taken_for_none_before"] = int(refused.sum())
        figures["taken_for_none_after"] = int((taken_for_none(others, detector) if detector else refused).sum())
        writers.append(figures)
        wrong = np.flatnonzero(read_after != labels)
        still_wrong += [(others[i], f"w{seed}: {labels[i]} read {read_after[i]}") for i in wrong]
        print(f"writer {seed}: errors {figures['errors_before']} -> {figures['errors_after']} of {len(labels)}, "
              f"MNIST {figures['mnist_after']:.2%}, {seconds:.1f} s; taken for no digit "
              f"{figures['taken_for_none_before']} -> {figures['taken_for_none_after']}", file=sys.stderr)
    before, after = sum(w["errors_before"] for w in writers), sum(w["errors_after"] for w in writers)
    digits = sum(w["digits"] for w in writers)
    mnist_after = [w["mnist_after"] for w in writers]
    seconds = [w["fine_tune_s"] for w in writers]
    taught = [w["detector"] for w in writers if w["detector"]]
    summary = {
        "writers": len(writers), "corrections_per_digit": CORRECTIONS, "scored_per_writer": OTHERS * 10,
        "error_before": before / digits, "error_after": after / digits,
        "error_cut": 1 - after / before if before else None,
        "mnist_before": mnist_before, "mnist_after_mean": float(np.mean(mnist_after)),
        "mnist_after_worst": float(np.min(mnist_after)), "fine_tune_s_median": float(np.median(seconds)),
        "fine_tune_s_max": float(np.max(seconds)),
        "taken_for_none_before": sum(w["taken_for_none_before"] for w in writers),
        "taken_for_none_after": sum(w["taken_for_none_after"] for w in writers),
        "detectors_taught": len(taught), "detectors_kept": sum(t["kept"] for t in taught), "per_writer": writers,
    }
    if not args.no_command:
        with tempfile.TemporaryDirectory() as folder:
            summary["command_s"] = round(time_command(Path(args.model), Writer.random(args.first), Path(folder)), 1)
    rows = [
        (f"writers' other digits misread, before -> after ({digits:,} digits, {len(writers)} writers)",
         f"{before / digits:.2%} -> {after / digits:.2%}"),
        ("error cut", f"{summary['error_cut']:.0%}" if before else "no errors before"),
        ("MNIST test: before -> after (mean; worst writer)",
         f"{mnist_before:.2%} -> {summary['mnist_after_mean']:.2%}; {summary['mnist_after_worst']:.2%}"),
        ("fine-tune training seconds (median; max)",
         f"{summary['fine_tune_s_median']:.1f}; {summary['fine_tune_s_max']:.1f}"),
        ("writers' other digits taken for no digit, before -> after the detector learned their own",
         f"{summary['taken_for_none_before']} -> {summary['taken_for_none_after']} ({len(taught)} writers taught it, "
         f"{summary['detectors_kept']} kept)"),
    ]
    if "command_s" in summary:
        rows.append(("train.py --from, start to finish (s)", f"{summary['command_s']:.1f}"))
    report(rows, summary, args.out)
    if args.montage and still_wrong:
        from montage import grid  # the montage script's grid, beside this one

        grid([("still misread", [image for image, _ in still_wrong[:24]], [c for _, c in still_wrong[:24]])],
             args.montage)
    return 0


if __name__ == "__main__":
    sys.exit(main())

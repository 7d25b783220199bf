"""Measure the training presets and architectures from a clean start: each is trained by scripts/train.py,
timed from the command to the saved, evaluated model, then measured as benchmark.py measures the shipped model
(MNIST test, the drawn benchmark, recognize() speed).

The first training on a machine draws the pen-redrawn twins and the styled digits into a cache, which every
later training reads (digits/synthesis.py): Quick is timed both ways, first with an empty cache, then each run
with the cache that first run made.

    python scripts/benchmark_presets.py                          # quick, standard, keras-example
    python scripts/benchmark_presets.py --runs quick --count 200

Prints tables and writes the figures as JSON (default benchmarks/presets.json).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits import Recognizer, load_mnist  # noqa: E402
from digits.evaluation import measure, report  # noqa: E402
from digits.recognition import tune_for_single_images  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# What each run trains: train.py's options. The architecture table takes vgg from the shipped (full) model.
RUNS = {
    "quick": ["--preset", "quick"],
    "standard": ["--preset", "standard"],
    "keras-example": ["--preset", "quick", "--arch", "keras-example"],
}


def train(name: str, folder: Path) -> tuple[Path, float]:
    """Train one run with the cache of drawn digits in `folder` (made by the first run); returns the model and the
    seconds from the command to its end."""
    out = folder / f"{name}.keras"
    env = {**os.environ, "DIGITS_CACHE_DIR": str(folder / "cache")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train.py"), *RUNS[name], "--out", str(out)],
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr[-2000:]}")
    return out, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    parser.add_argument("--shipped", default=str(ROOT / "models" / "digits.keras"), help="the full preset's model")
    parser.add_argument("--count", type=int, default=1000, help="drawn digits per benchmark group, as benchmark.py")
    parser.add_argument("--out", default="benchmarks/presets.json")
    args = parser.parse_args()
    tune_for_single_images()  # as the page does; the trainings run in their own processes
    mnist = load_mnist()
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        # The first training on this machine, with the cache empty.
        empty_cache = {"quick": train("quick", Path(folder))[1]} if "quick" in args.runs else {}
        trained = {name: train(name, Path(folder)) for name in args.runs}  # each on a machine left to itself
        models = {name: path for name, (path, _) in trained.items()} | {"full": Path(args.shipped)}
        for name, path in models.items():
            meta = json.loads(path.with_suffix(".json").read_text())
            print(f"{name}:", file=sys.stderr)
            figures[name] = {
                "preset": meta.get("preset"), "arch": meta.get("arch", "vgg"), "epochs": meta["epochs"],
                "wall_s": round(trained[name][1], 1) if name in trained else None,
                **({"wall_s_empty_cache": round(empty_cache[name], 1)} if name in empty_cache else {}),
                "training_s": meta["training_seconds"], "epoch_s": meta.get("epoch_seconds"),
                "parameters": meta["parameters"],
                **measure(Recognizer.load(path), mnist, args.count, log=lambda line: print(line, file=sys.stderr)),
            }
    rows = []
    for name, f in figures.items():
        wall = f"{f['wall_s']:.0f} s" if f["wall_s"] else f"{f['training_s']:.0f} s of training"
        if "wall_s_empty_cache" in f:
            wall += f" ({f['wall_s_empty_cache']:.0f} s with an empty cache)"
        rows.append((f"{name}: {f['arch']}, {f['epochs']} epochs, MNIST test / command to evaluated model",
                     f"{f['mnist_test_accuracy']:.2%} / {wall}"))
    for name, f in figures.items():
        per_epoch = f"{f['epoch_s']} s" if f["epoch_s"] else "-"
        rows.append((f"{name} ({f['arch']}): parameters / s per epoch / drawn benchmark / recognize() p50",
                     f"{f['parameters']:,} / {per_epoch} / {f['drawn_accuracy_all']:.2%} / {f['speed']['p50_ms']} ms"))
    report(rows, figures, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

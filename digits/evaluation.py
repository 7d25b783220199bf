"""How well a Recognizer reads MNIST and digits drawn like on a canvas, and how fast."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from digits.benchmark_shapes import EVERY_DIGIT, GROUPS, benchmark_drawings
from digits.data import Mnist
from digits.drawing import PLAIN, render, skeleton_strokes
from digits.inspection import inspect_model
from digits.recognition import Recognition, Recognizer

CANVAS = 280


def placement(rng: np.random.Generator, extents: tuple[float, float], pens: tuple[float, float]) -> dict:
    """A random size, pen width and position that keeps the drawing on the canvas."""
    extent, pen = rng.uniform(*extents), rng.uniform(*pens)
    margin = (extent + pen) / 2 + 1
    centre = tuple(rng.uniform(margin, CANVAS - margin, 2)) if margin < CANVAS / 2 else (CANVAS / 2, CANVAS / 2)
    return {"extent": extent, "pen": pen, "centre": centre}


# Each group: how big the drawing is (the longer side of its box), how wide the pen, in pixels of a 280x280 canvas.
REDRAWN_MNIST = {
    "MNIST redrawn, medium pen": ((150, 230), (12, 18)),
    "MNIST redrawn, thin pen": ((150, 230), (3, 6)),
    "MNIST redrawn, thick pen": ((150, 230), (26, 34)),
    "MNIST redrawn, small and off-centre": ((40, 80), (4, 8)),
    "MNIST redrawn, filling the canvas": ((230, 255), (14, 22)),  # pen and all stay on the canvas
}


# Styled digits: big enough for the pen not to fill their loops (the narrowest zero, 130 pixels high
# with its slash, is about 40 wide; a 22-pixel pen, the app's, leaves a hole 18 wide).
STYLED = ((130, 250), (8, 22))


def redrawn_digits(group: int, count: int, test_size: int = 10000) -> np.ndarray:
    """The MNIST test indices that the `group`-th MNIST-redrawn group draws: the `count` after the earlier groups',
    so that no digit counts in two groups (until the five groups ask for more than the test set holds: then they
    go round again from the first)."""
    return np.arange(group * count, (group + 1) * count) % test_size


def redrawn_misreadings(reads: dict[str, tuple[np.ndarray, np.ndarray]], count: int,
                        test_size: int = 10000) -> np.ndarray:
    """The MNIST test indices behind the MNIST-redrawn groups' misreadings, each once, in order, from each group's
    (digits read, labels) of `count` drawings."""
    groups = [redrawn_digits(k, count, test_size)[np.not_equal(*reads[name])]
              for k, name in enumerate(REDRAWN_MNIST) if name in reads]
    return np.unique(np.concatenate(groups)) if groups else np.array([], int)


def drawn_groups(mnist: Mnist, count: int, seed: int = 0) -> Iterator[tuple[str, list[np.ndarray], np.ndarray]]:
    """(name, canvas images, labels) for each group of drawn digits: `count` MNIST test digits redrawn, each group
    its own (redrawn_digits), then the styled groups (see styled_groups)."""
    rng = np.random.default_rng(seed)
    for k, (name, (extents, pens)) in enumerate(REDRAWN_MNIST.items()):
        picked = redrawn_digits(k, count, len(mnist.x_test))
        images = [render(skeleton_strokes(mnist.x_test[i]), **placement(rng, extents, pens)) for i in picked]
        yield name, images, mnist.y_test[picked]
    yield from styled_groups(count, seed)


def styled_groups(count: int, seed: int = 0) -> Iterator[tuple[str, list[np.ndarray], np.ndarray]]:
    """(name, canvas images, labels) for the benchmark's styled digits (digits/benchmark_shapes.py):
    `count` // 4 of each style family, and `count` of all ten digits in varied styles."""
    rng = np.random.default_rng([seed, 7])  # a stream of its own: the MNIST groups' sizes do not shift it
    for name in GROUPS:
        strokes, labels = benchmark_drawings(name, count if name == EVERY_DIGIT else count // 4, rng)
        yield name, [render(s, **placement(rng, *STYLED)) for s in strokes], labels


def read_all(recognizer: Recognizer, images: list[np.ndarray]) -> list[Recognition | None]:
    """What the recognizer reads in each image (None where nothing is drawn), 256 at a time."""
    results = []
    for start in range(0, len(images), 256):
        results += recognizer.recognize_batch(images[start : start + 256])
    return results


def read_digits(recognizer: Recognizer, images: list[np.ndarray]) -> np.ndarray:
    """The digit read in each image, -1 where it read nothing."""
    return np.array([-1 if r is None else r.digit for r in read_all(recognizer, images)])


def drawn_accuracy(recognizer: Recognizer, images: list[np.ndarray], labels: np.ndarray) -> float:
    """The share of images read as their label (a blank answer counts as wrong)."""
    return float(np.mean(read_digits(recognizer, images) == labels))


def per_digit_accuracy(digits_read: np.ndarray, labels: np.ndarray) -> dict[int, float]:
    """For each digit among the labels, the share of its images read as it."""
    return {int(d): float(np.mean(digits_read[labels == d] == d)) for d in np.unique(labels)}


def percentiles_ms(call: Callable[[], object], repeats: int) -> dict:
    """p50 and p95 of a call's wall time, in milliseconds, after one warm-up call."""
    call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    p50, p95 = np.percentile(times, [50, 95]) * 1000
    return {"p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2)}


def speed(recognizer: Recognizer, canvas: np.ndarray, repeats: int = 300, batch: int = 256) -> dict:
    """recognize() latency for one canvas image, and recognize_batch() throughput."""
    single = percentiles_ms(lambda: recognizer.recognize(canvas), repeats)
    images = [canvas] * batch
    recognizer.recognize_batch(images)
    started = time.perf_counter()
    recognizer.recognize_batch(images)
    return {**single, "batch_images_per_s": round(batch / (time.perf_counter() - started))}


def report(rows: list[tuple[str, str]], figures: dict, out: str) -> None:
    """Print figures as a Markdown table of (measure, value) rows and write them all as JSON to `out`."""
    print("| measure | value |\n|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(figures, indent=2) + "\n")


def drawn_figures(recognizer: Recognizer, mnist: Mnist, count: int = 1000,
                  log: Callable[[str], None] = print) -> dict:
    """Accuracy on every drawn group and the figures over them (accuracy_over_groups), logging each group as it
    is read; and the MNIST test digits behind the redrawn groups' misreadings, with those of them the recognizer
    misreads as MNIST gives them too."""
    groups, reads = {}, {}
    for name, images, labels in drawn_groups(mnist, count):
        reads[name] = read_digits(recognizer, images), labels
        groups[name] = float(np.mean(reads[name][0] == labels))
        log(f"  {name}: {groups[name]:.2%} of {len(images)}")
    misread = redrawn_misreadings(reads, count, len(mnist.x_test))
    as_given = read_digits(recognizer, list(mnist.x_test[misread]))
    return {"drawn_accuracy": groups, **accuracy_over_groups(reads), "redrawn_misread": misread.tolist(),
            "redrawn_misread_as_given_too": misread[as_given != mnist.y_test[misread]].tolist()}


def accuracy_over_groups(reads: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """From each drawn group's (digits read, labels): the accuracy over all of them, and per digit both over all of
    them and over the styled groups alone (the digits drawn in the styles people use; the target is 99% for every
    digit; empty without styled groups)."""
    read, drawn = (np.concatenate(both) for both in zip(*reads.values()))
    styled = [reads[name] for name in reads if name not in REDRAWN_MNIST]
    return {"drawn_accuracy_all": float(np.mean(read == drawn)),
            "drawn_accuracy_per_digit": per_digit_accuracy(read, drawn),
            "styled_accuracy_per_digit": per_digit_accuracy(*(np.concatenate(both) for both in zip(*styled)))
            if styled else {}}


def measure(recognizer: Recognizer, mnist: Mnist, count: int = 1000, log: Callable[[str], None] = print) -> dict:
    """A recognizer's figures: MNIST test accuracy, recognize() speed (timed first, on a fresh recognizer), and the
    drawn figures (drawn_figures), with MNIST test through to_mnist_input as the first drawn group."""
    figures = {"mnist_test_accuracy": inspect_model(recognizer.model, mnist.x_test, mnist.y_test).test_accuracy,
               "speed": speed(recognizer, render(PLAIN[7], 200, (140, 140), 18))}
    mnist_read = drawn_accuracy(recognizer, list(mnist.x_test), mnist.y_test)
    drawn = drawn_figures(recognizer, mnist, count, log)
    return {**figures, **drawn,
            "drawn_accuracy": {"MNIST test, through to_mnist_input": mnist_read, **drawn["drawn_accuracy"]}}

"""The training recipes: named presets shared by the page and scripts/train.py.

Kept apart from digits.training so the page can list them without importing TensorFlow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from digits.registry import SHIPPED

VALIDATION = 5000  # the last 5,000 of MNIST's 60,000 training images are held out for the validation curves
TRAINING_IMAGES = 60000 - VALIDATION
STYLED_SHARE = 0.1  # digits in styles MNIST lacks, added to the training images with augmentation: one in ten
# A training of fewer steps (batches) than this teaches a model little: the Quick preset (2 epochs in batches of
# 256) scored 14.7%, 11.4% and 27.7% on MNIST test in 4, 10 and 26 steps (300, 1,000 and 3,000 images, and one
# styled digit for every ten), and 97.5% in 86 (10,000 images; 2026-12-03); one epoch of it on 10,000 images, 43
# steps, 85.6% (2026-12-04). The page and train.py say so (FEW_STEPS_SCORED), and still train on as few as 100
# images (to try the controls).
FEWEST_STEPS = 75
FEW_STEPS_SCORED = "Quick scored 11-28% on MNIST test in 4-26 steps, 86% in 43, 97.5% in 86"

# The networks of digits.model, described for the page (which does not import TensorFlow to list them).
ARCHITECTURES = {
    "vgg": "vgg: five convolutions, the most accurate",
    "compact": "compact: three convolutions, an epoch about twice as fast",
    "keras-example": "keras-example: the plain Keras example convnet",
}

# `ema`: the momentum of an exponential moving average of the weights, which the saved model gets (0: none). With
# 0.9995 the Full recipe scored 99.70% on MNIST test, 99.65% without it and 99.69% with 0.999 (same seed, the training
# styles before 2026-12-02's narrow slashed zeros, with which seeds 1 and 2 scored 99.64% and 99.63%); Quick was
# measured without it.
# `label_smoothing`: the share of each target spread over the ten digits (0: none), for train.py --label-smoothing;
# its model's probabilities, which it keeps under about 0.9, are then sharpened by the temperature that fits the
# validation slice best (training.calibrate). With 0.1 the Full recipe scored 99.76% (seed 2) and 99.65% (seed 1)
# on MNIST test against 99.63% and 99.64% without it, but fine-tunes on the benchmark's writers cost MNIST test 0.13
# points against 0.07 (2026-12-03). With 0.2, 99.70%, 99.73% and 99.68% (seeds 1-3), but seed 2's model, trained
# again to ship it, read 96.9% of the numbers benchmark, under its 97%, and 96.7% with the number chain's weights
# tuned for it; seed 1, trained again on that machine, scored 99.62% (2026-12-05; docs/history.md, *The Full
# target*). So no preset uses it.
DEFAULTS = {"arch": "vgg", "epochs": 20, "batch_size": 128, "learning_rate": 3e-3, "limit": None, "augment": True,
            "ema": 0.9995, "label_smoothing": 0.0}

# Quick and Standard train in batches of 256 with a peak of 6e-3: the compact network took 40.5 s an epoch here
# against 45.5 s in batches of 128 at 4e-3 (2026-12-01, the same hour), and scored 99.12% (Quick) against 99.16%.
# Standard is five epochs of the vgg network with a moving average of its weights (0.999, which the cap of
# compile_one_cycle brings to 0.9966 over its 1,185 steps): with the narrow slashed zeros of 2026-12-02, seeds 1 and
# 2 scored 99.55% and 99.54% in 288 s and 287 s of training (99.53% and 99.49% without the average), where twelve
# epochs of the compact network (Standard until then) scored 99.47% and 99.43% in 354 s and 360 s from the command,
# in the same hour.
PRESETS = {
    "quick": {"arch": "compact", "epochs": 2, "batch_size": 256, "learning_rate": 6e-3, "ema": 0.0},
    "standard": {"arch": "vgg", "epochs": 5, "batch_size": 256, "learning_rate": 6e-3, "ema": 0.999},
    "full": {},  # the shipped model's recipe
}


def recipe(preset: str = "full", **overrides) -> dict:
    """A preset's complete settings, with `overrides` (those not None) on top."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    return {**DEFAULTS, **PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None}}


# "Learn my handwriting" (digits/finetuning.py): 2,000 replayed MNIST digits an epoch, with the corrections
# repeated to make up `share` of what it sees. Tuned on simulated writers of seeds below 20, apart from the ones
# scripts/benchmark_writers.py reports: a peak learning rate of 1e-3 cut their errors by 85% but cost the worst
# of them 0.11 points of MNIST test; 5e-4 cut 82% for at most 0.10, in 13 s.
FINE_TUNE = {"epochs": 3, "batch_size": 64, "learning_rate": 5e-4, "replay": 2000, "share": 0.3}
# A writer's drawings that the detector takes for no digit (a crossed 7, a 5 whose top came apart: 6 of MNIST's
# 10,000 test digits) were still said to look like no digit once the digit model had learned them. So a fine-tune
# teaches a copy of the shipped detector too, where it takes some for none: the drawings, repeated to make up
# `share` of what it sees, beside `examples` like its training's (half digits, half drawings that are no digit). It
# is kept if it reads some of them as digits, and finds no more than finetuning.FOUND_DROP fewer of its
# CHECKED_NONDIGITS drawings that are no digit, drawn apart.
# Tuned on a writer of 20 digits (Writer.random(7)) with those 6 MNIST digits and 3 slight warps of each, 15 taken
# for none (2026-12-05): with these settings all 15 are read as digits after, 0 of 126 other warps of the 6 are
# taken for none (62 before), and the drawings that are no digit found went 87.9% -> 90.6%, 88.2% -> 87.5% and
# 87.9% -> 87.2% (seeds 1-3). With 2,000 examples at 5e-4, 88% -> 80% with a share of 0.3, and 83.2% for seed 2 of
# a share of 0.05 at 1e-3; with two epochs, seed 3 fell 2.5 points.
DETECTOR_TUNE = {"examples": 4000, "epochs": 3, "batch_size": 64, "learning_rate": 1e-3, "share": 0.05}
CHECKED_NONDIGITS = 600

# What each preset's model scored on the MNIST test set on this project's machines, as it is
# (scripts/benchmark_presets.py on 2026-12-03; full: the shipped model), for the page to say beforehand whether a
# training can replace the serving model where none was trained here yet (preset_score).
TEST_ACCURACY = {"quick": 0.9906, "standard": 0.9955, "full": 0.9963}


def preset_score(preset: str, models: Iterable[dict]) -> tuple[float, bool]:
    """What `preset`, as it is, scores on the MNIST test set, and whether it was measured on this machine: that of
    the first of `models` (as ModelRegistry.models lists them: the shipped one, then the others newest first) trained
    here with every one of its settings, else TEST_ACCURACY. The same recipe and seed score by the CPU that runs them
    (Quick 99.06% on 2026-12-03, 99.14% on another machine of 2026-12-04), and a sidebar that said 99.06% beside a
    Quick model of 99.14% trained there contradicted itself. The shipped model was trained elsewhere; a fine-tune
    learned other drawings besides."""
    settings = recipe(preset)
    for meta in models:
        if (meta["path"].name != SHIPPED and "test_accuracy" in meta and "fine_tuned_from" not in meta
                and all(meta.get(key) == value for key, value in settings.items())):
            return float(meta["test_accuracy"]), True
    return TEST_ACCURACY[preset], False

# How long a training takes here, from the command (or the click) to the saved, evaluated model, for the page to
# say of each preset and of other settings: a network's seconds an epoch over all training images with the styled
# digits that augmentation adds, in an ordinary hour, and what a training spends besides (TensorFlow, the data, the
# test). From the figures of scripts/benchmark_presets.py on this project's 2-core CPU (README, docs/history.md),
# with the cache of drawn digits made: vgg 76.3 s an epoch for the shipped model (Full took 1,223-1,528 s of
# training on 2026-12-02; Standard's five epochs 267-301 s in a fast hour), compact 28-70 s by the hour (Quick took
# 96-100 s in ordinary hours), keras-example 20.9 s. They give Quick 2.0 min, Standard 6.8 and Full 25.8.
EPOCH_SECONDS = {"vgg": 76.0, "compact": 45.0, "keras-example": 21.0}
OTHER_SECONDS = 30.0


def styled_count(images: int) -> int:
    """How many styled digits (digits/synthesis.py) augmentation adds to a training on `images` MNIST images."""
    return round(STYLED_SHARE * images)


def training_images(limit: int | None, augment: bool) -> int:
    """How many images a training on the first `limit` (None: all) of MNIST's training images learns from an epoch:
    with augmentation, one styled digit for every ten besides."""
    used = limit or TRAINING_IMAGES
    return used + (styled_count(used) if augment else 0)


def estimated_duration(arch: str, epochs: int, limit: int | None, augment: bool) -> str:
    """About how long a training of these settings takes here, in words ("about 6 minutes")."""
    share = training_images(limit, augment) / training_images(None, True)
    seconds = OTHER_SECONDS + epochs * EPOCH_SECONDS[arch] * share
    if seconds < 60:  # a first try of the controls (1 epoch on 10,000 images) took 20 s, said "about a minute"
        return "under a minute"
    return "about a minute" if seconds < 90 else f"about {round(seconds / 60)} minutes"


DESCRIPTIONS = {
    name: f"{name.capitalize()}: {r['arch']} network, {r['epochs']} epochs "
          f"({estimated_duration(r['arch'], r['epochs'], r['limit'], r['augment'])})"
    for name, r in zip(PRESETS, map(recipe, PRESETS))
}


def training_steps(images: int, epochs: int, batch_size: int) -> int:
    """The batches a training of `epochs` over `images` takes: its steps (the last batch of an epoch may be short)."""
    return epochs * math.ceil(images / batch_size)


def too_few_steps(limit: int | None, epochs: int, batch_size: int, augment: bool) -> str | None:
    """That a training of so few steps (under FEWEST_STEPS) teaches a model little, in words for the page and
    train.py: "26 training steps (batches of 256): under 75 a model learns little"; None for enough steps."""
    steps = training_steps(training_images(limit, augment), epochs, batch_size)
    if steps >= FEWEST_STEPS:
        return None
    return (f"{steps} training step{'' if steps == 1 else 's'} (batches of {batch_size}): under {FEWEST_STEPS} a "
            "model learns little")

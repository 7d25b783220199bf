"""Drawings that are no digit: the detector's training drawings and examples, its training script, and the shipped
detector on the benchmark's non-digits (drawn apart from the training's) and on digits."""

import json
import subprocess
import sys

import numpy as np
import pytest

from digits.benchmark_shapes import NON_DIGITS, NON_DIGITS_UNSEEN, nondigit_drawings
from digits.drawing import PLAIN, arc, ellipse, render
from digits.evaluation import placement
from digits.inspection import load_saved_model
from digits.model import as_model_input
from digits.nondigits import KINDS, detector_examples, detector_validation, drawn_nondigits, nondigit_images
from digits.numbers import number_candidates
from digits.preprocessing import NOISE, ink_intensity
from digits.recipes import TRAINING_IMAGES
from digits.recognition import DIGIT_BELOW, Recognizer
from tests.browser import ROOT
from tests.conftest import on_strip


def test_the_training_drawings_are_model_inputs_of_every_kind(rng):
    images = nondigit_images(3 * len(KINDS), rng)
    assert images.dtype == np.uint8 and images.shape[1:] == (28, 28)
    assert len(images) >= 3 * len(KINDS) - 1  # the rare blank one is left out
    assert all(image.max() == 255 for image in images)  # ink, scaled as to_mnist_input makes it
    assert len({image.tobytes() for image in images}) == len(images)  # each drawn anew


def test_drawings_that_are_no_digit_are_drawn_once_for_a_seed_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_CACHE_DIR", str(tmp_path))
    drawn = drawn_nondigits(30, (3, 1))
    assert np.array_equal(drawn, nondigit_images(30, np.random.default_rng((3, 1))))
    [cached] = tmp_path.glob("nondigits-*.npz")
    stamp = cached.stat().st_mtime_ns
    assert np.array_equal(drawn_nondigits(30, (3, 1)), drawn) and cached.stat().st_mtime_ns == stamp
    np.savez(cached, images=drawn[::-1])  # what the cache holds is what is read
    assert np.array_equal(drawn_nondigits(30, (3, 1)), drawn[::-1])
    cached.write_bytes(cached.read_bytes()[:500])  # cut short, as by a killed process: drawn again
    assert np.array_equal(drawn_nondigits(30, (3, 1)), drawn)
    others = [drawn_nondigits(30, (3, 2)), drawn_nondigits(40, (3, 1))]  # another seed, another count: drawn anew
    assert not np.array_equal(others[0], drawn) and len(others[1]) >= 39
    assert len(list(tmp_path.glob("nondigits-*.npz"))) == 3 and not list(tmp_path.glob(".*.npz*"))


def test_detector_examples_are_half_digits_none_of_them_held_out(mnist):
    x, y = detector_examples(mnist, 120, (5,))
    assert x.dtype == np.float32 and x.shape == (len(y), 28, 28) and 0.0 <= x.min() and x.max() <= 1.0
    assert set(np.unique(y)) == {0.0, 1.0} and abs(y.mean() - 0.5) < 0.02
    held_out = {image.tobytes() for image in mnist.x_train[TRAINING_IMAGES:]}
    assert not any(np.round(image * 255).astype(np.uint8).tobytes() in held_out for image in x[y == 1])
    again = detector_examples(mnist, 120, (5,))  # the same for a seed, and another for another
    assert np.array_equal(again[0], x) and not np.array_equal(detector_examples(mnist, 120, (6,))[0], x)
    x_val, y_val = detector_validation(mnist, 40, (1,))
    validation = {image.tobytes() for image in mnist.x_train[TRAINING_IMAGES:][:20]}
    assert y_val.sum() == 20 and all(np.round(image * 255).astype(np.uint8).tobytes() in validation
                                     for image in x_val[y_val == 1])


def test_the_training_script_saves_a_detector_the_recognizer_takes(tmp_path, shipped):
    out = tmp_path / "detector.keras"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_detector.py"), "--examples", "300",
                           "--validation", "60", "--epochs", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    meta = json.loads(out.with_suffix(".json").read_text())
    assert 280 <= meta["examples"] <= 300 and meta["epochs"] == 1  # less the rare drawing that comes out blank
    assert 0.0 <= meta["validation_auc"] <= 1.0
    recognizer = Recognizer(shipped.model, detector=load_saved_model(out))
    seven = recognizer.recognize(render(PLAIN[7], 200, (140, 140), 20))
    assert seven.digit == 7 and 0.0 <= seven.digit_likeness <= 1.0
    assert Recognizer(shipped.model).recognize(render(PLAIN[7], 200, (140, 140), 20)).digit_likeness is None
    refused = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_detector.py"), "--out", "x.h5"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--out must end in .keras" in refused.stderr


@pytest.fixture(scope="module")
def benchmark_nondigits() -> tuple[list[np.ndarray], list[str]]:
    """Four of each kind of the benchmark's non-digits, on the canvas, and their kinds."""
    rng = np.random.default_rng(99)
    drawings, kinds = nondigit_drawings(4 * (len(NON_DIGITS) + len(NON_DIGITS_UNSEEN)), rng)
    return [render(strokes, **placement(rng, (100, 240), (6, 24))) for strokes in drawings], kinds


def test_the_shipped_detector_finds_most_non_digits_and_the_model_still_reads_them(shipped, benchmark_nondigits):
    images, kinds = benchmark_nondigits
    read = [(image, r, kind) for image, r, kind in zip(images, shipped.recognize_batch(images), kinds)
            if r is not None]  # None: too small to read, which the page says so of
    assert len(read) >= len(images) - 2
    images, readings, kinds = zip(*read)
    found = [not r.looks_like_a_digit for r in readings]
    learned = [f for f, kind in zip(found, kinds) if kind in NON_DIGITS]
    assert np.mean(learned) > 0.7, f"found {np.mean(learned):.0%} of the kinds it learned"
    assert np.mean(found) > 0.5, f"found {np.mean(found):.0%}"
    assert all(0 <= r.digit <= 9 and r.digit_likeness < DIGIT_BELOW for r, f in zip(readings, found) if f)
    one = shipped.recognize(images[found.index(True)])  # one at a time, as the page reads, says the same
    assert not one.looks_like_a_digit


def test_the_shipped_detector_takes_no_plain_or_mnist_digit_for_none(shipped, mnist):
    likeness = shipped.digit_likeness(as_model_input(mnist.x_test[:2000])[..., 0])
    assert sum(p < DIGIT_BELOW for p in likeness) <= 4  # of 2,000 (3 of them; 6 of the 10,000: README)
    for strokes in PLAIN.values():
        assert shipped.recognize(render(strokes, 200, (140, 140), 22)).looks_like_a_digit


def smiley(width: float) -> list:
    """A smiley `width` as wide as high: an oval, two dots for eyes and a smile."""
    half = width / 2
    eyes = [[(0.5 + side * 0.4 * half, 0.33), (0.5 + side * 0.4 * half, 0.35)] for side in (-1, 1)]
    return [ellipse(0.5, 0.5, half, 0.5), *eyes, arc(0.5, 0.6, 0.55 * half, 0.1, np.pi + 0.5, np.pi - 1.0)]


def test_a_smiley_between_digits_keeps_its_eyes_and_is_found_as_alone(shipped):
    # A review's smiley between a 4 and a 2 was read as a 0, "402", and not marked: its eyes, specks beside the
    # digits' height, were left out of its part, and a mouth in an oval looks like a digit (2026-12-04).
    for width in (0.5, 0.7, 1.0):
        strip = on_strip((PLAIN[7], 150), (smiley(width), 390), (PLAIN[1], 630))
        candidates = number_candidates(strip)
        assert not ((ink_intensity(strip) >= NOISE) & (candidates.owners < 0)).any()  # no ink left out
        reading = shipped.recognize_number(strip)
        assert [d.looks_like_a_digit for d in reading.digits] == [True, False, True], width
        assert not shipped.recognize(render(smiley(width), 200, (140, 140), 22)).looks_like_a_digit

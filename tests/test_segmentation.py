"""The checker that tells whole digits from parts in a number: its training crops, its training script, and
what the shipped checker says of a digit and of two touching digits."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digits.drawing import PLAIN
from digits.inspection import load_saved_model
from digits.number_shapes import lay_out, touching
from digits.numbers import MARGIN
from digits.preprocessing import to_mnist_input
from digits.recognition import Recognizer
from digits.segmentation import checker_examples, composed_number, labelled_crops
from tests.test_numbers import drawn, styled

ROOT = Path(__file__).resolve().parent.parent


def whole_crop(image: np.ndarray) -> np.ndarray:
    """All the ink of an image as one candidate crop: the model input number_candidates makes of a whole blob."""
    return to_mnist_input(np.pad(image, MARGIN))


def test_a_composed_number_has_a_layer_of_ink_per_digit(rng):
    layers = composed_number([PLAIN[0], PLAIN[7], PLAIN[1]], rng)
    assert layers.shape[0] == 3 and all(layer.any() for layer in layers)
    lefts = [np.flatnonzero(layer.any(axis=0))[0] for layer in layers]
    assert lefts == sorted(lefts)  # left to right


def test_digits_apart_are_whole_and_a_touching_pair_read_as_one_is_not():
    apart = lay_out([drawn(PLAIN[0]), drawn(PLAIN[7])], [60])
    _, labels = labelled_crops(apart)
    assert labels.tolist() == [1.0, 1.0]  # the two blobs, nothing else
    pair = lay_out([drawn(PLAIN[0]), drawn(PLAIN[0])], [-8])
    assert touching(*pair)
    inputs, labels = labelled_crops(pair)
    whole_blob = [i for i, x in enumerate(inputs) if np.array_equal(x, whole_crop(pair.max(axis=0)))]
    assert whole_blob and labels[whole_blob[0]] == 0.0  # both zeros in one crop
    assert labels.sum() >= 1  # a cut near where they meet leaves a whole zero


def test_checker_examples_are_crops_of_both_kinds(mnist, rng):
    inputs, labels = checker_examples(mnist.x_train[:200], 6, rng)
    assert inputs.shape == (len(labels), 28, 28) and inputs.dtype == np.float32
    assert set(labels.tolist()) == {0.0, 1.0}


def test_the_training_script_saves_a_checker_the_recognizer_takes(tmp_path, shipped):
    out = tmp_path / "checker.keras"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_checker.py"), "--numbers", "20",
                           "--validation", "5", "--epochs", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    meta = json.loads(out.with_suffix(".json").read_text())
    assert 0.0 <= meta["validation_accuracy"] <= 1.0 and meta["numbers"] == 20 and meta["crops"] > 20
    checker = load_saved_model(out)
    inputs, _ = labelled_crops(lay_out([drawn(PLAIN[0]), drawn(PLAIN[0])], [-8]))
    whole = np.asarray(checker(inputs[..., None]))
    assert whole.shape == (len(inputs), 1) and ((whole >= 0) & (whole <= 1)).all()
    recognizer = Recognizer(shipped.model, checker=checker)
    number = lay_out([drawn(PLAIN[0]), drawn(PLAIN[7])], [60]).max(axis=0)
    assert recognizer.recognize_number(number).text == "07"


@pytest.fixture(scope="module")
def checker(shipped):
    assert shipped.checker is not None, "the shipped checker models/segmentation/one_digit.keras is missing"
    return lambda image: float(shipped.checker(whole_crop(image)[None, ..., None])[0, 0])


def test_the_shipped_checker_tells_a_digit_from_two_touching(checker):
    digits = {"0": drawn(PLAIN[0]), "1": drawn(PLAIN[1]), "7": drawn(PLAIN[7])}
    digits |= {digit: drawn(styled(name)) for digit, name in [("2", "2"), ("3", "3"), ("4", "closed 4"), ("5", "5"),
                                                              ("8", "8"), ("9", "9, curved tail")]}
    for name, digit in digits.items():
        # Not the 1: an upright stroke alone is as often the side of a 0 or a 4's upright cut off. A 1 apart from
        # its neighbours is a blob every reading takes whole, so the checker's doubt costs it nothing.
        assert name == "1" or checker(digit) > 0.5, f"{name} not read as one digit"
    for first, second in ("41", "01", "38", "25", "90"):
        pair = lay_out([digits[first], digits[second]], [-10])
        assert touching(*pair)
        assert checker(pair.max(axis=0)) < 0.5, f"{first}{second} read as one digit"

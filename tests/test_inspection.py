import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from digits.drawing import PLAIN, render
from digits.inspection import (
    Inspection,
    inspect_model,
    inspection_for,
    inspection_path,
    load_inspection,
    saliency,
    saliency_overlay,
    save_inspection,
)
from digits.recognition import DEFAULT_MODEL
from digits.model import as_model_input


@dataclass(frozen=True)
class Case:
    """Test digits, the shipped model's inspection of them, and its probabilities for them computed apart."""

    images: np.ndarray
    labels: np.ndarray
    inspection: Inspection
    probabilities: np.ndarray


@pytest.fixture(scope="module")
def case(shipped, mnist) -> Case:
    """500 test digits as they are and 500 mirrored left to right: the shipped model misreads 30% of
    these, across all ten digits, where it misreads only 0.30% of MNIST."""
    images = np.concatenate([mnist.x_test[:500], mnist.x_test[500:1000, :, ::-1]])
    labels = mnist.y_test[:1000]
    probabilities = shipped.model.predict(as_model_input(images), verbose=0)
    return Case(images, labels, inspect_model(shipped.model, images, labels), probabilities)


@pytest.fixture
def model_copy(tmp_path) -> Path:
    """The shipped model copied into a folder of its own, so inspections stored beside it stay there."""
    return Path(shutil.copy(DEFAULT_MODEL, tmp_path / "copy.keras"))


def far_from(ink: np.ndarray, pixels: int) -> np.ndarray:
    """Pixels more than `pixels` steps (8-neighbourhood) from any True pixel of `ink`."""
    near = ink.copy()
    for _ in range(pixels):
        padded = np.pad(near, 1)
        near = np.any([padded[i : i + 28, j : j + 28] for i in range(3) for j in range(3)], axis=0)
    return ~near


def test_the_confusion_matrix_counts_each_digit_once_and_its_diagonal_is_the_accuracy(case):
    read = case.probabilities.argmax(axis=1)
    confusion = case.inspection.confusion
    assert confusion.shape == (10, 10) and confusion.sum() == len(case.labels) == case.inspection.test_size
    assert np.array_equal(confusion.sum(axis=1), np.bincount(case.labels, minlength=10))
    assert np.array_equal(confusion.sum(axis=0), np.bincount(read, minlength=10))
    assert case.inspection.test_accuracy == pytest.approx(np.mean(read == case.labels))
    assert np.trace(confusion) / confusion.sum() == pytest.approx(case.inspection.test_accuracy)


def test_per_digit_accuracy_is_each_row_of_the_confusion_matrix(case):
    read = case.probabilities.argmax(axis=1)
    confusion = case.inspection.confusion
    for digit in range(10):
        assert case.inspection.per_digit_accuracy[digit] == pytest.approx(np.mean(read[case.labels == digit] == digit))
        assert case.inspection.per_digit_accuracy[digit] == confusion[digit, digit] / confusion[digit].sum()
    assert np.sum(case.inspection.per_digit_accuracy < 0.9) >= 5  # errors in many digits, so the check means something


def test_every_stored_error_is_misread_with_the_runner_up_second(case):
    inspection, errors = case.inspection, case.inspection.error_indices
    order = np.argsort(case.probabilities, axis=1)
    assert np.array_equal(errors, np.flatnonzero(order[:, -1] != case.labels)) and len(errors) > 100
    assert np.array_equal(inspection.error_images, case.images[errors])
    assert np.array_equal(inspection.error_labels, case.labels[errors])
    assert np.array_equal(inspection.error_read, order[errors, -1])
    assert np.all(inspection.error_read != inspection.error_labels)
    assert np.array_equal(inspection.error_runner_up, order[errors, -2])
    read_and_runner_up = np.take_along_axis(case.probabilities[errors], order[errors, -1:-3:-1], axis=1)
    np.testing.assert_allclose(inspection.error_read_probability, read_and_runner_up[:, 0], atol=1e-6)
    np.testing.assert_allclose(inspection.error_runner_up_probability, read_and_runner_up[:, 1], atol=1e-6)
    assert np.all(inspection.error_read_probability >= inspection.error_runner_up_probability)


def test_save_and_load_round_trip_exactly(case, model_copy):
    path = save_inspection(case.inspection, model_copy)
    assert path == inspection_path(model_copy) and path.name == "copy.inspection.npz"
    assert sorted(p.name for p in path.parent.iterdir()) == ["copy.inspection.npz", "copy.keras"]  # no temporary files
    loaded = load_inspection(model_copy)
    for name, value in vars(case.inspection).items():
        stored = getattr(loaded, name)
        if isinstance(value, np.ndarray):
            assert stored.dtype == value.dtype and np.array_equal(stored, value), name
        else:
            assert stored == value, name


def test_a_missing_corrupt_or_stale_inspection_loads_as_none(case, model_copy):
    assert load_inspection(model_copy) is None
    path = save_inspection(case.inspection, model_copy)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert load_inspection(model_copy) is None
    path.write_bytes(b"not an archive")
    assert load_inspection(model_copy) is None
    np.savez(path, confusion=np.zeros(3))  # a readable archive, but not an inspection
    assert load_inspection(model_copy) is None
    path.write_bytes(whole)
    assert load_inspection(model_copy) is not None
    model_copy.write_bytes(model_copy.read_bytes() + b"\0")  # the model saved again under the same name
    assert load_inspection(model_copy) is None


def test_inspection_for_computes_once_then_loads(shipped, mnist, model_copy):
    loads = []

    def load_model(path):
        loads.append(path)
        return shipped.model

    x, y = mnist.x_test[:500], mnist.y_test[:500]
    first = inspection_for(model_copy, x, y, load_model=load_model)
    stored = inspection_path(model_copy)
    written = stored.stat().st_mtime_ns
    second = inspection_for(model_copy, x, y, load_model=load_model)
    assert loads == [model_copy] and stored.stat().st_mtime_ns == written
    assert np.array_equal(first.confusion, second.confusion) and first.test_size == 500
    third = inspection_for(model_copy, mnist.x_test[:300], mnist.y_test[:300], load_model=load_model)
    assert len(loads) == 2 and third.test_size == 300  # another test set: made again


def test_inspection_for_loads_the_model_itself_by_default(mnist, model_copy):
    inspection = inspection_for(model_copy, mnist.x_test[:200], mnist.y_test[:200])
    assert inspection.test_size == 200 and load_inspection(model_copy) is not None


def model_inputs(mnist, shipped) -> list[np.ndarray]:
    """MNIST test digits as model inputs, and one digit drawn on a canvas as the Draw page sees it."""
    drawn = shipped.recognize(render(PLAIN[7], 200, (140, 140), 18)).model_input
    return [*as_model_input(mnist.x_test[:20])[..., 0], drawn.astype(np.float32)]


def test_saliency_is_a_28x28_map_in_0_1_on_and_near_the_ink(shipped, mnist):
    for model_input in model_inputs(mnist, shipped):
        salient = saliency(shipped.model, model_input)
        assert salient.shape == (28, 28) and salient.dtype == np.float32
        assert salient.min() >= 0 and salient.max() == pytest.approx(1.0)
        ink = model_input > 0.1
        assert salient[far_from(ink, 3)].sum() <= 0.01 * salient[~far_from(ink, 1)].sum()


def test_saliency_defaults_to_the_digit_read_and_follows_the_digit_asked_for(shipped, mnist):
    model_input = as_model_input(mnist.x_test[:1])[0, ..., 0]
    read = int(shipped.model.predict(model_input[None, ..., None], verbose=0).argmax())
    np.testing.assert_allclose(saliency(shipped.model, model_input), saliency(shipped.model, model_input, read))
    assert not np.allclose(saliency(shipped.model, model_input), saliency(shipped.model, model_input, (read + 1) % 10))
    with pytest.raises(ValueError, match="0-9"):
        saliency(shipped.model, model_input, 10)


def test_the_overlay_is_the_grey_input_with_heat_on_top_upscaled():
    model_input = np.zeros((28, 28), np.float32)
    model_input[10:18, 12:16] = 1.0
    salient = np.zeros((28, 28), np.float32)
    salient[12, 13] = 1.0
    overlay = saliency_overlay(model_input, salient, scale=7)
    assert overlay.shape == (196, 196, 3) and overlay.dtype == np.uint8
    assert np.array_equal(overlay[::7, ::7], overlay[6::7, 6::7])  # nearest neighbour: 7x7 blocks of one colour
    assert tuple(overlay[12 * 7, 13 * 7]) == (255, 255, 0)  # the hottest pixel is yellow
    assert tuple(overlay[10 * 7, 12 * 7]) == (128, 128, 128)  # ink without saliency: grey
    assert tuple(overlay[0, 0]) == (0, 0, 0)  # background without saliency: black

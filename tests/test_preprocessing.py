import numpy as np
import pytest
from PIL import Image

from digits.drawing import PLAIN, render
from digits.preprocessing import STROKE, stroke_width, to_mnist_input


def seven(extent=200, centre=(140, 140), pen=18, size=280):
    """A 7 on a transparent RGBA canvas, as the page's canvas returns it."""
    return render(PLAIN[7], extent, centre, pen, size)


def ink_box(x, level=0.05):
    rows, cols = np.nonzero(x > level)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def centre_of_mass(x):
    rows, cols = np.indices(x.shape)
    return (rows * x).sum() / x.sum(), (cols * x).sum() / x.sum()


def similarity(a, b):
    """Cosine similarity of two model inputs: 1 for the same picture."""
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize(
    "blank",
    [
        np.zeros((280, 280, 4), np.uint8),  # empty transparent canvas
        np.zeros((280, 280), np.uint8),  # black
        np.full((100, 80, 3), 255, np.uint8),  # white paper
        np.random.default_rng(0).normal(0.5, 0.01, (64, 64)).clip(0, 1),  # grey noise, no contrast
    ],
)
def test_blank_images_give_none(blank):
    assert to_mnist_input(blank) is None


def test_a_single_dot_is_not_a_digit():
    dot = render([[(0.5, 0.5)]], 1, (140, 140), 18)
    assert dot[..., 3].any()
    assert to_mnist_input(dot) is None


def test_output_is_28x28_float_in_unit_range():
    x = to_mnist_input(seven())
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() == pytest.approx(1.0)


def test_centred_by_mass_and_fitted_in_20x20():
    for image in (seven(), render(PLAIN[1], 150, (60, 200), 12), render(PLAIN[0], 90, (200, 60), 20)):
        x = to_mnist_input(image)
        cy, cx = centre_of_mass(x)
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
        assert max(ink_box(x)) in (20, 21)  # 20 pixels, and a faint anti-aliased edge at most


def test_aspect_ratio_is_kept():
    tall = to_mnist_input(render(PLAIN[1], 200, (140, 140), 16))  # a one: tall and thin
    height, width = ink_box(tall, 0.5)
    assert height >= 19 and width <= 5
    wide = to_mnist_input(render([[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0)]], 100, (140, 140), 16))  # 2:1
    height, width = ink_box(wide, 0.5)
    assert width >= 19 and 8 <= height <= 12


def test_polarity_is_detected():
    white_on_black = seven()[..., 3]
    black_on_white = 255 - white_on_black
    rgb_scan = np.stack([black_on_white] * 3, axis=2)
    reference = to_mnist_input(white_on_black)
    assert similarity(to_mnist_input(black_on_white), reference) > 0.99
    assert similarity(to_mnist_input(rgb_scan), reference) > 0.99


def test_transparent_and_opaque_canvases_agree():
    transparent = seven()
    opaque = transparent.copy()
    opaque[..., 3] = 255  # black background made opaque
    assert similarity(to_mnist_input(transparent), to_mnist_input(opaque)) > 0.99
    coloured_ink = transparent.copy()
    coloured_ink[..., :3] = (30, 60, 200)  # blue ink on a transparent background
    assert similarity(to_mnist_input(coloured_ink), to_mnist_input(transparent)) > 0.99


def test_pil_images_of_any_mode_and_float_arrays():
    reference = to_mnist_input(seven())
    grey = Image.fromarray(255 - seven()[..., 3])
    # 16 bits a channel: Pillow's convert clips them at 255, and the picture had come out blank (a review, 2026-12-07).
    sixteen = Image.fromarray(np.asarray(grey).astype(np.uint16) * 257)
    assert sixteen.mode == "I;16"
    # Floats in [0, 1] or [0, 255] ("F"), and "La" (premultiplied grey and alpha), read blank or raised (2026-12-07).
    floats = Image.fromarray(np.asarray(grey, dtype=np.float32) / 255)
    float_bytes = Image.fromarray(np.asarray(grey, dtype=np.float32))
    assert floats.mode == float_bytes.mode == "F"
    for image in (grey, grey.convert("RGB"), grey.convert("P"), grey.convert("1"), sixteen, sixteen.convert("I"),
                  floats, float_bytes, grey.convert("LA").convert("La"), grey.convert("RGBA").convert("RGBa")):
        assert similarity(to_mnist_input(image), reference) > 0.97, image.mode
    assert similarity(to_mnist_input(seven()[..., 3] / 255.0), reference) > 0.99


def test_tiny_huge_and_corner_drawings_come_out_alike():
    reference = to_mnist_input(seven())
    tiny = seven(extent=24, pen=3)
    huge = seven(extent=1800, pen=120, centre=(1000, 1000), size=2000)
    corner = seven(extent=60, pen=6, centre=(35, 245))
    for image in (tiny, huge, corner):
        assert similarity(to_mnist_input(image), reference) > 0.9


def test_thin_and_thick_pens_give_mnist_like_strokes():
    for pen in (3, 10, 30, 45):
        x = to_mnist_input(seven(pen=pen))
        assert STROKE[0] - 0.5 <= stroke_width(x >= 0.5) <= STROKE[2] + 0.5, pen


def test_mnist_digits_come_out_almost_unchanged(mnist):
    # MNIST is already normalised: only the thinnest and thickest strokes (about 10%) are changed.
    similarities = np.array([similarity(to_mnist_input(image), image / 255.0) for image in mnist.x_test[:200]])
    assert np.median(similarities) > 0.98
    assert np.mean(similarities > 0.9) > 0.75


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((0, 0)), np.zeros((5, 5, 7))])
def test_arrays_that_are_not_images_are_refused(bad):
    with pytest.raises(ValueError):
        to_mnist_input(bad)

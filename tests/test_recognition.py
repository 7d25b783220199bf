import json

import numpy as np
import pytest

from digits import Recognizer, to_mnist_input
from digits.drawing import PLAIN, TRAINING_STYLES, render
from digits.evaluation import drawn_accuracy, drawn_groups, styled_groups
from digits.preprocessing import ink_box
from digits.recognition import DEFAULT_MODEL, FLATTEST, SLOPED, NumberRecognition, Recognition
from digits.inspection import inspect_model
from tests.conftest import on_strip


@pytest.fixture(scope="module")
def tiny(tiny_model_path):
    return Recognizer.load(tiny_model_path)


def test_blank_gives_none(tiny):
    assert tiny.recognize(np.zeros((280, 280, 4), np.uint8)) is None


def test_a_result_has_digit_probabilities_and_model_input(tiny):
    result = tiny.recognize(render(PLAIN[7], 200, (140, 140), 18))
    assert result.probabilities.shape == (10,) and result.probabilities.sum() == pytest.approx(1.0)
    assert result.digit == int(np.argmax(result.probabilities))
    assert result.confidence == result.probabilities.max()
    assert result.model_input.shape == (28, 28)
    assert [d for d, _ in result.top(3)][0] == result.digit and len(result.top(3)) == 3
    assert result.runner_up == result.top(2)[1][0]


def test_batch_matches_single_and_keeps_blanks_in_place(tiny):
    images = [render(PLAIN[d], 200, (140, 140), 18) for d in (0, 1, 7)]
    batch = tiny.recognize_batch([images[0], np.zeros((50, 50)), images[1], images[2]])
    assert batch[1] is None
    for result, image in zip([batch[0], batch[2], batch[3]], images):
        single = tiny.recognize(image)
        assert result.digit == single.digit
        np.testing.assert_allclose(result.probabilities, single.probabilities, atol=1e-5)


def as_read(model_input: np.ndarray) -> Recognition:
    """A reading of `model_input`; which digit it names does not matter to whether it is a level line."""
    return Recognition(0, np.full(10, 0.1), model_input)


def line(degrees: float, pen: float, extent: float) -> np.ndarray:
    """A straight stroke turned `degrees` from level, on a 280x280 canvas."""
    turn = np.radians(degrees)
    return render([[(0, 0), (np.cos(turn), np.sin(turn))]], extent, (140, 140), pen)


@pytest.mark.parametrize("degrees", [0, 6, -10, 20, -22])
def test_a_line_lying_nearly_level_is_no_digit(degrees):
    for pen, extent in ((6, 80), (22, 200), (30, 250)):
        assert as_read(to_mnist_input(line(degrees, pen, extent))).is_level_line, (pen, extent)


def flatness(model_input: np.ndarray) -> float:
    """How high the ink (over 0.3) of a model input is against its width."""
    left, top, right, bottom = ink_box(model_input > 0.3)
    return (bottom - top) / (right - left)


def test_no_digit_is_taken_for_a_level_line(mnist):
    for degrees in (26, 30):  # steeper: a 1 or a 7's stem may lean so
        assert not as_read(to_mnist_input(line(degrees, 22, 200))).is_level_line, degrees
    # As flat as a line at 20 degrees, and in one stroke, but a wave (as a flat 2 or 5 bends) is no straight line.
    wave = to_mnist_input(render([[(x, 0.2 * np.sin(2 * np.pi * x)) for x in np.linspace(0, 1, 30)]], 200,
                                 (140, 140), 14))
    assert FLATTEST <= flatness(wave) < SLOPED and not as_read(wave).is_level_line
    # Squashed flatter than FLATTEST, a 0, a 7 and a Z-shaped 2 are still more than one stroke, so they are read.
    z_two = TRAINING_STYLES["2 like a Z"][2](np.random.default_rng(3))
    for name, strokes, squash in (("0", PLAIN[0], 7), ("7", PLAIN[7], 6), ("Z-shaped 2", z_two, 5)):
        flat = to_mnist_input(render([[(x, y / squash) for x, y in s] for s in strokes], 200, (140, 140), 22))
        assert flatness(flat) < FLATTEST and not as_read(flat).is_level_line, name
    ones_apart = np.maximum.reduce([render(PLAIN[1], 40, (x, 140), 22) for x in (40, 140, 240)])  # "1 1 1", flat
    assert flatness(to_mnist_input(ones_apart)) < FLATTEST and not as_read(to_mnist_input(ones_apart)).is_level_line
    for images in (mnist.x_train, mnist.x_test):
        assert not any(as_read(x / 255.0).is_level_line for x in images)
    for name, images, _ in drawn_groups(mnist, 60, seed=11):
        inputs = [to_mnist_input(image) for image in images]
        assert not any(as_read(x).is_level_line for x in inputs if x is not None), name


def test_two_level_lines_before_a_digit_make_one_dash_and_the_other_is_counted():
    # Hand-made readings, no model: the marks' own inputs say which is a level line, their boxes where it lies.
    one, dash = np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32)
    one[4:24, 13:15], dash[13:15, 4:24] = 1, 1
    read = lambda model_input: Recognition(2, np.eye(10)[2], model_input)  # noqa: E731
    digit, line = (0, 0, 20, 100), (0, 45, 60, 55)  # a digit's box, and a line's at its mid-height (x aside)
    number = NumberRecognition([read(one), read(dash), read(dash), read(one)],
                               [digit, (30, 40, 90, 50), (30, 60, 90, 70), (100, 0, 120, 100)])
    once = number.without_level_lines()
    assert (once.text, once.level_lines_left_out) == ("2-2", 1)  # "=" is read as one dash, the other line counted
    assert once.dash_boxes == ((30, 40, 90, 70),)  # boxed round both its lines, for the annotation
    assert once.without_level_lines() == once  # and reading it again changes nothing
    assert NumberRecognition([read(dash), read(one)], [line, digit]).without_level_lines().text == "-2"


def test_level_lines_are_told_apart_on_each_line_of_numbers_one_under_another():
    # Hand-made readings as above, on two lines: a line at the end of the first is no dash of the second's digit.
    one, dash = np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32)
    one[4:24, 13:15], dash[13:15, 4:24] = 1, 1
    read = lambda model_input: Recognition(2, np.eye(10)[2], model_input)  # noqa: E731
    number = NumberRecognition([read(one), read(dash), read(dash), read(one)],
                               [(0, 0, 20, 100), (30, 45, 90, 55), (0, 245, 60, 255), (70, 200, 90, 300)],
                               number_starts=frozenset({2}))
    assert number.text == "22 22"
    once = number.without_level_lines()
    assert (once.text, once.level_lines_left_out, once.number_starts) == ("2 -2", 1, {1})
    assert once.without_level_lines() == once
    # A first line of level lines alone leaves no line before the second's digit, so no space either.
    assert NumberRecognition([read(dash), read(one)], [(0, 45, 60, 55), (0, 200, 20, 300)],
                             number_starts=frozenset({1})).without_level_lines().text == "2"


def test_a_decimal_point_keeps_its_place_among_the_digits_left_when_level_lines_are_left_out():
    # Hand-made readings as above: a 7's first stroke at the top, left out, before the digit after the point.
    one, dash = np.zeros((28, 28), np.float32), np.zeros((28, 28), np.float32)
    one[4:24, 13:15], dash[13:15, 4:24] = 1, 1
    read = lambda model_input: Recognition(2, np.eye(10)[2], model_input)  # noqa: E731
    point = (25, 90, 30, 95)
    number = NumberRecognition([read(one), read(dash), read(one), read(one)],
                               [(0, 0, 20, 100), (30, 0, 90, 10), (40, 0, 60, 100), (70, 0, 90, 100)],
                               marks=((1, ".", point),))
    assert number.text == "2.222"
    once = number.without_level_lines()
    assert (once.text, once.level_lines_left_out, once.marks) == ("2.22", 1, ((1, ".", point),))
    assert once.without_level_lines() == once
    # A point whose digits after it are all level lines lies after the last digit: no longer in the number.
    trailing = NumberRecognition([read(one), read(dash)], [(0, 0, 20, 100), (30, 0, 90, 10)], marks=((1, ".", point),))
    assert trailing.text == "2.2" and trailing.without_level_lines().text == "2"
    # One whose digit before it was a level line now comes before the first digit: a point stays (".5"), a comma goes.
    for mark, text in ((".", ".2"), (",", "2")):
        leading = NumberRecognition([read(dash), read(one)], [(0, 0, 20, 10), (40, 0, 60, 100)],
                                    marks=((1, mark, point),))
        assert leading.without_level_lines().text == text


def test_a_level_line_at_mid_height_before_a_digit_is_a_dash_and_others_are_left_out(shipped):
    bar = PLAIN[7][:1]
    for drawings, text, left_out in (
        (((PLAIN[1], 150, 130, 150), (bar, 390, 130, 90), (PLAIN[7], 600, 130, 150)), "1-7", 0),  # read 127 before
        (((PLAIN[1], 100, 120, 120), (PLAIN[0], 220, 120, 120), (bar, 390, 130, 80), (PLAIN[0], 560, 120, 120)),
         "10-0", 0),
        (((bar, 200, 130, 90), (PLAIN[7], 450, 130, 150)), "-7", 0),  # a minus sign
        (((PLAIN[1], 200, 130, 150), (bar, 420, 60, 110)), "1", 1),  # a 7's first stroke, at the top
        (((PLAIN[1], 200, 130, 150), (bar, 390, 130, 150)), "1", 1),  # a dash after the last digit
        (((PLAIN[1], 150, 110, 150), (bar, 390, 225, 120), (PLAIN[7], 600, 110, 150)), "17", 1),  # an underline
        # one under a single digit, as wide as it: taken for its base, it joined it (a 7 read 1, a 0 read 2)
        (((PLAIN[7], 390, 110, 150), (bar, 390, 225, 130)), "7", 1),
        (((PLAIN[0], 390, 110, 150), (bar, 390, 225, 130)), "0", 1),
        # one under both, as wide as three digits: taken for a stroke of the 1 (as a base), it joined them in one blob
        (((PLAIN[1], 150, 110, 150), (PLAIN[7], 400, 110, 150), (bar, 275, 225, 400)), "17", 1),
        # one as wide as one or two digits, under both: cut into slices read with the digits (11), or taken for a
        # stroke of the 7 (67)
        (((PLAIN[1], 150, 110, 150), (PLAIN[7], 400, 110, 150), (bar, 275, 225, 200)), "17", 1),
        (((PLAIN[1], 150, 110, 150), (PLAIN[7], 400, 110, 150), (bar, 275, 225, 250)), "17", 1),
    ):
        reading = shipped.recognize_number(on_strip(*drawings))
        assert len(reading.digits) == len(drawings), text  # each mark read on its own, the line as a 2
        read = reading.without_level_lines()
        assert (read.text, read.level_lines_left_out) == (text, left_out)
        assert len(read.digits) == len(text.replace("-", ""))  # a dash is in the text, but is no digit


def test_a_line_under_a_digit_is_left_out_but_its_own_strokes_are_not(shipped):
    from digits.drawing import ellipse
    bar = PLAIN[7][:1]

    def read(*drawings):
        reading = shipped.recognize_number(on_strip(*drawings)).without_level_lines()
        return reading.text, reading.level_lines_left_out

    # Underlines, sloping, or two: read with the digit, a 7 was a 1 with a base, a 0 with two lines under it 2.
    assert read((PLAIN[7], 390, 110, 150), ([[(0, 0.12), (1, 0)]], 390, 215, 130)) == ("7", 1)
    assert read((PLAIN[0], 390, 100, 150), (bar, 390, 205, 110), (bar, 390, 232, 110)) == ("0", 2)
    # A 2's base drawn apart begins under its foot: it is the 2's (read as a 7 and a line by a first version)...
    zed = [[(0.15, 0), (0.85, 0), (0.15, 1)]]
    assert read((zed, 390, 110, 150), (bar, 393, 217, 125)) == ("2", 0)
    # ...and a digit broken near its foot keeps the piece below, which is no line (read as 11 and 91 so).
    one = [[(0.5, 0), (0.5, 0.6)], [(0.5, 0.8), (0.5, 1)]]
    nine = [ellipse(0.5, 0.22, 0.28, 0.22), [(0.78, 0.22), (0.72, 0.58)], [(0.7, 0.78), (0.66, 1)]]
    assert read((one, 390, 130, 150)) == ("1", 0) and read((nine, 390, 130, 150)) == ("9", 0)


def test_loading_a_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="scripts/train.py"):
        Recognizer.load(tmp_path / "none.keras")


def test_the_shipped_model_reaches_99_5_percent_on_mnist(shipped, mnist):
    accuracy = inspect_model(shipped.model, mnist.x_test, mnist.y_test).test_accuracy
    assert accuracy >= 0.995
    metadata = json.loads(DEFAULT_MODEL.with_suffix(".json").read_text())
    assert metadata["test_accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert metadata["parameters"] == shipped.model.count_params()
    assert metadata["data_sha256"] == mnist.sha256


@pytest.mark.parametrize("digit", sorted(PLAIN))
def test_the_shipped_model_reads_plainly_drawn_digits(shipped, digit):
    for pen, extent, centre in ((12, 200, (140, 140)), (25, 120, (80, 190)), (6, 60, (220, 60))):
        result = shipped.recognize(render(PLAIN[digit], extent, centre, pen))
        assert result.digit == digit and not result.unsure, (pen, extent, result.top(3))


def test_the_shipped_model_reads_the_styles_people_draw(shipped):
    # The benchmark's own shapes (digits/benchmark_shapes.py), which training never draws: slashed zeros,
    # curled 9s, flagged 1s, crossed 7s, open and closed 4s, and every digit in varied styles.
    for name, images, labels in styled_groups(80, seed=3):
        assert drawn_accuracy(shipped, images, labels) >= 0.9, name


def test_an_unsure_reading_never_says_it_is_as_sure_as_a_sure_one():
    def said(confidence: float) -> str:
        return Recognition(4, np.r_[np.full(4, (1 - confidence) / 9), confidence, np.full(5, (1 - confidence) / 9)],
                           np.zeros((28, 28))).confidence_percent

    # 89.6% would round to the 90% a reading needs to be sure: it is said to a tenth, cut short, not rounded up.
    assert [said(c) for c in (0.5, 0.894, 0.896, 0.89996, 0.9, 0.97, 0.99996)] == [
        "50%", "89%", "89.6%", "89.9%", "90%", "97%", "100%"]


def test_the_app_compiles_the_graphs_it_reads_with_as_it_loads_a_model_and_a_script_only_those_it_uses():
    from app_pages.resources import load_recognizer

    def traced(recognizer: Recognizer) -> list[int]:
        """How often each graph a page reads with was compiled: one image, a batch, a number's checker, pairs and
        digits, the detector."""
        graphs = (recognizer._forward_one, recognizer._forward_batch, recognizer._check_batch, recognizer._read_pairs,
                  recognizer._read_in_number, recognizer._detect)
        return [graph.experimental_get_tracing_count() for graph in graphs]

    loaded = Recognizer.load()
    assert traced(loaded) == [0] * 6
    loaded.recognize(render(PLAIN[7], 200, (140, 140), 20))
    assert traced(loaded) == [1, 0, 0, 0, 0, 0]  # predict.py reading a digit compiles no number's graph
    served = load_recognizer(str(DEFAULT_MODEL), DEFAULT_MODEL.stat().st_mtime)
    assert traced(served) == [1] * 6
    served.recognize(render(PLAIN[7], 200, (140, 140), 20))
    served.recognize_number(on_strip((PLAIN[1], 250), (PLAIN[7], 450)))
    assert traced(served) == [1] * 6  # the first drawing compiles nothing more


@pytest.mark.parametrize("spoilt", [None, b"not a model"], ids=["gone", "spoilt"])
def test_a_chosen_model_gone_or_spoilt_as_a_page_loads_it_gives_way_to_the_shipped_one(tmp_path, monkeypatch, spoilt):
    # Chosen and checked (serving_model), then deleted before the page's load: the page fell over with
    # FileNotFoundError, where a spoilt file gave way (a code review, 2026-12-07).
    from app_pages import resources
    chosen = tmp_path / "chosen.keras"
    if spoilt:
        chosen.write_bytes(spoilt)
    monkeypatch.setattr(resources, "serving_model", lambda: (chosen, None))
    recognizer, name = resources.serving_recognizer()
    assert name == DEFAULT_MODEL.stem and recognizer.path.resolve() == DEFAULT_MODEL.resolve()

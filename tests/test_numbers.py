"""Reading whole numbers: digits drawn side by side on a wide canvas, read by the shipped model."""

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digits.annotation import SURE, UNSURE, annotated
from digits.drawing import PLAIN, TRAINING_STYLES, five, render
from digits.number_shapes import lay_out, pieces, touching
from digits.numbers import (NUMBER_GAP, UNCUT, TooMuchWriting, cut_columns, ink_candidates, number_candidates,
                            number_lines, text_lines, weighed_readings)
from digits.photos import open_photo, photo_ink
from digits.preprocessing import ink_intensity
from digits.recognition import NumberRecognition, Recognition, Recognizer
from tests.conftest import on_strip, typed_page

BAR, STEM = PLAIN[7]
APART = {  # digits in two strokes that do not meet
    4: [[(0.35, 0.0), (0.05, 0.62), (0.6, 0.62)], [(0.72, 0.0), (0.72, 1.0)]],  # the bar stops short of the upright
    5: (lambda body, flag: [body, [(x + 0.05, y - 0.15) for x, y in flag]])(*five(np.random.default_rng(3), False)),
    7: [BAR, [(x - 0.03, y + 0.15) for x, y in STEM]],  # the stem under the bar
}


def drawn(strokes, extent: float = 180, pen: float = 16) -> np.ndarray:
    """A drawing's ink (bright on black) on a 280x280 canvas, as the app's canvas draws it."""
    return render(strokes, extent, (140, 140), pen)[..., 3]


def styled(name: str, seed: int = 1):
    """A digit in one of the training styles, always drawn the same."""
    return TRAINING_STYLES[name][2](np.random.default_rng(seed))


def ink_box(layer: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.flatnonzero(layer.any(axis=1)), np.flatnonzero(layer.any(axis=0))
    return columns[0], rows[0], columns[-1] + 1, rows[-1] + 1


@pytest.fixture(scope="module")
def four_oh_seven() -> np.ndarray:
    """407 on one canvas, its 4 and 0 touching: layers (3, H, W)."""
    layers = lay_out([drawn(styled("closed 4")), drawn(PLAIN[0]), drawn(PLAIN[7])], [-4, 40])
    assert touching(layers[0], layers[1]) and not touching(layers[1], layers[2])
    return layers


def test_one_digit(shipped):
    result = shipped.recognize_number(drawn(PLAIN[7]))
    assert isinstance(result, NumberRecognition)
    assert result.text == "7" and len(result.digits) == len(result.boxes) == 1
    assert result.digits[0].digit == shipped.recognize(drawn(PLAIN[7])).digit


def test_blank_gives_none(shipped):
    assert shipped.recognize_number(np.zeros((280, 840), np.uint8)) is None
    specks = np.zeros((280, 840), np.uint8)
    specks[100:103, 200:203] = specks[50:52, 600:602] = 255
    assert shipped.recognize_number(specks) is None  # specks alone are no number either


def test_dust_is_no_number_and_leaves_a_number_read(shipped, four_oh_seven):
    rng = np.random.default_rng(0)
    dust = np.where(rng.random((280, 840)) < 0.02, 255, 0).astype(np.uint8)  # 2% of the pixels, alone or in clumps
    assert number_candidates(dust) is None  # no crop to read at all (there were 12,000, for 16 s)
    dusty = four_oh_seven.max(axis=0)
    dusty = np.maximum(dusty, dust[: dusty.shape[0], : dusty.shape[1]])
    assert shipped.recognize_number(dusty).text == "407"


def test_numbers_one_under_another_are_read_a_line_at_a_time(shipped, four_oh_seven):
    # Read as one line, the digits of both lines came left to right, mixed: 12 over 85 on a photo was read as 1285.
    top = lay_out([drawn(PLAIN[1]), drawn(PLAIN[7])], [40]).max(axis=0)
    bottom = four_oh_seven.max(axis=0)
    width = max(top.shape[1], bottom.shape[1])
    sheet = np.vstack([np.pad(top, ((0, 0), (0, width - top.shape[1]))),
                       np.pad(bottom, ((0, 0), (0, width - bottom.shape[1])))])
    assert len(text_lines(sheet / 255.0)) == 2
    result = shipped.recognize_number(sheet)
    assert result.text == "17 407" and result.number_starts == {2}
    assert max(box[3] for box in result.boxes[:2]) < min(box[1] for box in result.boxes[2:])  # the 407 underneath
    assert shipped.recognize_number(top).text == "17" and shipped.recognize_number(bottom).text == "407"


def test_two_numbers_written_close_one_under_the_other_are_not_interleaved(shipped):
    # 107 over 710 on the strip, 16 pixels of no ink between them (digits 114 high): read as one line, their digits
    # came left to right mixed, as 71970, surely (a review wrote 123 over 456 and got 412536).
    sheet = on_strip(*[(PLAIN[int(c)], x, 65, 95) for c, x in zip("107", (200, 330, 460))],
                     *[(PLAIN[int(c)], x, 195, 95) for c, x in zip("710", (220, 350, 480))])
    rows = np.flatnonzero((sheet[..., 3] > 0).any(axis=1))
    assert np.diff(rows).max() - 1 <= 16  # the rows with no ink between the numbers
    assert shipped.recognize_number(sheet).text == "107 710"


@pytest.mark.parametrize("image", ["4 apart", "5 apart", "7 apart", "MNIST 856", "MNIST 3552"])
def test_a_digit_in_strokes_apart_is_one_line(mnist, image):
    # A 5's flag, a 7's bar drawn apart lie nearer their digit than lines of writing lie; so do the strokes of the
    # two MNIST test digits (both 5s) that came apart most: with bands 0.4 of a digit high, they were two lines.
    if image.startswith("MNIST"):
        ink = np.kron(mnist.x_test[int(image.split()[1])], np.ones((10, 10), np.uint8))  # as drawn on a canvas
    else:
        ink = drawn(APART[int(image[0])])
    assert len(text_lines(ink / 255.0)) == 1


def flat_strokes(*spans: tuple[int, int], pen: int = 18) -> np.ndarray:
    """Level strokes as high as the pen, from x0 to x1 each, on the app's 780x260 number strip with its pen."""
    image = Image.new("L", (780, 260))
    for x0, x1 in spans:
        ImageDraw.Draw(image).line([(x0, 60), (x1, 60)], fill=255, width=pen)
    return np.asarray(image)


@pytest.mark.parametrize("spans", [[(100, 310)], [(100, 145)], [(60 + 120 * k, 105 + 120 * k) for k in range(4)]],
                         ids=["a 7's bar drawn first", "a dash", "four dashes"])
def test_a_level_stroke_on_its_own_is_read_whole_not_cut_at_every_column(shipped, spans):
    # Alone, a level stroke is as high as the pen, which is then the line height: every column of it was the
    # thinnest, and cut, so the bar made 2,243 candidates and 5,034 pair runs (10-46 s to read), each dash hundreds.
    image = flat_strokes(*spans)
    candidates = number_candidates(image)
    assert len(candidates.runs) == len(spans) and len(candidates.pair_runs) <= len(spans)
    assert len(shipped.recognize_number(image).digits) == len(spans)


@pytest.mark.parametrize("height, slant", [(52, 8), (65, 8), (65, 16), (78, 16)])
def test_a_short_slanted_1_is_one_digit_not_two_touching(shipped, height, slant):
    # A short stroke leaning a little, on the app's number strip with its pen: the pair reader read it as two 1s
    # touching ("11"), until ink that no row crosses twice (one stroke) was no longer a pair run.
    image = Image.new("L", (780, 260))
    top, bottom = (351 - slant / 2, 130 - height / 2), (351 + slant / 2, 130 + height / 2)
    ImageDraw.Draw(image).line([top, bottom], fill=255, width=18)
    assert number_candidates(np.asarray(image)).pair_runs == []
    assert shipped.recognize_number(np.asarray(image)).text == "1"
    two = Image.new("L", (780, 260))  # two such 1s touching at their feet do make a pair run
    ImageDraw.Draw(two).line([top, bottom, (bottom[0] + 30, top[1])], fill=255, width=18)
    assert number_candidates(np.asarray(two)).pair_runs


def ridge(width: int, *lows: tuple[int, int]) -> np.ndarray:
    """A blob's ink per column: highest in the middle, falling to its edges (no column there the thinnest of its
    neighbours), with a low of 5 from column a to b for each (a, b) in `lows`."""
    profile = np.round(60 - 20 * np.abs(np.linspace(-1, 1, width))).astype(int)
    for start, stop in lows:
        profile[start:stop] = 5
    return profile


def test_a_stretch_of_equal_thinnest_columns_is_cut_once_in_its_middle_and_single_ones_as_before():
    line = 100.0  # a cut no nearer than 12 columns to the edges and 6 to another; a blob over 4 lines not cut alone
    two_strokes = np.full(121, 2)  # no column crossing one stroke only: the cuts are at the thinnest columns
    assert cut_columns(ridge(121, (40, 81)), two_strokes, line, 100) == [60]  # was every column from 40 to 80
    assert cut_columns(ridge(121, (40, 41), (80, 81)), two_strokes, line, 100) == [40, 80]
    # A single stroke wider than UNCUT line heights is a dash or a line, not digits: not cut. Crossing two
    # strokes, or narrower, it is; but not a short one (under SHORTEST line heights high): a line under digits.
    assert cut_columns(ridge(401, (200, 201)), np.ones(401, int), line, 100) == []
    assert cut_columns(ridge(401, (200, 201)), np.full(401, 2), line, 100) == [200]
    assert cut_columns(ridge(301, (150, 151)), np.ones(301, int), line, 100) == [150]
    assert cut_columns(ridge(301, (150, 151)), np.ones(301, int), line, 50) == []
    assert cut_columns(ridge(301, (150, 151)), np.full(301, 2), line, 50) == [150]


def test_seven_touching_zeros_wider_than_uncut_are_still_cut_into_seven(shipped):
    image = lay_out([drawn(PLAIN[0])] * 7, [-4] * 6).max(axis=0)
    columns, rows = np.flatnonzero(image.any(axis=0)), np.flatnonzero(image.any(axis=1))
    assert columns[-1] - columns[0] > UNCUT * (rows[-1] - rows[0])  # one blob, wider than UNCUT line heights
    assert shipped.recognize_number(image).text == "0000000"


def test_a_three_digit_number_reads_left_to_right_with_each_digits_box(shipped, four_oh_seven):
    result = shipped.recognize_number(four_oh_seven.max(axis=0))
    assert result.text == "407" and not result.unsure
    assert [d.digit for d in result.digits] == [4, 0, 7]
    height, width = four_oh_seven.shape[1:]
    lefts = [box[0] for box in result.boxes]
    assert lefts == sorted(lefts)
    for box, layer in zip(result.boxes, four_oh_seven):
        assert all(isinstance(v, int) for v in box)
        assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height
        # The touching pair is cut near where they meet: each box holds nearly all of its digit's ink (a 4's bar
        # may reach into the 0) and little of the others'.
        inside = np.zeros(layer.shape, bool)
        inside[box[1] : box[3], box[0] : box[2]] = True
        own, others = layer > 0, (four_oh_seven.max(axis=0) > 0) & (layer == 0)
        assert (own & inside).sum() >= 0.9 * own.sum() and (others & inside).sum() <= 0.1 * own.sum(), box


@pytest.mark.parametrize("digit", sorted(APART))
def test_a_digit_in_strokes_that_do_not_meet_is_one_digit(shipped, digit):
    ink = drawn(APART[digit])
    assert pieces(ink) == 2  # the strokes really are apart
    assert shipped.recognize_number(ink).text == str(digit)


def test_digits_drawn_apart_among_others(shipped):
    layers = lay_out([drawn(APART[4]), drawn(APART[5]), drawn(APART[7])], [40, 40])
    result = shipped.recognize_number(layers.max(axis=0))
    assert result.text == "457" and len(result.boxes) == 3


@pytest.mark.parametrize("gap", [-8, -4, -2])
def test_touching_digits_are_read_as_two(shipped, gap):
    layers = lay_out([drawn(styled("3", 2)), drawn(PLAIN[0])], [gap])
    assert touching(*layers) and pieces(layers.max(axis=0)) == 1
    assert shipped.recognize_number(layers.max(axis=0)).text == "30"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_touching_digits_are_read_as_three(shipped, seed):
    layers = lay_out([drawn(styled(name, seed)) for name in ("3", "plain zero", "plain zero")], [-4, -4])
    assert pieces(layers.max(axis=0)) == 1  # one blob of ink
    result = shipped.recognize_number(layers.max(axis=0))
    assert result.text == "300" and len(result.boxes) == 3


def test_specks_are_ignored_even_over_a_digit(shipped, four_oh_seven):
    clean = shipped.recognize_number(four_oh_seven.max(axis=0))
    specked = four_oh_seven.max(axis=0)
    left, top, right, bottom = clean.boxes[2]
    specked[top - 20 : top - 17, (left + right) // 2 : (left + right) // 2 + 3] = 255  # over the 7: in its columns
    specked[bottom + 10 : bottom + 12, left : left + 2] = 255  # and under it
    specked[5:8, 5:8] = specked[-8:-5, -8:-5] = 255  # far from any digit
    result = shipped.recognize_number(specked)
    assert result.text == "407" and result.boxes == clean.boxes


def test_a_speck_a_part_encloses_is_read_with_it_and_no_other():
    # A 7 whose bar runs on over the 0 after it, a tap inside the 0's loop (so within both boxes), a dot under the
    # 7's bar in no loop, and a speck beside them all. Dark on light, as a photo of paper.
    image = Image.new("L", (780, 260), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(100, 40), (480, 40)], fill=0, width=18)
    draw.line([(260, 40), (160, 220)], fill=0, width=18)
    draw.ellipse([(330, 80), (450, 220)], outline=0, width=18)
    draw.ellipse([(383, 145), (398, 160)], fill=0)  # the tap
    draw.ellipse([(290, 100), (302, 112)], fill=0)  # the dot under the bar
    draw.ellipse([(700, 30), (712, 42)], fill=0)  # the speck, outside every part's box
    candidates = number_candidates(np.asarray(image))
    seven, zero = candidates.owners[40, 200], candidates.owners[150, 447]
    assert seven != zero and min(seven, zero) >= 0
    assert candidates.owners[152, 390] == zero  # the tap is the 0's, not the 7's whose box holds it too
    assert candidates.owners[106, 296] == -1 and candidates.owners[36, 706] == -1  # neither is anyone's


def test_dark_ink_on_light_and_other_image_kinds(shipped, four_oh_seven):
    grey = four_oh_seven.max(axis=0)
    clean = shipped.recognize_number(grey)
    rgba = np.zeros((*grey.shape, 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = 255, grey  # white ink on a transparent canvas, as the app's
    for image in [255 - grey, (255 - grey) / 255.0, Image.fromarray(255 - grey).convert("RGB"), rgba]:
        result = shipped.recognize_number(image)
        assert result.text == "407" and result.boxes == clean.boxes


def test_without_a_checker_the_readings_and_widths_choose(shipped, four_oh_seven):
    unchecked = Recognizer(shipped.model)  # as for a models folder without the checker, pair reader and number reader
    assert unchecked.checker is None and unchecked.pair_reader is None and unchecked.number_reader is None
    assert unchecked.recognize_number(four_oh_seven.max(axis=0)).text == "407"


def test_every_candidate_is_read_in_one_call_of_each_network_and_pair_runs_in_one(shipped, four_oh_seven, monkeypatch):
    calls = {"_forward_batch": [], "_read_in_number": [], "_check_batch": [], "_read_pairs": []}
    for name, made in calls.items():
        def counted(images, made=made, forward=getattr(shipped, name)):
            made.append(len(images))
            return forward(images)

        monkeypatch.setattr(shipped, name, counted)
    assert shipped.recognize_number(four_oh_seven.max(axis=0)).text == "407"
    read, checked = calls["_forward_batch"], calls["_check_batch"]
    assert len(read) == 1 and read[0] > 3  # the touching pair was also read whole and cut in other places
    assert checked == read == calls["_read_in_number"]  # the checker and the number reader saw the same crops
    paired = calls["_read_pairs"]
    assert len(paired) == 1 and paired[0] == len(number_candidates(four_oh_seven.max(axis=0)).pair_runs) >= 3


def test_a_pair_run_read_as_two_digits_wins_the_chain_and_is_split_in_two():
    layers = lay_out([drawn(styled("3", 2)), drawn(PLAIN[0])], [-6])
    candidates = number_candidates(layers.max(axis=0))
    whole_blob = candidates.pair_runs.index((0, len(candidates.atoms)))  # the blob, all its atoms
    readings = np.full((len(candidates.runs), 10), 0.1)  # the digit model unsure of every candidate...
    pairs = np.full((len(candidates.pair_runs), 2, 11), 0.01)
    pairs[:, :, 10] = 0.9  # ...the pair reader sure that no run is two digits but the whole blob
    pairs[whole_blob] = 0.01
    pairs[whole_blob, 0, 3] = pairs[whole_blob, 1, 0] = 0.9
    assert candidates.choose(readings, None, pairs) == [len(candidates.runs) + whole_blob]
    (left_box, left_input), (right_box, right_input) = candidates.pair_halves(whole_blob)
    assert left_input.shape == right_input.shape == (28, 28)
    assert left_box[0] < left_box[2] <= right_box[0] < right_box[2]  # split at a column, left to right
    for box, layer in zip([left_box, right_box], layers):
        assert np.abs(np.subtract(box, ink_box(layer))).max() <= 20  # near each digit's own ink


@pytest.mark.parametrize("digits, gap", [(("2", "3"), -35), (("9, curved tail", "3"), -30), (("6", "plain zero"), -30)])
def test_digits_overlapping_deeply_are_read_by_the_pair_reader(shipped, digits, gap):
    layers = lay_out([drawn(styled(name)) for name in digits], [gap])
    assert touching(*layers)
    number = layers.max(axis=0)
    text = "".join(str(TRAINING_STYLES[name][0]) for name in digits)
    without = Recognizer(shipped.model, checker=shipped.checker)  # no column cut parts them: read as one digit
    assert without.recognize_number(number).text != text
    result = shipped.recognize_number(number)
    assert result.text == text and len(result.boxes) == 2
    assert result.boxes[0][0] < result.boxes[1][0] and result.boxes[0][2] <= result.boxes[1][2]
    assert all(d.model_input.shape == (28, 28) and abs(d.probabilities.sum() - 1) < 1e-6 for d in result.digits)


def test_the_digit_model_and_the_number_reader_are_weighed_together():
    model = np.array([[0.6, 0.4] + [0.0] * 8, [0.5, 0.5] + [0.0] * 8])
    reader = np.array([[0.2, 0.8] + [0.0] * 8, [0.1] * 10])
    weighed = weighed_readings(model, reader)
    assert np.allclose(weighed.sum(axis=1), 1.0)
    assert (weighed[:, 2:] < 1e-5).all()  # what the digit model rules out stays out, whatever the reader says
    expected = np.sqrt(0.6 * 0.2) / (np.sqrt(0.6 * 0.2) + np.sqrt(0.4 * 0.8))  # READER = 0.5: a geometric mean
    assert weighed[0, 0] == pytest.approx(expected) and weighed.argmax(axis=1)[0] == 1  # the reader's surer 1 wins
    assert weighed[1, 0] == pytest.approx(0.5, abs=1e-5)  # a reader unsure of all ten leaves the model's word
    assert np.allclose(weighed_readings(model, model), model)


def test_a_numbers_digits_carry_the_weighed_readings_of_both_networks(shipped):
    image = lay_out([drawn(PLAIN[0]), drawn(PLAIN[7])], [60]).max(axis=0)  # apart: each digit a candidate, no pair
    candidates = number_candidates(image)
    both = weighed_readings(Recognizer._read(candidates.model_inputs, shipped._forward_batch),
                            Recognizer._read(candidates.model_inputs, shipped._read_in_number))
    result = shipped.recognize_number(image)
    assert result.text == "07"
    for digit in result.digits:
        same = [k for k, x in enumerate(candidates.model_inputs) if np.array_equal(x, digit.model_input)]
        assert len(same) == 1 and np.allclose(digit.probabilities, both[same[0]])


def test_a_digit_as_tall_as_the_picture_gets_its_label_on_a_band_over_it_that_covers_no_ink():
    ink = Image.new("RGB", (300, 100), (255, 255, 255))  # ink everywhere: no room over the box
    probabilities = np.eye(10)[7]
    reading = NumberRecognition([Recognition(7, probabilities, np.zeros((28, 28), np.float32))], [(0, 0, 300, 100)])
    shown = np.asarray(annotated(ink, reading))
    band = shown.shape[0] - 100
    assert band > 0 and shown.shape[1] == 300  # a band added on top, as high as the label needs
    inside = shown[band + 3 : -3, 3:-3]  # the picture, within the box's outline
    assert (inside == 255).all()  # all of its ink shows
    assert (shown[:band] == SURE).all(axis=-1).any()  # the digit read, in the band, in the colour of a sure reading
    assert (shown[:band] == 255).all(axis=-1).mean() > 0.5  # the band in the paper's colour, not black
    dark = np.asarray(annotated(Image.new("RGB", (300, 100)), reading))  # a canvas: black, and so is its band
    assert (dark[:band] == 0).all(axis=-1).mean() > 0.5


def test_labels_over_small_digits_in_a_large_photo_stay_readable_when_the_photo_is_shown_small():
    # The page shows a photo about 400 pixels across: a label a quarter as high as a digit a tenth as tall as a
    # 4,000-pixel photo was under 3 pixels high there.
    photo = Image.new("RGB", (4000, 3000), (255, 255, 255))
    reading = NumberRecognition([Recognition(7, np.eye(10)[7], np.zeros((28, 28), np.float32))],
                                [(2000, 1500, 2060, 1600)])
    shown = np.asarray(annotated(photo, reading))
    rows = np.flatnonzero((shown[:1500 - 10] == SURE).all(axis=-1).any(axis=1))  # the label, over the box
    assert len(rows) and (rows[-1] - rows[0] + 1) * 400 / 4000 >= 8  # its 7 at least 8 pixels high as shown


def test_a_tiny_picture_is_enlarged_sharp_with_its_boxes_before_it_is_labelled():
    # A 12x12 photo of a 7 was shown as a tall, blurred strip: its label's band was thrice its height.
    pixels = np.random.default_rng(0).integers(0, 256, (12, 12, 3), dtype=np.uint8)
    reading = NumberRecognition([Recognition(7, np.eye(10)[7], np.zeros((28, 28), np.float32))], [(3, 2, 9, 11)])
    shown = np.asarray(annotated(Image.fromarray(pixels), reading))
    band = shown.shape[0] - 300
    assert shown.shape[1] == 300 and 0 <= band < 100  # 25 times as large, its label's band a third of it at most
    inside = shown[band + 2 * 25 + 2 : band + 11 * 25 - 2, 3 * 25 + 2 : 9 * 25 - 2]  # within the box's outline
    assert np.array_equal(inside, np.kron(pixels[2:11, 3:9], np.ones((25, 25, 1), np.uint8))[2:-2, 2:-2])
    assert (shown[band + 2 * 25 - 1, 3 * 25 : 9 * 25] == SURE).all()  # the box, round the digit's enlarged pixels


def test_a_dash_kept_in_a_number_is_boxed_as_read():
    picture = Image.new("RGB", (300, 200), (255, 255, 255))
    one = Recognition(1, np.eye(10)[1], np.zeros((28, 28), np.float32))
    reading = NumberRecognition([one, one], [(20, 40, 40, 160), (240, 40, 260, 160)], dashes=frozenset({1}),
                                dash_boxes=((100, 95, 180, 105),))
    shown = np.asarray(annotated(picture, reading))
    band = shown.shape[0] - 200
    assert (shown[band + 95 : band + 106, 99] == SURE).all()  # the dash's box, left side, as a sure reading's
    assert not (np.asarray(annotated(picture, replace(reading, dash_boxes=())))[:, 99] == SURE).all(axis=-1).any()


def test_a_reading_that_looks_like_no_digit_is_boxed_as_a_guess_however_sure():
    picture = Image.new("RGB", (300, 200), (255, 255, 255))
    for likeness, colour, other in ((0.01, UNSURE, SURE), (0.9, SURE, UNSURE), (None, SURE, UNSURE)):
        read = Recognition(0, np.eye(10)[0], np.zeros((28, 28), np.float32), likeness)  # a 0 at 100%
        shown = np.asarray(annotated(picture, NumberRecognition([read], [(100, 80, 200, 180)])))
        assert (shown == colour).all(axis=-1).any() and not (shown == other).all(axis=-1).any(), likeness


POINT = [[(0.5, 0.5), (0.5, 0.52)]]  # a pen's tap: drawn 10 pixels across, a dot as wide as the pen
COMMA = [[(0.6, 0.0), (0.4, 1.0)]]  # drawn 40 pixels high, from just above the digits' feet to under them


@pytest.mark.parametrize("drawings, text", [
    (((PLAIN[7], 150), (POINT, 250, 195, 10), (PLAIN[1], 330)), "7.1"),
    (((PLAIN[1], 80), (COMMA, 140, 210, 40), (PLAIN[0], 230), (PLAIN[0], 380), (PLAIN[0], 530)), "1,000"),
    # Written on the line, 33 pixels over the digits' feet (ink to row 214) to 15 under (a review: 11000, 1.000, 1000).
    (((PLAIN[1], 80), (COMMA, 140, 205, 30), (PLAIN[0], 230), (PLAIN[0], 380), (PLAIN[0], 530)), "1,000"),
    # Ending 3 pixels over the feet (the review's 11000).
    (((PLAIN[1], 80), (COMMA, 140, 187, 30), (PLAIN[0], 230), (PLAIN[0], 380), (PLAIN[0], 530)), "1,000"),
    (((PLAIN[7], 150), (COMMA, 245, 200, 36), (PLAIN[1], 330)), "7,1"),
    (((PLAIN[1], 80), (PLAIN[0], 180), (COMMA, 260, 210, 40), (PLAIN[7], 350), (POINT, 440, 195, 10),
      (PLAIN[1], 500)), "10,7.1"),
    (((PLAIN[7], 150), (COMMA, 195, 210, 40), (PLAIN[1], 290)), "7,1"),  # under the 7's bar, right of its stem
    (((PLAIN[7], 150), (PLAIN[1], 330), (POINT, 420, 195, 10)), "71"),  # after the last digit: no part of the number
    (((POINT, 60, 195, 10), (PLAIN[7], 150), (PLAIN[1], 330)), ".71"),  # just before the first: ".5"
    (((POINT, 15, 195, 10), (PLAIN[7], 150), (PLAIN[1], 330)), "71"),  # far before it (73 pixels): no part of it
    (((PLAIN[7], 150), (POINT, 250, 130, 10), (PLAIN[1], 330)), "71"),  # at mid-height: no point
    (((PLAIN[7], 150), (POINT, 250, 60, 10), (PLAIN[1], 330)), "71"),  # at the top
    # Digits far apart are two numbers (numbers_apart), unless a point or a comma between them joins them.
    (((PLAIN[7], 150), (POINT, 400, 195, 10), (PLAIN[1], 650)), "7.1"),
    (((PLAIN[7], 150), (PLAIN[1], 650)), "7 1"),
])
def test_a_decimal_point_or_a_comma_between_digits_is_kept_in_the_number(shipped, drawings, text):
    # Digits 150 pixels high from row 55 to 205 on Number mode's strip. Before, a point was dropped as a speck, and a
    # comma read as a 1, surely: 1,000 as 11000.
    image = on_strip(*drawings)[..., 3]
    result = shipped.recognize_number(image)
    assert result.text == text and len(result.digits) == sum(c.isdigit() for c in text)
    assert "".join(mark for _, mark, _ in result.marks) == "".join(c for c in text if c in ".,")
    for place, _, (left, top, right, bottom) in result.marks:  # boxed round its own ink, between its digits
        before, after = result.boxes[place - 1] if place else (0, 0, 0, 0), result.boxes[place]
        assert before[0] + before[2] < left + right < after[0] + after[2] and top > 150 and bottom > 190
        assert image[top:bottom, left:right].any()


@pytest.mark.parametrize("extent, pen, text", [(30, 6, "7,1"), (22, 18, "7.1")])
def test_a_stroke_no_larger_than_a_point_ending_on_the_line_is_a_comma_only_if_long_and_thin(shipped, extent, pen,
                                                                                             text):
    # Its ink ends 2 pixels under the digits' feet, 36 or 41 pixels long (a point is up to 42 here): drawn with a
    # pen of 6 pixels it is 6 times as long as wide, a comma (numbers.LONG); with the 18-pixel pen 2.2 times, a dab,
    # still a point, as the numbers benchmark's points that long are.
    image = on_strip((PLAIN[7], 150), (PLAIN[1], 330))[..., 3]
    stroke = render(COMMA, extent, (250, 216 - extent / 2 - pen / 2), pen, size=780)[:260, :, 3]
    assert shipped.recognize_number(np.maximum(image, stroke)).text == text


@pytest.mark.parametrize("size, hollow, text", [(30, False, "7.1"), (70, False, "7.1"), (70, True, "701"),
                                                (85, False, "71")])
def test_a_round_filled_dot_is_a_point_up_to_nearly_half_the_digits_height(shipped, size, hollow, text):
    # A bold dot over a quarter of the digits' height was dropped without a word (7.1 read as a sure 71); a ring as
    # large is a small 0, and a dot over BOLD (0.45) of their height no point.
    image = on_strip((PLAIN[7], 150), (PLAIN[1], 330))[..., 3]
    dot = Image.new("L", image.shape[::-1])
    ImageDraw.Draw(dot).ellipse((266 - size // 2, 212 - size, 266 + size // 2, 212), fill=255)
    if hollow:
        ImageDraw.Draw(dot).ellipse((266 - size // 4, 212 - size * 3 // 4, 266 + size // 4, 212 - size // 4), fill=0)
    result = shipped.recognize_number(np.maximum(image, np.asarray(dot)))
    assert result.text == text


def test_a_tap_beside_small_digits_is_a_point(shipped):
    # The pen's 18-pixel tap beside digits 50 pixels across (69 high with the pen) is over a quarter of their height:
    # it was dropped, 7.1 read as 71.
    image = on_strip((PLAIN[7], 100, 150, 50), (POINT, 135, 170, 1), (PLAIN[1], 165, 150, 50))[..., 3]
    result = shipped.recognize_number(image)
    assert result.text == "7.1"
    (_, _, (left, top, right, bottom)), = result.marks
    assert result.boxes[0][2] <= left + 2 and right - 2 <= result.boxes[1][0] and bottom - top < 25


@pytest.mark.parametrize("apart", [60, 240])
def test_numbers_far_apart_on_a_line_are_two_numbers(shipped, apart):
    # A review's photo of 14 with a 7 a photo's width away was read as 147. Digits 1.5 times their height apart
    # (numbers.NUMBER_GAP) begin another number; a wide gap within a number does not.
    strip = on_strip((PLAIN[1], 90, 130, 100), (PLAIN[0], 190, 130, 100), (PLAIN[7], 240 + apart + 50, 130, 100))
    result = shipped.recognize_number(strip)
    gap, height = result.boxes[2][0] - result.boxes[1][2], np.median([b[3] - b[1] for b in result.boxes])
    far = gap > NUMBER_GAP * height
    assert far == (apart == 240)
    assert (result.text, result.number_starts) == (("10 7", {2}) if far else ("107", set()))


def test_more_writing_than_numbers_is_refused_before_it_is_read():
    # A scan of typed text, read as a number, took the server's memory past 17 GB (a review): hundreds of pieces on
    # one line, each run of them a candidate read by three networks.
    with pytest.raises(TooMuchWriting, match="more writing here than numbers: crop the photo to the number"):
        number_lines(photo_ink(open_photo(typed_page())).ink)
    # The limit counts the pieces of digits (blobs and their slices), across all lines.
    three = ink_intensity(on_strip((PLAIN[7], 150), (PLAIN[0], 390), (PLAIN[1], 630)))
    pieces = len(ink_candidates(three).atoms)
    assert pieces >= 3 and ink_candidates(three, most_atoms=pieces) is not None
    with pytest.raises(TooMuchWriting):
        ink_candidates(three, most_atoms=pieces - 1)


def test_a_line_under_a_digit_is_flat_lies_lowest_and_runs_past_its_foot_both_ways():
    from scipy import ndimage
    from digits.numbers import underlines

    def lines(*boxes: tuple[int, int, int, int]) -> set[int]:
        """The underlines among filled boxes (top, bottom, left, right), labelled 1, 2... in turn."""
        labels = np.zeros((300, 300), int)
        for label, (top, bottom, left, right) in enumerate(boxes, start=1):
            labels[top:bottom, left:right] = label
        return underlines(labels, list(enumerate(ndimage.find_objects(labels), start=1)))

    stem = (20, 120, 95, 105)  # a digit's upright, its foot 10 pixels wide
    assert lines(stem, (140, 146, 50, 150)) == {2}  # 20 pixels under it, running on both ways
    assert lines(stem, (122, 128, 50, 150)) == set()  # meeting it, nearly: a base
    assert lines(stem, (140, 146, 95, 190)) == set()  # beginning under its foot, as a 2's base drawn apart
    assert lines(stem, (140, 180, 50, 150)) == set()  # not flat: a stroke of it
    # A sliver of a broken digit, with more of it lower in its columns, is no line (a broken 6 was read as a 5).
    assert lines(stem, (140, 146, 50, 150), (160, 200, 60, 140)) == set()
    assert lines(stem, (140, 146, 50, 150), (160, 166, 50, 150)) == {2, 3}  # two lines under it

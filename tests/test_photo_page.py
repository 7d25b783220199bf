"""The Photo page and Number mode with Streamlit's AppTest (no browser): uploads read as a digit or a number,
with each digit's top 3 and the unsure ones marked, bad uploads and blank paper explained."""

import io
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from digits.benchmark_shapes import NON_DIGITS_UNSEEN, by_hand
from digits.drawing import PLAIN, TRAINING_STYLES
from digits.number_shapes import lay_out
from digits.photos import BLANK, MAX_BYTES
from tests.conftest import number_advice, typed_page
from tests.test_page import charts, run_page
from tests.test_photos import bad_uploads, ink, photo

FOUR = TRAINING_STYLES["closed 4"][2](np.random.default_rng(1))


def jpeg_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def number_photo(drawings=(FOUR, PLAIN[1], PLAIN[7]), point_after: int | None = None,
                 underlined: bool = False) -> bytes:
    """A photo of the drawings side by side (by default 417) in blue ink on paper, a little noisy; with
    `point_after`, a decimal point at the digits' feet after that drawing's; `underlined`, with a line under them."""
    layers = lay_out([ink(s, 280, extent=180, pen=14) for s in drawings], [50] * (len(drawings) - 1))
    number = layers.max(axis=0)
    if underlined:
        rows, columns = np.flatnonzero(number.any(axis=1)), np.flatnonzero(number.any(axis=0))
        number[rows[-1] + 20 : rows[-1] + 30, columns[0] + 10 : columns[-1] - 10] = 1
    if point_after is not None:
        feet, right = np.flatnonzero(number.any(axis=1))[-1], np.flatnonzero(layers[point_after].any(axis=0))[-1]
        point = ink([[(0.5, 0.5), (0.5, 0.51)]], max(number.shape), extent=10, pen=14, centre=(right + 25, feet - 7))
        number = np.maximum(number, point[: number.shape[0], : number.shape[1]])
    return jpeg_bytes(photo(np.pad(number, 60), colour=(25, 40, 150)))


def photo_page(monkeypatch, models, tmp_path) -> AppTest:
    """The app on its Photo page, with a data folder of the test's own (the module shares the models folder)."""
    app = run_page(monkeypatch, models, tmp_path / "data")
    app.switch_page("app_pages/photo.py").run()
    assert not app.exception
    return app


def test_a_photo_with_a_part_unlike_any_digit_says_to_crop_it(monkeypatch, models, tmp_path):
    # A drawing on the Draw page is told to be written in digits only, a photo to be cropped: the Draw page had said
    # "crop a photo" too, and has none (a review, 2026-12-08).
    rng = np.random.default_rng(3)
    sun = by_hand(NON_DIGITS_UNSEEN["sun"](rng), rng)
    app = photo_page(monkeypatch, models, tmp_path)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    app.file_uploader(key="photo-upload").upload("7sun1.jpg", number_photo((PLAIN[7], sun, PLAIN[1])),
                                                 "image/jpeg").run()
    assert [w.value for w in app.warning] == [
        "The 2nd digit (marked ?, in amber) does not look like a digit. The model knows only 0 to 9 and reads anything "
        "as one of them: crop the photo to its digits."]


def test_six_digits_uploaded_in_digit_mode_point_to_number_mode_not_to_a_level_line(monkeypatch, models, tmp_path):
    # Squeezed into one digit's 28x28, they are as flat as a dash: "only a level line" was said (a review, 2026-12-03).
    from digits.recognition import Recognizer
    jpeg = number_photo([PLAIN[int(c)] for c in "710710"])
    [one] = Recognizer.load(models / "digits.keras").recognize_photo(Image.open(io.BytesIO(jpeg))).digits
    assert one.is_level_line
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload("710710.jpg", jpeg, "image/jpeg").run()
    assert [i.value for i in app.info] == [number_advice(6)]
    assert not app.warning and [m.label for m in app.main.metric] == ["Digit"]


def test_an_uploaded_photo_of_a_number_is_read_with_its_digits(monkeypatch, models, tmp_path):
    app = photo_page(monkeypatch, models, tmp_path)
    assert any("Upload a photo" in i.value for i in app.info)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    app.file_uploader(key="photo-upload").upload("417.jpg", number_photo(), "image/jpeg").run()
    assert not app.exception
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "417")]
    table = next(m.value for m in app.markdown if "| read |" in m.value)
    assert table.startswith("| place | read | sure | could also be |\n")  # every column named, for a screen reader
    assert [row.split("|")[2].strip().strip("*")[:1] for row in table.splitlines()[2:]] == ["4", "1", "7"]
    assert len(app.main.image) == 1  # the photo with its boxes
    # A decimal point is kept in the number, not read as a digit (4.17 was 417, the point dropped as a speck).
    app.file_uploader(key="photo-upload").upload("4.17.jpg", number_photo(point_after=0), "image/jpeg").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "4.17")]
    table = next(m.value for m in app.markdown if "| read |" in m.value)
    assert [row.split("|")[2].strip().strip("*")[:1] for row in table.splitlines()[2:]] == ["4", "1", "7"]


def test_a_photo_outlives_a_trip_to_another_page_until_it_is_replaced_or_forgotten(monkeypatch, models, tmp_path):
    app = photo_page(monkeypatch, models, tmp_path)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    app.file_uploader(key="photo-upload").upload("417.jpg", number_photo(), "image/jpeg").run()
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/photo.py").run()  # it had come back empty, in Digit mode
    assert not app.exception
    assert app.segmented_control(key="photo-mode").value == "Number"
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "417")]
    assert "Your last photo, 417.jpg, read again: upload another to replace it." in [c.value for c in app.caption]
    app.segmented_control(key="photo-mode").set_value("Digit").run()  # it stays through the page's own runs
    assert [m.label for m in app.main.metric] == ["Digit"]
    app.file_uploader(key="photo-upload").upload("70.jpg", number_photo((PLAIN[7], PLAIN[0])), "image/jpeg")
    app.segmented_control(key="photo-mode").set_value("Number").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "70")]  # another chosen replaces it
    assert not [c for c in app.caption if c.value.startswith("Your last photo")]
    app.switch_page("app_pages/model.py").run()
    app.switch_page("app_pages/photo.py").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "70")]
    [forget] = [b for b in app.main.button if b.label == "Forget this photo"]
    forget.click()
    app.run()
    assert not app.main.metric and any("Upload a photo" in i.value for i in app.info)
    assert not [c for c in app.caption if c.value.startswith("Your last photo")] and not app.main.button
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/photo.py").run()
    assert not app.main.metric  # forgotten for good


def test_a_photo_of_numbers_one_under_another_reads_each(monkeypatch, models, tmp_path):
    app = photo_page(monkeypatch, models, tmp_path)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    lines = [lay_out([ink(s, 280, extent=180, pen=14) for s in drawings], [50]).max(axis=0)
             for drawings in ((PLAIN[1], PLAIN[7]), (FOUR, PLAIN[0]))]
    width = max(line.shape[1] for line in lines)
    sheet = np.vstack([np.pad(line, ((0, 0), (0, width - line.shape[1]))) for line in lines])
    app.file_uploader(key="photo-upload").upload("two.jpg", jpeg_bytes(photo(np.pad(sheet, 60))), "image/jpeg").run()
    assert not app.exception
    assert [(m.label, m.value) for m in app.main.metric] == [("2 numbers", "17 40")]
    # In Digit mode, the page says it is two numbers, not "a number of 4 digits".
    app.segmented_control(key="photo-mode").set_value("Digit").run()
    assert [i.value for i in app.info] == ["This looks like 2 numbers: **Read it as a number**, below, reads them."]


def test_an_uploaded_photo_of_a_digit_in_digit_mode(monkeypatch, models, tmp_path):
    app = photo_page(monkeypatch, models, tmp_path)
    seven = photo(np.pad(ink(PLAIN[7], 300), ((50, 50), (150, 150))), noise=8)
    app.file_uploader(key="photo-upload").upload("seven.jpg", jpeg_bytes(seven), "image/jpeg").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Digit", "7")]
    assert app.main.image[0].captions == ["The digit's box, with the digit read over it"]
    (bars,) = charts(app.main)  # each digit's probability, the one read marked, as on the Draw page
    assert len(bars["data"]["values"]) == 10 and [v["digit"] for v in bars["data"]["values"] if v["read"]] == ["7"]
    assert not [m for m in app.markdown if "| read |" in m.value]  # no table of one row
    assert not app.info and not app.warning  # a digit the model is sure of, and no number


@pytest.mark.parametrize("drawings, text", [((PLAIN[1], PLAIN[0], PLAIN[7]), "107"),
                                            ((FOUR, PLAIN[1], PLAIN[7]), "417")])
def test_a_number_uploaded_in_digit_mode_points_to_number_mode(monkeypatch, models, tmp_path, drawings, text):
    from digits.recognition import Recognizer
    jpeg = number_photo(drawings)
    # Read as one digit, unsure of it (both numbers, with the shipped model).
    assert Recognizer.load(models / "digits.keras").recognize_photo(Image.open(io.BytesIO(jpeg))).unsure
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload(f"{text}.jpg", jpeg, "image/jpeg").run()
    assert [m.label for m in app.main.metric] == ["Digit"]  # read as one digit, as asked
    assert [i.value for i in app.info] == [number_advice(3)]
    assert not app.warning  # the hint says why it is unsure, "Try writing it more plainly" would not
    # One tap reads it as a number, as on the Draw page.
    [button] = [b for b in app.main.button if b.label == "Read it as a number"]
    button.click().run()
    assert not app.exception and app.segmented_control(key="photo-mode").value == "Number"
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", text)] and not app.info
    assert not [b for b in app.main.button if b.label == "Read it as a number"]


@pytest.mark.parametrize("name", ["text", "truncated JPEG", "GIF", "bomb", "empty", "BMP", "over 20 MB"])
def test_a_bad_upload_gets_a_clear_message_and_the_page_goes_on(monkeypatch, models, tmp_path, name):
    data, words = bad_uploads()[name]
    app = photo_page(monkeypatch, models, tmp_path)
    # The uploader takes any type, so that the page says what is wrong (its own refusal was a red mark, the reason
    # only under a hovering pointer).
    assert app.file_uploader(key="photo-upload").allowed_type == []
    file = f"bad-{name}.{'bmp' if name == 'BMP' else 'png'}"
    app.file_uploader(key="photo-upload").upload(file, data, "image/png").run()
    assert not app.exception
    assert any(words in e.value and file in e.value for e in app.error)
    assert not app.main.metric
    app.file_uploader(key="photo-upload").upload("417.jpg", number_photo(), "image/jpeg").run()  # and goes on
    app.segmented_control(key="photo-mode").set_value("Number").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "417")]


def test_the_uploader_takes_files_over_the_size_read_so_that_the_page_says_why(monkeypatch, models, tmp_path):
    # Refused by the uploader itself, a 21 MB photo was a red mark whose reason showed only under a hovering pointer,
    # the last photo's answer still beside it (a review, 2026-12-04); open_photo's refusal says the size.
    app = photo_page(monkeypatch, models, tmp_path)
    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    assert app.file_uploader(key="photo-upload").proto.max_upload_size_mb == config["server"]["maxUploadSize"]
    assert config["server"]["maxUploadSize"] > MAX_BYTES / 2**20


def test_a_bad_upload_does_not_replace_the_last_good_photo(monkeypatch, models, tmp_path):
    # A broken file put in a good photo's place was the one given back on a return to the page, with its error: the
    # good photo was lost (a review, 2026-12-04). Chromium takes the old file out first, in a run of its own.
    app = photo_page(monkeypatch, models, tmp_path)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    app.file_uploader(key="photo-upload").upload("417.jpg", number_photo(), "image/jpeg").run()
    app.file_uploader(key="photo-upload").set_value(None).run()
    assert not app.main.metric and not [c for c in app.caption if c.value.startswith("Your last photo")]
    data, words = bad_uploads()["truncated PNG"]
    app.file_uploader(key="photo-upload").upload("broken.png", data, "image/png").run()
    assert any(words in e.value and "broken.png" in e.value for e in app.error) and not app.main.metric
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/photo.py").run()
    assert not app.exception and not app.error
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "417")]
    assert "Your last photo, 417.jpg, read again: upload another to replace it." in [c.value for c in app.caption]
    # A photo taken out of the uploader, with nothing put in its place, is not given back, not even after a broken
    # file uploaded later.
    app.file_uploader(key="photo-upload").upload("70.jpg", number_photo((PLAIN[7], PLAIN[0])), "image/jpeg").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "70")]
    app.file_uploader(key="photo-upload").set_value(None).run()
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/photo.py").run()
    assert not app.main.metric and any("Upload a photo" in i.value for i in app.info)
    app.file_uploader(key="photo-upload").upload("broken.png", data, "image/png").run()
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/photo.py").run()
    assert not app.main.metric and "photo-last" not in app.session_state


def test_blank_paper_says_no_digit_was_found(monkeypatch, models, tmp_path):
    app = photo_page(monkeypatch, models, tmp_path)
    paper = photo(np.zeros((300, 400)), noise=8)
    app.file_uploader(key="photo-upload").upload("paper.jpg", jpeg_bytes(paper), "image/jpeg").run()
    assert any("No digit found" in w.value for w in app.warning) and not app.main.metric
    # A speck of ink is too small to read, not blank paper (a review, 2026-12-03).
    speck = np.zeros((300, 400))
    speck[150:156, 200:206] = 1.0
    app.file_uploader(key="photo-upload").upload("speck.jpg", jpeg_bytes(photo(speck, noise=8)), "image/jpeg").run()
    assert [w.value for w in app.warning] == ["Too small to read: the ink is only a speck. Try a closer photo, or "
                                              "crop it to the writing."]
    # A digit too small for its photo is taken for the paper's grain: the page said the paper looked blank, no more.
    tiny = np.zeros((1500, 2000))
    tiny[700:730, 900:930] = ink(PLAIN[7], 30, extent=30, pen=3)
    app.file_uploader(key="photo-upload").upload("tiny.jpg", jpeg_bytes(photo(tiny, noise=8)), "image/jpeg").run()
    assert [w.value for w in app.warning] == [BLANK] and "too small" in BLANK and not app.main.metric


def test_a_scanned_page_of_text_is_said_to_be_more_writing_than_numbers(monkeypatch, models, tmp_path):
    # Read as a number (in Digit mode too, to say whether it looks like one), a review's scan took the server's
    # memory past 17 GB, and the kernel killed it; read as one digit, it was a 0.
    app = photo_page(monkeypatch, models, tmp_path)
    for mode in ("Digit", "Number"):
        app.segmented_control(key="photo-mode").set_value(mode).run()
        app.file_uploader(key="photo-upload").upload("scan.png", typed_page(), "image/png").run()
        assert not app.exception and not app.main.metric
        [warning] = app.warning
        assert warning.value.startswith("There is more writing here than numbers: crop the photo to the number")
        assert app.main.image[0].captions == ["scan.png"]


def test_number_mode_has_a_wide_canvas_and_prompts(monkeypatch, models, tmp_path):
    app = run_page(monkeypatch, models, tmp_path / "data")
    app.segmented_control(key="mode").set_value("Number").run()
    assert not app.exception
    assert any("Write a number" in i.value for i in app.info)
    assert "Prediction" not in [m.label for m in app.main.metric]
    app.segmented_control(key="mode").set_value("Digit").run()
    assert any("Draw a digit" in i.value for i in app.info)


# Shapes that are no digit: Us of three widths, a C, a plus, a cross.
NO_DIGITS = [[[(a, 0.0), (a, 0.8), (0.5, 1.0), (1 - a, 0.8), (1 - a, 0.0)]] for a in (0.1, 0.2, 0.3)] + [
    [[(0.9, 0.1), (0.5, 0.0), (0.1, 0.5), (0.5, 1.0), (0.9, 0.9)]],
    [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    [[(0.1, 0.1), (0.9, 0.9)], [(0.9, 0.1), (0.1, 0.9)]],
]


def first_shape_photo(models, read_so) -> bytes:
    """The first of NO_DIGITS, alone in a photo, whose single digit the shipped recognizer reads so."""
    from digits.recognition import Recognizer
    recognizer = Recognizer.load(models / "digits.keras")
    photos = (jpeg_bytes(photo(np.pad(ink(shape, 300), ((50, 50), (150, 150))), noise=8)) for shape in NO_DIGITS)
    read = ((jpeg, recognizer.recognize_photo(Image.open(io.BytesIO(jpeg))).digits[0]) for jpeg in photos)
    chosen = next((jpeg for jpeg, digit in read if read_so(digit)), None)
    assert chosen is not None, "no shape that is no digit is read so"
    return chosen


def test_an_unsure_single_digit_is_said_to_be_so(monkeypatch, models, tmp_path):
    # A model sure of every shape that is no digit fails here, as it should: it is overconfident.
    unsure = first_shape_photo(models, lambda digit: digit.unsure and digit.looks_like_a_digit)
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload("shape.jpg", unsure, "image/jpeg").run()
    assert [m.label for m in app.main.metric] == ["Digit"] and not app.info  # one shape: no number to point to
    assert [w.value for w in app.warning] == ["Not sure of this digit (marked ?, in amber). Try writing it more "
                                              "plainly."]


def test_a_photo_of_what_looks_like_no_digit_is_said_to_be_none(monkeypatch, models, tmp_path):
    shape = first_shape_photo(models, lambda digit: not digit.looks_like_a_digit)
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload("shape.jpg", shape, "image/jpeg").run()
    [metric] = app.main.metric
    assert (metric.label, metric.value, metric.delta) == ("Digit", "?", "looks like no digit")
    [warning] = app.warning
    assert warning.value.startswith("This does not look like a digit.")
    assert re.search(r"\(this as \*\*\d\*\*\)", warning.value)  # what the model read, said only there
    (bars,) = charts(app.main)
    assert bars["title"]["text"] == "Read as a digit anyway"


def test_an_unsure_digit_is_marked_in_the_number(monkeypatch, models, tmp_path):
    # The shapes that are no digit after 70: the first that the shipped model reads as one unsure digit is uploaded
    from digits.recognition import Recognizer
    recognizer = Recognizer.load(models / "digits.keras")
    photos = (number_photo((PLAIN[7], PLAIN[0], shape)) for shape in NO_DIGITS)
    unsure = next((jpeg for jpeg in photos
                   if [digit.unsure for digit in
                       recognizer.recognize_photo(Image.open(io.BytesIO(jpeg)), number=True).digits]
                   == [False, False, True]), None)
    assert unsure is not None, "the model is sure of every shape that is no digit"
    app = photo_page(monkeypatch, models, tmp_path)
    app.segmented_control(key="photo-mode").set_value("Number").run()
    app.file_uploader(key="photo-upload").upload("70u.jpg", unsure, "image/jpeg").run()
    (metric,) = app.main.metric
    assert metric.label == "Number" and metric.value.startswith("70") and len(metric.value) == 3
    table = next(m.value for m in app.markdown if "| read |" in m.value).splitlines()[2:]
    also = [row.split("|")[4].strip() for row in table]
    assert len(table) == 3 and all(a == "nothing else" or 1 <= len(a.split(",")) <= 2 for a in also)  # up to two
    assert "(0%)" not in " ".join(also) and also[2] != "nothing else"  # those it gives some chance, as the unsure one's
    assert "unsure" in table[2] and "unsure" not in table[0] + table[1]
    assert any("Not sure of the 3rd digit" in w.value for w in app.warning)


def test_places_in_a_number_are_said_in_words():
    from app_pages.readings import left_out_lines
    from digits.numbers import places
    assert [places(p) for p in ([3], [2, 3], [1, 2, 4], [11, 12, 13, 21, 22])] == [
        "the 3rd digit", "the 2nd and 3rd digits", "the 1st, 2nd and 4th digits",
        "the 11th, 12th, 13th, 21st and 22nd digits"]
    assert left_out_lines(1).startswith("A level line (") and left_out_lines(3).startswith("3 level lines (")


def test_a_level_line_in_a_photo_is_no_digit_and_is_left_out_of_a_number(monkeypatch, models, tmp_path):
    from digits.photos import ONLY_A_LEVEL_LINE
    from app_pages.readings import left_out_lines

    dash = PLAIN[7][:1]  # read as a 2 before
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload("dash.jpg", number_photo((dash,)), "image/jpeg").run()
    assert not app.exception and not app.main.metric
    assert [w.value for w in app.warning] == [ONLY_A_LEVEL_LINE] and app.main.image[0].captions == ["dash.jpg"]
    app.file_uploader(key="photo-upload").upload("7-.jpg", number_photo((PLAIN[7], dash)), "image/jpeg").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Digit", "7")]  # the ink read as one digit, as asked
    # Not "This looks like a number of 2 digits", the dash counted as one, but that it was left out of the digit.
    assert [i.value for i in app.info] == [left_out_lines(1, "digit")] and "of the digit." in app.info[0].value
    # So is a line under a digit, which read with it had turned a 7 into a 1.
    app.file_uploader(key="photo-upload").upload("7_.jpg", number_photo((PLAIN[7],), underlined=True), "image/jpeg")
    app.run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Digit", "7")]
    assert [i.value for i in app.info] == [left_out_lines(1, "digit")]
    # Before the digit, a minus sign: a number (a review's photo of -8 was said to look like no digit, read as a 2).
    app.file_uploader(key="photo-upload").upload("-7.jpg", number_photo((dash, PLAIN[7])), "image/jpeg").run()
    assert [i.value for i in app.info] == ["This looks like a number: **Read it as a number**, below, reads it whole."]
    app.segmented_control(key="photo-mode").set_value("Number").run()
    # Between two digits at mid-height, it is a dash, and is written so; after the last one, it is left out.
    app.file_uploader(key="photo-upload").upload("1-7.jpg", number_photo((PLAIN[1], dash, PLAIN[7])), "image/jpeg")
    app.run()
    assert not app.exception and not app.info
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "1-7")]  # "17" before, with the info below
    app.file_uploader(key="photo-upload").upload("17-.jpg", number_photo((PLAIN[1], PLAIN[7], dash)), "image/jpeg")
    app.run()
    assert [i.value for i in app.info] == [left_out_lines(1)]
    assert [(m.label, m.value) for m in app.main.metric] == [("Number", "17")]
    for drawings in ((PLAIN[7],), (PLAIN[1], PLAIN[7])):  # underlined: the 7 had been read as a 1 with a base
        app.file_uploader(key="photo-upload").upload("_.jpg", number_photo(drawings, underlined=True), "image/jpeg")
        app.run()
        assert [i.value for i in app.info] == [left_out_lines(1)]
        assert [(m.label, m.value) for m in app.main.metric] == [("Number", "17"[2 - len(drawings):])]


def test_a_photo_is_read_once_for_the_runs_that_show_it_again(monkeypatch, models, tmp_path):
    # A run that changes nothing read (a sidebar's widget; a visitor's program asking twice a second) read a
    # 48-megapixel photo again in 2.1 s (a security review, 2026-12-06).
    app = photo_page(monkeypatch, models, tmp_path)
    app.file_uploader(key="photo-upload").upload("417.jpg", number_photo(), "image/jpeg").run()
    first, read = app.session_state["photo-read"], [(m.label, m.value) for m in app.main.metric]
    app.run()
    assert app.session_state["photo-read"] is first and [(m.label, m.value) for m in app.main.metric] == read
    app.segmented_control(key="photo-mode").set_value("Number").run()  # read again, as a number
    assert app.session_state["photo-read"] is not first and [m.value for m in app.main.metric] == ["417"]
    assert len(app.main.image) == 1
    # Another photo is read anew; and once none is shown, the picture kept for it goes.
    app.file_uploader(key="photo-upload").upload("7.jpg", number_photo([PLAIN[7]]), "image/jpeg").run()
    assert [m.value for m in app.main.metric] == ["7"]
    app.file_uploader(key="photo-upload").clear().run()
    app.run()
    assert "photo-read" not in app.session_state and not app.main.metric

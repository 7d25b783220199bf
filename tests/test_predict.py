import json
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
from PIL import Image

from digits.benchmark_shapes import NON_DIGITS_UNSEEN, by_hand
from digits.drawing import PLAIN, render
from digits.photos import BLANK, ONLY_A_LEVEL_LINE, TOO_SMALL
from digits.registry import ModelRegistry
from tests.browser import copy_shipped_model
from tests.conftest import ROOT, on_strip, run_main, run_script, script, typed_page


def write_digits(folder):
    """A dark-on-light PNG 7, a light-on-dark JPEG 1, a blank PNG and a text file posing as an image."""
    folder.mkdir()
    seven = 255 - render(PLAIN[7], 300, (200, 200), 20, size=400)[..., 3]
    Image.fromarray(seven).convert("RGB").save(folder / "seven.png")
    Image.fromarray(render(PLAIN[1], 60, (40, 40), 6, size=80)[..., 3]).save(folder / "one.jpg", quality=85)
    Image.new("L", (64, 64), 255).save(folder / "blank.png")
    (folder / "notes.png").write_text("not an image")
    return folder


def test_reads_each_file_and_reports_the_bad_ones(tmp_path):
    folder = write_digits(tmp_path / "in")
    # A dot of the pen is ink too small to read, not blank paper, which was said of it (a review, 2026-12-03).
    Image.fromarray(255 - render([[(0.0, 0.0), (0.05, 0.0)]], 10, (140, 140), 22)[..., 3]).save(tmp_path / "dot.png")
    done = run_script("predict.py", folder / "seven.png", folder / "one.jpg", folder / "blank.png",
                      folder / "notes.png", folder / "missing.png", tmp_path / "dot.png")
    assert done.returncode == 1
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert lines[str(folder / "seven.png")].startswith("7 (")
    assert lines[str(folder / "one.jpg")].startswith("1 (")
    assert f"{folder / 'blank.png'}: error: {BLANK}" in done.stderr
    assert f"dot.png: error: {TOO_SMALL}" in done.stderr
    assert f"{folder / 'notes.png'}: error: This file is not an image" in done.stderr
    assert f"{folder / 'missing.png'}: error: No such file." in done.stderr
    assert "Traceback" not in done.stderr
    # Only the script's own lines: none of TensorFlow's (absl, oneDNN, XLA) between them.
    assert [line for line in done.stderr.splitlines() if ": error: " not in line] == []


def test_each_file_is_said_as_it_is_read_and_ctrl_c_keeps_what_was_said(tmp_path):
    # A folder of 300 photos had been minutes of silence, then all lost with a traceback at Ctrl-C (a review,
    # 2026-12-07).
    seven = write_digits(tmp_path / "in") / "seven.png"
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(200):
        shutil.copy(seven, folder / f"{number:03}.png")
    # Run as from a terminal, where Ctrl-C is not ignored: a shell's background job (as CI runs the suite) ignores
    # SIGINT, and a process started so does too.
    process = subprocess.Popen([sys.executable, ROOT / "scripts" / "predict.py", folder], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    first = process.stdout.readline()  # said while the other 199 wait to be read
    process.send_signal(signal.SIGINT)
    rest, said = process.communicate(timeout=120)
    lines = [first, *rest.splitlines()]
    assert process.returncode == 130 and len(lines) < 200
    assert all(line.startswith(f"{folder / f'{number:03}.png'}: 7 (") for number, line in enumerate(lines)), lines
    # One line, not a traceback; it counts a file read as the signal came, before its line was said.
    [interrupted] = said.splitlines()
    assert interrupted in {f"interrupted after {n} file{'s' if n > 1 else ''}" for n in (len(lines), len(lines) + 1)}
    # With --json, what was read is still printed, as one list: it had all been thrown away. (The bad file, first,
    # is said on stderr as it is read, to know when to press Ctrl-C.)
    (folder / "000-bad.png").write_text("not an image")
    process = subprocess.Popen([sys.executable, ROOT / "scripts" / "predict.py", "--json", folder],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stderr.readline().startswith(f"{folder / '000-bad.png'}: error: ")
    process.send_signal(signal.SIGINT)
    printed, said = process.communicate(timeout=120)
    read = json.loads(printed)
    assert process.returncode == 130 and said == f"interrupted after {len(read)} file{'s' if len(read) > 1 else ''}\n"
    assert read[0]["file"] == str(folder / "000-bad.png") and all(r["digit"] == 7 for r in read[1:]) and len(read) < 201


def test_help_and_mistaken_arguments_are_answered_before_tensorflow_is_imported(tmp_path):
    # They had waited 6 s for TensorFlow (a review, 2026-12-07; 0.8 s now). A tensorflow module that cannot be
    # imported, ahead of the real one, shows which runs import it.
    (tmp_path / "tensorflow.py").write_text("raise ImportError('this run imported tensorflow')")
    shadowed = {"PYTHONPATH": str(tmp_path)}
    for name in ("predict.py", "train.py"):
        done = run_script(name, "--help", env=shadowed)
        assert done.returncode == 0 and "usage:" in done.stdout and not done.stderr, (name, done.stderr)
    done = run_script("predict.py", "--top", "11", tmp_path / "seven.png", env=shadowed)
    assert done.returncode == 2 and "--top must be between 1 and 10" in done.stderr, done.stderr
    for data, said in ((tmp_path / "mnsit.npz", ""), (tmp_path, " is a folder; name the mnist.npz in it.")):
        done = run_script("train.py", "--data", data, "--out", tmp_path / "m.keras", env=shadowed)
        assert done.returncode == 2 and f"--data: MNIST file not found: {data}{said}\n" in done.stderr, done.stderr
    done = run_script("train.py", "--data", "", "--out", tmp_path / "m.keras", env=shadowed)  # "." had been tried
    assert done.returncode == 2 and "--data is empty: name the MNIST file" in done.stderr, done.stderr
    done = run_script("predict.py", "--number", "--top", "2", tmp_path / "seven.png", env=shadowed)  # reading does
    assert done.returncode == 1 and "this run imported tensorflow" in done.stderr, done.stderr
    # Ctrl-C while TensorFlow is imported (seconds): its traceback had come out. This one says so, and waits.
    (tmp_path / "tensorflow.py").write_text("import time\nprint('importing', flush=True)\ntime.sleep(60)\n")
    process = subprocess.Popen([sys.executable, ROOT / "scripts" / "predict.py", tmp_path / "seven.png"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **shadowed},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline() == "importing\n"
    process.send_signal(signal.SIGINT)
    _, said = process.communicate(timeout=30)
    assert process.returncode == 130 and said == "interrupted before any file was read\n"


def test_a_model_file_that_is_no_digit_model_is_named_so(tmp_path):
    # Keras said "File not found" of a text file it had found, and a network of another shape failed with a
    # traceback, or read every digit as 0 or 1 (a review, 2026-12-03).
    folder = write_digits(tmp_path / "in")
    (tmp_path / "notes.keras").write_text("not a model")
    for model, said in ((tmp_path / "notes.keras", "is not a model Keras can load"),
                        (ROOT / "models" / "segmentation" / "pair.keras", "is not a digit model: it takes (28, 56, 1)"),
                        (ROOT / "models" / "segmentation" / "one_digit.keras", "is not a digit model")):
        done = run_main("predict.py", "--model", model, folder / "seven.png")
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_model_named_wrong_gets_the_models_there_or_how_to_train_one(tmp_path):
    # A folder and a mistyped name had both been told to train one, the folder with a command train.py refuses
    # (a review, 2026-12-07).
    models, seven = copy_shipped_model(tmp_path / "models"), write_digits(tmp_path / "in") / "seven.png"
    (tmp_path / "empty").mkdir()
    for model, said in ((models / "digit.keras", f"no model at {models / 'digit.keras'}; the models in {models}: "
                                                 "digits.keras"),
                        (models, f"{models} is a folder, not a model file; the models in {models}: digits.keras"),
                        (tmp_path / "empty", f"is a folder, not a model file; train one with: python scripts/train.py "
                                             f"--out {tmp_path / 'empty' / 'mine.keras'}"),
                        (tmp_path / "empty" / "mine", f"train one with: python scripts/train.py --out "
                                                      f"{tmp_path / 'empty' / 'mine.keras'}")):
        done = run_main("predict.py", "--model", model, seven)
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_json_top_k_and_folders(tmp_path):
    folder = write_digits(tmp_path / "in")
    (folder / "blank.png").unlink()
    (folder / "notes.png").unlink()
    done = run_main("predict.py", "--json", "--top", "3", folder)
    assert done.returncode == 0, done.stderr
    results = {r["file"].rsplit("/", 1)[1]: r for r in json.loads(done.stdout)}
    assert results["seven.png"]["digit"] == 7 and results["one.jpg"]["digit"] == 1
    top = results["seven.png"]["top"]
    assert len(top) == 3 and top[0]["digit"] == 7
    assert np.isclose(top[0]["probability"], results["seven.png"]["confidence"])
    assert top[0]["probability"] >= top[1]["probability"] >= top[2]["probability"]


def test_a_drawing_that_looks_like_no_digit_is_said_to_be_none(tmp_path, shipped):
    rng = np.random.default_rng(3)
    sun = 255 - render(by_hand(NON_DIGITS_UNSEEN["sun"](rng), rng), 200, (140, 140), 14)[..., 3]
    Image.fromarray(sun).save(tmp_path / "sun.png")
    assert not shipped.recognize(Image.open(tmp_path / "sun.png")).looks_like_a_digit
    Image.fromarray(255 - render(PLAIN[7], 200, (140, 140), 14)[..., 3]).save(tmp_path / "seven.png")
    done = run_main("predict.py", tmp_path / "sun.png", tmp_path / "seven.png")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert lines[str(tmp_path / "sun.png")].endswith("  (looks like no digit)")
    assert lines[str(tmp_path / "seven.png")].startswith("7 (") and "no digit" not in lines[str(tmp_path / "seven.png")]
    done = run_main("predict.py", "--json", tmp_path / "sun.png", tmp_path / "seven.png")
    assert [r["looks_like_a_digit"] for r in json.loads(done.stdout)] == [False, True]
    # Read as a number, the sun among digits is named by its place.
    rng = np.random.default_rng(3)
    sun_strokes = by_hand(NON_DIGITS_UNSEEN["sun"](rng), rng)
    Image.fromarray(255 - on_strip((PLAIN[7], 150), (sun_strokes, 390), (PLAIN[1], 630))[..., 3]).save(
        tmp_path / "7 sun 1.png")
    done = run_main("predict.py", "--number", "--json", tmp_path / "7 sun 1.png")
    (read,) = json.loads(done.stdout)
    assert [d["looks_like_a_digit"] for d in read["digits"]] == [True, False, True]


def test_a_number_read_as_one_digit_points_to_number(tmp_path):
    Image.fromarray(255 - on_strip((PLAIN[1], 250), (PLAIN[7], 450))[..., 3]).save(tmp_path / "17.png")
    Image.fromarray(255 - render(PLAIN[7], 200, (140, 140), 14)[..., 3]).save(tmp_path / "7.png")
    # Squeezed into one digit's 28x28, five digits are as flat as a dash: the number is still pointed to, where
    # "only a level line" was said (a review, 2026-12-03).
    five = [(PLAIN[int(c)], x, 130, 120) for c, x in zip("71071", (90, 240, 390, 540, 690))]
    Image.fromarray(255 - on_strip(*five)[..., 3]).save(tmp_path / "71071.png")
    done = run_main("predict.py", tmp_path / "17.png", tmp_path / "7.png", tmp_path / "71071.png")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert lines[str(tmp_path / "17.png")].endswith("  (looks like a number: read it with --number)")
    assert "--number" not in lines[str(tmp_path / "7.png")]
    assert lines[str(tmp_path / "71071.png")].endswith("  (looks like a number: read it with --number)")
    done = run_main("predict.py", "--json", tmp_path / "17.png", tmp_path / "7.png")
    assert [r["looks_like_a_number"] for r in json.loads(done.stdout)] == [True, False]
    assert run_main("predict.py", "--number", tmp_path / "17.png").stdout.strip().endswith(": 17")


def test_a_scanned_page_of_text_is_more_writing_than_numbers(tmp_path):
    (tmp_path / "scan.png").write_bytes(typed_page())
    for mode in ([], ["--number"]):
        done = run_main("predict.py", *mode, tmp_path / "scan.png")
        assert done.returncode == 1 and not done.stdout
        assert "scan.png: error: There is more writing here than numbers: crop the photo" in done.stderr


def test_a_level_line_is_no_digit_and_is_left_out_of_a_number(tmp_path):
    def on_paper(*drawings: tuple[list, float]) -> Image.Image:
        """The drawings on Number mode's strip (conftest.on_strip) in dark ink on white."""
        return Image.fromarray(255 - on_strip(*drawings)[..., 3])

    dash, one = (PLAIN[7][:1], 390), (PLAIN[1], 200)
    on_paper(dash).save(tmp_path / "dash.png")  # read as a 2 before
    on_paper(one, dash).save(tmp_path / "one and a dash.png")  # read as 12 before
    done = run_main("predict.py", tmp_path / "dash.png")
    assert done.returncode == 1 and f"dash.png: error: {ONLY_A_LEVEL_LINE}" in done.stderr
    done = run_main("predict.py", "--number", tmp_path / "one and a dash.png")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(": ", 1)[1].startswith("1  (1 level line left out")
    # Between two digits, at mid-height, it is a dash: "1-7", where the JSON says before which digit it stands.
    on_paper((PLAIN[1], 150), (PLAIN[7][:1], 390), (PLAIN[7], 600)).save(tmp_path / "1-7.png")
    done = run_main("predict.py", "--number", "--json", tmp_path / "one and a dash.png", tmp_path / "1-7.png")
    one, one_dash_seven = json.loads(done.stdout)
    assert (one["number"], len(one["digits"]), one["level_lines_left_out"]) == ("1", 1, 1)
    assert (one_dash_seven["number"], len(one_dash_seven["digits"]), one_dash_seven["dashes"],
            one_dash_seven["level_lines_left_out"]) == ("1-7", 2, [1], 0)


def test_a_decimal_point_and_a_comma_are_kept_in_a_number_read_from_a_file(tmp_path):
    # Dark ink on white, as a photo or a scan: the point is lifted off the paper with the digits (photos.photo_ink).
    point, comma = [[(0.5, 0.5), (0.5, 0.52)]], [[(0.6, 0.0), (0.4, 1.0)]]
    Image.fromarray(255 - on_strip((PLAIN[1], 80), (comma, 140, 210, 40), (PLAIN[0], 230), (PLAIN[7], 350),
                                   (point, 440, 195, 10), (PLAIN[1], 500))[..., 3]).save(tmp_path / "1,07.1.png")
    done = run_main("predict.py", "--number", "--json", tmp_path / "1,07.1.png")
    (read,) = json.loads(done.stdout)
    assert (read["number"], len(read["digits"]), read["marks"]) == ("1,07.1", 4, [[1, ","], [3, "."]])
    # In words, with --top 2: the number, then a line more for each digit, its two likeliest readings (they were in
    # --json only).
    first, *digits = run_main("predict.py", "--number", "--top", "2", tmp_path / "1,07.1.png").stdout.splitlines()
    assert first.split(": ", 1)[1].startswith("1,07.1") and len(digits) == 4
    for line, place, digit in zip(digits, ("1st", "2nd", "3rd", "4th"), "1071"):
        assert line.startswith(f"  {place} digit: {digit} (") and line.count("%)") == 2, line


def test_a_number_names_its_unsure_digits_in_words():
    predict = script("predict.py")
    read = {"number": "1275", "level_lines_left_out": 1,
            "digits": [{"unsure": place in (2, 4), "looks_like_a_digit": True,
                        "top": [{"digit": 7, "probability": 0.9}]} for place in range(1, 5)]}
    assert predict.describe(read) == \
        "1275  (unsure of the 2nd and 4th digits)  (1 level line left out: a line is no digit)"
    read["digits"][3]["unsure"], read["level_lines_left_out"] = False, 0
    assert predict.describe(read) == "1275  (unsure of the 2nd digit)"
    read["digits"][2]["looks_like_a_digit"] = False
    assert predict.describe(read) == "1275  (unsure of the 2nd digit)  (the 3rd digit looks like no digit)"


def test_it_reads_with_the_model_the_app_serves_and_says_so(tmp_path, tiny_model_path, monkeypatch):
    # A review's promoted Quick model served the pages while predict.py read with the shipped one, unsaid.
    models = copy_shipped_model(tmp_path / "models")
    for suffix in (".keras", ".json"):
        shutil.copy(tiny_model_path.with_suffix(suffix), models / f"tiny{suffix}")
    seven = write_digits(tmp_path / "in") / "seven.png"
    monkeypatch.setenv("DIGITS_MODELS_DIR", str(models))
    shipped = run_main("predict.py", "--top", 3, seven)
    assert shipped.returncode == 0 and shipped.stderr == ""  # the shipped model serves: nothing to say
    ModelRegistry(models).use(models / "tiny.keras")
    served = run_main("predict.py", "--top", 3, seven)
    assert served.stderr == "reading with tiny, the model the app serves (--model to choose another)\n"
    assert served.stdout == run_main("predict.py", "--top", 3, "--model", models / "tiny.keras", seven).stdout
    assert served.stdout != shipped.stdout
    # A chosen model that cannot be loaded: the shipped one reads, as on the pages, and says why.
    (models / "tiny.keras").write_text("damaged")
    damaged = run_main("predict.py", "--top", 3, seven)
    assert damaged.returncode == 0 and damaged.stdout == shipped.stdout
    assert damaged.stderr.startswith("The model chosen to serve cannot be used: ")
    assert damaged.stderr.endswith(" Reading with the shipped model.\n")

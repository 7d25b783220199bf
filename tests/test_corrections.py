import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from digits import corrections
from digits.corrections import CONNECT_TIMEOUT, SCHEMA_VERSION, Corrections, CorrectionsError, corrections_location
from digits.deployment import collecting_enabled
from digits.registry import utc_now
from digits.preprocessing import to_mnist_input
from tests.browser import free_port
from tests.postgres import new_database, paused

ROOT = Path(__file__).resolve().parent.parent


def canvas(digit: int) -> np.ndarray:
    """A 280x280 RGBA drawing like the page's canvas: opaque white ink on a transparent background."""
    image = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if digit == 0:
        draw.ellipse((80, 40, 200, 240), outline=(255, 255, 255, 255), width=18)
    else:
        draw.line((140 - 6 * digit, 40, 140 + 6 * digit, 240), fill=(255, 255, 255, 255), width=18)
    return np.asarray(image)


def model_input(image) -> np.ndarray:
    return (to_mnist_input(image) * 255).round().astype(np.uint8)


def write_many(path: str, session: str, count: str, wait: str = "") -> None:
    """Add `count` corrections of digit i % 10 (model=str(i)) to the store; with `wait`, say "ready" and wait
    for a line on stdin first, so that all writers start together. Runs in the writer subprocesses."""
    store = Corrections(path)
    images = [canvas(digit) for digit in range(10)]
    if wait:
        print("ready", flush=True)
        sys.stdin.readline()
    for i in range(int(count)):
        store.add(images[i % 10], i % 10, model=str(i), session=session)


def write_forever(path: str) -> None:
    """Add corrections until killed, printing each id once add has returned. Runs in a subprocess."""
    store = Corrections(path)
    image = canvas(7)
    while True:
        print(store.add(image, 7, session="forever"), flush=True)


def python(function: str, *args: str, **popen) -> subprocess.Popen:
    """Run a function of this module in a new Python process."""
    code = f"import sys; from tests.test_corrections import {function}; {function}(*sys.argv[1:])"
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, text=True, **popen)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Corrections:
    """A new, empty store: a SQLite file in folders yet to be made, or a database on a real PostgreSQL server."""
    if request.param == "postgresql":
        return Corrections(new_database(request.getfixturevalue("postgres_cluster")))
    return Corrections(tmp_path / "new" / "folder" / "corrections.sqlite")


def integrity_check(store: Corrections) -> None:
    """The database's own check of its files finds nothing wrong (SQLite; PostgreSQL checks its pages itself)."""
    if store.path:
        with sqlite3.connect(store.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_corrections_round_trip(store):
    assert (store.path is None or store.path.is_file()) and len(store) == 0 and store.records() == []
    x, y = store.samples()
    assert x.shape == (0, 28, 28) and x.dtype == np.uint8 and y.shape == (0,) and y.dtype == np.uint8

    rgba = canvas(0)
    grey = Image.fromarray(canvas(1)[..., 3])  # a PIL image, white on black
    floats = canvas(4)[..., 3].astype(np.float32) / 255  # grey floats in 0-1
    probabilities = [0.01] * 9 + [0.91]
    first = store.add(rgba, 0, predicted=9, probabilities=probabilities, model="digits", session="abc")
    second = store.add(grey, 1)
    third = store.add(floats, 4, predicted=np.int64(4), probabilities=np.full(10, 0.1), model="m2", session="def")
    assert first < second < third and len(store) == 3

    x, y = store.samples()  # oldest first
    assert x.dtype == np.uint8 and y.dtype == np.uint8 and y.tolist() == [0, 1, 4]
    for stored, image in zip(x, (rgba, grey, floats)):
        np.testing.assert_array_equal(stored, model_input(image))
    assert x[0].max() == 255 and x[0][0, 0] == 0  # white ink on black, like MNIST

    newest, middle, oldest = store.records()
    assert [newest.id, middle.id, oldest.id] == [third, second, first]
    assert (oldest.label, oldest.predicted, oldest.probabilities) == (0, 9, probabilities)
    assert (oldest.model, oldest.session) == ("digits", "abc")
    assert (middle.predicted, middle.probabilities, middle.model, middle.session) == (None, None, None, None)
    assert (newest.predicted, newest.probabilities, newest.model) == (4, [0.1] * 10, "m2")
    np.testing.assert_array_equal(newest.image, x[2])
    assert oldest.created.endswith("+00:00") and oldest.created[:4].isdigit()
    assert [r.id for r in store.records(label=1)] == [second] and store.records(label=5) == []

    # The PNGs decode to the very pixels drawn: RGBA kept as RGBA, floats scaled to 0-255.
    png = Image.open(io.BytesIO(store.canvas_png(first)))
    assert png.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(png), rgba)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(store.canvas_png(second)))), np.asarray(grey))
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(store.canvas_png(third)))), canvas(4)[..., 3])
    assert store.canvas_png(third + 1) is None

    counts = {0: 1, 1: 1, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0}
    assert store.counts() == counts
    # Read wrong: the 0 read as 9, not the 4 read right, nor the 1 that no model read; but a fine-tune may learn
    # both the 0 and the 1 better from theirs.
    assert store.tally() == (counts, 1, {**dict.fromkeys(range(10), 0), 0: 1, 1: 1})
    # One browser session's drawings alone, for a visitor of a classroom's or a public link's page.
    assert [r.id for r in store.records(session="abc")] == [first] and store.records(label=4, session="abc") == []
    assert store.tally(session="def") == ({**dict.fromkeys(range(10), 0), 4: 1}, 0, dict.fromkeys(range(10), 0))
    assert store.tally(session="ghi") == (dict.fromkeys(range(10), 0), 0, dict.fromkeys(range(10), 0))
    assert not store.delete(first, session="def") and len(store) == 3  # not another session's
    assert store.delete(second) and not store.delete(second)
    assert [r.id for r in Corrections(store.location).records()] == [third, first]  # another object, same data
    # The tabs that kept drawings, the latest first, for whoever manages them; one tab's cleared alone.
    (abc, one, *abc_times), (defs, _, *def_times) = sorted(store.sessions())
    assert (abc, one, defs) == ("abc", 1, "def") and abc_times == [oldest.created] * 2  # no tab for the middle one
    assert [row["id"] for row in store.clear(session="abc")] == [first] and [r.id for r in store.records()] == [third]
    store.add(rgba, 0, session="abc")
    assert len(store.clear()) == 2 and len(store) == 0 and store.counts() == dict.fromkeys(range(10), 0)
    assert store.add(rgba, 0) > third  # ids are never reused


def test_deleted_corrections_are_put_back_whole(store, monkeypatch):
    monkeypatch.setattr(corrections, "RESTORE_PART", 2)  # looked up in parts, as a store of 70,000 needs
    kept = [store.add(canvas(digit), digit, predicted=(digit + 1) % 10, probabilities=[0.1] * 10, model="m",
                      session="abc", looked_like_a_digit=digit != 4) for digit in (3, 4)]
    store.add(canvas(5), 5)
    before = store.records()
    png = store.canvas_png(kept[0])
    [removed] = store.delete(kept[0], session="abc")
    assert removed["id"] == kept[0] and len(store) == 2
    assert store.restore([removed]) == 1 and store.restore([removed]) == 0  # a second tab's Undo adds nothing
    assert store.canvas_png(kept[0]) == png
    everything = store.clear()
    assert sorted(row["id"] for row in everything) == sorted(r.id for r in before) and len(store) == 0
    store.restore(everything[-1:])  # one put back already, in the second part: the others are added
    assert store.restore(everything) == 2
    after = store.records()
    assert [(r.id, r.label, r.predicted, r.probabilities, r.model, r.session, r.created, r.looked_like_a_digit)
            for r in after] == [(r.id, r.label, r.predicted, r.probabilities, r.model, r.session, r.created,
                                 r.looked_like_a_digit) for r in before]
    # Exported, deleted, imported back, then undone: each was kept twice (a review, 2026-12-07); so was a drawing
    # kept again from the canvas an Undo gave back, after another tab's Delete all. Those kept after the deletion
    # are left out (created since: `since` stands a second before, as the store's times are to the second).
    exported = io.BytesIO()
    store.export_npz(exported)
    everything, since = store.clear(), "2000-01-01T00:00:00+00:00"
    assert store.import_npz(exported.getvalue()) == (3, 3)
    assert store.restore(everything, since) == 0 and len(store) == 3
    [removed] = store.delete(next(r.id for r in store.records() if r.label == 4))
    store.add(canvas(4), 4)
    assert store.restore([removed], since) == 0 and len(store) == 3
    # A twin kept before the deletion is no reason to leave it out: it is put back.
    twin = store.add(canvas(5), 5)
    [removed] = store.delete(twin)
    assert store.restore([removed], utc_now()) == 1 and len(store) == 4
    assert all(np.array_equal(a.image, b.image) for a, b in zip(after, before))
    assert store.add(canvas(6), 6) > max(r.id for r in before)  # the ids go on after those put back


def test_a_drawing_the_page_took_for_no_digit_is_kept_as_such_and_counted_as_read_wrong(store):
    # A smiley the model read as a sure 0, that the page said looked like no digit, kept as a 0 through "A digit
    # after all?": the model read the digit it is, the page did not.
    smiley = store.add(canvas(0), 0, predicted=0, probabilities=[0.991] + [0.001] * 9, looked_like_a_digit=False)
    seven = store.add(canvas(7), 7, predicted=7, looked_like_a_digit=True)
    store.add(canvas(1), 1, predicted=1)  # with no detector: not asked
    assert [r.looked_like_a_digit for r in store.records()] == [None, True, False]
    assert [r.id for r in store.records() if r.looked_like_a_digit is not None] == [seven, smiley]
    assert store.tally()[1] == 1
    # A fine-tune may teach it to the detector (finetuning.teach_detector), as it may not the 7 and the 1 read right.
    assert store.tally()[2] == {**dict.fromkeys(range(10), 0), 0: 1}
    for wrong in ("no", 1, 0.0):
        with pytest.raises(ValueError, match="looked_like_a_digit must be True, False or None"):
            store.add(canvas(1), 1, looked_like_a_digit=wrong)
    store.add(canvas(1), 1, predicted=1, looked_like_a_digit=np.bool_(False))  # as a NumPy comparison gives it
    assert store.records()[0].looked_like_a_digit is False and store.tally()[1] == 2


@pytest.mark.parametrize("layout", ["layout 1", "before digits_schema"])
def test_a_store_of_a_layout_before_is_migrated_and_keeps_its_corrections(store, layout):
    # A store as digits kept it before 2026-12-04 (layout 1), or before it kept its layout in digits_schema: no
    # record of whether a drawing looked like a digit.
    first = store.add(canvas(3), 3, predicted=8, session="abc")
    with store.engine.begin() as db:
        db.execute(sa.text("ALTER TABLE corrections DROP COLUMN looked_like_a_digit"))
        db.execute(sa.text("UPDATE digits_schema SET version = 1" if layout == "layout 1"
                           else "DROP TABLE digits_schema"))
    migrated = Corrections(store.location)
    [old] = migrated.records()
    assert (old.id, old.label, old.predicted, old.session, old.looked_like_a_digit) == (first, 3, 8, "abc", None)
    second = migrated.add(canvas(0), 0, predicted=0, looked_like_a_digit=False)
    assert [r.looked_like_a_digit for r in Corrections(store.location).records()] == [False, None]  # opened again
    assert migrated.tally()[1] == 2 and second > first
    with migrated.engine.connect() as db:
        assert db.execute(sa.text("SELECT version FROM digits_schema")).scalars().all() == [SCHEMA_VERSION]


def test_bad_arguments_are_refused(store):
    image = canvas(3)
    with pytest.raises(ValueError, match="nothing is drawn"):
        store.add(np.zeros((280, 280, 4), np.uint8), 3)
    with pytest.raises(ValueError, match="nothing is drawn"):
        store.add(Image.new("L", (50, 50), 255), 3)
    for label in (10, -1, True, "3", 3.0, None):
        with pytest.raises(ValueError, match="label must be an integer from 0 to 9"):
            store.add(image, label)
    with pytest.raises(ValueError, match="predicted"):
        store.add(image, 3, predicted=12)
    for probabilities in ([0.1] * 9, [0.1] * 11, 0.5, [[0.1] * 10]):
        with pytest.raises(ValueError, match="10 numbers"):
            store.add(image, 3, probabilities=probabilities)
    for probabilities in ([float("nan")] + [0.1] * 9, ["0.1"] * 10):
        with pytest.raises(ValueError, match="finite numbers"):
            store.add(image, 3, probabilities=probabilities)
    with pytest.raises(ValueError, match="x must be images"):
        store.add_samples(np.zeros((2, 28, 27), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="x must hold integers from 0 to 255"):
        store.add_samples(np.zeros((2, 28, 28), np.float32), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="y must be one label per image"):
        store.add_samples(np.zeros((2, 28, 28), np.uint8), np.zeros(3, np.uint8))
    assert len(store) == 0


def test_export_then_import_gives_the_same_samples(store, tmp_path, rng):
    store.add(canvas(0), 0, predicted=6)  # a 0 the model read as 6
    store.add(canvas(1), 1, predicted=1, looked_like_a_digit=False)  # a 1 the page said looked like no digit
    assert store.add_samples(rng.integers(0, 256, (20, 28, 28), dtype=np.uint8), np.arange(20) % 10) == 20
    x, y = store.samples()
    assert len(y) == 22 and store.canvas_png(store.records()[0].id) is None  # samples keep no drawing

    file = tmp_path / "export"  # no .npz suffix: written at exactly this path
    assert store.export_npz(file) == 22 and file.is_file()
    buffer = io.BytesIO()
    assert store.export_npz(buffer) == 22
    with np.load(file) as exported:
        assert exported["x"].dtype == np.uint8 and exported["y"].dtype == np.uint8
        assert exported["predicted"].tolist() == [6, 1] + [-1] * 20  # what the model had read; -1: read by none
        assert exported["looked_like_a_digit"].tolist() == [-1, 0] + [-1] * 20  # -1: not asked

    other = Corrections(tmp_path / "other.sqlite")
    assert other.import_npz(file) == (22, 22)
    imported_x, imported_y = other.samples()
    np.testing.assert_array_equal(imported_x, x)
    np.testing.assert_array_equal(imported_y, y)
    assert other.tally()[1] == 2 and [r.predicted for r in other.records(0)][-1] == 6  # still counted read wrong
    assert [r.looked_like_a_digit for r in other.records(1)][-1] is False  # and still listed as looking like none
    # Imported again, as bytes (as an upload gives them) or a file object, or back into the store it came from
    # (the drawn 0 too): nothing is kept twice.
    assert other.import_npz(buffer.getvalue()) == other.import_npz(io.BytesIO(buffer.getvalue())) == (0, 22)
    assert store.import_npz(file) == (0, 22) and len(other) == len(store) == 22

    # Any integer type in range is taken, as MNIST files come with int64 labels.
    wide, third = io.BytesIO(), Corrections(tmp_path / "third.sqlite")
    np.savez(wide, x=x.astype(np.int32), y=y.astype(np.int64))
    assert third.import_npz(wide.getvalue()) == (22, 22)
    np.testing.assert_array_equal(third.samples()[0], x)


def test_an_import_leaves_out_only_the_samples_kept_already(store, rng):
    images = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    assert store.add_samples(images[:2], np.array([1, 2])) == 2
    # The same image with another label is another sample; repeats within the file are what it holds.
    assert store.add_samples(images[[0, 1, 2, 2]], np.array([1, 5, 3, 3])) == 3
    x, y = store.samples()
    assert y.tolist() == [1, 2, 5, 3, 3]
    np.testing.assert_array_equal(x, images[[0, 1, 1, 2, 2]])


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npz_claiming(images: int) -> bytes:
    """An .npz whose x's header claims `images` drawings, which it does not hold (one follows)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": (images, 28, 28)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", header.getvalue() + bytes(784))
        archive.writestr("y.npy", npy(np.zeros(1, np.uint8)))
    return buffer.getvalue()


@pytest.mark.parametrize("content, message", [
    (np.random.default_rng(0).bytes(1000),
     r"^not an .npz file: it is not a zip of arrays, as \*Export all as .npz\* \(or numpy.savez\) writes$"),
    (b"text, not arrays", "^not an .npz file: it is not a zip of arrays"),  # and not numpy's advice on pickles
    (b"", "^not an .npz file: it is empty$"),
    (npz(x=np.zeros((3, 28, 28), np.uint8))[:200], "^not an .npz file: it is cut short or damaged$"),
    (np.lib.format.magic(1, 0) + b"junk", "not an .npz file"),
    (npy(np.zeros((3, 28, 28), np.uint8)), "not an .npz file"),
    (npz(x=np.zeros((3, 28, 28), np.uint8)), "no array y"),
    (npz(x=np.zeros((3, 28), np.uint8), y=np.zeros(3, np.uint8)), r"x must be images of shape \(N, 28, 28\)"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.zeros(4, np.uint8)), "y must be one label per image"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.array([0, 1, 10])), "y must hold integers from 0 to 9"),
    (npz(x=np.full((3, 28, 28), 256), y=np.zeros(3, np.uint8)), "x must hold integers from 0 to 255"),
    (npz(x=np.zeros((3, 28, 28)), y=np.zeros(3, np.uint8)), "x must hold integers from 0 to 255, got float64"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.array(["a", "b", "c"])), "y must hold integers"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.array([1, None, 2], dtype=object)), "Python objects"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.zeros(3, np.uint8), predicted=np.array([0, 10, -1])),
     "predicted must hold integers from -1"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.zeros(3, np.uint8), predicted=np.zeros(2, np.int8)),
     r"predicted must be one integer per image, shape \(3,\)"),
    (npz(x=np.zeros((3, 28, 28), np.uint8), y=np.zeros(3, np.uint8), looked_like_a_digit=np.array([1, 2, -1])),
     "looked_like_a_digit must hold integers from -1 \\(none\\) to 1"),
    (npz_claiming(10**12), "^the .npz file is damaged: an array's header claims more than it holds$"),
])
def test_a_bad_import_is_refused_and_changes_nothing(store, tmp_path, content, message):
    store.add_samples(np.full((2, 28, 28), 7, np.uint8), np.array([7, 7]))
    file = tmp_path / "bad.npz"
    file.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        store.import_npz(file)
    with pytest.raises(ValueError, match=message):
        store.import_npz(content)
    x, y = store.samples()
    assert len(store) == 2 and y.tolist() == [7, 7] and (x == 7).all()


def test_an_import_that_would_unpack_to_too_much_is_refused_before_it_is_unpacked(store):
    images = corrections.MAX_IMPORT_BYTES // 784 + 1
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x=np.zeros((images, 28, 28), np.uint8), y=np.zeros(images, np.uint8))
    assert len(buffer.getvalue()) < 1_000_000  # blank drawings pack 1,000 to 1: under the page's 20 MB
    with pytest.raises(ValueError, match=r"^its arrays unpack to 100.1 MB, over the 100 MB \(about 125,000 drawings\)"):
        store.import_npz(buffer.getvalue())
    assert len(store) == 0


def test_one_file_imported_by_several_writers_at_once_is_kept_once(store, rng):
    file = npz(x=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8), y=rng.integers(0, 10, 300))
    writers, start, added = 4, threading.Barrier(4), []

    def import_it():
        own = Corrections(store.location)  # a store object each, as the replicas of a deployment have
        start.wait()
        added.append(own.import_npz(file)[0])

    threads = [threading.Thread(target=import_it) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(added) == [0] * (writers - 1) + [300] and len(store) == 300


def test_processes_and_threads_writing_at_once_lose_nothing(store):
    processes, threads, count = 4, 4, 50
    writers = [python("write_many", store.location, f"p{p}", count, "wait", stdin=subprocess.PIPE,
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in range(processes)]
    for writer in writers:
        assert writer.stdout.readline() == "ready\n", writer.stderr.read()
    errors = []

    def write(session):
        try:
            write_many(store.location, session, str(count))  # one Corrections object per thread...
        except Exception as error:  # reported below, with what the other writers did
            errors.append(error)

    def write_shared(session):
        try:
            for i in range(count):  # ...and threads sharing one, as the page's sessions do
                store.add(canvas(i % 10), i % 10, model=str(i), session=session)
        except Exception as error:
            errors.append(error)

    running = [threading.Thread(target=write if t % 2 else write_shared, args=(f"t{t}",)) for t in range(threads)]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    assert errors == []

    records = store.records()
    assert len(store) == len(records) == (processes + threads) * count
    assert len({r.id for r in records}) == len(records)
    sessions = [f"p{p}" for p in range(processes)] + [f"t{t}" for t in range(threads)]
    assert sorted((r.session, int(r.model)) for r in records) == sorted(
        (session, i) for session in sessions for i in range(count))
    expected = [model_input(canvas(digit)) for digit in range(10)]
    for record in records:
        assert record.label == int(record.model) % 10
        np.testing.assert_array_equal(record.image, expected[record.label])


def test_every_acknowledged_correction_survives_kill_9(store):
    writer = python("write_forever", store.location, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    acknowledged = [int(writer.stdout.readline()) for _ in range(40)]
    os.kill(writer.pid, signal.SIGKILL)  # mid-stream: it is adding the next ones
    rest, stderr = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL, stderr
    acknowledged += [int(line) for line in rest.split()]  # printed after add returned, before the kill

    reopened = Corrections(store.location)
    assert set(acknowledged) <= {r.id for r in reopened.records()}
    integrity_check(reopened)
    assert reopened.add(canvas(1), 1) > max(acknowledged)  # and it takes new corrections


def test_a_damaged_or_unreachable_store_raises_a_clear_error(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(np.random.default_rng(1).bytes(8192))
    with pytest.raises(CorrectionsError, match=f"corrections store at {garbage} cannot be read or written"):
        Corrections(garbage)

    # Damaged after it was opened: the page's store object keeps answering with the same error.
    store = Corrections(tmp_path / "store.sqlite")
    store.add_samples(np.zeros((300, 28, 28), np.uint8), np.zeros(300, np.uint8))
    with open(store.path, "r+b") as file:
        file.write(b"\xff" * 100)  # the header
    for operation in (len, Corrections.samples, Corrections.counts, lambda s: s.add(canvas(1), 1)):
        with pytest.raises(CorrectionsError, match="DIGITS_DATA_DIR"):
            operation(store)

    a_file = tmp_path / "a file"
    a_file.write_text("not a folder")
    with pytest.raises(CorrectionsError, match=f"at {a_file / 'corrections.sqlite'}"):
        Corrections(a_file / "corrections.sqlite")
    with pytest.raises(CorrectionsError, match="cannot be read or written"):
        Corrections(tmp_path)  # a folder, not a file

    newer = tmp_path / "newer.sqlite"
    Corrections(newer)
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE digits_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(CorrectionsError, match="newer version of digits"):
        Corrections(newer)


def test_a_store_file_moved_away_or_deleted_while_in_use_starts_again_empty(tmp_path):
    # Every operation failed with "no such table" until a restart, though the advice said to move the file away
    # (a review of a classroom, 2026-12-06).
    store = Corrections(tmp_path / "corrections.sqlite")
    store.add(canvas(1), 1)
    store.path.rename(tmp_path / "last class.sqlite")
    assert len(store) == 0
    store.add(canvas(2), 2)
    assert store.counts()[2] == len(store) == 1 and Corrections(tmp_path / "last class.sqlite").counts()[1] == 1
    store.path.unlink()
    store.add(canvas(3), 3)
    assert store.counts()[3] == len(store) == 1
    integrity_check(store)


def test_corrections_location_and_switch(monkeypatch, tmp_path):
    monkeypatch.delenv("DIGITS_DATA_DIR", raising=False)
    monkeypatch.delenv("DIGITS_DATABASE_URL", raising=False)
    assert corrections_location() == str(ROOT / "data" / "corrections.sqlite")
    monkeypatch.setenv("DIGITS_DATA_DIR", str(tmp_path))
    assert corrections_location() == str(tmp_path / "corrections.sqlite")
    monkeypatch.setenv("DIGITS_DATABASE_URL", "postgresql+psycopg://digits:secret@db.example/digits")
    assert corrections_location() == "postgresql+psycopg://digits:secret@db.example/digits"
    # One that is no URL had been taken for a SQLite file's name, made in the working folder, and shown on the page,
    # password and all (a review, 2026-12-07).
    for no_url in ("host=db.example dbname=digits user=digits password=secret", "postgresql+psycopg:/db.example/x"):
        monkeypatch.setenv("DIGITS_DATABASE_URL", no_url)
        with pytest.raises(CorrectionsError, match="DIGITS_DATABASE_URL is no database URL, so drawings are not "
                                                   "kept") as raised:
            corrections_location()
        assert "secret" not in str(raised.value) and "db.example" not in str(raised.value)

    monkeypatch.delenv("DIGITS_CORRECTIONS", raising=False)
    assert collecting_enabled() and collecting_enabled({})
    for off in ("off", "False", " 0 ", "no", False):
        assert not collecting_enabled({"corrections": off})
    assert collecting_enabled({"corrections": "on"})
    monkeypatch.setenv("DIGITS_CORRECTIONS", "OFF")
    assert not collecting_enabled() and not collecting_enabled({"corrections": "on"})  # the environment wins
    monkeypatch.setenv("DIGITS_CORRECTIONS", "yes")
    assert collecting_enabled({"corrections": "off"})


def test_an_unreachable_database_raises_a_clear_error_that_hides_its_password(postgres_cluster):
    url = sa.make_url(new_database(postgres_cluster))
    nobody_listens = url.set(port=free_port()).render_as_string(hide_password=False)
    # A password with a / in it, one in the query, a port that is no number: the first two had shown, the last had
    # ended every page run in a ValueError (a review, 2026-12-07).
    port = free_port()
    for location in (nobody_listens, url.set(password="wrong").render_as_string(hide_password=False),
                     "nosuchdatabase://someone:secret@localhost/db", "mysql+pymysql://someone:secret@localhost/db",
                     "sqlite://", f"postgresql+psycopg://someone:secret/x@127.0.0.1:{port}/db",
                     f"postgresql+psycopg://someone@127.0.0.1:{port}/db?password=secret",
                     f"postgresql+psycopg://someone@127.0.0.1:{port}/db?sslmode=prefer&SSLPassword=secret",
                     "postgresql+psycopg://someone:secret@127.0.0.1:54x2/db"):
        with pytest.raises(CorrectionsError, match="cannot be read or written") as raised:
            Corrections(location)
        assert "DIGITS_DATABASE_URL" in str(raised.value) and "?." not in str(raised.value)
        assert "\n" not in str(raised.value)  # psycopg's words run over lines, an st.error's should not
        assert url.password not in str(raised.value) and "secret" not in str(raised.value)
    # A server that takes the connection and never answers (behind a firewall, stuck): given up on after
    # CONNECT_TIMEOUT, where it held the Draw page's first run for good (a review, 2026-12-05).
    with socket.create_server(("127.0.0.1", 0)) as silent:
        failed = []

        def connect() -> None:  # in a thread, so that a wait without end fails the test instead of hanging it
            with pytest.raises(CorrectionsError, match="cannot be read or written"):
                Corrections(url.set(host="127.0.0.1", port=silent.getsockname()[1]).render_as_string(
                    hide_password=False))
            failed.append(True)

        trying = threading.Thread(target=connect, daemon=True)
        trying.start()
        trying.join(3 * CONNECT_TIMEOUT)
        assert not trying.is_alive() and failed


def test_connections_the_database_server_dropped_are_replaced_before_use(postgres_cluster):
    # A restart or a failover drops the pool's connections: the check before use (ping_within, where SQLAlchemy's
    # pool_pre_ping had been) replaces them, and no visitor sees an error.
    url = new_database(postgres_cluster)
    store = Corrections(url)
    store.add(canvas(3), 3)
    server = sa.create_engine(postgres_cluster, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with server.connect() as db:
        dropped = db.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE datname = :name"), {"name": sa.make_url(url).database}).scalar()
    assert dropped >= 1
    assert store.counts()[3] == 1 and store.add(canvas(4), 4)


def test_a_database_that_stops_answering_fails_in_seconds_and_then_recovers(postgres_cluster, monkeypatch):
    # With the server's processes paused (as a paused machine, a stalled disk or a cut network leave it), a keep's page
    # run waited the whole 246 s of a review's pause, greyed, with no message and nothing in the log (2026-12-08):
    # libpq bounded only a new connection's wait. Shorter limits than the app's, for a shorter test.
    monkeypatch.setattr(corrections, "ANSWER_TIMEOUT", 2)
    monkeypatch.setattr(corrections, "CONNECT_TIMEOUT", 2)
    monkeypatch.setattr(corrections, "QUIET_AFTER_SILENCE", 1)
    url = new_database(postgres_cluster)
    store = Corrections(url)
    kept = store.add(canvas(3), 3)  # the pool holds its connection now
    failures, asked = [], threading.Event()

    def keep() -> None:  # the pooled connection does not answer the check before use, nor a new one its start
        said = r"the database server did not answer in \d s \(.*\)\. Check that the database server is up"
        with pytest.raises(CorrectionsError, match=said) as raised:
            store.add(canvas(4), 4)
        failures.append(raised.value)

    def sleep() -> None:  # a transaction under way when the server stops answering: paused in its pg_sleep
        with pytest.raises(CorrectionsError, match="the database server did not answer within 2 s") as raised:
            with store._connected() as db:
                asked.set()
                db.execute(sa.select(sa.func.pg_sleep(1)))
        failures.append(raised.value)

    def fails_at_once() -> bool:  # with the words of the first failure
        began = time.monotonic()
        with pytest.raises(CorrectionsError) as raised:
            store.tally()
        return str(raised.value) == str(failures[0]) and time.monotonic() - began < 1

    trying = threading.Thread(target=keep, daemon=True)  # a wait without end fails the test instead of hanging it
    with paused(url):
        trying.start()
        trying.join(5 * (2 + 2))
        assert not trying.is_alive() and len(failures) == 1
        # Then, for QUIET_AFTER_SILENCE, every use fails at once: each page run's count of the drawings had waited as
        # long. After it, one use tries the server again, the others failing at once meanwhile.
        assert fails_at_once()
        time.sleep(1)
        trying = threading.Thread(target=keep, daemon=True)
        trying.start()
        time.sleep(0.5)
        assert fails_at_once()
        trying.join(5 * (2 + 2))
        assert not trying.is_alive() and len(failures) == 2
    time.sleep(1)
    trying = threading.Thread(target=sleep, daemon=True)
    trying.start()
    assert asked.wait(30)
    with paused(url):
        trying.join(5 * 2)
    assert not trying.is_alive() and len(failures) == 3
    time.sleep(1)
    # Going on, the store is used again as before, with what it held.
    assert [r.id for r in store.records()] == [kept] and store.add(canvas(4), 4) > kept

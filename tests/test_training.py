import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from scipy.special import softmax

from digits import Recognizer, synthesis, training
from digits.inspection import inspect_model, load_inspection
from digits.model import BUILDERS, build_model, read_probabilities
from digits.recipes import ARCHITECTURES, VALIDATION, recipe, training_images, training_steps
from digits.registry import ModelRegistry, taken
from digits.training import ProgressFile, calibrate, compile_one_cycle, save_model, train, training_batches
from tests.browser import ROOT, copy_shipped_model
from tests.conftest import run_script, run_script_choosing


def test_train_script_writes_model_and_metadata(tmp_path):
    out = tmp_path / "smoke.keras"
    done = run_script("train.py", "--limit", 300, "--epochs", 1, "--seed", 3, "--out", out)
    assert done.returncode == 0, done.stderr
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["name"] == "smoke" and metadata["epochs"] == 1 and metadata["limit"] == 300
    assert 0 <= metadata["test_accuracy"] <= 1 and set(metadata["per_digit_accuracy"]) == set("0123456789")
    assert metadata["data_sha256"] and metadata["tensorflow_version"] and metadata["parameters"] > 10000
    assert "--limit 300" in metadata["command"] and metadata["training_seconds"] > 0
    assert metadata["preset"] == "full" and metadata["arch"] == "vgg" and metadata["ema"] == recipe()["ema"] > 0
    assert metadata["label_smoothing"] == recipe()["label_smoothing"] == 0 and metadata["temperature"] == 1
    # Its learning curves, and the inspection the Model page shows, agreeing with the test accuracy.
    assert [p["epoch"] for p in metadata["history"]][-1] == 1
    assert all(0 <= p["val_accuracy"] <= 1 and p["val_loss"] > 0 for p in metadata["history"])
    assert load_inspection(out).test_accuracy == metadata["test_accuracy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["smoke.inspection.npz", "smoke.json", "smoke.keras"]


def test_a_preset_sets_the_recipe_and_flags_override_it(tmp_path):
    models = copy_shipped_model(tmp_path / "models")
    out = models / "quick.keras"
    done = run_script("train.py", "--preset", "quick", "--epochs", 1, "--label-smoothing", 0.05, "--limit", 300,
                      "--out", out, "--promote")
    assert done.returncode == 0, done.stderr
    # Not served beside the shipped model, and the command says why in one sentence: the score, then the comparison.
    shipped = ModelRegistry(models).metadata(models / "digits.keras")["test_accuracy"]
    accuracy = json.loads(out.with_suffix(".json").read_text())["test_accuracy"]
    assert (f"not serving it: test accuracy {accuracy:.2%}, below that of the model then serving (digits, "
            f"{shipped:.2%})" in done.stdout)
    metadata = json.loads(out.with_suffix(".json").read_text())
    quick = recipe("quick")
    assert metadata["preset"] == "quick" and metadata["arch"] == quick["arch"] == "compact"
    assert metadata["learning_rate"] == quick["learning_rate"] and metadata["epochs"] == 1  # the flag wins
    assert metadata["ema"] == quick["ema"] == 0
    assert metadata["label_smoothing"] == 0.05 and quick["label_smoothing"] == 0  # the flag wins...
    assert metadata["temperature"] != 1  # ...and the model smoothed so is calibrated
    assert metadata["parameters"] == build_model("compact").count_params()


def test_a_model_chosen_to_serve_while_it_trains_serves_on(tmp_path):
    # --promote replaces only the model serving as the training starts: one chosen in Serve model meanwhile had been
    # replaced by a fine-tune compared with the one before it (noticed 2026-12-07).
    models = copy_shipped_model(tmp_path / "models")
    shutil.copy(models / "digits.keras", models / "mine.keras")
    (models / "mine.json").write_text(json.dumps({"test_accuracy": 0.0}))  # which the new model would replace
    progress = tmp_path / "progress.json"
    done = run_script_choosing("train.py", "--preset", "quick", "--limit", 300, "--epochs", 1, "--no-augment",
                               "--out", models / "new.keras", "--promote", progress=progress,
                               model=models / "mine.keras")
    assert done.returncode == 0, done.stderr
    status = json.loads(progress.read_text())
    assert status["state"] == "done" and status["promoted"] is False
    assert status["reason"] == "not compared: mine was chosen to serve while it trained"
    assert f"not serving it: test accuracy {status['test_accuracy']:.2%}, {status['reason']}" in done.stdout
    assert ModelRegistry(models).current_path() == models / "mine.keras"


def test_every_architecture_the_page_offers_builds_and_reads_ten_digits():
    assert list(ARCHITECTURES) == list(BUILDERS)
    sizes = {arch: build_model(arch).count_params() for arch in ARCHITECTURES}
    assert sizes["vgg"] > sizes["compact"] and len(set(sizes.values())) == 3
    for arch in ARCHITECTURES:
        assert build_model(arch)(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 10)
    with pytest.raises(ValueError, match="unknown architecture"):
        build_model("resnet")


def test_train_script_explains_missing_data(tmp_path):
    done = run_script("train.py", "--data", tmp_path / "none.npz", "--out", tmp_path / "new" / "folder" / "m.keras")
    assert done.returncode == 2
    assert f"--data: MNIST file not found: {tmp_path / 'none.npz'}\n" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())  # nor the folders --out would have needed


def test_train_script_without_out_keeps_the_shipped_model(tmp_path):
    # It wrote models/digits.keras, and a 10-image try replaced the shipped model with one of 18.52% (a review).
    models = copy_shipped_model(tmp_path / "models")
    shipped = (models / "digits.keras").read_bytes()
    done = run_script("train.py", "--preset", "quick", "--epochs", 1, "--limit", 300,
                      env={"DIGITS_MODELS_DIR": str(models)})
    assert done.returncode == 0, done.stderr[-2000:]
    [trained] = models.glob("trained-*.keras")
    assert not taken(trained).exists()  # the name it held as it trained is free again
    accuracy = json.loads(trained.with_suffix(".json").read_text())["test_accuracy"]
    assert f"saved {trained}: test accuracy {accuracy:.2%}, " in done.stdout
    assert (models / "digits.keras").read_bytes() == shipped
    # Two steps of 256 images: said to teach little, as the sidebar says it; and none of TensorFlow's own lines.
    [warning] = done.stderr.splitlines()
    assert warning.startswith("warning: 2 training steps (batches of 256): under 75 a model learns little")
    # Keras' progress bar only in a terminal: in a pipe, a line an epoch, not the bar's every redraw.
    assert "\r" not in done.stdout and "\b" not in done.stdout


def test_ctrl_c_stops_the_training_in_a_line_and_leaves_no_model(tmp_path):
    out, progress = tmp_path / "m.keras", tmp_path / "progress.json"
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "train.py"), "--preset", "quick", "--limit",
                                "20000", "--out", out, "--progress", progress], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (progress.exists() and json.loads(progress.read_text())["state"] == "training"):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: to the terminal's whole process group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted: no model saved" in stderr and "Traceback" not in stderr, stderr
    status = json.loads(progress.read_text())
    assert (status["state"], status["error"]) == ("failed", "interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json"]


def test_a_cancel_asked_through_the_folder_stops_the_training_not_the_rest_of_its_pipeline(tmp_path):
    """`train.py --progress ... | tee log`: the shell makes the pipeline a process group that train.py leads, and
    a cancel from another host (stopping.stop_when_asked) stopped tee too, where it should stop train.py alone."""
    out, progress = tmp_path / "m.keras", tmp_path / "progress.json"
    training = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "train.py"), "--preset", "quick", "--limit",
                                 "20000", "--out", out, "--progress", progress], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, process_group=0)
    tee = subprocess.Popen(["sleep", "60"], process_group=training.pid)  # the rest of the pipeline, in its group
    try:
        progress.with_suffix(".cancel").write_text(json.dumps({"model": out.name, "host": "another-host"}))
        _, stderr = training.communicate(timeout=60)
        assert training.returncode == 143, stderr  # SystemExit(143), as a cancel's SIGTERM ends it
        assert tee.poll() is None
    finally:
        tee.kill()
        tee.wait()


def test_ctrl_c_while_tensorflow_is_imported_says_so_in_a_line(tmp_path):
    out = tmp_path / "m.keras"
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "train.py"), "--preset", "quick", "--limit",
                                "100", "--out", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    # The warning of too few steps comes just before TensorFlow's import, which takes 4.5 s: a second into it.
    assert process.stderr.readline().startswith("warning: 2 training steps")
    time.sleep(1)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and stderr == "interrupted: no model saved\n", stderr  # and no traceback
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("flag", ["--epochs", "--limit", "--batch-size"])
def test_train_script_refuses_a_count_below_one(tmp_path, flag):
    done = run_script("train.py", flag, "0", "--out", tmp_path / "m.keras")
    assert done.returncode == 2 and "at least 1" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_the_same_seed_trains_the_same_model_and_the_moving_average_is_capped_to_a_quarter_of_the_run(mnist):
    # The compact network has the vgg's kinds of layers, and validates its learning curves twice as fast. Batches of
    # 16 in one epoch, so that the curves are validated only a few times. (Two tests had trained 7 models.)
    def weights(seed=5, ema=0.0):
        return train(mnist, arch="compact", epochs=1, batch_size=16, limit=256, seed=seed, ema=ema,
                     verbose=0)[0].get_weights()

    def same(first, second):
        return all(np.array_equal(a, b) for a, b in zip(first, second))

    plain = weights()
    assert same(plain, weights()) and not same(plain, weights(seed=6))
    # An average over more than a quarter of the run would keep too much of a barely trained model: over its 18
    # batches (with the styled digits), momentum 0.9995 is capped to 1 - 4/18, and the model gets averaged weights.
    steps = training_steps(training_images(256, augment=True), epochs=1, batch_size=16)
    averaged = weights(ema=1 - 4 / steps)
    assert same(weights(ema=0.9995), averaged) and not same(averaged, plain)
    # Over 4 batches or fewer, to none at all.
    for steps, kept in ((2, False), (4, False), (5, True)):
        model = build_model("compact")
        compile_one_cycle(model, 1e-3, steps, ema=0.9995)
        assert model.optimizer.use_ema == kept, steps


def test_calibrating_folds_the_best_fitting_temperature_into_the_last_layer(mnist):
    model = train(mnist, arch="compact", epochs=1, limit=1024, seed=5, label_smoothing=0.1, verbose=0)[0]
    images, labels = mnist.x_train[-VALIDATION:][:2000], mnist.y_train[-VALIDATION:][:2000].astype(int)
    before = read_probabilities(model, images).astype(np.float64)
    temperature = calibrate(model, images, labels)
    after = read_probabilities(model, images).astype(np.float64)

    def tempered(t):  # the probabilities before, with logits / t
        return softmax(np.log(before) / t, axis=1)

    def loss(probabilities):
        return -np.log(probabilities[np.arange(len(labels)), labels]).mean()

    assert temperature != 1 and np.allclose(after, tempered(temperature), atol=1e-4)
    assert (after.argmax(axis=1) == before.argmax(axis=1)).all()  # the digits read stay
    assert loss(after) < loss(before) and loss(after) <= min(loss(tempered(temperature * f)) for f in (0.8, 1.25))


def test_train_script_refuses_a_momentum_outside_0_to_1(tmp_path):
    done = run_script("train.py", "--ema", "1", "--out", tmp_path / "m.keras")
    assert done.returncode == 2 and "between 0 and 1" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_a_failed_save_leaves_the_old_model_untouched(tmp_path, mnist, monkeypatch):
    model, _ = train(mnist, arch="compact", epochs=1, limit=128, verbose=0)
    path = save_model(model, {"test_accuracy": 0.5}, tmp_path / "m.keras")
    before = path.read_bytes()

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(model), "save", broken_save)
    with pytest.raises(OSError):
        save_model(model, {"test_accuracy": 0.9}, path)
    assert path.read_bytes() == before
    assert json.loads(path.with_suffix(".json").read_text())["test_accuracy"] == 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.keras"]


def epoch_of(batches):
    images, labels = zip(*[(x.numpy(), y.numpy()) for x, y in batches])
    return np.concatenate(images), np.concatenate(labels)


def test_training_batches_swap_in_redrawn_twins_anew_each_epoch():
    ids = np.arange(1000)
    labels = ids % 10
    images = np.zeros((1000, 28, 28), np.uint8)
    images[:, 0, 0], images[:, 0, 1] = ids % 256, ids // 256  # each image carries its number
    twins = images.copy()
    twins[:, 5:20, 5:20] = 255  # a redrawn twin is easy to tell apart
    batches = training_batches(images, labels, batch_size=64, seed=2, redrawn=twins, redrawn_share=0.3)
    first, second = epoch_of(batches), epoch_of(batches)
    redrawn_ids = []
    for x, y in (first, second):
        assert x.shape == (1000, 28, 28, 1) and x.dtype == np.float32 and x.max() == 1.0
        seen = np.round(x[:, 0, 0, 0] * 255) + 256 * np.round(x[:, 0, 1, 0] * 255)
        assert sorted(seen) == list(ids)  # every image once per epoch
        assert np.array_equal(y, seen % 10)  # image and label stay together
        assert 0.25 < (x[:, 10, 10, 0] == 1).mean() < 0.35  # about 30% redrawn
        redrawn_ids.append(set(seen[x[:, 10, 10, 0] == 1]))
    assert not np.array_equal(first[1], second[1])  # reshuffled
    assert redrawn_ids[0] != redrawn_ids[1]  # a new choice of images each epoch
    again = epoch_of(training_batches(images, labels, batch_size=64, seed=2, redrawn=twins, redrawn_share=0.3))
    assert np.array_equal(again[0], first[0])  # the same seed, the same batches


def test_training_batches_without_twins_are_plain_mnist():
    images = np.random.default_rng(0).integers(0, 256, (300, 28, 28), dtype=np.uint8)
    x, y = epoch_of(training_batches(images, np.arange(300) % 10, batch_size=128, seed=1))
    assert x.shape == (300, 28, 28, 1)
    sums = np.sort(x.reshape(300, -1).sum(axis=1))  # the same images, only reordered
    np.testing.assert_allclose(sums, np.sort(images.reshape(300, -1).sum(axis=1) / 255.0), rtol=1e-5)


class RecordedProgress(ProgressFile):
    """A progress file that also remembers each phase it wrote, in order."""

    def write(self, state, **figures):
        self.states.append(state)
        self.figures.append(figures)
        super().write(state, **figures)


def test_training_reports_each_phase_and_curves_several_times_an_epoch(mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_CACHE_DIR", str(tmp_path / "cache"))  # an empty drawing cache: it draws
    progress = RecordedProgress(tmp_path / "progress.json", model="m.keras")
    progress.states, progress.figures = [], []
    _, history = train(mnist, arch="compact", epochs=2, limit=2000, progress=progress, verbose=0)
    phases = [s for i, s in enumerate(progress.states) if i == 0 or s != progress.states[i - 1]]
    assert phases == ["redrawing", "training", "evaluating"]
    # It drew what it trains on, not the whole training set: 2,000 twins and 200 styled digits.
    drawn = [f for s, f in zip(progress.states, progress.figures) if s == "redrawing"]
    assert drawn[-1]["done"] == drawn[-1]["total"] == 2200
    [twins], [styled] = ((tmp_path / "cache").glob(f"{name}-*.npz") for name in ("twins", "styled"))
    assert len(np.load(twins)["twins"]) == synthesis.TWINS_CHUNK  # a whole chunk, which the whole set shares
    # Four or more points an epoch, each epoch ending on a whole number; the file has them all.
    epochs = [p["epoch"] for p in history]
    assert epochs == sorted(epochs) and sum(e <= 1 for e in epochs) >= 4 and 1 in epochs and epochs[-1] == 2
    written = json.loads((tmp_path / "progress.json").read_text())
    assert written["history"] == history and written["model"] == "m.keras" and written["state"] == "evaluating"
    assert written["validation_images"] == VALIDATION  # what the validation figures are of, for the page to say
    assert history[-1]["val_accuracy"] > 0.5  # 2,000 images are enough to learn something


def test_the_time_left_counts_the_validations_to_come(tmp_path, monkeypatch):
    # Steps of 1 s and validations of 3 s: two epochs of 8 steps, with a point every 2 steps and at each epoch's
    # end (none at step 8, half a stride from it), 8 points. It all takes 16 + 24 = 40 s, which every time left
    # said must add up to with the time gone; before the first validation it is not said.
    clock = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    def validating(model, images):  # the validation images read in 3 s
        clock[0] += 3.0
        return np.eye(10)[np.zeros(len(images), int)]

    monkeypatch.setattr(training, "read_probabilities", validating)
    progress = RecordedProgress(tmp_path / "progress.json", model="m.keras")
    progress.states, progress.figures = [], []
    curves = training.LearningCurves(np.zeros((5, 28, 28)), np.zeros(5, int), per_epoch=4, progress=progress)
    for callback in (curves, progress):  # in the order train() gives them to Keras
        callback.set_params({"epochs": 2, "steps": 8})
        callback.on_train_begin()
    for epoch in range(2):
        for callback in (curves, progress):
            callback.on_epoch_begin(epoch)
        for batch in range(8):
            clock[0] += 1.0
            for callback in (curves, progress):
                callback.on_train_batch_end(batch, {"accuracy": 0.5})
        for callback in (curves, progress):
            callback.on_epoch_end(epoch, {"accuracy": 0.5})
    assert len(curves.points) == 8 and clock[0] == 40.0
    said = [(f["elapsed_s"], f.get("eta_s")) for f in progress.figures if "elapsed_s" in f]
    assert said[0] == (1.0, None) and said[1][1] is not None  # from the first validation, at step 2
    assert all(elapsed + left == 40.0 for elapsed, left in said[1:])


def test_pen_twins_are_drawn_once_then_read_from_the_cache(mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_CACHE_DIR", str(tmp_path))
    images, calls = mnist.x_train[:300], []
    # Two days old: chunks an earlier version of the drawing code left (named as now, and as before the code was in
    # the name) and a killed save's temporary file. Kept: another kind's (its own drawing prunes it) and another
    # version's of today (two versions may share the cache).
    stale = [tmp_path / "twins-0123456789ab-0123456789abcdef01234567.npz", tmp_path / "twins-0123456789abcdef.npz",
             tmp_path / ".twins-0123456789ab-0123456789abcdef01234567.npz.x1y2z3"]
    kept = [tmp_path / "styled-0123456789ab-0123456789abcdef01234567.npz",
            tmp_path / "twins-ba9876543210-0123456789abcdef01234567.npz"]
    for path in stale + kept:
        path.write_bytes(b"old")
    for path in stale + kept[:1]:
        os.utime(path, (time.time() - 2 * 86400,) * 2)
    twins = synthesis.pen_twins(images, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (300, 300) and twins.shape == images.shape and not np.array_equal(twins, images)
    assert not any(path.exists() for path in stale) and all(path.exists() for path in kept)
    [cached] = set(tmp_path.glob("twins-*.npz")) - set(kept)
    stamp = cached.stat().st_mtime_ns
    calls.clear()
    assert np.array_equal(synthesis.pen_twins(images, progress=lambda done, total: calls.append(done)), twins)
    assert not calls and cached.stat().st_mtime_ns == stamp  # read, not drawn again
    cached.write_bytes(cached.read_bytes()[:1000])  # cut short, as by a killed process: drawn again
    assert np.array_equal(synthesis.pen_twins(images), twins)
    synthesis.pen_twins(mnist.x_train[300:400])  # other images, another entry
    assert len(list(tmp_path.glob("twins-*.npz"))) == 2 + 1 and not list(tmp_path.glob(".*"))  # and today's other


def test_a_part_of_the_drawings_is_the_wholes_beginning_and_shares_its_chunks(mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_CACHE_DIR", str(tmp_path))
    images, calls = mnist.x_train[:6000], []
    part = synthesis.pen_twins(images, 300)
    assert len(part) == 300 and len(list(tmp_path.glob("twins-*.npz"))) == 1  # the first chunk, whole
    whole = synthesis.pen_twins(images, progress=lambda done, total: calls.append((done, total)))
    assert np.array_equal(whole[:300], part) and calls == [(0, 1000), (1000, 1000)]  # only the second chunk was drawn
    styled, labels = synthesis.styled_digits(30)
    more, more_labels = synthesis.styled_digits(600)
    assert len(styled) == 30 and np.array_equal(more[:30], styled) and np.array_equal(more_labels[:30], labels)
    assert len(list(tmp_path.glob("styled-*.npz"))) == 2


@pytest.fixture
def small_disk(tmp_path):
    """A real, nearly full disk: a 4 MB tmpfs mounted for the test (the tests run as root, as CI does)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk], check=True)
    yield disk
    subprocess.run(["umount", disk], check=True)


def test_a_full_disk_fails_the_save_clearly_and_the_old_model_keeps_serving(small_disk, tmp_path):
    models = copy_shipped_model(small_disk / "models")
    registry = ModelRegistry(models)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(bytes(free - 100_000))  # room for a little, not for a model
    progress = tmp_path / "training.json"
    done = run_script("train.py", "--preset", "quick", "--limit", 200, "--epochs", 1, "--no-augment",
                      "--out", models / "new.keras", "--progress", progress, "--promote")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "error: " in done.stderr and "no space left on the disk" in done.stderr
    status = json.loads(progress.read_text())
    assert status["state"] == "failed" and "serving model is unchanged" in status["error"]
    assert registry.current_path().name == "digits.keras" and [m["name"] for m in registry.models()] == ["digits"]
    assert sorted(p.name for p in models.iterdir()) == ["digits.inspection.npz", "digits.json", "digits.keras"]
    Recognizer.load(registry.current_path())  # and it still loads


def test_a_model_saved_over_on_a_full_disk_is_left_whole_as_it_was(small_disk, tmp_path, mnist):
    models = copy_shipped_model(small_disk / "models")
    before = {path.name: path.read_bytes() for path in models.iterdir()}
    model = build_model("compact")  # untrained: it misreads most test digits, so its inspection is large
    inspection = inspect_model(model, mnist.x_test, mnist.y_test)
    size = save_model(model, {}, tmp_path / "measured.keras").stat().st_size
    # Room for the new model's file, not for its inspection: the model saved over had been replaced all the same,
    # and kept its old JSON and inspection (a review, 2026-12-07).
    (small_disk / "filler").write_bytes(bytes(shutil.disk_usage(small_disk).free - size - 64_000))
    with pytest.raises(OSError, match=r"no space left on the disk .* \(the serving model is unchanged\)"):
        save_model(model, {"test_accuracy": 0.1}, models / "digits.keras", inspection)
    assert {path.name: path.read_bytes() for path in models.iterdir()} == before  # no temporary file left either


def test_the_time_left_is_reckoned_after_the_first_batch(tmp_path, monkeypatch):
    # The first batch takes 10 s (TensorFlow traces the model), the others 1 s: after the second, 18 steps of 1 s
    # are left, not the 99 s that the mean over both (5.5 s a step) would say.
    clock = iter([0.0, 10.0, 11.0, 20.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    progress = RecordedProgress(tmp_path / "progress.json", model="m.keras")
    progress.states, progress.figures = [], []
    progress.set_params({"epochs": 2, "steps": 10})
    progress.on_train_begin()
    progress.on_epoch_begin(0)
    progress.report(1, {"accuracy": 0.1})
    progress.report(2, {"accuracy": 0.2})
    assert "eta_s" not in progress.figures[-2] and progress.figures[-1]["eta_s"] == 18.0
    assert progress.figures[-1]["elapsed_s"] == 11.0 and progress.figures[-1]["fraction"] == 0.1
    # Into the second epoch the steps go on counting: step 1 of it is the 11th, 9 left at 1 s each.
    progress.on_epoch_begin(1)
    progress.report(1, {"accuracy": 0.3})
    assert progress.figures[-1]["eta_s"] == 9.0 and progress.figures[-1]["fraction"] == 0.55

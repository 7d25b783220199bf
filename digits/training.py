"""Train a CNN on MNIST with live learning curves, evaluate it, and save it with its metadata."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf
from scipy.special import logsumexp

from digits.data import Mnist
from digits.inspection import Inspection, inspect_model, inspection_path, write_inspection
from digits.model import build_augmentation, build_model, read_probabilities
from digits.recipes import DEFAULTS, VALIDATION, training_steps
from digits.registry import metadata_path, staged, utc_now, write_json_atomically
from digits.stopping import HOST, STOP_SIGNALS
from digits.synthesis import training_material


def training_batches(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    seed: int,
    redrawn: np.ndarray | None = None,
    redrawn_share: float = 0.3,
) -> tf.data.Dataset:
    """Shuffled batches of (float32 images, labels), reshuffled each epoch.

    With `redrawn` (the same digits drawn with a pen), each image is swapped for its redrawn twin with
    probability `redrawn_share`, drawn anew each epoch. tf.data's autotuning is off: on two cores its
    background thread stalled the end of every epoch for 10-40 s.
    """
    twins, share = (images, 0.0) if redrawn is None else (redrawn, redrawn_share)
    # One coin per image and epoch: True (use the twin) with probability `share`.
    coins = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    coins = coins.map(lambda n: n % 1000 < round(share * 1000))

    def pick(example, use_twin):
        image, twin, label = example
        return tf.cast(tf.where(use_twin, twin, image), tf.float32)[..., None] / 255.0, label

    options = tf.data.Options()
    options.autotune.enabled = False
    dataset = tf.data.Dataset.from_tensor_slices((images, twins, labels))
    dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return tf.data.Dataset.zip(dataset, coins).map(pick).batch(batch_size).prefetch(1).with_options(options)


class ProgressFile(keras.callbacks.Callback):
    """Keeps a JSON file up to date with what the training is doing, for a page to show.

    Each write holds the phase (`state`: loading, redrawing, training, evaluating, for a fine-tune teaching the
    detector, then done or failed), the `fields` given at the start (such as the model's path and settings), the
    progress figures and the learning curves so far. During an epoch it writes at most twice a second.
    """

    def __init__(self, path: str | os.PathLike, **fields):
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fields = fields
        self.curves: LearningCurves | None = None
        self.last_write = 0.0

    def write(self, state: str, **figures) -> None:
        """Record a phase with its figures (they replace the last phase's)."""
        history = self.curves.points if self.curves else []
        # How many images the validation figures are of: a fine-tune's 500 read 100% while it cost MNIST test 0.3
        # points, so the page says so beside them.
        validation = {"validation_images": len(self.curves.y_val)} if self.curves else {}
        status = {"pid": os.getpid(), "host": HOST, **self.fields, "state": state, **figures, "history": history,
                  **validation}
        write_json_atomically(self.path, status)

    def on_train_begin(self, logs=None):
        self.started = time.monotonic()
        self.epoch = 0
        # When the first report came, how many steps were done, and the seconds spent validating by then.
        self.first: tuple[float, int, float] | None = None
        self.write("training", epoch=1, epochs=self.params["epochs"], fraction=0.0)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if time.monotonic() - self.last_write >= 0.5:
            self.last_write = time.monotonic()
            self.report(batch + 1, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self.report(self.params["steps"], logs or {})

    def on_train_end(self, logs=None):
        self.write("evaluating", epoch=self.params["epochs"], epochs=self.params["epochs"], fraction=1.0)

    def report(self, step: int, logs: dict) -> None:
        steps, epochs = self.params["steps"], self.params["epochs"]
        done, now = self.epoch * steps + step, time.monotonic()
        # The time left is reckoned from the steps since the first report: the first batch carries TensorFlow's
        # tracing of the model, which made a Quick training say 8.5 minutes left, then 2 a few seconds later.
        # The validations are reckoned apart, from the last one's time: in the steps' rate, the first quarter of an
        # epoch had none, and a Quick training's time left rose from 47 s to 57 s at the first (a review, 2026-12-04).
        # Until it comes, the time left is not said.
        validating = self.curves.validating if self.curves else 0.0
        self.first = self.first or (now, done, validating)
        since, done_then, validated_then = self.first
        training = now - since - (validating - validated_then)
        rate = training / (done - done_then) if done > done_then else None  # seconds a step
        validations = self.curves.seconds_left() if self.curves else 0.0
        left = {} if rate is None or validations is None else {
            "eta_s": round(rate * (epochs * steps - done) + validations, 1)}
        self.write(
            "training", epoch=self.epoch + 1, epochs=epochs, fraction=done / (epochs * steps),
            accuracy=float(logs.get("accuracy", 0.0)), loss=float(logs.get("loss", 0.0)),
            elapsed_s=round(now - self.started, 1), **left,
        )


class StopBetweenSteps(keras.callbacks.Callback):
    """Holds back the stop signals (digits/stopping.py) while model.fit runs, and raises one received at the end of
    the training step."""

    def on_train_begin(self, logs=None):
        STOP_SIGNALS.deferred = True

    def on_train_batch_end(self, batch, logs=None):
        STOP_SIGNALS.raise_pending()

    def on_train_end(self, logs=None):
        STOP_SIGNALS.deferred = False
        STOP_SIGNALS.raise_pending()


def fit_callbacks(curves: LearningCurves, progress: ProgressFile | None) -> list[keras.callbacks.Callback]:
    """What a training's model.fit reports to: its learning curves, the stop signals, its progress file if any."""
    return [curves, StopBetweenSteps()] + ([progress] if progress else [])


class LearningCurves(keras.callbacks.Callback):
    """Loss and accuracy on the training batches and on held-out validation images, `per_epoch` times an epoch.

    Each point is {"epoch": epochs done, fractional, "seconds" since training began, "loss", "accuracy" (the
    epoch's training batches so far), "val_loss", "val_accuracy"}; the last point of each epoch falls on a
    whole number.
    """

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, per_epoch: int = 4, progress: ProgressFile | None = None):
        super().__init__()
        self.x_val, self.y_val, self.per_epoch = x_val, y_val, per_epoch
        self.points: list[dict] = []
        if progress is not None:
            progress.curves = self

    def on_train_begin(self, logs=None):
        self.started = time.monotonic()
        self.every = max(1, self.params["steps"] // self.per_epoch)
        # The points the whole training records: those within each epoch, and one at each epoch's end.
        steps = self.params["steps"]
        self.planned = self.params["epochs"] * (1 + sum(self.records_at(step) for step in range(1, steps + 1)))
        self.validating, self.last_validation = 0.0, 0.0  # seconds spent reading the validation images

    def seconds_left(self) -> float | None:
        """About how long the points still to come will take, at the last one's time (None before the first)."""
        return self.last_validation * (self.planned - len(self.points)) if self.points else None

    def records_at(self, step: int) -> bool:
        """Whether a point is recorded after `step` (from 1) within an epoch, besides the one at its end: every
        `every` steps, but not within half of that of the end."""
        return step % self.every == 0 and self.params["steps"] - step >= self.every / 2

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.records_at(batch + 1):
            self.record(self.epoch + (batch + 1) / self.params["steps"], logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self.record(epoch + 1, logs or {})

    def record(self, epoch: float, logs: dict) -> None:
        began = time.monotonic()
        probabilities = read_probabilities(self.model, self.x_val)
        self.last_validation = time.monotonic() - began
        self.validating += self.last_validation
        truth = probabilities[np.arange(len(self.y_val)), self.y_val]
        self.points.append({
            "epoch": round(epoch, 3),
            "seconds": round(time.monotonic() - self.started, 1),
            "loss": round(float(logs.get("loss", np.nan)), 5),
            "accuracy": round(float(logs.get("accuracy", np.nan)), 5),
            "val_loss": round(float(-np.log(np.clip(truth, 1e-7, 1)).mean()), 5),
            "val_accuracy": round(float((probabilities.argmax(axis=1) == self.y_val).mean()), 5),
        })


def one_cycle(learning_rate: float, steps: int) -> keras.optimizers.schedules.LearningRateSchedule:
    """A one-cycle schedule: the learning rate warms up from a tenth of `learning_rate` over the first tenth
    of the steps, then follows a cosine down to zero."""
    warmup = max(1, steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        learning_rate / 10, decay_steps=max(1, steps - warmup), warmup_target=learning_rate, warmup_steps=warmup
    )


TEMPERATURES = np.geomspace(0.1, 2.0, 200)  # those calibrate tries


def train_on_crops(
    build: Callable[[], keras.Model],
    examples: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    loss: str,
    metrics: list,
    epochs: int = 5,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    seed: int = 1,
    augment: bool = False,
    verbose: int | str = "auto",
) -> tuple[keras.Model, dict]:
    """Train a network `build` makes on (crops, labels) with Adam on the one-cycle schedule, with `augment` behind
    the digit model's random warp and stroke width (build_augmentation); returns it and its metrics on the
    validation crops, each as validation_NAME."""
    keras.utils.set_random_seed(seed)
    model = build()
    trainer = keras.Sequential([build_augmentation(seed), model]) if augment else model
    compile_one_cycle(trainer, learning_rate, training_steps(len(examples[0]), epochs, batch_size), loss=loss,
                      metrics=metrics)
    x, y = examples
    trainer.fit(x[..., None], y, batch_size=batch_size, epochs=epochs, verbose=verbose)
    scores = trainer.evaluate(validation[0][..., None], validation[1], batch_size=1000, verbose=0, return_dict=True)
    return model, {f"validation_{name}": round(float(value), 4) for name, value in scores.items() if name != "loss"}


def smoothed_loss(label_smoothing: float) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """Cross-entropy on digit labels (sparse), each target spread by `label_smoothing` over the ten digits, as
    keras.losses.categorical_crossentropy does (its sparse twin has no label smoothing)."""
    def smoothed(y_true, y_pred):
        onehot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32"), 10)
        return keras.losses.categorical_crossentropy(onehot, y_pred, label_smoothing=label_smoothing)

    return smoothed


def calibrate(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> float:
    """Sharpen (or soften) the model's probabilities by the temperature that fits these uint8 images best (the
    least negative log-likelihood of their labels), folded into the weights of its last layer, whose softmax then
    takes logits / temperature; returns the temperature. The digit read stays the same; its confidence is what the
    pages and the numbers go by, and label smoothing keeps it under about 0.9 (82% of MNIST test then read unsure)."""
    log_p = np.log(np.clip(read_probabilities(model, images).astype(np.float64), 1e-30, 1.0))
    rows, labels = np.arange(len(labels)), np.asarray(labels, np.int64)

    def loss(temperature: float) -> float:
        return float(np.mean(logsumexp(log_p / temperature, axis=1) - log_p[rows, labels] / temperature))

    temperature = float(min(TEMPERATURES, key=loss))
    temper(model, temperature)
    return temperature


def temper(model: keras.Model, temperature: float) -> None:
    """Divide the logits of the model's softmax by `temperature`, in the weights of its last layer."""
    output = model.get_layer("probabilities")
    output.set_weights([weight / temperature for weight in output.get_weights()])


def compile_one_cycle(trainer: keras.Model, learning_rate: float, steps: int, ema: float = 0.0,
                      label_smoothing: float = 0.0, loss: str = "sparse_categorical_crossentropy",
                      metrics: Sequence[str | keras.metrics.Metric] = ("accuracy",)) -> None:
    """Compile for training with Adam on the one-cycle schedule, with `loss` and `metrics` as Keras names them;
    with `ema` > 0, the weights become their exponential moving average (that momentum) when the training ends;
    with `label_smoothing` > 0, the loss is sparse cross-entropy with the targets smoothed so (smoothed_loss)."""
    # Averaged over more than a quarter of the run, the weights would keep too much of a barely trained model (a
    # one-epoch Full run, say): the momentum is capped at 1 - 4 / steps (Full's 9,460 steps allow 0.99958).
    ema = min(ema, max(0.0, 1 - 4 / steps))
    optimizer = keras.optimizers.Adam(one_cycle(learning_rate, steps), use_ema=ema > 0, ema_momentum=ema or 0.99)
    trainer.compile(optimizer=optimizer, loss=smoothed_loss(label_smoothing) if label_smoothing else loss,
                    metrics=list(metrics))


def train(
    mnist: Mnist,
    arch: str = DEFAULTS["arch"],
    epochs: int = DEFAULTS["epochs"],
    batch_size: int = DEFAULTS["batch_size"],
    learning_rate: float = DEFAULTS["learning_rate"],
    seed: int = 1,
    limit: int | None = DEFAULTS["limit"],
    augment: bool = DEFAULTS["augment"],
    ema: float = DEFAULTS["ema"],
    label_smoothing: float = DEFAULTS["label_smoothing"],
    progress: ProgressFile | None = None,
    verbose: int | str = "auto",
) -> tuple[keras.Model, list[dict]]:
    """Train a fresh model on the first `limit` training images (all but the validation slice by default).

    Returns the model and its learning curves (LearningCurves' points, which follow the weights as they train;
    with `ema`, the model returned has their moving average). The same seed gives the same model.
    """
    # Seeds Python, NumPy and TensorFlow. The CPU kernels used here are deterministic already (a test checks
    # it); tf.config.experimental.enable_op_determinism() would double the training time for nothing.
    keras.utils.set_random_seed(seed)
    held_out = len(mnist.x_train) - VALIDATION
    if held_out < 1 or epochs < 1 or (limit is not None and limit < 1):
        raise ValueError(f"need at least one epoch and one training image besides the {VALIDATION:,} held out "
                         f"for validation (MNIST has {len(mnist.x_train):,} training images)")
    images, labels = mnist.x_train[:held_out][:limit], mnist.y_train[:held_out][:limit]
    model = build_model(arch)
    if augment:
        # Pen-redrawn twins of the images and a digit in a style MNIST lacks for every ten of them, drawn once
        # per machine (or read from the cache), then random rotation, zoom, slant, shift and stroke width in
        # front of the model while it trains; the saved model has none of it.
        def redrawing(done: int, total: int) -> None:
            if progress:
                progress.write("redrawing", done=done, total=total, fraction=done / total)

        twins, styled, styled_labels = training_material(mnist.x_train[:held_out], len(images), redrawing)
        images, twins = np.concatenate([images, styled]), np.concatenate([twins, styled])
        labels = np.concatenate([labels, styled_labels])
        trainer = keras.Sequential([build_augmentation(seed), model])
    else:
        twins, trainer = None, model
    compile_one_cycle(trainer, learning_rate, steps=training_steps(len(images), epochs, batch_size), ema=ema,
                      label_smoothing=label_smoothing)
    curves = LearningCurves(mnist.x_train[held_out:], mnist.y_train[held_out:], progress=progress)
    batches = training_batches(images, labels, batch_size, seed, twins)
    # The batches come shuffled.
    trainer.fit(batches, epochs=epochs, shuffle=False, callbacks=fit_callbacks(curves, progress), verbose=verbose)
    return model, curves.points


def describe_training(mnist: Mnist, model: keras.Model, seconds: float, **settings) -> dict:
    """The metadata saved beside a model: how it was made and from what."""
    return {
        **settings,
        "training_seconds": round(seconds, 1),
        "parameters": int(model.count_params()),
        "data_sha256": mnist.sha256,
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "date": utc_now(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def save_model(model: keras.Model, metadata: dict, path: str | os.PathLike,
               inspection: Inspection | None = None) -> Path:
    """Write NAME.keras, its inspection (NAME.inspection.npz) and NAME.json, each whole to a temporary file beside
    it before any is renamed into place: then the model, its inspection, and last the JSON, which makes the model
    show on the pages. A save that fails (a full disk, Ctrl-C) leaves the folder as it was, a model saved over too."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"model path must end in .keras: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    try:
        # The stack renames its files as it closes, the last entered first. A model saved over had been replaced
        # before its inspection was written: on a full disk, the new model kept the old one's JSON, under "the
        # serving model is unchanged" (a review, 2026-12-07).
        with contextlib.ExitStack() as stack:
            json_file = stack.enter_context(staged(metadata_path(path)))
            inspection_file = stack.enter_context(staged(inspection_path(path))) if inspection is not None else None
            model_file = stack.enter_context(staged(path))
            model.save(model_file)
            if inspection is not None:
                with inspection_file.open("wb") as file:
                    write_inspection(inspection, file, model_file)
            json_file.write_text(json.dumps({"name": path.stem, **metadata}, indent=2))
    except BaseException as error:  # a full disk, or Ctrl-C and a cancel between the renames
        # Without its JSON a model is not listed, so the one serving stays; remove what was renamed of a new one.
        for written in (path, inspection_path(path)) if new else ():
            written.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(error.errno, f"no space left on the disk to save the model in {path.parent} (the "
                          "serving model is unchanged): free some space, then train again") from error
        raise
    return path


def save_network(model: keras.Model, figures: dict, mnist: Mnist, started: float, path: str | os.PathLike,
                 **settings) -> Path:
    """save_model for a network trained on `mnist` since `started` (time.perf_counter()): its figures, its
    settings and how it was made (describe_training) go into its metadata."""
    seconds = time.perf_counter() - started
    return save_model(model, {**figures, **describe_training(mnist, model, seconds, **settings)}, path)


def train_and_save(
    mnist: Mnist,
    out: str | os.PathLike,
    seed: int = 1,
    preset: str | None = None,
    progress: ProgressFile | None = None,
    verbose: int | str = "auto",
    **settings,
) -> dict:
    """Train with `settings` (train()'s: arch, epochs, batch_size, learning_rate, limit, augment, ema,
    label_smoothing), calibrate a model trained with label smoothing on the validation slice, evaluate on the test
    set and save the model with its metadata and learning curves; returns the metadata."""
    settings = {**DEFAULTS, **settings, "seed": seed}
    started = time.perf_counter()
    model, history = train(mnist, progress=progress, verbose=verbose, **settings)
    held_out = len(mnist.x_train) - VALIDATION
    temperature = (calibrate(model, mnist.x_train[held_out:], mnist.y_train[held_out:])
                   if settings["label_smoothing"] else 1.0)
    seconds = time.perf_counter() - started
    # One pass over the test set gives the scores and the inspection the Model page shows (kept beside the model).
    inspection = inspect_model(model, mnist.x_test, mnist.y_test)
    described = describe_training(mnist, model, seconds, preset=preset, **settings)
    epoch_seconds = round(history[-1]["seconds"] / settings["epochs"], 1)
    metadata = {**inspection.scores(), **described, "temperature": temperature, "epoch_seconds": epoch_seconds,
                "history": history}
    save_model(model, metadata, out, inspection)
    return metadata

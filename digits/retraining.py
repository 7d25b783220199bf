"""Retraining from the page: one `scripts/train.py` process at a time, its progress, and cancelling it; and the
drawing of the training material ahead of the first one (`scripts/draw_ahead.py`)."""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from digits.corrections import Corrections, display_location, is_database_url, samples_sha256
from digits.deployment import OFF
from digits.recipes import DETECTOR_TUNE, FINE_TUNE
from digits.registry import ModelRegistry, remove_stale, write_json_atomically
from digits.stopping import CANCEL_WAIT_S, HOST

TRAIN_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train.py"
DRAW_AHEAD_SCRIPT = TRAIN_SCRIPT.with_name("draw_ahead.py")
# Drawing ahead at once slowed a server's start, when it drew the whole set: its first answer came 11.4 s after
# `streamlit run` against 9.4 s (medians of 9 cold starts each, interleaved, 2026-12-02; the drawing itself takes
# 18-20 s on two cores). Past most cold starts, it waits that much.
DRAW_AHEAD_AFTER_S = 15.0
FINE_TUNE_SEED = 1  # "Learn my handwriting"'s: the same drawings learned again give the same model (learned_already)
RUNNING = ("starting", "loading", "redrawing", "training", "evaluating", "teaching")  # states of a training under way


def niced(command: list[str], priority: int) -> list[str]:
    """`command` run at a lower CPU priority (`nice`'s 1-19), where the system has nice."""
    return (["nice", "-n", str(priority)] if shutil.which("nice") else []) + command


def start_drawing_ahead(after: float | None = None) -> threading.Timer | None:
    """Start scripts/draw_ahead.py in the background, at the lowest CPU priority, to draw the training material
    into the cache for a training on as many images as $DIGITS_DRAW_AHEAD says (by default all; a whole number of
    them; off, false, no or 0: none, and nothing is started), once `after` seconds have passed (by default
    $DIGITS_DRAW_AHEAD_AFTER, else DRAW_AHEAD_AFTER_S). It ends with this process, which reaps it. Its output is
    dropped: should it fail, a training draws what it needs itself. Returns the timer that starts it."""
    setting = os.environ.get("DIGITS_DRAW_AHEAD", "all").strip().lower()
    if setting in OFF:
        return None
    if after is None:
        try:
            after = max(0.0, float(os.environ.get("DIGITS_DRAW_AHEAD_AFTER", DRAW_AHEAD_AFTER_S)))
        except ValueError:
            after = DRAW_AHEAD_AFTER_S
    limit = ["--limit", setting] if setting.isdigit() else []
    command = niced([sys.executable, str(DRAW_AHEAD_SCRIPT), "--parent", str(os.getpid()), *limit], 19)

    def draw() -> None:
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    timer = threading.Timer(after, draw)
    timer.daemon = True  # the server's exit does not wait for it
    timer.start()
    return timer


def try_lock(path: Path) -> int | None:
    """A file descriptor holding an exclusive OS lock (flock) on `path`, or None if another one holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class TrainingNotStarted(RuntimeError):
    """A training could not start: the models folder, where it keeps its lock, log and progress, cannot be written."""


class Retrainer:
    """Starts training in a separate process and reports on it; one training at a time for all pages.

    The training process writes `training.json` in the models folder; this reads it. It holds an OS lock
    on `training.lock` there for as long as it lives, so one training runs at a time across every server
    process sharing the folder (replicas), and a process that dies, even by kill -9, frees it. The process
    finds MNIST as `load_mnist` does ($DIGITS_MNIST, the Keras cache, a download).
    """

    def __init__(self, registry: ModelRegistry):
        self.registry = registry
        self.status_file = registry.folder / "training.json"
        self.log_file = registry.folder / "training.log"
        self.lock_file = registry.folder / "training.lock"
        self.cancel_file = registry.folder / "training.cancel"  # a Cancel from another host (stopping.stop_when_asked)
        self.host = HOST
        self.lock = threading.Lock()  # this process's sessions; training.lock orders the processes
        self.process: subprocess.Popen | None = None

    def status(self) -> dict | None:
        """The latest training's progress (state: one of RUNNING, then done, failed or cancelled), or None
        when there has been none (or its file is unreadable)."""
        status = self.written_status()
        if status is None:
            return None
        if self.process is not None and self.process.poll() is not None:
            self.process = None  # reap it, so that it does not linger as a zombie
        if status["state"] in RUNNING and not self.training_alive():
            status = {**status, "state": "failed", "error": "the training process stopped unexpectedly"}
            write_json_atomically(self.status_file, status)
        return status

    def written_status(self) -> dict | None:
        """The status as the training (or a Cancel) last wrote it, with a state; None if there is none."""
        try:
            status = json.loads(self.status_file.read_text())
        except (OSError, ValueError):
            return None
        return status if isinstance(status, dict) and "state" in status else None

    def seconds_since_news(self) -> float:
        """Seconds since the training's status last changed: since it ended, once it has (inf if there is none)."""
        try:
            return time.time() - self.status_file.stat().st_mtime
        except OSError:
            return math.inf

    def training_alive(self) -> bool:
        """True while a training process (of any server sharing the folder) holds the training lock."""
        # A probe takes the lock for an instant; a launch in another process at that very instant is refused as
        # if a training ran, and its page says so: rare, and harmless.
        fd = try_lock(self.lock_file)
        if fd is not None:
            os.close(fd)
        return fd is None

    def running(self) -> bool:
        """True while a training is under way."""
        status = self.status()
        return status is not None and status["state"] in RUNNING

    def start(self, preset: str, arch: str, epochs: int, limit: int | None, augment: bool, seed: int = 1) -> bool:
        """Start a training (a preset of digits.recipes with these settings) that saves a new model and serves
        it if it is at least as good; False if one is running already."""
        options = ["--preset", preset, "--arch", arch, "--epochs", str(epochs), "--seed", str(seed)]
        options += ["--limit", str(limit)] if limit else []
        options += [] if augment else ["--no-augment"]
        settings = {"preset": preset, "arch": arch, "epochs": epochs, "limit": limit, "augment": augment}
        return self.launch(options, "retrained", epochs, {"kind": "training", "settings": settings})

    def start_fine_tune(self, store: str | os.PathLike, serving: Path | None = None) -> bool:
        """Start "Learn my handwriting": fine-tune fine_tuning_base(serving) on the corrections in `store` (a file
        or a database URL), and serve the result if it learned them without forgetting MNIST; False if a training is
        running already."""
        base = self.fine_tuning_base(serving)
        # A database URL goes to the process in its environment, not on its command line, where ps shows it.
        where = {"DIGITS_DATABASE_URL": str(store)} if is_database_url(store) else {}
        options = ["--from", str(base), "--corrections", *([] if where else [str(store)])]
        return self.launch(options + ["--seed", str(FINE_TUNE_SEED)], "handwriting", FINE_TUNE["epochs"], {
            "kind": "fine-tune", "settings": {"from": base.name, "corrections": display_location(store)}}, where)

    def fine_tuning_base(self, serving: Path | None = None) -> Path:
        """The model "Learn my handwriting" starts from: the `serving` model (by default the one chosen to serve; the
        pages pass the one they serve, the shipped one where the chosen one cannot be loaded), or the one it was
        fine-tuned from (ModelRegistry.origin)."""
        return self.registry.origin(serving or self.registry.current_path())

    def learned_already(self, store: Corrections, serving: Path | None = None) -> Path | None:
        """A model in the folder that start_fine_tune(store, serving) made already: from the same model, on these
        same corrections, with the same recipe and seed, if any. Another would be the same model again."""
        same = {"fine_tuned_from": self.fine_tuning_base(serving).name,
                "corrections_sha256": samples_sha256(*store.samples()), "seed": FINE_TUNE_SEED, **FINE_TUNE,
                "detector_tune": DETECTOR_TUNE}  # none in one made before fine-tunes taught the detector
        for model in self.registry.models():
            if all(model.get(key) == value for key, value in same.items()):
                return model["path"]
        return None

    def launch(self, options: list[str], name: str, epochs: int, fields: dict, env: dict | None = None) -> bool:
        """Run train.py with `options` (and `env` added to its environment) in its own process, writing
        NAME-<time>.keras and its progress; False if a training is running already. TrainingNotStarted where the
        models folder cannot be written: a read-only one had ended the page in an OSError (a review, 2026-12-07)."""
        with self.lock:
            try:
                lock = try_lock(self.lock_file)
                if lock is None:
                    return False
                try:
                    self.process = self.spawn(options, name, epochs, fields, env or {}, lock)
                finally:
                    os.close(lock)  # the training process holds it now, until it ends
            except OSError as error:
                raise TrainingNotStarted(f"The training cannot start: the models folder {self.registry.folder} "
                                         f"cannot be written ({error.strerror or error}). The serving model is "
                                         "unchanged.") from error
            return True

    def spawn(self, options: list[str], name: str, epochs: int, fields: dict, env: dict,
              lock: int) -> subprocess.Popen:
        """Start train.py holding the training lock `lock`, after clearing what killed trainings left behind."""
        # What the last training left, were it killed: its name held and its temporary files (.NAME.*), and any
        # temporary file an hour old; not those of a save under way, which scripts/train.py run by hand, or another
        # server's promotion, make without the training lock (every .*.* had been removed here).
        if (last := self.written_status()) and isinstance(last.get("model"), str):
            remove_stale(self.registry.folder, f".{Path(last['model']).stem}.*", seconds=-math.inf)
        remove_stale(self.registry.folder, ".*.*")
        self.cancel_file.unlink(missing_ok=True)  # a Cancel from another host, of a training ended since
        out = self.registry.new_model_path(name)
        # At low priority, so that pages keep answering quickly while it trains.
        command = niced([sys.executable, str(TRAIN_SCRIPT), *options, "--out", str(out),
                         "--progress", str(self.status_file), "--promote"], 10)
        with open(self.log_file, "w") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                       pass_fds=(lock,), env={**os.environ, **env})
        write_json_atomically(self.status_file, {
            "pid": process.pid, "host": self.host, "state": "starting", "epoch": 0, "epochs": epochs, "fraction": 0.0,
            "model": str(out), "history": [], **fields,
        })
        return process

    def cancel(self) -> bool:
        """Stop the running training; the serving model is untouched, and no half-written model is left. False where
        it has not ended yet: one on another host, that has not seen the request in time."""
        with self.lock:
            status = self.status()
            if status is None or status["state"] not in RUNNING:
                return True
            # Until it has ended, even when another server process started it (self.process is None): its last
            # progress, written after "cancelled", made a cancelled training "stopped unexpectedly" (a code review).
            # One on another host (a replica's, the folder on a network disk) is asked through the folder, and stops
            # itself (stopping.stop_when_asked): its pid is that host's. So is one whose host is not said (a version
            # before: signalled, a pid from another host had hit whatever process here had it).
            if status.get("host") == self.host:
                ended = self.signalled_to_end(status["pid"])
            else:
                write_json_atomically(self.cancel_file, {"model": Path(status.get("model", "")).name,
                                                         "host": self.host})
                ended = self.ended(within=CANCEL_WAIT_S + 5)
            if self.process is not None and ended:
                self.process.wait()  # reaped
                self.process = None
            # Unless it ended on its own meanwhile: a training done in the instant before stays done (a code review).
            if ended and (latest := self.written_status()) is not None and latest["state"] in RUNNING:
                write_json_atomically(self.status_file, {**latest, "state": "cancelled"})
            return ended

    def signalled_to_end(self, pid: int) -> bool:
        """SIGTERM to the training's process group (this host's), and SIGKILL CANCEL_WAIT_S later if it has not
        ended, rather than Cancel failing; True once it has ended."""
        for stop in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, stop)
            except ProcessLookupError:  # its processes are all gone
                return True
            if self.ended(within=CANCEL_WAIT_S):
                return True
        return False

    def ended(self, within: float) -> bool:
        """True once no training holds the training lock, waiting `within` seconds at most."""
        deadline = time.monotonic() + within
        while self.training_alive():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

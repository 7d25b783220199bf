"""Retraining from the page: one `scripts/train.py` process at a time, its progress, and cancelling it."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from digits.recipes import FINE_TUNE
from digits.registry import ModelRegistry, write_json_atomically

TRAIN_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train.py"
RUNNING = ("starting", "loading", "redrawing", "training", "evaluating")  # states of a training under way


def process_alive(pid: int) -> bool:
    """True if a process with this id exists and has not finished (a zombie counts as finished)."""
    if pid <= 0:  # no id at all (and os.kill would take 0 or -1 for a group or every process)
        return False
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Retrainer:
    """Starts training in a separate process and reports on it; one training at a time for all pages.

    The training process writes `training.json` in the models folder; this reads it. A training is
    running while that file says so and its process is alive. The process finds MNIST as
    `load_mnist` does ($DIGITS_MNIST, the Keras cache, a download).
    """

    def __init__(self, registry: ModelRegistry):
        self.registry = registry
        self.status_file = registry.folder / "training.json"
        self.log_file = registry.folder / "training.log"
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None

    def status(self) -> dict | None:
        """The latest training's progress (state: one of RUNNING, then done, failed or cancelled), or None
        when there has been none (or its file is unreadable)."""
        try:
            status = json.loads(self.status_file.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(status, dict) or "state" not in status:
            return None
        if self.process is not None and self.process.poll() is not None:
            self.process = None  # reap it, so that it does not linger as a zombie
        if status["state"] in RUNNING and not process_alive(status.get("pid", 0)):
            status = {**status, "state": "failed", "error": "the training process stopped unexpectedly"}
            write_json_atomically(self.status_file, status)
        return status

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

    def start_fine_tune(self, store: str | os.PathLike, seed: int = 1) -> bool:
        """Start "Learn my handwriting": fine-tune the serving model on the corrections in `store`, and serve the
        result if it learned them without forgetting MNIST; False if a training is running already."""
        base = self.registry.current_path()
        options = ["--from", str(base), "--corrections", str(store), "--seed", str(seed)]
        return self.launch(options, "handwriting", FINE_TUNE["epochs"],
                           {"kind": "fine-tune", "settings": {"from": base.name, "corrections": str(store)}})

    def launch(self, options: list[str], name: str, epochs: int, fields: dict) -> bool:
        """Run train.py with `options` in its own process, writing NAME-<time>.keras and its progress; False if a
        training is running already."""
        with self.lock:
            if self.running():
                return False
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            out = self.registry.folder / f"{name}-{stamp}.keras"
            # At low priority, so that pages keep answering quickly while it trains.
            command = ["nice", "-n", "10"] if shutil.which("nice") else []
            command += [sys.executable, str(TRAIN_SCRIPT), *options, "--out", str(out),
                        "--progress", str(self.status_file), "--promote"]
            with open(self.log_file, "w") as log:
                self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            write_json_atomically(self.status_file, {
                "pid": self.process.pid, "state": "starting", "epoch": 0, "epochs": epochs, "fraction": 0.0,
                "model": str(out), "history": [], **fields,
            })
            return True

    def cancel(self) -> None:
        """Stop the running training; the serving model is untouched, and no half-written model is left."""
        with self.lock:
            status = self.status()
            if status is None or status["state"] not in RUNNING:
                return
            try:
                os.killpg(status["pid"], signal.SIGTERM)
            except ProcessLookupError:
                pass
            if self.process is not None:
                self.process.wait(timeout=10)
                self.process = None
            write_json_atomically(self.status_file, {**status, "state": "cancelled"})

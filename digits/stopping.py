"""Ctrl-C (SIGINT) and a cancel (SIGTERM) in a process that trains (scripts/train.py).

Each is raised at once, as KeyboardInterrupt or SystemExit(143) (which removes temporary files on its way out),
except while model.fit runs, where it waits for the end of the training step (training.StopBetweenSteps). Raised
within a step, it landed in TensorFlow's tracing of the first one: TensorFlow turned it into a SystemError that it
printed, or caught it and trained on (train.py's Ctrl-C test: 1 run in 6 here on 2026-12-06, and once in CI).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path


def host_identity() -> str:
    """Where a process id means this process: the host's name, and its process-id namespace where /proc says (the
    containers of one host, their name shared, each have their own process ids)."""
    try:
        return f"{socket.gethostname()} {os.readlink('/proc/self/ns/pid')}"  # "name pid:[4026531836]"
    except OSError:
        return socket.gethostname()


HOST = host_identity()  # a training's status names its host: its pid means nothing on another
CANCEL_WAIT_S = 10.0  # a cancelled training's time to end before it is killed


class StopSignals:
    """The stop signals this process has received, once catch() has set it up."""

    def __init__(self) -> None:
        self.received: int | None = None  # the last one
        self.pending = False  # received and not raised yet
        self.deferred = False  # raised only by raise_pending(), while model.fit runs

    def catch(self) -> None:
        """Handle SIGINT and SIGTERM from now on, SIGINT even where the parent ignored it (a shell's background job,
        a pytest-xdist worker): Python then leaves it ignored, and a training went on to the end."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.handle)

    def handle(self, signum: int, frame: object) -> None:
        """The signal handler: note the signal, and raise it unless deferred."""
        self.received, self.pending = signum, True
        if not self.deferred:
            self.raise_pending()

    def raise_pending(self) -> None:
        """Raise the signal received, if one is waiting."""
        if self.pending:
            self.pending = False
            if self.received == signal.SIGTERM:
                raise SystemExit(143)
            raise KeyboardInterrupt


STOP_SIGNALS = StopSignals()


def stop_when_asked(request: Path, model: str, every: float = 1.0) -> threading.Thread:
    """Watch, in a thread, for a cancel of this training (the one saving `model`) asked from another host: a
    replica there shares the models folder on a network disk, and cannot signal a process here (the pid in the
    training's status is this host's; a Cancel there had signalled whatever process had that pid on its own host,
    and left this one training: a code review, 2026-12-07). Retrainer.cancel writes `request`, naming the model;
    once it does, this process stops as a cancel's SIGTERM stops it, and is killed CANCEL_WAIT_S later if it has
    not."""
    def stop(signum: int) -> None:
        """Send the stop signal to this training: its process group where it leads a session (the page's trainings,
        with the workers that draw their material), else this process alone. (A shell's pipeline, `train.py | tee`,
        is a group that train.py leads, and tee was stopped with it: a review, 2026-12-07.)"""
        if os.getsid(0) == os.getpid():
            os.killpg(os.getpid(), signum)
        else:
            os.kill(os.getpid(), signum)

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                asked = json.loads(request.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(asked, dict) and asked.get("model") == Path(model).name:
                print(f"cancelled from {asked.get('host', 'another host')}", file=sys.stderr, flush=True)
                stop(signal.SIGTERM)
                time.sleep(CANCEL_WAIT_S)
                stop(signal.SIGKILL)

    watcher = threading.Thread(target=watch, name="stop_when_asked", daemon=True)
    watcher.start()
    return watcher

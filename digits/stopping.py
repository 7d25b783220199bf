"""Ctrl-C (SIGINT) and a cancel (SIGTERM) in a process that trains (scripts/train.py).

Each is raised at once, as KeyboardInterrupt or SystemExit(143) (which removes temporary files on its way out),
except while model.fit runs, where it waits for the end of the training step (training.StopBetweenSteps). Raised
within a step, it landed in TensorFlow's tracing of the first one: TensorFlow turned it into a SystemError that it
printed, or caught it and trained on (train.py's Ctrl-C test: 1 run in 6 here on 2026-12-06, and once in CI).
"""

from __future__ import annotations

import signal


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

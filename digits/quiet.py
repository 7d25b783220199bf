"""TensorFlow imported without the lines of its own that it writes to stderr, where the scripts' errors go."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def tensorflow_quiet() -> Iterator[None]:
    """Import TensorFlow's modules in this block: absl's and oneDNN's lines as it is imported go nowhere (written
    to file descriptor 2 by C code; an import that fails still raises, and says why once stderr is back), and XLA's
    info lines later are turned off. Without it, a script wrote ten such lines between its own."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)

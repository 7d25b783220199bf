"""Shared fixtures: MNIST from $DIGITS_MNIST, a tiny model trained once, and the shipped model."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digits import Recognizer, load_mnist
from digits.training import train_and_save

ROOT = Path(__file__).resolve().parent.parent


def run_script(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run scripts/NAME.py with this Python and return what it did."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=600,
    )


@pytest.fixture(scope="session")
def mnist():
    return load_mnist(download=False)


@pytest.fixture(scope="session")
def tiny_model_path(mnist, tmp_path_factory) -> Path:
    """A model trained for one epoch on 500 images: quick, and far from good."""
    path = tmp_path_factory.mktemp("models") / "tiny.keras"
    train_and_save(mnist, path, epochs=1, limit=500, verbose=0)
    return path


@pytest.fixture(scope="session")
def shipped() -> Recognizer:
    return Recognizer.load()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)

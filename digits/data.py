"""Load MNIST from a verified .npz file, looking in the usual places."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
HOW_TO_GET_IT = (
    "Get mnist.npz (keys x_train, y_train, x_test, y_test) and pass it with --data PATH "
    "or set DIGITS_MNIST=PATH; with internet access, keras.datasets.mnist.load_data() "
    "downloads it to ~/.keras/datasets/mnist.npz."
)
EXPECTED = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


class MnistError(RuntimeError):
    """MNIST could not be found or is not a valid MNIST file."""


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays, with where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    path: Path
    sha256: str


def find_mnist(path: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Return the MNIST file to use: `path`, else $DIGITS_MNIST, else the Keras cache, else a download.

    An explicit path is used as given (it is an error if it is missing); the others are tried in turn.
    """
    if path is not None:
        path = Path(path).expanduser()
        if not path.is_file():
            raise MnistError(f"MNIST file not found: {path}\n{HOW_TO_GET_IT}")
        return path
    tried = []
    env = os.environ.get("DIGITS_MNIST")
    candidates = ([(Path(env).expanduser(), "$DIGITS_MNIST")] if env else []) + [
        (KERAS_CACHE.expanduser(), "Keras cache")
    ]
    for candidate, where in candidates:
        if candidate.is_file():
            return candidate
        tried.append(f"{where}: {candidate} (missing)")
    if not env:
        tried.insert(0, "$DIGITS_MNIST: not set")
    if download:
        try:
            import keras

            keras.datasets.mnist.load_data()
            if KERAS_CACHE.expanduser().is_file():
                return KERAS_CACHE.expanduser()
            tried.append("download: finished but left no file in the Keras cache")
        except Exception as error:  # any network or file error means: no download
            tried.append(f"download through keras.datasets.mnist: failed ({type(error).__name__}: {error})")
    else:
        tried.append("download: not attempted")
    raise MnistError("MNIST not found. Tried:\n  " + "\n  ".join(tried) + "\n" + HOW_TO_GET_IT)


def load_mnist(path: str | os.PathLike | None = None, download: bool = True) -> Mnist:
    """Load and check MNIST: uint8 images 28x28 and labels 0-9, from the file `find_mnist` picks."""
    path = find_mnist(path, download)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in EXPECTED if key in archive}
    except Exception as error:
        raise MnistError(f"{path} is not a readable .npz file ({error}).\n{HOW_TO_GET_IT}") from None
    for key, (shape, dtype) in EXPECTED.items():
        if key not in arrays:
            raise MnistError(f"{path} has no array '{key}'; an MNIST file has {', '.join(EXPECTED)}.")
        array = arrays[key]
        if array.shape[1:] != shape[1:] or array.dtype != dtype or len(array) == 0:
            raise MnistError(
                f"{path}: '{key}' is {array.dtype} {array.shape}, expected {np.dtype(dtype)} {shape}."
            )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(x) != len(y):
            raise MnistError(f"{path}: {len(x)} {split} images but {len(y)} labels.")
        if y.max() > 9:
            raise MnistError(f"{path}: {split} labels must be 0-9, found {y.max()}.")
    return Mnist(**arrays, path=path, sha256=file_sha256(path))


def file_sha256(path: Path) -> str:
    """The sha256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

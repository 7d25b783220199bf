"""Load MNIST from a verified .npz file, looking in the usual places."""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
# The file keras.datasets.mnist.load_data() fetches; $DIGITS_MNIST_URL overrides it (mirrors, tests).
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_DOWNLOAD_MB = 11
# sha256 of the raw bytes of x_train, y_train, x_test, y_test (in that order, C order). The arrays are
# the original MNIST byte for byte in every copy, while the .npz container differs (zip timestamps),
# so this one value checks the Keras download and any local mnist.npz alike.
ARRAYS_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"
HOW_TO_GET_IT = (
    "Get mnist.npz (keys x_train, y_train, x_test, y_test; on a machine with internet access it is at "
    f"{MNIST_URL}) and pass it with --data PATH, set DIGITS_MNIST=PATH, or put it in ~/.keras/datasets/."
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
            return download_mnist()
        except MnistError as error:  # its first line is the reason; the how-to comes once, below
            tried.append(f"download: {str(error).splitlines()[0]}")
    else:
        tried.append("download: not attempted")
    raise MnistError("MNIST not found. Tried:\n  " + "\n  ".join(tried) + "\n" + HOW_TO_GET_IT)


def load_mnist(path: str | os.PathLike | None = None, download: bool = True) -> Mnist:
    """Load and check MNIST: uint8 images 28x28 and labels 0-9, from the file `find_mnist` picks."""
    path = find_mnist(path, download)
    try:
        arrays = read_arrays(path, str(path))
    except MnistError as error:
        raise MnistError(f"{error}\n{HOW_TO_GET_IT}") from None
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


def arrays_sha256(arrays: Mapping[str, np.ndarray], keys: Iterable[str] = EXPECTED) -> str:
    """The sha256 of the raw bytes of the arrays named in `keys` (MNIST's x_train, y_train, x_test, y_test), in
    that order, as hex."""
    digest = hashlib.sha256()
    for key in keys:
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())  # C order, whatever order it was saved in
    return digest.hexdigest()


def read_arrays(path: str | os.PathLike, name: str) -> dict[str, np.ndarray]:
    """The MNIST arrays (those of EXPECTED) that the .npz file at `path` holds; MnistError if it is none, naming it
    `name`."""
    if not zipfile.is_zipfile(path):  # np.load took a text file for a pickle, and advised loading it unsafely
        raise MnistError(f"{name} is not a readable .npz file (not a zip archive).")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in EXPECTED if key in archive}
    except Exception as error:  # a bad zip, a bad CRC, a bad header: all mean the same here
        raise MnistError(f"{name} is not a readable .npz file ({error}).") from None


def verify_mnist(path: str | os.PathLike, name: str | None = None) -> None:
    """Raise MnistError unless `path` is a readable .npz holding exactly the MNIST arrays (ARRAYS_SHA256).

    `name` is how messages call the file (default: its path).
    """
    name = name or str(path)
    arrays = read_arrays(path, name)
    for key, (shape, dtype) in EXPECTED.items():
        if key not in arrays or arrays[key].shape != shape or arrays[key].dtype != dtype:
            raise MnistError(f"{name} is not MNIST (no {np.dtype(dtype)} {shape} array '{key}').")
    if arrays_sha256(arrays) != ARRAYS_SHA256:
        raise MnistError(f"{name} is not MNIST (checksum mismatch).")


def download_mnist(
    url: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = 30,
) -> Path:
    """Download MNIST into the Keras cache, verify it, and return its path.

    `url` defaults to $DIGITS_MNIST_URL, else MNIST_URL. `progress(bytes_so_far, total_or_None)` is
    called after each block (total from Content-Length). `timeout` is in seconds, for connecting and
    for each read, not for the whole download. The file only appears once verified; on any failure
    (interruptions included) nothing is left behind and an existing cache file is untouched.
    """
    url = url or os.environ.get("DIGITS_MNIST_URL") or MNIST_URL
    target = KERAS_CACHE.expanduser()
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:  # before URLError: it is one, but the server did answer
        raise MnistError(f"the download failed: {url} answered HTTP {error.code} {error.reason}.\n"
                         f"{HOW_TO_GET_IT}") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error  # URLError wraps the socket error
        raise MnistError(f"the download failed because this machine could not reach {url} ({reason}).\n"
                         f"{HOW_TO_GET_IT}") from None
    with response:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Same folder as the target so os.replace is an atomic rename; a random name so two
            # downloads at once never share a file; mode "x" so the umask decides its permissions.
            temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
            file = open(temp, "xb")
        except OSError as error:
            raise MnistError(f"cannot save MNIST in {target.parent} ({error}).") from None
        try:
            with file:
                got = _copy(response, file, total, progress)
            if total is not None and got < total:
                raise MnistError(f"the download was cut short (got {got} of {total} bytes).\n{HOW_TO_GET_IT}")
            try:
                verify_mnist(temp, "the downloaded file")
            except MnistError as error:
                raise MnistError(f"{error}\n{HOW_TO_GET_IT}") from None
            os.replace(temp, target)
        except OSError as error:  # the network is handled in _copy, so this is the disk
            raise MnistError(f"cannot save MNIST in {target.parent} ({error}).") from None
        finally:
            temp.unlink(missing_ok=True)  # after os.replace it is gone already; otherwise it is partial or bad
    return target


def _copy(response, file, total: int | None, progress: Callable[[int, int | None], None] | None) -> int:
    """Copy the response body into `file` in blocks, reporting progress; return the bytes copied."""
    got = 0
    if progress:
        progress(got, total)
    while True:
        try:
            block = response.read(1 << 16)
        except http.client.IncompleteRead as error:  # some Pythons raise this at an early end
            got += len(error.partial)
            file.write(error.partial)
            break
        except OSError as error:  # reset or timed out mid-way
            shown = f"{got} of {total}" if total is not None else f"{got}"
            raise MnistError(
                f"the download was cut short (got {shown} bytes: {error}).\n{HOW_TO_GET_IT}"
            ) from None
        if not block:
            break
        file.write(block)
        got += len(block)
        if progress:
            progress(got, total)
    return got

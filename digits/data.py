"""Load MNIST from a verified .npz file, looking in the usual places."""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import socket
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digits.registry import remove_stale

# The file keras.datasets.mnist.load_data() fetches; $DIGITS_MNIST_URL overrides it (mirrors, tests).
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_DOWNLOAD_MB = 11
# sha256 of the raw bytes of x_train, y_train, x_test, y_test (in that order, C order). The arrays are
# the original MNIST byte for byte in every copy, while the .npz container differs (zip timestamps),
# so this one value checks the Keras download and any local mnist.npz alike.
ARRAYS_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"
HOW_TO_GET_IT = (
    "Get mnist.npz (keys x_train, y_train, x_test, y_test; on a machine with internet access it is at "
    f"{MNIST_URL}) and pass it to the scripts with --data PATH, set DIGITS_MNIST=PATH (the app reads it too), or put "
    "it in the Keras cache, ~/.keras/datasets/ ($KERAS_HOME/datasets/ where that is set)."
)
WRITABLE = "Set KERAS_HOME to a folder this user can write, for the download to go to its datasets/."
# The whole download's limit: 11 MB at 12 KB/s. A server that trickles a byte now and then never trips the
# per-read timeout, and had held the page's download (and its script run) for as long as it liked.
DOWNLOAD_SECONDS = 900
EXPECTED = {
    "x_train": ((60000, 28, 28), np.uint8),
    "y_train": ((60000,), np.uint8),
    "x_test": ((10000, 28, 28), np.uint8),
    "y_test": ((10000,), np.uint8),
}


class MnistError(RuntimeError):
    """MNIST could not be found or is not a valid MNIST file."""


class NamedFileMissing(MnistError):
    """The MNIST file named (by --data or $DIGITS_MNIST) is not there: no other file or download stands in for it."""


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays, with where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    path: Path
    sha256: str


def keras_cache() -> Path:
    """Where Keras keeps mnist.npz, and where download_mnist puts it: $KERAS_HOME/datasets, else ~/.keras/datasets."""
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser() / "datasets" / "mnist.npz"


def find_mnist(
    path: str | os.PathLike | None = None,
    download: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Return the MNIST file to use: `path`, else $DIGITS_MNIST, else the Keras cache, else a download (reporting
    `progress` as download_mnist does).

    A file named (`path`, or $DIGITS_MNIST where set) is used as given, and NamedFileMissing where it is not there: a
    mistyped $DIGITS_MNIST had been passed over in silence for another file or a download (a review, 2026-12-07).
    A file in the Keras cache that is no whole .npz of MNIST's arrays (a download killed mid-way) is downloaded again,
    as Keras does: it had been found, failed every training, and kept the page from offering the download.
    """
    env = os.environ.get("DIGITS_MNIST")
    if path is not None or env:
        path, named = Path(path if path is not None else env).expanduser(), "" if path is not None else "$DIGITS_MNIST "
        if path.is_dir():
            raise NamedFileMissing(f"MNIST file not found: {named}{path} is a folder; name the mnist.npz in it.\n"
                                   f"{HOW_TO_GET_IT}")
        if not path.is_file():
            raise NamedFileMissing(f"MNIST file not found: {named}{path}\n{HOW_TO_GET_IT}")
        return path
    cache = keras_cache()
    if cache.is_file() and whole_npz(cache):
        return cache
    tried = ["$DIGITS_MNIST: not set",
             f"Keras cache: {cache} ({'damaged: cut short, or not MNIST' if cache.exists() else 'missing'})"]
    if download:
        try:
            return download_mnist(progress=progress)
        except MnistError as error:  # its first line is the reason; the how-to comes once, below
            tried.append(f"download: {str(error).splitlines()[0]}")
    else:
        tried.append("download: not attempted")
    raise MnistError("MNIST not found. Tried:\n  " + "\n  ".join(tried) + "\n" + HOW_TO_GET_IT)


def whole_npz(path: Path) -> bool:
    """Whether the file at `path` is a zip archive that lists MNIST's four arrays, from its directory only (at its
    end, so a file cut short has none): under a millisecond, where reading the arrays takes about 0.3 s."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return {f"{key}.npy" for key in EXPECTED} <= names


def load_mnist(
    path: str | os.PathLike | None = None,
    download: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> Mnist:
    """Load and check MNIST: uint8 images 28x28 and labels 0-9, from the file `find_mnist` picks (downloading it
    with `progress` where it does)."""
    path = find_mnist(path, download, progress)
    try:
        arrays = read_arrays(path, str(path))
    except MnistError as error:
        raise MnistError(f"{error}\n{HOW_TO_GET_IT}") from None
    for key, (shape, dtype) in EXPECTED.items():
        if key not in arrays:
            raise MnistError(f"{path} has no array '{key}'; an MNIST file has {', '.join(EXPECTED)}.")
        array = arrays[key]
        # ndim first: a 0-d array of labels had failed len() with a traceback (a review, 2026-12-07).
        if array.ndim != len(shape) or array.shape[1:] != shape[1:] or array.dtype != dtype or len(array) == 0:
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
    deadline: float = DOWNLOAD_SECONDS,
) -> Path:
    """Download MNIST into the Keras cache, verify it, and return its path.

    `url` defaults to $DIGITS_MNIST_URL, else MNIST_URL. `progress(bytes_so_far, total_or_None)` is
    called after each block (total from Content-Length). `timeout` is in seconds, for connecting and
    for each read; `deadline`, in seconds, for the whole download. The file only appears once verified; on any
    failure (interruptions included) nothing is left behind and an existing cache file is untouched.
    """
    url = url or os.environ.get("DIGITS_MNIST_URL") or MNIST_URL
    target = keras_cache()
    too_slow = MnistError(f"the download was too slow and was given up after {deadline:g} seconds.\n{HOW_TO_GET_IT}")
    with Deadline(deadline) as limit:
        try:
            temp, got, total = _fetch(limit.opener(), url, timeout, target, progress)
        except MnistError:
            if limit.passed.is_set():  # its sockets shut down: whatever failed, that is why
                raise too_slow from None
            raise
    try:
        if (total is None or got < total) and limit.passed.is_set():  # ended by the deadline, not by the server
            raise too_slow
        if total is not None and got < total:
            raise MnistError(f"the download was cut short (got {got} of {total} bytes).\n{HOW_TO_GET_IT}")
        try:
            verify_mnist(temp, "the downloaded file")
        except MnistError as error:
            # A server that gives no size ends the body by closing the connection, early or not: say it may have.
            unsized = "" if total is not None else (f" The server gave no size and sent {got:,} bytes: it may have "
                                                    "been cut short.")
            raise MnistError(f"{error}{unsized}\n{HOW_TO_GET_IT}") from None
        os.replace(temp, target)
    except OSError as error:  # the network is handled in _fetch, so this is the disk
        raise cannot_save(target, error) from None
    finally:
        temp.unlink(missing_ok=True)  # after os.replace it is gone already; otherwise it is partial or bad
    return target


class Deadline:
    """A limit on a download's whole time, in every phase: once `seconds` have passed, the sockets of its opener's
    connections are shut down. A server can trickle its headers, a chunk's size line or its body a byte at a time,
    each within the per-read timeout: checked between blocks only, a slow header had held a download for days (a
    review, 2026-12-07). (Not a TLS handshake, during which the connection has no socket to shut down.)"""

    def __init__(self, seconds: float):
        self.passed = threading.Event()
        self.sockets: list[socket.socket] = []
        self.timer = threading.Timer(seconds, self.end)
        self.timer.daemon = True

    def __enter__(self) -> Deadline:
        self.timer.start()
        return self

    def __exit__(self, *exception) -> None:
        self.timer.cancel()

    def end(self) -> None:
        """The time is up: shut down every socket opened so far (and, through watch, any opened later)."""
        self.passed.set()
        for sock in self.sockets:
            shut_down(sock)

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the time is up, or now where it is up already."""
        self.sockets.append(sock)
        if self.passed.is_set():
            shut_down(sock)

    def opener(self) -> urllib.request.OpenerDirector:
        """urllib's opener (urlopen's, redirects and proxies included), with connections this deadline ends."""
        watch = self.watch

        class Watched:  # before the connection class, whose connect() it extends
            def connect(self):
                super().connect()
                watch(self.sock)

        class Http(Watched, http.client.HTTPConnection):
            pass

        class Https(Watched, http.client.HTTPSConnection):
            pass

        class HttpHandler(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(Http, req)

        class HttpsHandler(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(Https, req)

        return urllib.request.build_opener(HttpHandler, HttpsHandler)


def shut_down(sock: socket.socket) -> None:
    """End a connection's reads and writes from another thread (a read waiting on it returns at once)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed already
        pass


def _fetch(opener: urllib.request.OpenerDirector, url: str, timeout: float, target: Path,
           progress: Callable[[int, int | None], None] | None) -> tuple[Path, int, int | None]:
    """Copy what `url` answers into a part file beside `target`: its path, the bytes copied and the size the server
    gave (None where it gave none). Nothing is left behind where it fails."""
    try:
        response = opener.open(url, timeout=timeout)
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
            raise cannot_save(target, error) from None
        remove_stale(target.parent, f".{target.name}.*.part")  # those of downloads killed mid-way (kill -9)
        try:
            with file:
                return temp, _copy(response, file, total, progress), total
        except BaseException as error:
            temp.unlink(missing_ok=True)
            if isinstance(error, OSError):  # the network is handled in _copy, so this is the disk
                raise cannot_save(target, error) from None
            raise


def cannot_save(target: Path, error: OSError) -> MnistError:
    """The error of a download that cannot be written beside `target`: why, and how to choose another folder."""
    return MnistError(f"cannot save MNIST in {target.parent} ({error}). {WRITABLE}\n{HOW_TO_GET_IT}")


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

"""download_mnist against a real HTTP server on 127.0.0.1: good, cut short, corrupted, wrong, absent, 404."""

import hashlib
import io
import socket
from pathlib import Path

import numpy as np
import pytest

from digits.data import ARRAYS_SHA256, MnistError, arrays_sha256, download_mnist, find_mnist, load_mnist


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """The Keras cache folder under a temporary HOME, with no other MNIST around."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DIGITS_MNIST_URL", raising=False)
    return tmp_path / ".keras" / "datasets"


def dead_url() -> str:
    """A URL on a port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{free.getsockname()[1]}/mnist.npz"


def left_in(folder: Path) -> list[str]:
    """Every file in `folder`, hidden temporary files included."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_good_download_lands_in_the_keras_cache_and_loads(server, cache, mnist_bytes, monkeypatch):
    calls = []
    path = download_mnist(server("/mnist.npz", mnist_bytes), progress=lambda got, total: calls.append((got, total)))
    assert path == cache / "mnist.npz" and left_in(cache) == ["mnist.npz"]
    assert path.read_bytes() == mnist_bytes
    counts = [got for got, _ in calls]
    assert counts == sorted(set(counts)) and len(counts) > 2  # increasing, in several blocks
    assert counts[-1] == len(mnist_bytes) and {total for _, total in calls} == {len(mnist_bytes)}
    monkeypatch.delenv("DIGITS_MNIST")  # so the cache is what is found
    mnist = load_mnist(download=False)
    assert mnist.path == path and mnist.x_train.shape == (60000, 28, 28)
    assert arrays_sha256(vars(mnist)) == ARRAYS_SHA256


def test_find_mnist_downloads_from_the_url_in_the_environment(server, cache, mnist_bytes, monkeypatch):
    monkeypatch.delenv("DIGITS_MNIST")
    monkeypatch.setenv("DIGITS_MNIST_URL", server("/mirror/mnist.npz", mnist_bytes))
    assert find_mnist() == cache / "mnist.npz"
    assert left_in(cache) == ["mnist.npz"]


def test_a_response_cut_short_is_an_error_and_leaves_nothing(server, cache, mnist_bytes):
    url = server("/mnist.npz", mnist_bytes, send=len(mnist_bytes) // 2)
    with pytest.raises(MnistError, match=f"cut short \\(got {len(mnist_bytes) // 2} of {len(mnist_bytes)} bytes"):
        download_mnist(url)
    assert left_in(cache) == []


def test_a_stalled_response_times_out_and_leaves_nothing(server, cache, mnist_bytes):
    url = server("/mnist.npz", mnist_bytes, send=100_000, stall=30)
    with pytest.raises(MnistError, match="cut short .*timed out"):
        download_mnist(url, timeout=0.5)
    assert left_in(cache) == []


def test_a_corrupted_response_is_an_error_and_leaves_nothing(server, cache, mnist_bytes):
    body = bytearray(mnist_bytes)
    middle = len(body) // 2
    body[middle:middle + 64] = bytes(b ^ 0xFF for b in body[middle:middle + 64])
    with pytest.raises(MnistError, match="the downloaded file is not (a readable .npz|MNIST \\(checksum)"):
        download_mnist(server("/mnist.npz", bytes(body)))
    assert left_in(cache) == []


def test_a_valid_npz_with_one_pixel_changed_fails_the_checksum(server, cache, mnist_bytes):
    with np.load(io.BytesIO(mnist_bytes)) as archive:
        arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    arrays["x_test"][-1, 27, 27] ^= 1
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(MnistError, match="the downloaded file is not MNIST \\(checksum mismatch\\)"):
        download_mnist(server("/mnist.npz", buffer.getvalue()))
    assert left_in(cache) == []


def test_a_failed_download_keeps_the_file_already_in_the_cache(server, cache):
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(b"what was there before")
    with pytest.raises(MnistError, match="not a readable .npz file \\(not a zip archive\\)"):
        download_mnist(server("/mnist.npz", b"<html>a captive portal</html>"))
    assert left_in(cache) == ["mnist.npz"]
    assert (cache / "mnist.npz").read_bytes() == b"what was there before"


def test_an_interruption_midway_leaves_nothing(server, cache, mnist_bytes):
    def interrupt(got, total):
        if got > total // 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_mnist(server("/mnist.npz", mnist_bytes), progress=interrupt)
    assert left_in(cache) == []


def test_no_server_says_how_to_provide_the_file(cache):
    url = dead_url()
    with pytest.raises(MnistError) as error:
        download_mnist(url, timeout=5)
    message = str(error.value)
    assert f"could not reach {url}" in message
    assert "--data" in message and "DIGITS_MNIST" in message and "~/.keras/datasets/" in message
    assert left_in(cache) == []


def test_no_server_is_named_among_the_places_tried(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITS_MNIST", str(tmp_path / "missing.npz"))
    monkeypatch.setenv("DIGITS_MNIST_URL", dead_url())
    with pytest.raises(MnistError, match="Tried:(.|\n)*download: the download failed because .* could not reach"):
        find_mnist()
    assert left_in(cache) == []


def test_a_404_is_a_clear_error(server, cache):
    url = server("/mnist.npz")
    with pytest.raises(MnistError, match=f"download failed: {url} answered HTTP 404"):
        download_mnist(url)
    assert left_in(cache) == []


def test_the_checksum_is_of_the_arrays_not_the_container(mnist_bytes):
    with np.load(io.BytesIO(mnist_bytes)) as archive:
        arrays = {key: archive[key] for key in archive.files}
    assert arrays_sha256(arrays) == ARRAYS_SHA256
    digest = hashlib.sha256(b"".join(arrays[k].tobytes() for k in ("x_train", "y_train", "x_test", "y_test")))
    assert digest.hexdigest() == ARRAYS_SHA256
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asfortranarray(v) for k, v in arrays.items()})  # another container, same arrays
    with np.load(io.BytesIO(buffer.getvalue())) as archive:
        assert arrays_sha256(archive) == ARRAYS_SHA256

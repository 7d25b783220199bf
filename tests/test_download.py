"""download_mnist against a real HTTP server on 127.0.0.1: good, cut short, corrupted, wrong, absent, 404."""

import hashlib
import io
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from app_pages.sidebar import download_progress
from digits.data import ARRAYS_SHA256, MnistError, arrays_sha256, download_mnist, find_mnist, load_mnist
from tests.conftest import run_script


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """The Keras cache folder under a temporary HOME, with no other MNIST around."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DIGITS_MNIST_URL", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
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


def test_train_script_says_it_downloads_mnist_and_why_the_download_failed(server, cache, mnist_bytes, tmp_path):
    # 11 MB had come in silence, which on a slow line looked like a hang (a review, 2026-12-07).
    url = server("/mnist.npz", mnist_bytes, send=len(mnist_bytes) // 2)
    done = run_script("train.py", "--limit", "10", "--epochs", "1", "--out", tmp_path / "m.keras",
                      env={"DIGITS_MNIST": "", "DIGITS_MNIST_URL": url})
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout == f"MNIST is not on this machine: downloading it (11 MB) into {cache}\n"
    assert "download: the download was cut short" in done.stderr and "Traceback" not in done.stderr
    assert left_in(cache) == [] and not (tmp_path / "m.keras").exists()


def test_a_stalled_response_times_out_and_leaves_nothing(server, cache, mnist_bytes):
    url = server("/mnist.npz", mnist_bytes, send=100_000, stall=30)
    with pytest.raises(MnistError, match="cut short .*timed out"):
        download_mnist(url, timeout=0.5)
    assert left_in(cache) == []


@pytest.fixture
def trickled_headers():
    """A raw HTTP server on 127.0.0.1 that answers with a header it sends a byte every 0.1 s, forever; its URL."""
    listener, stop = socket.create_server(("127.0.0.1", 0)), threading.Event()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.1):
                try:
                    connection.sendall(b"a")
                except OSError:  # the client gave up
                    return

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/mnist.npz"
    stop.set()
    listener.close()
    thread.join(10)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_response_is_given_up_at_the_deadline_and_leaves_nothing(where, server, trickled_headers, cache,
                                                                             mnist_bytes):
    # A byte every 0.1 s never trips the per-read timeout: in the body, or in a header, it had held a download (the
    # page's script run) for days (reviews, 2026-12-07).
    url = server("/mnist.npz", mnist_bytes, send=100_000, drip=0.1) if where == "body" else trickled_headers
    started = time.monotonic()
    with pytest.raises(MnistError, match="the download was too slow and was given up after 2 seconds"):
        download_mnist(url, timeout=1, deadline=2)
    assert time.monotonic() - started < 6
    assert left_in(cache) == []


def test_the_page_bar_moves_where_the_server_gives_no_size(server, cache, mnist_bytes):
    # It had stood at "0.0 MB" to the end (a review, 2026-12-07).
    shown = []
    download_mnist(server("/mnist.npz", mnist_bytes, sized=False),
                   progress=lambda done, total: shown.append(download_progress(done, total)))
    assert shown[-1] == (0.0, f"Downloading MNIST: {len(mnist_bytes) / 1e6:.1f} MB")
    assert len({words for _, words in shown}) > 100  # a tenth of a megabyte at a time


def test_a_response_cut_short_without_a_size_says_it_may_have_been(server, cache, mnist_bytes):
    # The connection closes early, which ends such a body as a whole one ends: it had said only "not a readable
    # .npz file".
    with pytest.raises(MnistError, match=r"not a readable .npz file .* The server gave no size and sent 100,000 bytes: "
                                         r"it may have been cut short\.\n"):
        download_mnist(server("/mnist.npz", mnist_bytes, send=100_000, sized=False))
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


def test_a_file_in_the_cache_cut_short_is_named_damaged_and_downloaded_again(server, cache, mnist_bytes, monkeypatch):
    # A download killed mid-way (Keras' own, say): the file had been found, failed every training with advice to put
    # the file where it was, and kept the page from offering the download (a review, 2026-12-07).
    monkeypatch.delenv("DIGITS_MNIST")
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(mnist_bytes[:3_000_000])
    with pytest.raises(MnistError, match=f"Keras cache: {cache / 'mnist.npz'} \\(damaged: cut short, or not MNIST\\)"):
        find_mnist(download=False)
    monkeypatch.setenv("DIGITS_MNIST_URL", server("/mnist.npz", mnist_bytes))
    assert load_mnist().path == cache / "mnist.npz" and (cache / "mnist.npz").read_bytes() == mnist_bytes


def test_part_files_of_killed_downloads_are_removed_by_the_next(server, cache, mnist_bytes):
    # kill -9 leaves its part file (2.6 MB in a review's try), and every one had stayed; one being written now stays.
    cache.mkdir(parents=True)
    killed, running = cache / ".mnist.npz.0123456789ab.part", cache / ".mnist.npz.ba9876543210.part"
    killed.write_bytes(mnist_bytes[:2_600_000])
    running.write_bytes(mnist_bytes[:1000])
    two_hours_ago = time.time() - 7200
    os.utime(killed, (two_hours_ago, two_hours_ago))
    download_mnist(server("/mnist.npz", mnist_bytes))
    assert left_in(cache) == [running.name, "mnist.npz"]


def test_a_cache_that_cannot_be_written_says_how_to_choose_another(server, cache, mnist_bytes):
    cache.parent.mkdir()
    cache.write_text("a file where the folder goes")
    with pytest.raises(MnistError, match=f"cannot save MNIST in {cache} .*Set KERAS_HOME to a folder this user can "
                                         "write, for the download to go to its datasets/"):
        download_mnist(server("/mnist.npz", mnist_bytes))


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
    monkeypatch.delenv("DIGITS_MNIST")
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

"""What training draws on top of MNIST: pen-redrawn twins of its digits and digits in styles MNIST lacks.

Both are made once per machine for what a training uses (the whole training set, or the first `limit` images
and as many styled digits as go with them) and kept in a cache folder ($DIGITS_CACHE_DIR, else
~/.cache/digits). They are keyed by the sha256 of the images they come from and of the code and settings that
draw them (drawing.py, preprocessing.py, scikit-image's version), so a change to any of these makes them anew.
A part is drawn as the whole's first images would be: each chunk has its own seed.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

import numpy as np
import skimage

from digits import drawing, preprocessing
from digits.registry import replaced_atomically

REDRAW_SEED = 7  # the twins' pen widths: fixed, so that every training seed shares one cache
STYLED_SEED = 11
STYLED_COUNT = 5500  # one for every ten of the 55,000 training images
TWINS_CHUNK = 5000  # twins drawn by one worker at a time, between two progress reports
STYLED_CHUNK = 500

Progress = Callable[[int, int], None]  # (done, total)


def cache_dir() -> Path:
    """Where drawn training material is kept: $DIGITS_CACHE_DIR, else ~/.cache/digits."""
    return Path(os.environ.get("DIGITS_CACHE_DIR") or Path.home() / ".cache" / "digits")


def drawing_code_sha256() -> str:
    """The sha256 of the code that draws the material, so that a change to it is never served stale."""
    digest = hashlib.sha256(f"scikit-image {skimage.__version__}".encode())
    for module in (drawing, preprocessing):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())  # the chunks and their seeds
    return digest.hexdigest()


def drawn_in_parallel(draw: Callable, chunks: list[tuple], sizes: list[int], progress: Progress | None) -> list:
    """`draw(*chunk)` for every chunk, in worker processes, one per core; the results in the chunks' order.

    `progress(done, total)` hears as each chunk ends, counting `sizes`. Two workers cut the first drawing
    of the training material on this 2-core machine from 18.4 s to about 10 s.
    """
    if len(chunks) == 1:  # nothing to share out: drawn here, saving a worker's start (about a second)
        result = draw(*chunks[0])
        if progress:
            progress(sizes[0], sizes[0])
        return [result]
    # Spawned, not forked: a fork of a process in which TensorFlow's threads run can deadlock.
    workers = min(os.cpu_count() or 1, len(chunks))
    with ProcessPoolExecutor(max(1, workers), mp_context=multiprocessing.get_context("spawn"),
                             initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(draw, *chunk): size for chunk, size in zip(chunks, sizes)}
        done = 0
        for future in as_completed(futures):
            done += futures[future]
            if progress:
                progress(done, sum(sizes))
        return [future.result() for future in futures]


def exit_with_parent(parent: int) -> None:
    """Make a worker end within a second of the process that started it, if that one is killed (kill -9, or out
    of memory): the workers share their job queue's pipe, so they would otherwise wait on it forever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def redrawn_chunk(images: np.ndarray, seed: tuple[int, int]) -> np.ndarray:
    """One chunk of pen twins (a worker's job): each chunk has its own seed, so any split draws the same."""
    return drawing.redraw_with_pen(images, np.random.default_rng(seed))


def styled_chunk(count: int, seed: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """One chunk of styled digits and their labels (a worker's job)."""
    return drawing.styled_training_images(count, np.random.default_rng(seed))


def cached(name: str, key: str, make: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays cached as NAME-KEY.npz, made (and cached, atomically) if missing or unreadable."""
    path = cache_dir() / f"{name}-{key[:24]}.npz"
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):  # missing, or cut short by a killed process
        pass
    arrays = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replaced_atomically(path) as file:
            np.savez(file, **arrays)
    except OSError:  # a full or read-only cache folder costs only the time to draw them again next time
        pass
    return arrays


def pen_twins(images: np.ndarray, progress: Progress | None = None) -> np.ndarray:
    """Each MNIST image (N, 28, 28 uint8) redrawn with a round pen, from the cache when it has them."""
    key = hashlib.sha256(images.tobytes() + f"{REDRAW_SEED} {drawing_code_sha256()}".encode()).hexdigest()

    def make() -> dict[str, np.ndarray]:
        starts = range(0, len(images), TWINS_CHUNK)
        chunks = [(images[start : start + TWINS_CHUNK], (REDRAW_SEED, i)) for i, start in enumerate(starts)]
        parts = drawn_in_parallel(redrawn_chunk, chunks, [len(chunk[0]) for chunk in chunks], progress)
        return {"twins": np.concatenate(parts) if parts else images.copy()}

    return cached("twins", key, make)["twins"]


def styled_digits(count: int = STYLED_COUNT, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` (at most STYLED_COUNT) digits in the styles MNIST rarely shows (slashed zeros, curled 9s,
    flagged 1s...) as MNIST-style uint8 images (N, 28, 28) with their labels, from the cache when it has them.
    The rare drawing that comes out blank is left out, so there can be a few fewer."""
    if count < 1:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    whole = -(-min(count, STYLED_COUNT) // STYLED_CHUNK) * STYLED_CHUNK  # whole chunks: a part is the whole's start
    key = hashlib.sha256(f"{STYLED_COUNT} {STYLED_SEED} {whole} {drawing_code_sha256()}".encode()).hexdigest()

    def make() -> dict[str, np.ndarray]:
        sizes = [min(STYLED_CHUNK, STYLED_COUNT - start) for start in range(0, whole, STYLED_CHUNK)]
        chunks = [(size, (STYLED_SEED, i)) for i, size in enumerate(sizes)]
        parts = drawn_in_parallel(styled_chunk, chunks, sizes, progress)
        return {"images": np.concatenate([images for images, _ in parts]),
                "labels": np.concatenate([labels for _, labels in parts]).astype(np.uint8)}

    arrays = cached("styled", key, make)
    return arrays["images"][:count], arrays["labels"][:count]

"""What training draws on top of MNIST: pen-redrawn twins of its digits and digits in styles MNIST lacks.

Both are made once per machine, in chunks, and kept in a cache folder ($DIGITS_CACHE_DIR, else ~/.cache/digits):
a training draws only the chunks it uses (on the first `limit` images, the chunks that hold them and as many
styled digits as go with them), and shares them with a training on more. Each chunk has its own seed, and is
keyed by the sha256 of the images it comes from and of the code and settings that draw it (drawing.py,
preprocessing.py, scikit-image's version), so a change to any of these makes it anew. One process draws into the
cache at a time; the app draws ahead as it starts (scripts/draw_ahead.py), so that the first training on a
machine finds them there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import multiprocessing
import os
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import skimage

from digits import drawing, preprocessing
from digits.recipes import TRAINING_IMAGES, styled_count
from digits.registry import remove_stale, replaced_atomically

REDRAW_SEED = 7  # the twins' pen widths: fixed, so that every training seed shares one cache
STYLED_SEED = 11
STYLED_COUNT = styled_count(TRAINING_IMAGES)  # 5,500
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
    """`draw(*chunk)` for every chunk, in worker processes, one per core (a single chunk in this process); the
    results in the chunks' order.

    `progress(done, total)` hears as each chunk ends, counting `sizes`. Two workers cut the first drawing
    of the training material on this 2-core machine from 18.4 s to about 10 s when it was measured; the material
    has grown since, to about 20 s with two workers.
    """
    if len(chunks) < 2:  # nothing to share out: drawn here, saving a worker's start (about a second)
        results = [draw(*chunk) for chunk in chunks]
        if progress and chunks:
            progress(sizes[0], sizes[0])
        return results
    # Spawned, not forked: a fork of a process in which TensorFlow's threads run can deadlock.
    workers = min(os.cpu_count() or 1, len(chunks))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
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


def redrawn_chunk(images: np.ndarray, seed: tuple[int, int]) -> dict[str, np.ndarray]:
    """One chunk of pen twins (a worker's job): each chunk has its own seed, so any split draws the same."""
    return {"twins": drawing.redraw_with_pen(images, np.random.default_rng(seed))}


def styled_chunk(count: int, seed: tuple[int, int]) -> dict[str, np.ndarray]:
    """One chunk of styled digits and their labels (a worker's job)."""
    images, labels = drawing.styled_training_images(count, np.random.default_rng(seed))
    return {"images": images, "labels": labels.astype(np.uint8)}


def read_chunk(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays cached at `path`; None when they are missing or unreadable (cut short by a killed process)."""
    try:
        # Opened here, not by np.load, which leaves its file open when the archive is cut short.
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


@contextlib.contextmanager
def drawing_lock() -> Iterator[None]:
    """Held while a process draws into the cache, so that two (a training and the app's drawing ahead, or the
    trainings of two replicas) never draw the same chunks at once: the second waits, then reads the first's.
    The system lets go of it when its process ends, killed or not. Without a cache folder there is nothing to
    share, and no lock."""
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        # Read-only is enough for flock, and opens another user's lock file too.
        lock = os.open(cache_dir() / "drawing.lock", os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        lock = None
    if lock is None:
        yield
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)


def remove_stale_chunks(kind: str, current: str) -> None:
    """Remove the chunks of `kind` that other drawing code drew (an earlier version's: 46 MB for the whole set), and
    the temporary files of saves cut short, once they are a day old: a day's grace, so that two versions sharing the
    cache (a rolling deploy) do not remove each other's chunks on every drawing."""
    for pattern in (f"{kind}-*.npz", f".{kind}-*.npz.*"):
        remove_stale(cache_dir(), pattern, seconds=86400, keep=current)


def cached_chunks(kind: str, code: str, keys: list[str], draw: Callable, chunks: list[tuple], sizes: list[int],
                  progress: Progress | None) -> list[dict[str, np.ndarray]]:
    """For each chunk, the arrays cached as KIND-CODE-KEY.npz (CODE: the drawing code's sha256, shortened); those
    missing are drawn, `draw(*chunk)` in parallel, and cached, atomically, holding the drawing lock; chunks of the
    kind that other code drew are removed then (remove_stale_chunks). `progress` hears 0 when any is missing, then as
    drawn_in_parallel's chunks end."""
    prefix = f"{kind}-{code[:12]}-"
    paths = [cache_dir() / f"{prefix}{key[:24]}.npz" for key in keys]
    found = [read_chunk(path) for path in paths]
    if all(arrays is not None for arrays in found):
        return found
    if progress:  # before the lock, which another process drawing the same (the drawing ahead) may hold a while
        progress(0, sum(size for size, arrays in zip(sizes, found) if arrays is None))
    with drawing_lock():
        # Another process may have drawn some while this one waited for the lock.
        found = [read_chunk(path) if arrays is None else arrays for path, arrays in zip(paths, found)]
        missing = [i for i, arrays in enumerate(found) if arrays is None]
        drawn = drawn_in_parallel(draw, [chunks[i] for i in missing], [sizes[i] for i in missing], progress)
        for i, arrays in zip(missing, drawn):
            found[i] = arrays
            try:
                with replaced_atomically(paths[i]) as file:
                    np.savez(file, **arrays)
            except OSError:  # a full or read-only cache folder costs only the time to draw them again next time
                pass
        remove_stale_chunks(kind, prefix)
    return found


def pen_twins(images: np.ndarray, count: int | None = None, progress: Progress | None = None) -> np.ndarray:
    """The first `count` (by default all) MNIST images (N, 28, 28 uint8) redrawn with a round pen, from the cache
    when it has them. They are drawn and cached in whole chunks of TWINS_CHUNK images, each keyed by its images
    and its place, so a training on the first few thousand images shares the whole set's first chunks."""
    code = drawing_code_sha256()
    starts = range(0, len(images) if count is None else min(count, len(images)), TWINS_CHUNK)
    chunks = [(images[start : start + TWINS_CHUNK], (REDRAW_SEED, i)) for i, start in enumerate(starts)]
    keys = [hashlib.sha256(part.tobytes() + f"{seed} {code}".encode()).hexdigest() for part, seed in chunks]
    parts = cached_chunks("twins", code, keys, redrawn_chunk, chunks, [len(part) for part, _ in chunks], progress)
    return np.concatenate([part["twins"] for part in parts])[:count] if parts else images[:0].copy()


def styled_digits(count: int = STYLED_COUNT, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` (at most STYLED_COUNT) digits in the styles MNIST rarely shows (slashed zeros, curled 9s,
    flagged 1s...) as MNIST-style uint8 images (N, 28, 28) with their labels, from the cache when it has them.
    Drawn and cached in whole chunks of STYLED_CHUNK, as pen_twins; the rare drawing that comes out blank is left
    out, so there can be a few fewer."""
    if count < 1:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    code = drawing_code_sha256()
    sizes = [min(STYLED_CHUNK, STYLED_COUNT - start) for start in range(0, min(count, STYLED_COUNT), STYLED_CHUNK)]
    chunks = [(size, (STYLED_SEED, i)) for i, size in enumerate(sizes)]
    keys = [hashlib.sha256(f"{size} {seed} {code}".encode()).hexdigest() for size, seed in chunks]
    parts = cached_chunks("styled", code, keys, styled_chunk, chunks, sizes, progress)
    return (np.concatenate([part["images"] for part in parts])[:count],
            np.concatenate([part["labels"] for part in parts])[:count])


def training_material(images: np.ndarray, count: int | None = None,
                      progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a training on the first `count` (by default all) of `images` adds to them: their pen twins, and one
    styled digit for every ten, with its label. `progress(done, total)` counts the twins and the styled digits as
    their chunks are drawn, and hears nothing when all are in the cache: its "0 of 60,500 drawn" showed for the
    moment the cache was read (a review, 2026-12-04)."""
    used = len(images) if count is None else min(count, len(images))
    share = styled_count(used)

    def part(start: int, size: int) -> Progress | None:
        """The progress of drawing whole chunks of which `size` are used, as that part of the whole, from `start`."""
        if progress is None:
            return None
        return lambda done, total: progress(start + size * done // total, used + share)

    twins = pen_twins(images, used, part(0, used))
    styled, labels = styled_digits(share, part(used, share))
    return twins, styled, labels


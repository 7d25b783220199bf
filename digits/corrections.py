"""The user's corrections: digits drawn on the page with their true labels, kept in SQLite for retraining."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import math
import numbers
import os
import sqlite3
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

import numpy as np
from PIL import Image

from digits.preprocessing import SIZE, to_mnist_input
from digits.registry import replaced_atomically

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_VERSION = 1  # PRAGMA user_version: a later layout can tell an old file and migrate it
BUSY_TIMEOUT = 30  # seconds a writer waits for another one (another page, the CLI) before giving up
PNG_MODES = ("1", "L", "LA", "RGB", "RGBA")  # image modes kept as they are in the PNG; others become RGBA
SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    label INTEGER NOT NULL CHECK(label BETWEEN 0 AND 9),
    image BLOB NOT NULL,
    canvas_png BLOB,
    predicted INTEGER,
    probabilities TEXT,
    model TEXT,
    session TEXT
)
"""


class CorrectionsError(Exception):
    """The corrections store cannot be read or written (a damaged file, no permission, a full disk)."""


@dataclass(frozen=True)
class Correction:
    """One correction: what was drawn, its true label, and what the model answered."""

    id: int
    label: int
    image: np.ndarray  # the 28x28 uint8 model input, white ink on black like MNIST
    predicted: int | None
    probabilities: list[float] | None
    model: str | None
    session: str | None  # an anonymous id of the browser session that drew it
    created: str  # UTC, ISO 8601


def corrections_path() -> Path:
    """Where the app keeps corrections: $DIGITS_DATA_DIR/corrections.sqlite, by default under data/ in the repo."""
    return Path(os.environ.get("DIGITS_DATA_DIR") or DATA_DIR) / "corrections.sqlite"


class Corrections:
    """A store of corrections in one SQLite file, safe to share between threads and processes.

    Each operation opens its own connection and closes it, so threads need no lock and no connection
    outlives a request; SQLite's locks order the writers, who wait up to BUSY_TIMEOUT for each other.
    """

    def __init__(self, path: str | os.PathLike):
        """Open the store at `path`, making the file and its folders if missing."""
        self.path = Path(path)
        with self._connected(create=True) as db:
            # WAL: readers never wait for a writer, and a commit appends to one file instead of rewriting pages.
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                db.execute("BEGIN IMMEDIATE")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise CorrectionsError(
                        f"The corrections store at {self.path} was written by a newer version of digits "
                        f"(layout {version}, this one reads {SCHEMA_VERSION}). Update digits, or set "
                        "DIGITS_DATA_DIR to another folder."
                    )
                db.execute(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _connected(self, create: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection for one operation, closed after it (with `create`, the folders are made first); any
        failure of the file or its folder raises CorrectionsError."""
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)) as db:
                db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before add returns, even if power fails
                yield db
        except (sqlite3.Error, OSError) as error:
            raise CorrectionsError(
                f"The corrections store at {self.path} cannot be read or written: {error}. Check the file and its "
                "folder, move the file away (a new, empty store is then made) or set DIGITS_DATA_DIR to another folder."
            ) from error

    def add(
        self,
        image: Image.Image | np.ndarray,
        label: int,
        *,
        predicted: int | None = None,
        probabilities: Sequence[float] | None = None,
        model: str | None = None,
        session: str | None = None,
    ) -> int:
        """Keep a drawing with its true label (and the model's answer, if given); returns the new id.

        `image` is anything to_mnist_input takes; ValueError if nothing is drawn on it or an argument is wrong.
        """
        label = checked_digit(label, "label")
        predicted = None if predicted is None else checked_digit(predicted, "predicted")
        probabilities_json = None if probabilities is None else json.dumps(checked_probabilities(probabilities))
        model_input = to_mnist_input(image)
        if model_input is None:
            raise ValueError("cannot keep this correction: nothing is drawn on the image")
        pixels = (np.clip(model_input, 0.0, 1.0) * 255).round().astype(np.uint8)
        row = (utc_now(), label, pixels.tobytes(), png_bytes(image), predicted, probabilities_json, model, session)
        # An add of a 280x280 canvas takes about 9 ms here: 3 to preprocess, 3.5 to encode the PNG, 2.5 for the
        # database. A connection kept open would save 2 of those (closing the last one checkpoints the WAL),
        # too little for a click to be worth connections that outlive their thread.
        with self._connected() as db, db:
            db.execute("BEGIN IMMEDIATE")
            cursor = db.execute(
                "INSERT INTO corrections (created, label, image, canvas_png, predicted, probabilities, model, session)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return cursor.lastrowid

    def add_samples(self, x: np.ndarray, y: np.ndarray) -> int:
        """Keep ready model inputs as they are, in one transaction: x (N, 28, 28) of 0-255, y (N,) of 0-9.

        Returns how many; ValueError (and nothing kept) if the arrays are not in that layout.
        """
        x, y = checked_samples(x, y)
        created = utc_now()
        with self._connected() as db, db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO corrections (created, label, image) VALUES (?, ?, ?)",
                ((created, int(label), image.tobytes()) for image, label in zip(x, y)),
            )
        return len(y)

    def __len__(self) -> int:
        with self._connected() as db:
            return db.execute("SELECT COUNT(*) FROM corrections").fetchone()[0]

    def delete(self, id: int) -> bool:
        """Remove one correction; True if it existed."""
        with self._connected() as db, db:
            db.execute("BEGIN IMMEDIATE")
            return db.execute("DELETE FROM corrections WHERE id = ?", (id,)).rowcount > 0

    def clear(self) -> int:
        """Remove every correction; returns how many there were."""
        with self._connected() as db, db:
            db.execute("BEGIN IMMEDIATE")
            return db.execute("DELETE FROM corrections").rowcount

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Every correction as training data, oldest first: x uint8 (N, 28, 28), y uint8 (N,)."""
        with self._connected() as db:
            rows = db.execute("SELECT image, label FROM corrections ORDER BY id").fetchall()
        x = np.frombuffer(b"".join(image for image, _ in rows), np.uint8).reshape(-1, SIZE, SIZE).copy()
        return x, np.array([label for _, label in rows], np.uint8)

    def records(self, label: int | None = None) -> list[Correction]:
        """The corrections, newest first; only those of one label if given."""
        query = "SELECT id, label, image, predicted, probabilities, model, session, created FROM corrections"
        with self._connected() as db:
            if label is None:
                rows = db.execute(query + " ORDER BY id DESC").fetchall()
            else:
                rows = db.execute(query + " WHERE label = ? ORDER BY id DESC", (checked_digit(label, "label"),))
                rows = rows.fetchall()
        return [
            Correction(id, label, np.frombuffer(image, np.uint8).reshape(SIZE, SIZE).copy(), predicted,
                       None if probabilities is None else json.loads(probabilities), model, session, created)
            for id, label, image, predicted, probabilities, model, session, created in rows
        ]

    def canvas_png(self, id: int) -> bytes | None:
        """The drawing of one correction as PNG, as it was drawn; None if there is no such correction or no drawing."""
        with self._connected() as db:
            row = db.execute("SELECT canvas_png FROM corrections WHERE id = ?", (id,)).fetchone()
        return None if row is None else row[0]

    def counts(self) -> dict[int, int]:
        """How many corrections there are of each digit, all ten digits included."""
        with self._connected() as db:
            rows = db.execute("SELECT label, COUNT(*) FROM corrections GROUP BY label").fetchall()
        return {digit: 0 for digit in range(10)} | dict(rows)

    def export_npz(self, file: str | os.PathLike | BinaryIO) -> int:
        """Write every correction as an MNIST-like .npz (x uint8 (N, 28, 28), y uint8 (N,)); returns N.

        A path is replaced atomically, so a reader never sees half a file.
        """
        x, y = self.samples()
        if isinstance(file, (str, os.PathLike)):
            with replaced_atomically(Path(file)) as out:  # np.savez_compressed would add .npz to the name
                np.savez_compressed(out, x=x, y=y)
        else:
            np.savez_compressed(file, x=x, y=y)
        return len(y)

    def import_npz(self, file: str | os.PathLike | bytes | BinaryIO) -> int:
        """Add every sample of an .npz with x (N, 28, 28) of 0-255 and y (N,) of 0-9, all or none; returns N."""
        source = io.BytesIO(file) if isinstance(file, bytes) else file
        try:
            data = np.load(source, allow_pickle=False)
        except (ValueError, EOFError, zipfile.BadZipFile) as error:  # pickled or random bytes, empty, a cut zip
            raise ValueError(f"not an .npz file: it cannot be read as one ({error})") from error
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("not an .npz file: it holds one array (.npy), not the arrays x and y")
        with data:
            missing = [key for key in ("x", "y") if key not in data.files]
            if missing:
                raise ValueError(f"the .npz file has no array {' or '.join(missing)} (it has: {', '.join(data.files)})")
            try:
                x, y = data["x"], data["y"]
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
                raise ValueError(f"the .npz file is damaged or holds Python objects: {error}") from error
        return self.add_samples(x, y)


def checked_digit(value: object, name: str) -> int:
    """`value` as an int if it is an integer 0-9 (not a bool); else ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= 9:
        raise ValueError(f"{name} must be an integer from 0 to 9, got {value!r}")
    return int(value)


def checked_probabilities(probabilities: Sequence[float]) -> list[float]:
    """Ten finite numbers as floats; else ValueError."""
    values = list(probabilities) if isinstance(probabilities, (Sequence, np.ndarray)) else None
    if values is None or len(values) != 10:
        raise ValueError(f"probabilities must be 10 numbers, one per digit, got {probabilities!r}")
    if not all(isinstance(p, numbers.Real) and not isinstance(p, bool) and math.isfinite(p) for p in values):
        raise ValueError(f"probabilities must be finite numbers, got {probabilities!r}")
    return [float(p) for p in values]


def checked_samples(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (N, 28, 28) of integers 0-255 and y (N,) of integers 0-9, as uint8; else ValueError naming what is wrong."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3 or x.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"x must be images of shape (N, {SIZE}, {SIZE}), got shape {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"y must be one label per image, shape ({len(x)},), got shape {y.shape}")
    for name, array, top in (("x", x, 255), ("y", y, 9)):
        if array.dtype.kind not in "iu":
            raise ValueError(f"{name} must hold integers from 0 to {top}, got {array.dtype}")
        if array.size and not (array.min() >= 0 and array.max() <= top):
            raise ValueError(f"{name} must hold integers from 0 to {top}, got values {array.min()} to {array.max()}")
    return x.astype(np.uint8), y.astype(np.uint8)


def png_bytes(image: Image.Image | np.ndarray) -> bytes:
    """The image as PNG, channels kept (grey, RGB, RGBA); arrays of float or bool in 0-1 become 0-255."""
    if not isinstance(image, Image.Image):
        pixels = np.asarray(image)
        if pixels.dtype.kind in "bf":
            pixels = (np.clip(pixels.astype(np.float32), 0.0, 1.0) * 255).round()
        if pixels.ndim == 3 and pixels.shape[2] == 1:
            pixels = pixels[..., 0]
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if image.mode not in PNG_MODES:
        image = image.convert("RGBA")  # palette, CMYK, 16-bit...: as preprocessing reads them
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def utc_now() -> str:
    """The time now, UTC, ISO 8601."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

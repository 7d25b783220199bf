"""The models folder: every model with its metadata, and which one is serving."""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Iterator

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
SHIPPED = "digits.keras"
# The checker that tells whole digits from parts in a number (digits/segmentation.py): in a folder of its own,
# apart from the digit models the registry lists.
CHECKER = MODELS_DIR / "segmentation" / "one_digit.keras"
PAIR_READER = MODELS_DIR / "segmentation" / "pair.keras"  # reads two touching digits in one crop (the same module)
NUMBER_READER = MODELS_DIR / "segmentation" / "digits_in_numbers.keras"  # reads the digits cut from numbers (ditto)
DETECTOR = MODELS_DIR / "segmentation" / "digit_or_not.keras"  # tells digits from other drawings (digits/nondigits.py)
# A fine-tune's own detector, where "Learn my handwriting" taught one (digits/finetuning.py, teach_detector): in this
# folder of the models folder, under the fine-tune's file name, out of the models the registry lists.
DETECTORS = "detectors"
# A temporary file not written for this long was left by a killed process: a save's or a download's take seconds.
# Not a training's name (taken), which it holds for as long as it trains: it is never given again once its second
# has passed, so one removed under a training running still costs nothing.
STALE_SECONDS = 3600


def metadata_path(model_path: str | os.PathLike) -> Path:
    """Where a model's metadata lives: NAME.json beside NAME.keras."""
    return Path(model_path).with_suffix(".json")


def read_metadata(model_path: str | os.PathLike) -> dict | None:
    """A model's metadata (NAME.json), or None when it is missing, unreadable or not a JSON object."""
    try:
        meta = json.loads(metadata_path(model_path).read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def taken(model_path: str | os.PathLike) -> Path:
    """The hidden file by which a training under way holds the name it will save its model under
    (ModelRegistry.new_model_path); train.py removes it as it ends."""
    path = Path(model_path)
    return path.with_name(f".{path.name}.taken")


def release(model_path: str | os.PathLike) -> None:
    """Free the name a training held (taken), as it ends; nothing where it held none, or its folder is no folder."""
    with contextlib.suppress(OSError):  # NotADirectoryError for an --out under a file, which train.py refuses
        taken(model_path).unlink()


def own_detector(model_path: str | os.PathLike) -> Path:
    """Where a fine-tune's own detector is written: detectors/NAME.keras in its models folder."""
    return Path(model_path).parent / DETECTORS / Path(model_path).name


def detector_for(model_path: str | os.PathLike) -> Path:
    """The detector a model reads with: its own, where its metadata says one was taught and kept and the file is
    there, else the shipped one."""
    taught, own = (read_metadata(model_path) or {}).get("detector"), own_detector(model_path)
    return own if isinstance(taught, dict) and taught.get("kept") is True and own.is_file() else DETECTOR


def model_label(meta: dict) -> str:
    """A model as the pages list it to pick (its metadata as ModelRegistry.models gives it): its MNIST test score
    first, then its name ("99.14% · quick"), since the sidebar's width cut what tells long names apart
    ("retrained-20261204-202646 (99.1"); its name alone where it has no score. The shipped model says so: "99.63% ·
    digits (shipped)" (a review found nothing to tell it from the models trained here)."""
    name = f"{meta['name']} (shipped)" if meta["path"].name == SHIPPED else meta["name"]
    return f"{meta['test_accuracy']:.2%} · {name}" if "test_accuracy" in meta else name


def held_out_read(figures: dict) -> tuple[int, int, int] | None:
    """Of a fine-tune's held-out drawings (its metadata, or finetuning.promotion's figures): how many the model it
    came from read right, how many the fine-tune that measured them (one without them) did, and how many there
    were; None where the count was not recorded."""
    held = figures.get("corrections_held_out")
    shares = figures.get("corrections_accuracy_before"), figures.get("corrections_accuracy_after")
    if not held or None in shares:
        return None
    return round(shares[0] * held), round(shares[1] * held), held


def detector_taught(figures: dict) -> str:
    """What a fine-tune's teaching of the detector did (finetuning.teach_detector's figures, in its metadata or
    finetuning.promotion's), in words; "" where it had nothing to teach."""
    taught = figures.get("detector")
    keys = ("taken_for_none", "now_read_as_digits", "nondigits_found_before", "nondigits_found_after", "kept")
    if not isinstance(taught, dict) or not all(key in taught for key in keys):  # none, or of an unknown layout
        return ""
    drawings = "the drawing" if taught["taken_for_none"] == 1 else f"the {taught['taken_for_none']} drawings"
    if taught["kept"]:  # "of the drawing taken for no digit, 1 now read as digits" (a review, 2026-12-07)
        if taught["taken_for_none"] == 1:
            return "the drawing taken for no digit is now read as a digit"
        now = taught["now_read_as_digits"]
        return f"of {drawings} taken for no digit, {now} {'is' if now == 1 else 'are'} now read as " + (
            "a digit" if now == 1 else "digits")
    if not taught["now_read_as_digits"]:
        return f"{drawings} taken for no digit still are: it did not learn them"
    return (f"{drawings} taken for no digit still are: learning them, it found fewer drawings that are no digit "
            f"({taught['nondigits_found_before']:.0%} → {taught['nondigits_found_after']:.0%})")


def utc_now() -> str:
    """The time now, UTC, ISO 8601, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def remove_stale(folder: Path, pattern: str, seconds: float = STALE_SECONDS, keep: str | None = None) -> None:
    """Remove the files in `folder` matching `pattern` that have not been written for `seconds`: those a killed
    process left (kill -9 leaves its temporary files), not those of a process writing them now; none whose name
    starts with `keep`."""
    for path in folder.glob(pattern):
        try:
            if not (keep and path.name.startswith(keep)) and time.time() - path.stat().st_mtime > seconds:
                path.unlink()
        except OSError:  # gone meanwhile, or not ours to remove: no reason to fail what called this
            pass


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` (.NAME.*, with its suffix) to write its new content to, renamed into place
    when the block ends without an error and removed otherwise, so a reader sees the old file or the whole new one."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


@contextlib.contextmanager
def replaced_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file open for `path`'s new content, staged: renamed into place, closed, when the block ends without an
    error."""
    with staged(path) as tmp, tmp.open("wb") as file:
        yield file


def write_json_atomically(path: Path, data: dict) -> None:
    """Write JSON to `path` through a temporary file renamed into place."""
    with replaced_atomically(path) as file:
        file.write(json.dumps(data, indent=2).encode())


class ModelRegistry:
    """The .keras models in one folder (the shipped one and retrained ones) and the one in use.

    The model in use is named in `current.json`; without it, the shipped model serves.
    """

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder or os.environ.get("DIGITS_MODELS_DIR") or MODELS_DIR)
        self.current_file = self.folder / "current.json"

    def models(self) -> list[dict]:
        """Metadata of each model with readable metadata, the shipped one first, then newest first; with `path`."""
        found = [{**meta, "name": path.stem, "path": path} for path in self.model_files()
                 if (meta := read_metadata(path)) is not None]
        newest_first = sorted(found, key=lambda m: str(m.get("date", "")), reverse=True)
        return sorted(newest_first, key=lambda m: m["path"].name != SHIPPED)

    def model_files(self) -> list[Path]:
        """The model files of the folder (NAME.keras, not a hidden one), with readable metadata or not."""
        return sorted(path for path in self.folder.glob("*.keras")
                      if not path.name.startswith(".") and self.holds(path))

    def current_path(self) -> Path:
        """The model file now serving: the one chosen in current.json, else the shipped one."""
        return self.serving()[0]

    def serving(self) -> tuple[Path, str | None]:
        """The model file to serve and, when it is not the one chosen, why: current.json cannot be read, or
        names a file that is missing, has no metadata, or is not directly in this folder."""
        shipped = self.folder / SHIPPED
        if not self.current_file.exists():
            return shipped, None
        try:
            name = json.loads(self.current_file.read_text())["model"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            return shipped, f"The choice of model ({self.current_file.name}) cannot be read: {error!r}."
        path = self.folder / str(name)
        if not self.holds(path):
            return shipped, f"The chosen model {name!r} is not a model file in the models folder."
        if not path.is_file():
            return shipped, f"The chosen model {name} is missing."
        if read_metadata(path) is None:
            return shipped, f"The chosen model {name} has no readable metadata ({metadata_path(path).name})."
        return path, None

    def holds(self, path: Path) -> bool:
        """True if `path` is a .keras file directly in this folder, after following links: no path given to
        the registry (a page's choice, current.json) can reach a file outside it."""
        return path.suffix == ".keras" and path.resolve().parent == self.folder.resolve()

    def metadata(self, path: Path) -> dict:
        """A model's metadata, or {} if it has none (or it cannot be read)."""
        return read_metadata(path) or {}

    def origin(self, path: Path) -> Path:
        """The model a fine-tune was made from, and so on back to one that is no fine-tune; `path` itself when it is
        no fine-tune. "Learn my handwriting" starts there, on all the corrections: a fine-tune of a fine-tune scored
        its held-out drawings with a model that had learned them (100% → 100%, never served), and each one could
        cost MNIST another 0.1 points. Where the chain breaks (a model deleted, a name outside this folder, a loop),
        the shipped model, which learned no corrections, stands in."""
        seen = {path.resolve()}
        while name := self.metadata(path).get("fine_tuned_from"):
            earlier = self.folder / name
            if not earlier.is_file() or not self.holds(earlier) or earlier.resolve() in seen:
                shipped = self.folder / SHIPPED
                return shipped if shipped.is_file() else path
            path = earlier
            seen.add(path.resolve())
        return path

    def new_model_path(self, name: str) -> Path:
        """Where a model trained now is written: NAME-YYYYMMDD-HHMMSS.keras in this folder, with -2, -3… after it
        where that name is taken: by a model (or its metadata) there already (two tiny trainings finished within one
        second, and the second wrote over the first), or by a training under way, which holds it with a hidden file
        (taken) made here, at once and only if there is none (two started within one second had been given one
        name, and the second saved over the first: a review, 2026-12-07)."""
        stem = f"{name}-{datetime.datetime.now():%Y%m%d-%H%M%S}"
        for n in itertools.count(1):
            path = self.folder / (f"{stem}.keras" if n == 1 else f"{stem}-{n}.keras")
            if path.exists() or path.with_suffix(".json").exists():
                continue
            try:
                os.close(os.open(taken(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                continue
            except OSError:  # no folder yet (made as the model is saved), or one that cannot be written: said later
                pass
            return path

    def use(self, path: str | os.PathLike) -> None:
        """Serve this model from the next request on (an atomic switch)."""
        path = Path(path)
        if not self.holds(path) or not path.is_file():
            raise ValueError(f"{path} is not a model in {self.folder}")
        write_json_atomically(self.current_file, {"model": path.name})

    def promote_if_better(self, path: str | os.PathLike) -> tuple[bool, str]:
        """Serve the model at `path` if its test accuracy is at least the current model's; say why or why not, as
        the comparison that decided it, naming the model it was compared with, which a later choice may replace
        ("below that of the model then serving (digits, 99.63%)": "the 99.63% of digits" read as a share of digits,
        "the 99.63% of the model serving then (digits)" as stilted, in two reviews, and train.py's "its test accuracy
        is below the model" compared an accuracy with a model)."""
        new = self.metadata(Path(path)).get("test_accuracy", 0.0)
        serving = self.current_path()
        if not serving.is_file():  # a folder of train.py's --out: said to hold "digits, 0.00%" (a review, 2026-12-05)
            self.use(path)
            return True, f"the first model to serve from {self.folder}"
        current = self.metadata(serving).get("test_accuracy", 0.0)
        compared = f"that of the model then serving ({serving.stem}, {current:.2%})"
        if new >= current:
            self.use(path)
            return True, f"at least as high as {compared}"
        return False, f"below {compared}"

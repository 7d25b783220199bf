"""What the pages share across sessions: the loaded models, the retrainer, the inspections, the corrections store."""

from __future__ import annotations

import importlib
import os
import threading
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from digits.corrections import Corrections, CorrectionsError
from digits.deployment import closed_settings
from digits.registry import SHIPPED, ModelRegistry
from digits.retraining import Retrainer

SHIPPED_SERVES = "The shipped model serves instead."

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.inspection import Inspection
    from digits.recognition import Recognizer


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def load_recognizer(path: str, modified: float) -> Recognizer:
    """One Recognizer per model file and version, shared by every session; a changed file loads anew."""
    recognition = importlib.import_module("digits.recognition")  # waits for the import begun at start
    recognition.tune_for_single_images()  # the page reads one drawing at a time
    return recognition.Recognizer.load(path).warm_up()


def serving_model() -> tuple[Path, str | None]:
    """The model file to serve and, when it is not the one chosen, why: the choice in current.json cannot be
    used (ModelRegistry.serving), or the chosen file cannot be loaded. The shipped model stands in for it."""
    registry = ModelRegistry()
    path, problem = registry.serving()
    shipped = registry.folder / SHIPPED
    # Trying a chosen model means loading it, which waits for TensorFlow; the shipped one has no stand-in to
    # fall back to, so it is not tried here, and a cold start draws the canvas before TensorFlow is in.
    if problem is None and path != shipped:
        problem = load_failure(str(path), modified(path))
    if problem is None:
        return path, None
    return shipped, f"{problem} {SHIPPED_SERVES}"


def serving_recognizer() -> tuple[Recognizer, str]:
    """The recognizer of the model serving now (serving_model), and the model's name. Looked up on every run, a
    stroke's included, so a model promoted by another process serves from the next stroke on."""
    path, _ = serving_model()  # the app's page says why when it is not the chosen one
    shipped = ModelRegistry().folder / SHIPPED
    try:
        return load_recognizer(str(path), modified(path)), path.stem
    except (ValueError, FileNotFoundError):  # a chosen model spoilt or gone since serving_model: the next run says so
        if path == shipped:
            raise
        return load_recognizer(str(shipped), modified(shipped)), shipped.stem


def modified(path: Path) -> float:
    """When the file at `path` was last written, for the caches keyed by it; 0 for a file gone since it was found (a
    person deleting it), which then fails to load with a reason."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(max_entries=8)
def load_failure(path: str, modified: float) -> str | None:
    """Why a model file cannot be loaded, or None when it loads (load_recognizer then has it cached). Kept per
    file and version, so a damaged file is tried once, not on every stroke."""
    try:
        load_recognizer(path, modified)
    except Exception as error:  # a ValueError that says why the file is no model (load_digit_model), or any other
        return f"The chosen model {Path(path).name} cannot be loaded ({type(error).__name__}: {error})."
    return None


@st.cache_resource
def get_retrainer(folder: str) -> Retrainer:
    """One Retrainer per models folder, shared by every session, so only one training runs."""
    return Retrainer(ModelRegistry(folder))


# Seconds a store that could not be opened is not tried again: a database that does not answer takes
# corrections.CONNECT_TIMEOUT to give up on, and every stroke of every visitor would wait that long.
RETRY_STORE_AFTER = 30.0
_store_failures: dict[str, tuple[float, str]] = {}
_store_opening = threading.Lock()  # one try at a time: sessions that queued behind a silent one waited in turn


def get_corrections(path: str) -> Corrections:
    """One corrections store per file or database, shared by every session. A store that cannot be opened raises
    CorrectionsError, which is not cached: a run after RETRY_STORE_AFTER tries again (after the file was moved
    away, the server restarted); the runs before it get the same error at once."""
    with _store_opening:
        failed = _store_failures.get(path)
        if failed and time.monotonic() - failed[0] < RETRY_STORE_AFTER:
            raise CorrectionsError(failed[1])  # a new one: raised again, one error would gather every run's frames
        try:
            return open_corrections(path)
        except CorrectionsError as error:
            _store_failures[path] = (time.monotonic(), str(error))
            raise


@st.cache_resource(show_spinner=False)  # its spinner named the function to visitors while a database was silent
def open_corrections(path: str) -> Corrections:
    """The corrections store at `path`, opened once per server."""
    return Corrections(path)


def model_inspection(path: Path) -> Inspection | None:
    """The model's inspection: stored beside it (9 ms to read back), else made now from MNIST's test set
    (about 15 s, once per model); None when it has none and MNIST is not on this machine."""
    from digits.data import MnistError, find_mnist
    from digits.inspection import load_inspection

    stored = load_inspection(path)
    if stored is not None:
        return stored
    try:
        find_mnist(download=False)
        return inspect_saved_model(str(path), modified(path))
    except MnistError:  # missing, or damaged: that had ended the Model page in an error (a review, 2026-12-07)
        return None


@st.cache_resource(show_spinner="Reading the 10,000 MNIST test digits with this model (once per model)…",
                   max_entries=8)
def inspect_saved_model(path: str, modified: float) -> Inspection:
    """Inspect a model file on MNIST's test set and store the inspection beside it; once per file and version,
    for every session, even where the models folder cannot be written."""
    from digits.data import load_mnist
    from digits.inspection import inspection_for

    mnist = load_mnist(download=False)
    return inspection_for(Path(path), mnist.x_test, mnist.y_test)


def secrets() -> dict:
    """st.secrets as a dict; empty when the app has no secrets file, and closed_settings where Streamlit cannot load
    one of the paths it reads (secrets.files) that is there: it then drops them all, the password too."""
    try:
        return st.secrets.to_dict()
    except (OSError, ValueError):  # Streamlit's FileNotFoundError for none there and for one it cannot load alike
        there = [Path(path) for path in st.get_option("secrets.files") if os.path.lexists(path)]
        return closed_settings(why_unreadable(there)) if there else {}


def why_unreadable(paths: list[Path]) -> str:
    """Why Streamlit could not load its secrets at `paths`, for every visitor to read: a TOML error's position, or
    the system's reason, naming a file by its folder and name only (~/.streamlit/ for the one in the home folder,
    which Streamlit reads too), never a server path."""
    for path in sorted(paths, key=lambda path: path.suffix != ".toml"):  # files first: a folder may be well
        home = path == Path.home() / ".streamlit" / path.name
        name = f"~/.streamlit/{path.name}" if home else f"{path.parent.name}/{path.name}"
        if path.suffix != ".toml":  # a folder of secrets, as Kubernetes mounts them: a folder of its own a secret
            return f"{path.name}/: a folder of secrets that Streamlit cannot read (each secret a folder of its own)"
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            return f"{name}: {error}"
        except UnicodeDecodeError:
            return f"{name}: not UTF-8 text"
        except OSError as error:  # no permission, or a folder (what docker -v makes of a file missing)
            return f"{name}: {error.strerror or type(error).__name__}"
    return "a path in secrets.files that is neither a .toml file nor a folder of secrets"

T = TypeVar("T")


def last_value(key: str, default: T) -> T:
    """The value the widget keyed `key` had when last drawn (remember_value), else `default`. Given as the widget's
    default, it outlives the runs that do not draw the widget, after which Streamlit forgets its value: a trip to
    another page, or the retrain controls hidden while a training runs (they went back to the preset's after every
    training). A value set through the session state instead is not shown by a widget drawn anew. A keyed widget
    is named by its key alone, so a new default does not reset one on the page."""
    return st.session_state.get(f"last {key}", default)


def last_value_unless_set(key: str, default: T) -> T | None:
    """last_value, as the default of a widget whose value a callback may also set through the session state (a
    button that switches the mode): None while the widget's key holds a value, since a value set so beside a default
    makes Streamlit log a warning."""
    return None if key in st.session_state else last_value(key, default)


def set_uninterrupted(values: dict[str, object], changes: dict[str, Callable[[object], object]] | None = None) -> None:
    """Set these keys of the session state, every one, and change each key in `changes` by its function of the value
    the key holds then (None where unset), though a rerun asked for meanwhile stops the run: what records a change
    the store has made already. Streamlit stops a run for a rerun at any use of st.session_state (its
    SafeSessionState checks first), and a pill tapped as the store kept its drawing, then a switch of mode, had the
    drawing kept with no record of it in the session: no "Saved", no Undo, and the drawing back on the canvas (CI,
    2026-12-07). So they are set past that check, in the SessionState it wraps (private in the pinned Streamlit:
    there is no public way); the run stops at its next use of Streamlit. A change reads the value as it is then: a
    new run, begun at the rerun, may have changed it meanwhile (a second Delete's Undo had been written over so).
    One race is left: a new run copies the state as it begins, and a record set within those microseconds is lost."""
    state = get_session_state()._state
    for key, value in values.items():
        state[key] = value
    for key, change in (changes or {}).items():
        state[key] = change(state[key] if key in state else None)


def remember_value(key: str) -> None:
    """Keep the value of the widget keyed `key`, drawn in this run, for last_value."""
    st.session_state[f"last {key}"] = st.session_state[key]

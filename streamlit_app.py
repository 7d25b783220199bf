"""digits: draw a digit, see what the CNN reads, how sure it is and what it saw; retrain it from the sidebar."""

from __future__ import annotations

import contextlib
import datetime
import gc
import importlib
import threading
from typing import TYPE_CHECKING, AsyncIterator

import numpy as np
import streamlit as st
from streamlit import delta_generator
from PIL import Image

from digits.data import MnistError, find_mnist
from digits.registry import ModelRegistry
from digits.retraining import PRESETS, RUNNING, Retrainer, retraining_enabled

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.recognition import Recognition, Recognizer


@contextlib.asynccontextmanager
async def prepare_at_start(app: st.App) -> AsyncIterator[None]:
    """As the server starts, get ready for the first visitor: the canvas shows sooner and TensorFlow is
    (nearly) loaded by the time they have drawn something."""
    # Streamlit checks once per process, on the first element drawn, whether it runs in a Python shell, by
    # looking up the source file of every loaded module. On the first page run, beside TensorFlow's thousands of
    # modules loading, that took 1.3 s; done now, before they load, it takes 0.07 s. (A private function:
    # requirements.txt pins Streamlit, and a rename would stop the server from starting, not pass unseen.)
    delta_generator._maybe_print_use_warning()
    threading.Thread(target=import_for_first_answer, daemon=True).start()
    yield


def import_for_first_answer() -> None:
    """Import, in the background, what the first page runs need: TensorFlow (seconds) above all."""
    # Python's full garbage collections walk every object there is, and the import makes millions: they
    # took 0.1-0.2 s each, every 0.7 s during the import and on into the first answer. Pause them for the
    # import, then freeze everything alive at that point (mostly TensorFlow's modules) out of later ones;
    # the few reference cycles dropped during the pause are never collected.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        # Streamlit checks the settings the page passes to the canvas for dataframes, which imports
        # pandas and pyarrow on the first page run.
        for module in ("pandas", "pyarrow", "digits.recognition"):
            importlib.import_module(module)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


# `streamlit run streamlit_app.py` serves this app, and runs main() below for each visitor.
app = st.App(__file__, lifespan=prepare_at_start)


@st.cache_resource(show_spinner="Loading the model…")
def load_recognizer(path: str, modified: float) -> Recognizer:
    """One Recognizer per model file and version, shared by every session; a changed file loads anew."""
    recognition = importlib.import_module("digits.recognition")  # waits for the import begun at start
    recognition.tune_for_single_images()  # the page reads one drawing at a time
    return recognition.Recognizer.load(path)


@st.cache_resource
def get_retrainer(folder: str) -> Retrainer:
    """One Retrainer per models folder, shared by every session, so only one training runs."""
    return Retrainer(ModelRegistry(folder))


def secrets() -> dict:
    """st.secrets as a dict; empty when the app has no secrets file."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


def show_recognition(result: Recognition) -> None:
    """The digit read, how sure, all ten probabilities and the 28x28 input."""
    st.metric("Prediction", result.digit, delta=f"{result.confidence:.0%} sure", delta_color="off", delta_arrow="off")
    if result.unsure:
        second = result.runner_up
        st.warning(f"Not sure: it could also be a **{second}** ({result.probabilities[second]:.0%}). "
                   "Try drawing it bigger or more plainly.")
    # A Vega-Lite bar chart of the ten probabilities, the digit read in red. A plain specification
    # rather than Altair: Altair's schema check made the first answer after start-up 0.3 s slower.
    bars_spec = {
        "data": {"values": [
            {"digit": str(d), "probability": float(p), "read": d == result.digit}
            for d, p in enumerate(result.probabilities)
        ]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "digit", "type": "nominal", "sort": None, "axis": {"labelAngle": 0}},
            "y": {"field": "probability", "type": "quantitative", "scale": {"domain": [0, 1]},
                  "axis": {"format": "%"}},
            "color": {"condition": {"test": "datum.read", "value": "#ff4b4b"}, "value": "#8a8f98"},
            "tooltip": [{"field": "digit"}, {"field": "probability", "type": "quantitative", "format": ".2%"}],
        },
    }
    bars, seen = st.columns([1.4, 1])
    bars.vega_lite_chart(bars_spec, height=240)
    pixels = np.kron((result.model_input * 255).astype(np.uint8), np.ones((7, 7), np.uint8))
    pixels[::7, :] = pixels[:, ::7] = 40  # a faint grid, one cell per pixel the model saw
    seen.image(Image.fromarray(pixels), caption="What the model saw: 28x28, centred like MNIST", width=196)


def show_model(registry: ModelRegistry, path) -> None:
    """The serving model's facts, and a choice of every model in the folder."""
    meta = registry.metadata(path)
    st.subheader("The model")
    st.markdown(f"**{path.stem}**")
    if "test_accuracy" in meta:
        st.metric("MNIST test accuracy", f"{meta['test_accuracy']:.2%}")
        images = f"{meta['limit']:,}" if meta.get("limit") else "60,000"
        date = datetime.datetime.fromisoformat(meta["date"]).strftime("%Y-%m-%d %H:%M")
        st.caption(
            f"Trained {date} UTC: {meta['epochs']} epochs on {images} images "
            f"({'with' if meta.get('augment') else 'without'} augmentation) in "
            f"{meta['training_seconds'] / 60:.1f} min; {meta['parameters']:,} parameters."
        )
    models = registry.models()
    names = [m["name"] for m in models]
    if len(names) > 1 and path.stem in names:
        label = {m["name"]: f"{m['name']} ({m.get('test_accuracy', 0):.2%})" for m in models}
        choice = st.selectbox("Serve model", names, index=names.index(path.stem), format_func=label.get)
        if choice != path.stem:
            registry.use(models[names.index(choice)]["path"])
            st.rerun()


def show_training(retrainer: Retrainer) -> None:
    """Live progress of the running training, or how the last one ended."""
    status = retrainer.status()
    if status is None:
        return
    state = status["state"]
    if state in RUNNING:
        if state == "evaluating":
            text = "Evaluating the new model on the MNIST test set…"
        elif "eta_s" in status:  # the first batch is done: progress figures are in
            eta = datetime.timedelta(seconds=round(status["eta_s"]))
            text = f"Epoch {status['epoch']}/{status['epochs']} · accuracy {status['accuracy']:.1%} · {eta} left"
        else:
            text = "Starting the training…"
        st.progress(min(status["fraction"], 1.0), text=text)
        if st.button("Cancel training"):
            retrainer.cancel()
            st.rerun(scope="app")
    elif state == "done":
        name = status["model"].rsplit("/", 1)[-1].removesuffix(".keras")
        if status["promoted"]:
            st.success(f"Training finished: **{name}** scores {status['test_accuracy']:.2%} on the MNIST test "
                       f"set and is now serving ({status['reason']}).")
        else:
            st.warning(f"Training finished: **{name}** scores {status['test_accuracy']:.2%} on the MNIST test "
                       f"set. The current model stays: {status['reason']}.")
            if st.button("Use it anyway"):
                retrainer.registry.use(status["model"])
                st.rerun(scope="app")
    elif state == "failed":
        st.error(f"Training failed: {status.get('error', 'unknown error')}. The serving model is unchanged.")
    elif state == "cancelled":
        st.info("Training cancelled. The serving model is unchanged.")


def show_retraining(retrainer: Retrainer) -> None:
    """The retrain controls, or why retraining is not possible here."""
    st.subheader("Retrain")
    if not retraining_enabled(secrets()):
        st.info("Retraining is turned off on this deployment.")
        return
    try:
        find_mnist(download=False)
    except MnistError as error:
        st.error("Retraining needs the MNIST data file.\n\n" + str(error).replace("\n", "  \n"))  # keep line breaks
        st.button("Train a new model", disabled=True)
        return
    running = retrainer.running()
    if not running:
        preset = st.selectbox("Preset", list(PRESETS))
        settings = PRESETS[preset]
        epochs = st.number_input("Epochs", 1, 100, settings["epochs"], key=f"epochs {preset}")
        limit = st.number_input("Training images", 100, 60000, settings["limit"] or 60000, step=1000,
                                key=f"images {preset}")
        augment = st.checkbox("Augmentation (makes MNIST look drawn)", settings["augment"], key=f"augment {preset}")
        if st.button("Train a new model", type="primary"):
            if not retrainer.start(int(epochs), None if limit >= 60000 else int(limit), augment):
                st.info("A training is already running: here it is.")
            st.rerun()
    # While training, only this part re-runs, every second: the canvas stays responsive.
    st.fragment(run_every=1.0 if running else None)(follow_training)(retrainer, running)


def follow_training(retrainer: Retrainer, was_running: bool) -> None:
    """Progress of the training; when it ends, refresh the whole page to show the new model.

    The refresh comes before the outcome is drawn, so its buttons are drawn once, by the whole-page run,
    and a click on them is not lost to the refresh.
    """
    if was_running and not retrainer.running():
        st.rerun(scope="app")
    show_training(retrainer)


def main() -> None:
    """The page, run for each visitor and after each of their actions."""
    # Imported here, by the page run: the canvas registers itself as a component, which needs the running server.
    from streamlit_drawable_canvas import st_canvas

    st.set_page_config(page_title="digits", page_icon="✏️", layout="wide")
    st.title("✏️ digits")
    st.caption("Draw a digit from 0 to 9 in the black square. A CNN trained on MNIST reads it after every stroke.")

    registry = ModelRegistry()
    model_path = registry.current_path()
    if not model_path.is_file():
        st.error(f"No model at {model_path}. Train one with: python scripts/train.py --out {model_path}")
        st.stop()

    with st.sidebar:
        show_model(registry, model_path)
        st.divider()
        show_retraining(get_retrainer(str(registry.folder)))

    drawing, answer = st.columns([1, 1.4], gap="large")
    with drawing:
        st.write("")  # room for the canvas toolbar, which sits above the canvas
        canvas = st_canvas(
            stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
            height=280, width=280, drawing_mode="freedraw", return_image_data=True, key="canvas",
        )
        st.caption("Clear with the bin icon above the canvas; undo a stroke with the arrow.")
    with answer:
        # The first visit waits here, under a spinner, for TensorFlow and the model; the canvas is up already.
        recognizer = load_recognizer(str(model_path), model_path.stat().st_mtime)
        image = canvas.image_data  # decoded from PNG on each access
        result = None if image is None else recognizer.recognize(image)
        if result is None:
            st.info("Draw a digit to see what the model reads.")
        else:
            show_recognition(result)


if __name__ == "__main__":
    main()

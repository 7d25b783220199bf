"""The Model page: how a model learned and what it gets wrong, for the serving model or any kept one,
and two models side by side."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from digits.charts import confusion_heatmap, per_digit_points
from digits.deployment import retraining_enabled
from digits.registry import ModelRegistry, detector_taught, held_out_read, model_label

from app_pages.access import allowed
from app_pages.resources import model_inspection, secrets, serving_model
from app_pages.sidebar import CURVES_EXPLAINED, describe, has_mnist, show_curves

if TYPE_CHECKING:  # TensorFlow comes with it; the page gets it through model_inspection
    from digits.inspection import Inspection

GALLERY = 60  # misread digits shown per model
RIGHT = ("wrong", "right")  # one held-out drawing, read so (0 or 1 of 1)


def heading(words: str) -> None:
    """A part's heading: a heading (h4) in a screen reader's list of them, where bold words had been a paragraph (an
    accessibility review, 2026-12-05)."""
    st.markdown(f"#### {words}")


def inspected(model: dict) -> Inspection | str | None:
    """The inspection of a `model` (as ModelRegistry.models lists it; model_inspection), or why it cannot have one:
    its file cannot be loaded. A damaged file had ended the page in Keras' traceback (a code review)."""
    try:
        return model_inspection(model["path"])
    except ValueError:  # its reason names the server's paths, which a visitor need not see
        return (f"{model['path'].name} cannot be loaded (it is damaged, or not a model train.py saved), so there "
                "is no confusion matrix or misread digits for it.")


def made(inspection: Inspection | str | None) -> bool:
    """Whether `inspection` (as inspected gives it) is one: not why it cannot be, nor None for MNIST missing."""
    return inspection is not None and not isinstance(inspection, str)


def show_errors(inspection: Inspection | str | None, of: str) -> None:
    """The misread test digits, each with the digit read and the runner-up (nothing without an inspection); `of`
    names the model after the heading, or is empty."""
    if not made(inspection):
        return
    count = len(inspection.error_labels)
    # The count on a line of its own: a heading that wrapped (a long name, many errors) pushed one gallery down.
    heading(f"Misread test digits{of}")
    shown = f"; the test set's first {GALLERY} shown" if count > GALLERY else ""
    # What each caption's figures are: "2 read as 7 (64%), then 2 (35%)" did not say which was the true digit (a
    # review, 2026-12-04).
    st.caption(f"{count:,} of {inspection.test_size:,}{shown}. Under each, the digit it is: what the model read, "
               "and its second choice.")
    if not count:
        return
    images = [np.kron(255 - image, np.ones((2, 2), np.uint8)) for image in inspection.error_images[:GALLERY]]
    captions = [f"{t}: read as {r} ({p}), then {u} ({q})" for t, r, u, (p, q) in zip(
        inspection.error_labels, inspection.error_read, inspection.error_runner_up,
        map(two_percentages, inspection.error_read_probability, inspection.error_runner_up_probability))]
    # The alt text says what the picture is, the caption (read after it) what the model made of it: the alt had
    # said the caption's words again, every digit's read twice (an accessibility review, 2026-12-07).
    st.image(images, caption=captions[:GALLERY], width=84,
             alt=[f"A handwritten {label}" for label in inspection.error_labels[:GALLERY]])


def two_percentages(read: float, runner_up: float) -> tuple[str, str]:
    """A misread digit's two likeliest probabilities as the gallery says them: whole percents, or tenths where those
    would be equal ("50.4%", "49.6%", where "0 (50%), then 1 (50%)" read as a tie the model had not called), and
    "<1%" for under half a percent."""
    places = 0 if f"{read:.0%}" != f"{runner_up:.0%}" else 1
    said = [f"{p:.{places}%}" for p in (read, runner_up)]
    return said[0], "<1%" if said[1] == f"{0:.{places}%}" else said[1]


def show_facts(model: dict, serving: bool, inspection: Inspection | str | None) -> None:
    """A model's name, its MNIST test accuracy and how it was trained; a fine-tune's, beside the model it came from,
    on MNIST and on the drawings held out; a warning where its metadata's score is not what its `inspection` read."""
    st.subheader(f"{model['name']}{' (serving)' if serving else ''}")
    # A fine-tune beside the model it came from, on MNIST and on the drawings it learned: a review's writer found
    # only MNIST's figures here, and what it had learned of their own drawings only in the sidebar (2026-12-05).
    base = Path(model.get("fine_tuned_from", "")).stem
    if "test_accuracy" in model:
        change = model["test_accuracy"] - model.get("test_accuracy_before", model["test_accuracy"])
        st.metric("MNIST test accuracy", f"{model['test_accuracy']:.2%}",
                  delta=f"{change * 100:+.2f} points from {base}" if base and change else None)
        # A file saved over, or a JSON copied beside another model: its figures had stood above the file's own
        # confusion matrix, 99.63% over 8,819 misread (a review, 2026-12-07).
        if made(inspection) and abs(inspection.test_accuracy - model["test_accuracy"]) > 0.5 / inspection.test_size:
            st.warning(f"Its metadata ({model['name']}.json) says {model['test_accuracy']:.2%} on MNIST test, but "
                       f"this model file reads {inspection.test_accuracy:.2%} of it: the metadata is another "
                       "model's, or the file was replaced. The figures per digit, the confusion matrix and the "
                       "misread digits are the file's own.")
    if base and (counts := held_out_read(model)):
        before, after, held = counts
        # Which model read them was unclear in "a fine-tune without them read 6 right"; "without 1 of the kept
        # drawings, read 1 of those 1 right, where digits read 0" was said of one (reviews, 2026-12-06).
        if held == 1:
            without, read_after, read_before = "one of the kept drawings", f"it {RIGHT[after]}", f"it {RIGHT[before]}"
        else:
            # "read 0" read as the digit 0 (a review, 2026-12-07)
            without, read_after = f"{held} of the kept drawings", f"{after} of those {held} right"
            read_before = before or "none"
        st.caption(f"What it learned, measured: a first fine-tune, without {without}, read {read_after}, where "
                   f"**{base}**, the model it came from, read {read_before}. This model then learned them all.")
    if taught := detector_taught(model):  # those drawings said to look like no digit, learned or not
        st.caption(f"{taught[0].upper()}{taught[1:]}.")
    if "date" in model:
        st.caption(describe(model))


def show_learning(model: dict, of: str, beside: list[dict]) -> None:
    """A model's learning curves, or that it has none, on the scales of the models `beside` it too; `of` as
    show_errors'."""
    heading(f"Learning curves{of}")
    if model.get("history"):
        show_curves(model["history"], legend="right", explain=False,  # said once, under the row
                    beside=[other["history"] for other in beside if other.get("history")])
    else:
        st.caption("No learning curves were recorded for this model.")


def show_confusion(inspection: Inspection | str | None, of: str) -> None:
    """A model's confusion matrix on the MNIST test set, or why there is none; `of` as show_errors'."""
    if isinstance(inspection, str):
        st.warning(inspection)
        return
    if inspection is None:
        needs = "Its confusion matrix and misread digits need the MNIST test set"
        if not allowed():  # the download (11 MB, and then the training material drawn ahead) is for whoever runs it
            st.info(f"{needs}, which is not on this machine yet.")
        elif has_mnist(needs):  # found, yet its arrays cannot be read (a bad checksum in the zip)
            st.warning(f"{needs}, and the file on this machine cannot be read: replace it, or delete it to download "
                       "it again.")
        return
    heading(f"Confusion matrix on the MNIST test set{of}")
    st.vega_lite_chart(confusion_heatmap(inspection.confusion), height=320)


def swap_compared() -> None:
    """After the Model pick took the model compared, the comparison takes the one the pick showed: the two swap,
    where the comparison had ended."""
    if st.session_state["model"] == st.session_state["compare"]:
        st.session_state["compare"] = st.session_state["model page address"][0]  # the last run's pick


def picked(models: dict[str, dict], serving: str) -> tuple[str, str | None]:
    """The model picked and the one to compare it with, if any. A link's (?model=A&compare=B: the sidebar's, after a
    training) where it is new, else the serving model alone; then as they are picked, each kept while the other
    changes (a new pick on the left had dropped the comparison: a review, 2026-12-07), and on a return from another
    page, whose navigation link has no address (they had gone back to the serving model alone: a review, 2026-12-07).
    The address follows, so that a reload shows what was on the screen."""
    names = list(models)
    asked = (st.query_params.get("model"), st.query_params.get("compare"))
    if asked == (None, None) and (last := st.session_state.get("model page address")):
        asked = last
    if st.session_state.get("model page address") != asked or st.session_state.get("model") not in names:
        first = asked[0] if asked[0] in names else serving if serving in names else names[0]
        st.session_state["model"] = first
        st.session_state["compare"] = asked[1] if asked[1] in names and asked[1] != first else None
    elif st.session_state.get("compare") not in names:  # deleted since
        st.session_state["compare"] = None
    label = {name: model_label(models[name]) for name in names}
    pick, compare = st.columns(2)
    first = pick.selectbox("Model", names, key="model", format_func=label.get, on_change=swap_compared)
    second = compare.selectbox("Compare with", [None, *[n for n in names if n != first]], key="compare",
                               format_func=lambda name: "(none)" if name is None else label[name])
    if len(names) == 1 and retraining_enabled(secrets()) and allowed():
        compare.caption("Train a model from the sidebar to compare it with this one.")
    st.session_state["model page address"] = (first, second)
    address = {"model": first, **({"compare": second} if second else {})}
    if st.query_params.to_dict() != address:
        st.query_params.from_dict(address)
    return first, second


def digit_accuracies(model: dict, inspection: Inspection | str | None) -> list[float] | None:
    """A model's accuracy on each digit of MNIST test: its inspection's, made from its file, else its metadata's
    (a JSON without them had left the chart empty, or showed only the other model's under its name: a review,
    2026-12-07); None where neither has them."""
    if made(inspection):
        return [float(accuracy) for accuracy in inspection.per_digit_accuracy]
    stored = model.get("per_digit_accuracy")
    if isinstance(stored, dict) and all(str(d) in stored for d in range(10)):
        return [float(stored[str(d)]) for d in range(10)]
    return None


registry = ModelRegistry()
models = {m["name"]: m for m in registry.models()}
serving = serving_model()[0].stem  # the shipped one where the chosen one cannot be loaded
# A model file without its metadata is listed nowhere: say so, not leave it unseen (a review, 2026-12-07).
if unlisted := [path.name for path in registry.model_files() if path.stem not in models]:
    st.caption(f"Not listed, with no readable metadata (NAME.json) beside them: {', '.join(unlisted)}.")
if not models:
    st.info("There are no models with metadata in the models folder yet.")
    st.stop()
first, second = picked(models, serving)
chosen = [models[first]] + ([models[second]] if second else [])
inspections = [inspected(model) for model in chosen]
heading("Accuracy per digit on the MNIST test set")
per_digit = {model["name"]: accuracies for model, inspection in zip(chosen, inspections)
             if (accuracies := digit_accuracies(model, inspection)) is not None}
st.vega_lite_chart(per_digit_points(per_digit), height=280)
if without := [model["name"] for model in chosen if model["name"] not in per_digit]:
    st.caption(f"No figures per digit for {' or '.join(without)}: they need its confusion matrix, below.")
# Each part in a row of its own, a column a model, so that two models' charts line up: in a column each, a name
# that wrapped onto two lines pushed one model's charts below the other's (a review, 2026-12-03). Two models' parts
# are named, since a narrow window stacks the columns (a review found the charts under the wrong model's name).
# Charts are aligned at their foot: a long name wraps its heading. Each model's curves keep their own epochs: on one
# axis, a 1-epoch model's filled a twentieth of its chart beside the shipped model's 20 (a review, 2026-12-04); they
# share the loss and accuracy scales, so that the higher curve is the better model.
after_heading = [f" · {model['name']}" if len(chosen) > 1 else "" for model in chosen]


def show_row(parts: list[partial], align: str) -> None:
    """One part for each model, a column each, aligned at `align` ("top" or "bottom")."""
    for column, show in zip(st.columns(len(chosen), gap="large", vertical_alignment=align), parts):
        with column:
            show()


show_row([partial(show_facts, model, model["name"] == serving, inspection)
          for model, inspection in zip(chosen, inspections)], "top")
show_row([partial(show_learning, model, of, [other for other in chosen if other is not model])
          for model, of in zip(chosen, after_heading)], "bottom")
if any(model.get("history") for model in chosen):
    st.caption(CURVES_EXPLAINED)
show_row([partial(show_confusion, inspection, of) for inspection, of in zip(inspections, after_heading)], "bottom")
show_row([partial(show_errors, inspection, of) for inspection, of in zip(inspections, after_heading)], "top")

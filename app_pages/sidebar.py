"""The sidebar every page shares: the serving model, retraining with live learning curves, and MNIST."""

from __future__ import annotations

import datetime
from functools import partial
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from digits.charts import learning_curves
from digits.corrections import FINE_TUNE_NEEDS, CorrectionsError, can_learn_from, corrections_location
from digits.deployment import collecting_enabled, retraining_enabled
from digits.data import MNIST_DOWNLOAD_MB, MnistError, NamedFileMissing, download_mnist, find_mnist, keras_cache
from digits.recipes import (ARCHITECTURES, DESCRIPTIONS, FEW_STEPS_SCORED, PRESETS, TRAINING_IMAGES, estimated_duration,
                            preset_score, recipe, too_few_steps)
from digits.registry import SHIPPED, ModelRegistry, model_label
from digits.retraining import RUNNING, Retrainer, TrainingNotStarted, start_drawing_ahead

from app_pages.access import allowed, can_unlock, show_access, store_problem
from app_pages.resources import (get_corrections, get_retrainer, last_value, remember_value, secrets, serving_model,
                                 set_uninterrupted)
from app_pages.screen_reader import bring_into_view


# How long a finished, failed or cancelled training is news in every session's sidebar (a classroom sees the model
# that now serves); the session that followed it sees it for good. Shown for ever, a fresh visitor met a stranger's
# day-old 11% model and its "Serve it anyway" (a fresh user's review); every model stays in *Serve model*.
NEWS_FOR = 3600.0

# A model chosen in Serve model this far under the serving one's MNIST test accuracy serves only when confirmed: a
# classroom's 3,000-image Quick model (27.70%) served at one click, and a student's plain 7 read as a 7 at 45%
# (a review, 2026-12-04). A fine-tune on a class's handwriting costs MNIST test about 0.1 points, and serves at once.
CONFIRM_WORSE_BY = 0.01


def show_sidebar(registry: ModelRegistry, model_path: Path) -> None:
    """The serving model's facts and choice, the password field where one is set, then the retrain controls."""
    meta = registry.metadata(model_path)  # read once, as is every model's: both parts need them
    models = registry.models()
    say_mnist_downloaded()
    with st.sidebar:
        show_model(registry, model_path, meta, models)
        show_access()
        if retraining_enabled(secrets()):  # turned off, it is not mentioned: a public link's visitors never asked
            st.divider()
            show_retraining(get_retrainer(str(registry.folder)), model_path, meta.get("test_accuracy", 0.0), models)


def describe(meta: dict) -> str:
    """How a model was trained, in one line; what its metadata does not say is left out (a JSON without its training
    time had ended the Model page in a KeyError: a review, 2026-12-07)."""
    try:
        date = " " + datetime.datetime.fromisoformat(meta["date"]).strftime("%Y-%m-%d %H:%M") + " UTC"
    except (KeyError, TypeError, ValueError):
        date = ""
    if "fine_tuned_from" in meta:  # it learned the corrections, beside some MNIST digits replayed each epoch
        trained = f"Fine-tuned{date} from **{Path(meta['fine_tuned_from']).stem}**"  # named as the models are
    else:
        trained = f"Trained{date}"
    took = f" in {duration(meta['training_seconds'])}" if "training_seconds" in meta else ""
    size = f"; {meta['parameters']:,} parameters" if "parameters" in meta else ""
    return f"{trained}: {network_and_images(meta)}{took}{size}."


def network_and_images(settings: dict) -> str:
    """A model's network and what it learned from (its metadata, or a training's settings), in words: "compact
    network, 3 epochs on 3,000 training images (with augmentation)"."""
    if "fine_tuned_from" in settings:
        images = (f"{settings.get('corrections_used', 0):,} kept drawings and {settings.get('replay', 0):,} replayed "
                  "MNIST")
    else:
        images = (f"{settings['limit']:,}" if settings.get("limit") else f"all {TRAINING_IMAGES:,}") + " training"
    epochs = f"{settings['epochs']} epoch{'' if settings['epochs'] == 1 else 's'} on " if "epochs" in settings else ""
    return (f"{settings.get('arch', 'vgg')} network, {epochs}{images} images "
            f"({'with' if settings.get('augment') else 'without'} augmentation)")


def duration(seconds: float) -> str:
    """A training's time as the sidebar says it: "9 s" under a minute (not "0.2 min"), else "25.5 min"."""
    return f"{seconds:.0f} s" if seconds < 59.5 else f"{seconds / 60:.1f} min"


def show_model(registry: ModelRegistry, path: Path, meta: dict, models: list[dict]) -> None:
    """The serving model's facts (`meta`, from its JSON), and a choice of every model in the folder (`models`, as
    ModelRegistry.models lists them)."""
    st.subheader("Serving model")
    st.markdown(f"**{path.stem}**")
    if "test_accuracy" in meta:
        st.metric("MNIST test accuracy", f"{meta['test_accuracy']:.2%}")
        st.caption(describe(meta))
    names = [m["name"] for m in models]
    # Not on a public link without a password (access.allowed), where any visitor would change what everyone is
    # served: a folder left from a classroom's trainings holds several models.
    if len(names) > 1 and path.stem in names and allowed():
        label = {m["name"]: model_label(m) for m in models}
        choice = st.selectbox("Serve model", names, index=names.index(path.stem), format_func=label.get,
                              help="Every model trained here is kept; the one chosen reads for every visitor.")
        chosen = models[names.index(choice)]
        if choice != path.stem and (worse_by(chosen, meta) <= CONFIRM_WORSE_BY
                                    or confirmed_worse(chosen, path.stem, meta)):
            registry.use(chosen["path"])
            set_uninterrupted({"now serving": choice})  # said once the page has run again with it, past a rerun's stop
            st.rerun()
    if served := st.session_state.pop("now serving", None):  # the choice changed what every visitor is read with
        st.toast(f"**{served}** now reads every visitor's digits.", icon=":material/check_circle:")


def worse_by(chosen: dict, serving: dict) -> float:
    """How much lower the `chosen` model's MNIST test accuracy is than the `serving` one's (metadata of each); one
    without a score is taken as scoring nothing."""
    return serving.get("test_accuracy", 0) - chosen.get("test_accuracy", 0)


def confirmed_worse(chosen: dict, serving_name: str, serving: dict) -> bool:
    """For a model chosen to serve that scores far below the serving one (`serving_name`, its metadata `serving`):
    what it would cost every visitor, how to keep the serving one, and a button that serves it all the same. True on
    the run of its click."""
    if "test_accuracy" in chosen:
        score = chosen["test_accuracy"]
        what = (f"scores {score:.2%} on MNIST test, {100 * worse_by(chosen, serving):.1f} points under the serving "
                f"model's {serving.get('test_accuracy', 0):.2%}: every visitor's digits would be read worse")
    else:
        what = "has no MNIST test score: how well it reads is not known"
    st.warning(f"**{chosen['name']}** {what}. **{serving_name}** serves on: choose it again to keep it, or serve "
               "this one anyway.")
    return st.button("Serve it anyway", key=f"serve-anyway-{chosen['name']}")


def offer_mnist_download(why: str) -> None:
    """One sentence (`why`) and a button that fetches MNIST, with its progress, into the Keras cache."""
    st.info(why)
    if not st.button(f"Download MNIST ({MNIST_DOWNLOAD_MB} MB)", type="primary"):
        return
    bar = st.progress(0.0, text="Connecting…")
    shown = [None]

    def show(done: int, total: int | None) -> None:
        # About 175 blocks arrive: the bar is redrawn as its words change, once a percent, or from a server that
        # does not give the size once a tenth of a megabyte (its bar had stood at 0.0 MB to the end: a review).
        if (now := download_progress(done, total)) != shown[0]:
            shown[0] = now
            bar.progress(*now)

    try:
        path = download_mnist(progress=show)
    except MnistError as error:
        bar.empty()
        st.error(str(error).replace("\n", "  \n"))  # keep its line breaks
        return
    if retraining_enabled(secrets()):  # the training material, which the server could not draw as it started
        start_drawing_ahead(after=0)
    st.session_state["mnist downloaded"] = str(path)  # said on the next run (say_mnist_downloaded)
    st.rerun()


def download_progress(done: int, total: int | None) -> tuple[float, str]:
    """The download's bar: how full, and its words, for `done` bytes of `total` (None: the server did not say)."""
    if total:
        return int(100 * done / total) / 100, f"Downloading MNIST: {done / 1e6:.1f} of {total / 1e6:.1f} MB"
    return 0.0, f"Downloading MNIST: {done / 1e6:.1f} MB"


def say_mnist_downloaded() -> None:
    """On the run after a download of MNIST, a toast that says it is done and where the file is: the bar that
    showed its progress went at once, and nothing said it had worked (a new user's review, 2026-12-06)."""
    if path := st.session_state.pop("mnist downloaded", None):
        st.toast(f"MNIST downloaded and checked: {path}", icon="✅")


def has_mnist(needs: str = "Retraining needs the MNIST training data") -> bool:
    """Whether MNIST is on this machine; when not, says so after `needs` (what needs it) and offers its download, or
    names the file named that is missing (a download cannot stand in for it). For a session that may retrain, which
    may see the server's paths."""
    try:
        find_mnist(download=False)
    except NamedFileMissing as error:
        st.error(str(error).replace("\n", "  \n"))
        return False
    except MnistError:
        offer_mnist_download(needs + (", which is damaged on this machine (cut short, or not MNIST): download it again."
                                      if keras_cache().exists() else ", which is not on this machine yet."))
        return False
    return True


def show_retraining(retrainer: Retrainer, serving_path: Path, serving: float, models: list[dict]) -> None:
    """The retrain controls, or why retraining is not possible here (no MNIST, no password); `serving_path` is the
    serving model's file (streamlit_app's serving_model), `serving` its MNIST test accuracy, `models` every model's
    metadata (ModelRegistry.models), for what a preset scored."""
    st.subheader("Retrain")
    status = retrainer.status()  # read once: each read of a running training probes its lock
    running = status is not None and status["state"] in RUNNING
    # A click on Train a new model or Learn my handwriting whose run finds another tab's training under way, which
    # hides them: it did nothing, and the page showed that training's progress as if it were the click's (a review,
    # 2026-12-07). Said above that progress while it runs (show_training).
    if st.session_state.pop(ASKED, False) and running and status.get("model") != st.session_state.get(STARTED):
        st.session_state[JOINED] = status.get("model")
    if not allowed():  # asked before MNIST: a student was offered its download, and the setup steps if offline
        st.caption("Training a new model needs the password, above." if can_unlock() else
                   "Training a new model is locked on this site: see the warning at the top of the page.")
    elif not has_mnist():
        return
    elif not running:
        # Radio buttons, not select boxes: in the sidebar's width a select box cut each description off before
        # the time it takes.
        presets = list(PRESETS)
        preset = st.radio("Preset", presets, presets.index(last_value("preset", presets[0])),
                          format_func=DESCRIPTIONS.get, key="preset")
        settings = recipe(preset)
        archs = list(ARCHITECTURES)
        arch = st.radio("Network", archs, archs.index(last_value(f"arch {preset}", settings["arch"])),
                        format_func=ARCHITECTURES.get, key=f"arch {preset}")
        epochs = st.number_input("Epochs", 1, 100, last_value(f"epochs {preset}", settings["epochs"]),
                                 key=f"epochs {preset}")
        limit = st.number_input("Training images", 100, TRAINING_IMAGES,
                                last_value(f"images {preset}", settings["limit"] or TRAINING_IMAGES), step=1000,
                                key=f"images {preset}")
        few_steps = st.empty()  # said under the images, from the augmentation too (its styled digits add steps)
        augment = st.checkbox("Augmentation (makes MNIST look drawn)",
                              last_value(f"augment {preset}", settings["augment"]), key=f"augment {preset}")
        if few := too_few_steps(int(limit), int(epochs), settings["batch_size"], augment):
            few_steps.caption(f"{few}. {FEW_STEPS_SCORED}. Fine to try the controls.")
        # A Quick model is kept aside next to the shipped one: say so before the training, not only after it. What
        # the preset scored says nothing of other settings (a fresh user read both this and "learns little").
        as_preset = (arch, epochs, augment, limit >= TRAINING_IMAGES) == (
            settings["arch"], settings["epochs"], settings["augment"], settings["limit"] is None)
        scored, here = preset_score(preset, models) if as_preset else (1.0, False)
        if scored < serving:
            score = f"scored {scored:.2%} on the MNIST test set here" if here else \
                f"scores about {scored:.1%} on the MNIST test set"  # measured on another machine
            st.caption(f"As it is, {preset.capitalize()} {score}, below the serving model's {serving:.2%}: its model "
                       "would likely be kept aside (you can still serve it).")
        elif not as_preset:  # the preset stays picked above, with its own time (a review found that misleading)
            takes = estimated_duration(arch, int(epochs), None if limit >= TRAINING_IMAGES else int(limit), augment)
            st.caption(f"Changed from {preset.capitalize()}: {takes} with these settings.")
        for key in ("preset", f"arch {preset}", f"epochs {preset}", f"images {preset}", f"augment {preset}"):
            remember_value(key)
        if st.button("Train a new model", type="primary", on_click=st.session_state.update, args=({ASKED: True},)):
            start_training(retrainer, partial(retrainer.start, preset, arch, int(epochs),
                                   None if limit >= TRAINING_IMAGES else int(limit), augment))
    # Its progress, or how it ended, right under the button. While training, only this part re-runs, every second:
    # the canvas stays responsive. A fine-tune's under its own button, Learn my handwriting: a review's writer found
    # them under Retrain, above the button they had clicked, which still said how many drawings were kept (2026-12-05).
    follow = partial(st.fragment(run_every=1.0 if running else None)(follow_training), retrainer, running)
    fine_tune = (status or {}).get("kind") == "fine-tune"
    if not fine_tune:
        follow()
    if allowed() and not running:
        offer_fine_tune(retrainer, serving_path)
    elif running and fine_tune:
        st.markdown(f"**{LEARN}**")
    if fine_tune:
        follow()


LEARN = "Learn my handwriting"  # the fine-tune's heading and button
ASKED = "training asked"  # set by a click on either button, before the run that may not draw it
STARTED = "training started"  # the model of the training this session started last
JOINED = "joined training"  # the model of the training a click found under way, another tab's


def offer_fine_tune(retrainer: Retrainer, serving_path: Path) -> None:
    """"Learn my handwriting": fine-tune the serving model at `serving_path` (or the one it came from) on the
    corrections collected on the Draw page (not offered where collecting is off)."""
    if not collecting_enabled(secrets()):
        return
    st.markdown(f"**{LEARN}**")
    try:
        store = get_corrections(corrections_location())
        counts, misread, teaching = store.tally()
    except CorrectionsError as error:
        st.error(store_problem(error))
        return
    total = sum(counts.values())
    ready = can_learn_from(counts, teaching)  # a fine-tune serves only if it reads more of those held out right
    wrong = f" ({misread} read wrong)" if total else ""
    # Kept drawings, not "corrections": a drawing confirmed as read right (*Right, it is a 7*) is kept too. Once the
    # button can run, the caption says so: it kept saying what was needed, as if something still were (a review,
    # 2026-12-06). A fine-tune of the shipped model on 36 drawings took 94 s of training here.
    kept = f"{total} drawing{'' if total == 1 else 's'} kept so far{wrong}"
    try:
        # Said before the click: a review's sidebar still offered "enough to fine-tune" on drawings a fine-tune had
        # learned, and only the click said so (2026-12-06). 5-7 ms with 500 drawings kept.
        learned = retrainer.learned_already(store, serving_path) if ready else None
    except CorrectionsError as error:
        st.error(store_problem(error))
        return
    if learned:
        st.caption(f"{kept}: **{learned.stem}** learned these same drawings already" + (
            " and is serving." if learned == serving_path else
            ", and is not serving (*Serve model* above can serve it).") + " Keep more to fine-tune again.")
    elif ready:
        st.caption(f"{kept}: enough to fine-tune the model on them, in a minute or two. Some are held out, to check "
                   "what it learned.")
    else:
        all_right = " The model read all of these right." if total and not any(teaching.values()) else ""
        st.caption(f"{kept}. Tell the Draw page what you drew, then fine-tune the model on them. It needs "
                   f"{FINE_TUNE_NEEDS}.{all_right}")
    # A click in a run that found none learned, where the click's run finds one (another session's fine-tune), gives
    # False: Streamlit takes no click on a button it draws disabled.
    if st.button(LEARN, disabled=not ready or learned is not None, on_click=st.session_state.update,
                 args=({ASKED: True},)):
        start_training(retrainer, partial(retrainer.start_fine_tune, corrections_location(), serving_path))


def start_training(retrainer: Retrainer, start: Callable[[], bool]) -> None:
    """Start a training by `start` (Retrainer.start or start_fine_tune, False where one runs already), and show it;
    or say why it cannot start."""
    try:
        started = start()
        # The one it started (a second click of a double-click is no other tab's), or one started since this run
        # began: said above its progress while it runs (show_training).
        set_uninterrupted({STARTED if started else JOINED: (retrainer.status() or {}).get("model")})
    except TrainingNotStarted as error:
        st.error(str(error))  # to a session that may retrain, which may see the server's paths
        return
    st.rerun()


def follow_training(retrainer: Retrainer, was_running: bool) -> None:
    """Progress of the training; when it ends, refresh the whole page to show the new model.

    The refresh comes before the outcome is drawn, so its buttons are drawn once, by the whole-page run,
    and a click on them is not lost to the refresh.
    """
    if was_running:
        status = retrainer.status()  # read once: each read of a running training probes its lock
        st.session_state["followed training"] = (status or {}).get("model")  # its outcome stays news (show_training)
        if status is None or status["state"] not in RUNNING:
            # For a toast on the page (the outcome may be below the fold), to a session that is shown the outcome.
            st.session_state["training ended"] = allowed()
            st.rerun(scope="app")
    show_training(retrainer)


def phase_text(status: dict) -> str:
    """What a running training is doing now, in words (a field missing from the status file shows as '?')."""
    state, get = status["state"], lambda key: status.get(key, "?")
    if status.get("stage"):  # a fine-tune's runs: "step 1 of 2, measuring: …", then "step 2 of 2, learning …"
        # Its time left is the step's: "0:00:02 left" in the first step had 20 s of the second and the test to come.
        said = phase_text({**status, "stage": None})
        return f"{status['stage'].capitalize()} · {said}" + (" in this step" if said.endswith(" left") else "")
    if state == "redrawing":
        done, total = status.get("done", 0), status.get("total", 0)
        return (f"Drawing the training digits with a pen: {done:,} of {total:,} "
                "(once per machine; later trainings reuse them)")
    if state == "training" and "accuracy" in status:  # batches are done: progress figures are in
        # The time left comes with the first validation point (ProgressFile.report).
        left = f" · {datetime.timedelta(seconds=round(status['eta_s']))} left" if "eta_s" in status else ""
        last = status["history"][-1] if status.get("history") else None
        images = f" ({status['validation_images']:,} digits)" if "validation_images" in status else ""
        validation = f" · validation {last['val_accuracy']:.1%}{images}" if last else ""
        return f"Epoch {get('epoch')} of {get('epochs')} · accuracy {status['accuracy']:.1%}{validation}{left}"
    if state == "training":
        return f"Epoch 1 of {get('epochs')}: starting…"
    if state == "evaluating":
        return "Evaluating the new model on the MNIST test set…"
    if state == "teaching":  # a fine-tune's third step (finetuning.teach_detector), about 30 s
        return "Teaching them to the detector of drawings that are no digit…"
    if state == "loading":
        return "Loading the MNIST data…"
    return "Starting: loading TensorFlow…"


# A reviewer read the training accuracy under the validation one as a bug, and found the words unexplained.
CURVES_EXPLAINED = ("An epoch is one pass over the training digits; loss measures how far the probabilities are from "
                    "the right digit (lower is better). Training figures are averaged over each epoch's batches, of "
                    "digits altered at random when augmenting, so they can sit below validation, which is measured "
                    "on digits held out from training.")


def show_curves(history: list[dict], legend: str = "top", epochs: float | None = None, explain: bool = True,
                beside: Sequence[list[dict]] = ()) -> None:
    """Loss and accuracy, training and validation, by epoch, across `epochs` when given (a running training's
    planned epochs: its axis grew with every point), with `explain`, CURVES_EXPLAINED under them; the legend on top
    to fit the sidebar, or "right" where there is room (the Model page); on the scales of the histories `beside`
    too, those of the models shown beside it."""
    for measure in ("loss", "accuracy"):
        st.vega_lite_chart(learning_curves(history, measure, legend, epochs, beside),
                           height=240)  # under 200, the legend squeezes the plot flat
    if explain:
        st.caption(CURVES_EXPLAINED)


def show_training(retrainer: Retrainer) -> None:
    """Live progress and learning curves of the running training, or how the last one ended."""
    status = retrainer.status()
    if status is None:
        return
    state = status["state"]
    # How it ended is for whoever may act on it (serve it anyway, retrain, keep other drawings): with a password
    # set, students were shown the teacher's outcome, "keep more of your own 9s" in an amber box, for an hour.
    followed = st.session_state.get("followed training") == status.get("model")
    if state not in RUNNING and not (allowed() and (followed or retrainer.seconds_since_news() < NEWS_FOR)):
        return
    if state in RUNNING:
        if st.session_state.get(JOINED) == status.get("model"):
            # Said once before the whole page ran again, it was never seen: a second tab's click on Train a new
            # model, its Full preset picked, seemed to start the Quick training another tab had started (a review,
            # 2026-12-07).
            settings = status.get("settings", {})
            that = (f"{LEARN}, from **{Path(settings.get('from', '?')).stem}**" if status.get("kind") == "fine-tune"
                    else f"{str(settings.get('preset', '')).capitalize()}: {network_and_images(settings)}")
            st.info(f"Another training was running already, so yours did not start. This is that one: {that}.")
        done = min(status.get("fraction", 0.0), 1.0)
        if status.get("stages"):  # a fine-tune's two runs fill one bar in turn: it went back to empty between them
            done = (status.get("stage_number", 1) - 1 + done) / status["stages"]
        st.progress(done, text=phase_text(status))
        # The button before the curves: a chart's hover toolbar covered the progress text above it (a review), and
        # a button that moves down as the curves appear is harder to hit.
        if allowed() and st.button("Cancel training"):
            if not retrainer.cancel():  # one on another host that has not seen the request in time
                st.session_state["cancel asked"] = status.get("model")
            st.rerun(scope="app")
        if st.session_state.get("cancel asked") == status.get("model"):
            st.caption("Asked to stop, it has not stopped yet: it runs on another host, which sees the request "
                       "within a few seconds, or a minute on some network disks.")
        if status.get("history"):
            show_curves(status["history"], epochs=status.get("epochs"))
        return
    # A session that saw it end says so on the page too, where it shows whatever the sidebar's scroll, and brings the
    # outcome into the sidebar's view: it is drawn below the retrain controls, back above it as the training ended.
    ended = st.session_state.pop("training ended", False)
    with st.container(key="training-outcome"):
        if state == "done" and "model" in status:
            show_outcome(retrainer, status, ended)
        elif state in ("failed", "cancelled"):
            # To whoever may see the server's paths.
            failed = f"Training failed: {status.get('error', 'unknown error').rstrip('.')}."  # some end in one
            said = f"{failed if state == 'failed' else 'Training cancelled.'} The serving model is unchanged."
            (st.error if state == "failed" else st.info)(said)
            if ended:
                st.toast(said, icon=":material/info:", duration="long")
    if ended:
        bring_into_view("training-outcome")


def show_outcome(retrainer: Retrainer, status: dict, ended: bool = False) -> None:
    """How a finished training or "Learn my handwriting" went, whether its model now serves, and its curves; `ended`:
    it has just ended, seen by this session, which says so in a toast as well."""
    name, get = Path(status["model"]).stem, lambda key: status.get(key, float("nan"))
    reason = status.get("reason", "it was not promoted")
    # Whether it serves now, which a choice in Serve model or Serve it anyway may have changed since it ended: a model
    # kept aside then chosen by hand is said to serve (and offered no more), one promoted then replaced is not.
    now_serving = serving_model()[0]
    serving = now_serving.name == Path(status["model"]).name
    chosen = serving and not status.get("promoted")
    served = "is now serving" if serving else "served until another model was chosen"
    if status.get("kind") == "fine-tune":
        if status.get("promoted"):  # the reason is the figures that passed (finetuning.promotion)
            outcome = f"Learned your handwriting: **{name}** {served}: {reason}."
        elif chosen:
            outcome = f"**{name}** is serving, chosen by hand, though it was kept aside: {reason}."
        else:
            outcome = f"**{name}** is not serving: {reason}."
        if base := status.get("settings", {}).get("from"):  # not always the one serving: ModelRegistry.origin
            outcome += f" It was fine-tuned from **{Path(base).stem}**: the figures before the arrows are that model's."
    else:  # the reason is the comparison that decided it (ModelRegistry.promote_if_better), after the score
        scores = f"Training finished: **{name}** scores {get('test_accuracy'):.2%} on the MNIST test set"
        compared = f", {status['reason']}" if status.get("reason") else ""
        # Not "the current model stays", which a review read as wrong once another model had been chosen since.
        stays = "It is serving, chosen by hand, though it was kept aside" if chosen else "It was kept aside"
        outcome = f"{scores}{compared}, and {served}." if status.get("promoted") else f"{scores}{compared}. {stays}."
    (st.success if status.get("promoted") else st.warning)(outcome)
    # The settings it was trained with, unless it serves: then the serving model's facts above say them.
    if not serving and "date" in (meta := retrainer.registry.metadata(Path(status["model"]))):
        st.caption(describe(meta))
    if ended:
        st.toast(outcome, icon=":material/check_circle:" if status.get("promoted") else ":material/info:",
                 duration="long")
    if not status.get("promoted") and not serving and allowed():
        # What it would serve everyone, said where the click is: an 11% model was offered like any other (a review).
        now = retrainer.registry.metadata(now_serving).get("test_accuracy", float("nan"))
        if st.button("Serve it anyway", help=f"Serve it to every visitor: it reads {get('test_accuracy'):.2%} of the "
                                           f"MNIST test digits right, the serving model {now:.2%}."):
            retrainer.registry.use(status["model"])
            st.rerun(scope="app")
    if status.get("history"):
        show_curves(status["history"])
    # The Model page opens on this model beside another to compare: the one serving, or, when this one serves, the
    # one it learned from (a fine-tune's) or the shipped one.
    other = Path(status.get("settings", {}).get("from", SHIPPED) if serving else now_serving).stem
    st.page_link("app_pages/model.py", label="Inspect it on the Model page", icon=":material/monitoring:",
                 query_params={"model": name, "compare": other})

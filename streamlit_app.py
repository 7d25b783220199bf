"""digits: draw a digit or a number and see what the CNN reads (Draw), read a photo of one (Photo),
see how a model learned and what it gets wrong (Model),
review the drawings kept with their true digits (Corrections); retrain it from the sidebar. This file starts the
server and routes to the pages in app_pages/."""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import threading
from typing import AsyncIterator

import streamlit as st
from streamlit import delta_generator
from streamlit.runtime import app_session
from streamlit.runtime.scriptrunner import script_runner

from app_pages.access import allowed, show_access
from app_pages.navigation import OTHER_PAGES_WHEN_NARROW, show_other_pages, shown_pages
from app_pages.reloads import keep_over_reload, restore_after_reload
from app_pages.resources import SHIPPED_SERVES, secrets, serving_model
from app_pages.screen_reader import silence_on_new_page
from app_pages.sidebar import show_sidebar
from digits.deployment import retraining_enabled, settings_problems
from digits.registry import SHIPPED, ModelRegistry
from digits.retraining import start_drawing_ahead


@contextlib.asynccontextmanager
async def prepare_at_start(app: st.App) -> AsyncIterator[None]:
    """As the server starts, get ready for the first visitor: the canvas shows sooner and TensorFlow is
    (nearly) loaded by the time they have drawn something."""
    # Streamlit checks once per process, on the first element drawn, whether it runs in a Python shell, by
    # looking up the source file of every loaded module. On the first page run, beside TensorFlow's thousands of
    # modules loading, that took 1.3 s; done now, before they load, it takes 0.07 s. (A private function:
    # requirements.txt pins Streamlit, and a rename would stop the server from starting, not pass unseen.)
    delta_generator._maybe_print_use_warning()
    keep_keras_session()
    # Any visitor's browser may send Streamlit's "clear caches" (its menu item is hidden here, but the message is
    # taken), and it empties every st.cache_resource for all: the drawings kept for reloads were lost, and the
    # models loaded again; one a second took another visitor's answers from 82 ms to 2.8 s (a security review,
    # 2026-12-06). Nothing here is cached per visitor, so the message clears only the sender's own session state.
    app_session.AppSession._handle_clear_cache_request = lambda session: session._session_state.clear()
    threading.Thread(target=import_for_first_answer, daemon=True).start()
    # The first training on a machine would spend 20-30 s drawing its training material: drawn ahead, soon
    # after the start, while nobody waits for it, at the lowest priority (README, *The data*). It ends with the
    # server.
    if retraining_enabled(secrets()):
        start_drawing_ahead()
    yield


def keep_keras_session() -> None:
    """Stop Streamlit from clearing Keras' global session after every script run, which it does for apps that build
    models in their script. This one loads its models once and shares them (app_pages/resources.py), so there is
    nothing to clear; skipping it and Streamlit's garbage collection after each run (runner.postScriptGC,
    .streamlit/config.toml) took the server's CPU per run from 31.4 to 16.6 ms with 20 sessions drawing
    (scripts/benchmark_load.py). The tests' AppTest runs the pages so too (tests/conftest.py)."""
    script_runner._clean_problem_modules = lambda: None


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


LOG = logging.getLogger(__name__)
# `streamlit run streamlit_app.py` serves this app, and runs main() below for each visitor.
app = st.App(__file__, lifespan=prepare_at_start)


# Dark words on the primary buttons' red (Train a new model, Download MNIST): white on it was 3.3:1, under the 4.5:1
# text needs (an accessibility review, 2026-12-07; 5.7:1 now). A darker red would have lowered the red words' contrast
# on the dark page, the selected tab's among them.
PRIMARY_BUTTONS = "[data-testid='stBaseButton-primary'], [data-testid='stBaseButton-primary'] * { color: #0e1117; } "


@st.cache_resource(show_spinner=False)
def said_in_log(problem: str) -> None:
    """Log a problem of the site's set-up as a warning, once per server (not once per page run)."""
    LOG.warning("%s", problem)


def main() -> None:
    """The app, run for each visitor and after each of their actions: the sidebar, then the page they are on."""
    # An emoji, not a Material icon: Streamlit fetches a Material favicon from Google's servers, which a machine
    # without internet fails to load (net::ERR_NAME_NOT_RESOLVED in the browser's console, tests/test_load.py).
    st.set_page_config(page_title="digits", page_icon="✏️", layout="wide")
    # Less room above the page than Streamlit's 6rem, which left 100 pixels empty between the page links and the
    # title (a review, 2026-12-04); on a phone (where Streamlit stacks columns) less still, and less between stacked
    # columns, so that the answer shows under the canvas without scrolling. On a touch screen, buttons and pills of
    # 44 pixels at least, Apple's least for a finger: the correction pills were 33x32, the Digit/Number switch 32
    # high (a review on a tablet, 2026-12-05); so are the sidebar's number boxes' - and + (32x38) and its rows of
    # checkbox and radio buttons (19-24 high).
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 4.5rem; } "
            "@media (max-width: 640px) { [data-testid='stMainBlockContainer'] { padding-top: 3.5rem; } "
            "h1 { font-size: 2rem !important; padding: 0.5rem 0 !important; } "
            "[data-testid='stHorizontalBlock'] { gap: 1rem !important; } } "
            "@media (hover: none) { [data-testid='stButtonGroup'] button, .stButton button, "
            "[data-testid='stNumberInputStepDown'], [data-testid='stNumberInputStepUp'] "
            "{ min-height: 44px; min-width: 44px; } [data-testid='stNumberInputContainer'] { height: 44px; } "
            "[data-testid='stCheckbox'] label, [role='radiogroup'] label { min-height: 44px; align-items: center; } "
            "} " + OTHER_PAGES_WHEN_NARROW + PRIMARY_BUTTONS + "</style>")
    # Named after the page once it is known (below): every page's one heading had been "digits", and a screen reader
    # going by headings could not tell the pages apart (an accessibility review, 2026-12-07). A container, whose
    # heading stays until the new one takes its place: st.empty() dropped it as each run began, and for 400 ms on a
    # slow phone the page below moved up 88 pixels, the Digit / Number switch under a finger with it (a review).
    title = st.container()
    for problem in settings_problems(secrets()):  # to every visitor: each locks or turns off something, and says what
        st.warning(problem, icon=":material/warning:")
    restore_after_reload()  # a reloaded tab's drawings, before any page draws its canvas
    registry = ModelRegistry()
    shipped = registry.folder / SHIPPED
    if not shipped.is_file():
        # The server's paths only to a session that may change things (a review saw them on a public link), so the
        # password field too, and the log: a review's teacher, the password set, had neither (2026-12-08).
        missing = (f"No model at {shipped}. Copy the shipped models/digits.* there, or train one with: python "
                   f"scripts/train.py --out {shipped}")
        said_in_log(missing)
        st.error(missing if allowed() else "No model to serve: the site is not set up yet.")
        with st.sidebar:
            show_access()
        title.title("✏️ digits")
        st.stop()
    model_path, problem = serving_model()
    if problem:  # why, with the server's paths, only to a session that may change the model (access.allowed)
        st.warning(problem if allowed() else f"The model chosen to serve cannot be used. {SHIPPED_SERVES}",
                   icon=":material/warning:")
    pages = [st.Page(p.path, title=p.title, icon=p.icon, default=p.title == "Draw") for p in shown_pages()]
    page = st.navigation(pages, position="top")  # before the sidebar, whose links name the pages
    # The browser tab names the page: every page's title was "digits" (an accessibility review, 2026-12-05).
    st.set_page_config(page_title=f"{page.title} · digits")
    title.title(f"✏️ digits · {page.title}")
    silence_on_new_page(page.title)
    show_sidebar(registry, model_path)
    page.run()
    show_other_pages(page.title)
    keep_over_reload()  # the mode, a cleared canvas or a kept drawing changed in this run; the address lost its token


if __name__ == "__main__":
    main()

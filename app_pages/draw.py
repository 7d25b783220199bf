"""The Draw page: draw a digit, see what the CNN reads, how sure it is, what it saw and what drove it; say
whether it read it right, which keeps the drawing as a correction. In Number mode, write a whole number on a
wide canvas and see each digit it found."""

from __future__ import annotations

import base64
import contextlib
import importlib
import io
import logging
import time
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from digits.canvas import canvas_pixels, canvas_png, checked_strokes
from digits.charts import probability_bars
from digits.corrections import CorrectionsError, corrections_location, png_bytes
from digits.deployment import collecting_enabled, retraining_enabled
from digits.numbers import TooMuchWriting, article
from digits.preprocessing import has_ink, ink_box, ink_intensity

from app_pages.access import browser_session, store_problem
from app_pages.readings import (AS_A_NUMBER, MODES, boxed, hide_toolbars_on_touch, no_digit_warning,
                                point_to_number_mode, show_answer_metric, show_reading, sureness)
from app_pages.reloads import keep_over_reload
from app_pages.resources import (
    get_corrections, last_value_unless_set, remember_value, secrets, serving_recognizer, set_uninterrupted,
)
from app_pages.screen_reader import announce, bring_into_view, focus

if TYPE_CHECKING:  # imported for real in the background, as the server starts
    from digits.recognition import Recognition, Recognizer

# The canvas's tools show only while the pointer is over it.
CANVAS_TOOLS = "Point at the canvas for its tools: the bin clears it, the arrow undoes a stroke."
# Said under a drawing given back after a switch, a reload or an Undo, and under one moved from the Digit canvas to the
# Number strip, where "Your drawing is back" was wrong (a review, 2026-12-06).
GIVEN_BACK_TOOLS = "Clear starts a new drawing; the arrow undoes the strokes you draw from now on."
# The canvas's toolbar lives in the canvas's shadow root, which the page's CSS cannot reach, so a script puts a style
# there that leaves Undo, Redo and the bin. Its pencil ("Edit", a toggle) made the next stroke drag the digit off the
# canvas and drew nothing until clicked again (a fresh user's review, 2026-12-03); its upload icon sends the drawing,
# which every stroke does already (SEND_BEFORE_A_TAP presses it). A canvas given back a drawing (lasting_canvas, in a
# container keyed given-canvas) loses its bin too, which went back to that drawing instead of clearing it, unlike
# every other canvas's (a review of 2026-12-03): its Clear button clears it. A watch on the page finds each canvas as
# it is mounted.
TRIM_TOOLBAR = """<script>
if (!window.digitsTrimToolbar) {
  window.digitsTrimToolbar = true;
  const hidden = '.dc-icon-button[title="Edit"], .dc-icon-button[title="Update the app with this drawing"], '
    + '.dc-toolbar-separator, .dc-toolbar-contextual';
  const bin = '.dc-icon-button[title="Reset canvas & history"]';
  // A ring in the page's red round the button the keyboard is on: the component's own shading was 2.1:1 against
  // the page, under the 3:1 that WCAG asks (an accessibility review, 2026-12-05).
  const FOCUS = '.dc-icon-button:focus-visible { outline: 2px solid #ff4b4b !important; outline-offset: 1px; }';
  // Without a hovering pointer (a phone, a tablet) the toolbar never showed, yet lay unseen over the canvas's top
  // right corner: a finger there drew nothing, and a tap on its bin wiped the drawing (a review on a tablet,
  // 2026-12-05). There it stays shown, under the canvas's right side, beside the Clear button that stands in for
  // its bin (show_canvas_tools), with buttons for a finger (40 pixels): above the canvas, it pushed the digit read
  // below a phone's screen. Their size is divided by the zoom that shrinks the canvas to its column (fit_to_column
  // sets --canvas-zoom, which the shadow root inherits): a tablet's Number strip at 0.6 had arrows of 23 pixels.
  // Nor while neither arrow has a stroke to take: greyed under a drawing given back, whose strokes they cannot undo,
  // they looked broken to a child (a review on a phone, 2026-12-05).
  const idle = '.dc-toolbar:has([title="Undo"]:disabled):has([title="Redo"]:disabled)';
  const unzoomed = (size) => `calc(${size} / var(--canvas-zoom, 1))`;
  const TOUCH = `@media (hover: none) { .dc-toolbar { opacity: 1 !important; top: calc(100% + ${unzoomed('1rem')}) `
    + `!important; padding: 0 !important; } .dc-icon-button { padding: ${unzoomed('.6rem')} !important; } `
    + `.dc-icon-button svg { width: ${unzoomed('1.25rem')} !important; height: ${unzoomed('1.25rem')} !important; } `
    + `${bin} { display: none !important; } ${idle} { visibility: hidden; } }`;
  const trim = (tries = 0) => {
    let waiting = false;
    for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
      const root = host.shadowRoot;
      if (!root) {
        waiting = true;  // Streamlit attaches the shadow root after the host is in the page
        continue;
      }
      const given = host.closest('.st-key-given-canvas');
      const css = `${given ? `${hidden}, ${bin}` : hidden} { display: none !important; } ${FOCUS} ${TOUCH}`;
      host.setAttribute('role', 'group');  // named for a screen reader, which found an unnamed stop
      host.setAttribute('aria-label', 'Canvas: draw with a mouse, a pen or a finger');
      let style = root.querySelector('style[data-trim]');
      if (!style) {
        style = document.createElement('style');
        style.dataset.trim = '';
        root.append(style);
      }
      if (style.textContent !== css) style.textContent = css;  // a host may stay while its canvas changes
    }
    if (waiting && tries < 50) setTimeout(() => trim(tries + 1), 100);
  };
  new MutationObserver(() => trim()).observe(document.body, {childList: true, subtree: true});
  trim();
}
</script>"""
# The canvas sends a stroke 200 ms after the pen lifts (streamlit-drawable-canvas 0.13 debounces it: 205-212 ms in
# Chromium), so a tap sooner than that, on Right, a pill or Read it as a number, reached the server first, and kept
# or moved the drawing without that stroke (a crossed 7 without its cross; a pill so tapped kept it twice: a review,
# 2026-12-07). A press elsewhere on the page within 300 ms of a lift has the canvas send its drawing at once, with its
# own (hidden) upload button, before the tap's message goes. The lift is the pointer's, wherever it is: a stroke
# may end off the canvas (a review's cross, released past the edge, was lost so); a stroke is a press on the
# drawing, not on the canvas's toolbar, whose bin and Undo send the drawing themselves.
# A click on a link to another page comes in 10 ms after its press where a trackpad's tap makes both (Playwright's
# click too), and its message then went before the drawing's: the drawing's run, for a page no longer shown, left
# the new page blank but for its title until a reload (a review, 2026-12-07: 8 of 8 visits to Corrections just after
# a Clear). So such a click waits until the drawing's message is 150 ms old (it goes within 20 ms), and goes again.
SEND_BEFORE_A_TAP = """<script>
if (!window.digitsSendBeforeATap) {
  window.digitsSendBeforeATap = true;
  let pressed = null, lifted = null, sentAt = -Infinity, again = false;  // the canvas drawn on, its pen's lift
  const canvasOf = (event) => {
    const path = event.composedPath();
    return path.some((node) => node.classList?.contains('upper-canvas'))
      ? path.find((node) => node.dataset?.testid === 'stBidiComponentIsolated') : null;
  };
  const sendFirst = (event) => {
    const host = event.type === 'pointerdown' ? canvasOf(event) : null;
    if (lifted && lifted.host !== host && performance.now() - lifted.at <= 300) {
      lifted.host.shadowRoot?.querySelector('.dc-icon-button[title="Update the app with this drawing"]')?.click();
      sentAt = performance.now();
    }
    lifted = null;
    pressed = host;
  };
  document.addEventListener('pointerdown', sendFirst, true);
  document.addEventListener('keydown', sendFirst, true);
  document.addEventListener('pointerup', () => {
    if (pressed) lifted = {host: pressed, at: performance.now()};
    pressed = null;
  }, true);
  document.addEventListener('click', (event) => {
    const link = event.composedPath().find((node) => node.tagName === 'A' && node.href);
    const wait = sentAt + 150 - performance.now();
    if (!link || again || wait <= 0 || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey
        || event.altKey) return;  // a new tab leaves this page as it is
    event.preventDefault();
    event.stopImmediatePropagation();
    setTimeout(() => { again = true; link.click(); again = false; }, wait);
  }, true);
}
</script>"""
DIGIT_CANVAS = 280  # the Digit canvas's side, in pixels
# On a phone, where the columns stack, the answer's chart and 28x28 view come after "Right, it is a 7" and the
# pills, not before: to say what a digit was, a child scrolled 500 pixels past them, away from the drawing (a review
# on a phone, 2026-12-05). So on a short window: 1366x768, the commonest laptop screen, leaves a page about 650
# pixels under the browser's bars, and there the button stood at 656 and the pills below it (a review at 1024x768,
# 2026-12-06); the chart and view stay under the digit read where the window is taller.
BELOW_THE_CORRECTION = ("<style>@media (max-width: 640px), (max-height: 860px) { :has(> .st-key-reading-view) "
                        "{ order: 1; } }</style>")
# Digit mode's canvas and answer one above the other on an upright touch screen too narrow to hold them side by side
# with the canvas whole (Streamlit stacks columns itself only under 640 pixels): on a tablet upright, 820 pixels
# with the sidebar open, the canvas had shrunk to 168 pixels under a child's finger (fit_to_column; seen in Chromium).
# Only those two columns: the answer's chart and 28x28 view, stacked too, put the view below the screen.
# show_keyboards_way's link, out of sight and out of the column's flow (its wrapper, which took a gap of 16 pixels
# and put the digit read below a phone's screen), until the keyboard is on it.
KEYBOARDS_WAY = ("<style>:has(> .st-key-keyboards-way) { position: absolute; left: -10000px; } "
                 ":has(> .st-key-keyboards-way):focus-within { position: fixed; left: 50%; top: 4.5rem; "
                 "width: max-content; transform: translateX(-50%); z-index: 1000000; padding: 0.25rem 0.75rem; "
                 "border-radius: 0.5rem; "
                 "background: #262730; box-shadow: 0 0 0 2px #ff4b4b; max-width: calc(100vw - 2rem); } "
                 # Its words wrap in a narrow window: on one line they ran off a phone's screen (a review).
                 ".st-key-keyboards-way p { white-space: normal; }</style>")
STACKED_ON_TOUCH = """<style>@media (hover: none) and (orientation: portrait) {
  .st-key-digit-layout { container-type: inline-size; }
  @container (width < 720px) {
    .st-key-digit-layout > * > [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
    .st-key-digit-layout > * > * > [data-testid="stColumn"] { flex: 1 1 100% !important; min-width: 100%; }
  }
}</style>"""
LOG = logging.getLogger(__name__)
# Seconds a keep's failure is said for, in every run (then dropped by the first run after): a stroke drawn while the
# keep waited for a silent database (15 s) ran the moment the failure was said, and its run, which no longer said it,
# replaced it at once: the drawing was not kept and nothing on the page said so (a review, 2026-12-08).
FAILED_KEEP_SAID_S = 10.0
CANVAS_BACKGROUND = "#000000"  # the canvases', under white ink
WIDE_INK = 1.2  # ink this many times as wide as high may be a number (show_answer)
# In place of an answer to a line lying nearly level (Recognition.is_level_line), which the model reads as a 2.
LEVEL_LINE = "A level line is not a digit yet: keep drawing (a 7 or a 5 may start so), or draw a digit from 0 to 9."
# In Number mode, for level lines alone on the strip (beside digits, the number is read without them).
NO_NUMBER_YET = "A level line is not a number yet: keep drawing (a 7 or a 5 may start so), or write digits from 0 to 9."


def enlarged(model_input: np.ndarray) -> Image.Image:
    """The 28x28 model input at 7x, with a faint grid, one cell per pixel the model saw."""
    pixels = np.kron((model_input * 255).astype(np.uint8), np.ones((7, 7), np.uint8))
    pixels[::7, :] = pixels[:, ::7] = 40
    return Image.fromarray(pixels)


def png_url(picture: Image.Image | np.ndarray) -> str:
    """A small picture as a PNG data: URL, which comes with the answer. Given the picture itself, st.image keeps
    it (as a 16 KB JPEG, the PNG is 2.5 KB) in the server's media store for the browser to fetch: a request more
    per stroke, and a 404 when the next stroke's run has already dropped it."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(picture)).decode()


def show_recognition(recognizer: Recognizer, result: Recognition, explain: bool, advise: bool) -> None:
    """The digit read, how sure, all ten probabilities, the 28x28 input and, with `explain`, its saliency; with
    `advise`, the runner-up and what to do, when it is unsure."""
    hide_toolbars_on_touch()
    show_answer_metric("Prediction", result.shown, sureness(result))
    if advise and not result.looks_like_a_digit:
        st.warning(no_digit_warning(result))
    elif advise and result.unsure:
        second = result.runner_up
        # Not only "more plainly": the model may be at fault, and where drawings are kept, saying which digit it is
        # teaches it (reviews found the advice blamed a writer whose plain 9 it read unsure).
        ask = "Draw it more plainly, or say below which it is." if collecting_enabled(secrets()) else \
            "Try drawing it more plainly."
        st.warning(f"Not sure: it could also be {article(second)} **{second}** ({result.probabilities[second]:.0%}). "
                   + ask)
    bars, seen = st.container(key="reading-view").columns([1.4, 1])  # on a phone, below the correction
    seen = seen.container(key="model-view")
    # Never wider than its column (the picture itself is capped at its container's width by Streamlit).
    st.html('<style>.st-key-model-view [data-testid="stImageContainer"] { max-width: 100%; }</style>')
    bars.vega_lite_chart(probability_bars(result.probabilities, result.digit, result.looks_like_a_digit), height=240)
    if explain:
        inspection = importlib.import_module("digits.inspection")
        heat = inspection.saliency(recognizer.model, result.model_input)
        seen.image(png_url(inspection.saliency_overlay(result.model_input, heat)), width=196,
                   caption=f"Which pixels drove the {result.digit}: the brighter, the more",
                   alt=f"A heat map over the 28x28 pixels the model saw, {read_as(result)}")
    else:
        seen.image(png_url(enlarged(result.model_input)), width=196,
                   caption="What the model saw: 28x28 pixels, centred as it learned them",
                   alt=f"The 28x28 pixels the model saw, {read_as(result)}")


def read_as(result: Recognition) -> str:
    """What the model made of a drawing, in words for the alt text of what it saw: "read as 7", or that it looks like
    no digit (its metric's "?" had made "read as ?")."""
    return f"read as {result.digit}" if result.looks_like_a_digit else "which look like no digit"


def drawing_number() -> int:
    """How many drawings this session has kept, or been given back by Undo. The canvas and the correction widgets are
    keyed by it, so keeping one brings a blank canvas and unselected pills for the next."""
    return st.session_state.setdefault("drawings_kept", 0)


def ask_to_keep(number: int, label: int | None, confirming: int | None = None) -> None:
    """The callback of Right (`confirming` the digit read) and of the pills: keep drawing `number` as a `label`, as
    the run reads it (keep_asked)."""
    if label is not None:  # None: the chosen pill was clicked again, which unselects it
        st.session_state["keeping"] = number, label, confirming


def keep_asked(image: np.ndarray | None, result: Recognition | None, model_name: str) -> None:
    """Keep the drawing as ask_to_keep asked, with what the model reads in it (`result`), and run the whole page
    again for the next one. Not kept: a drawing the tap was not for (kept already, or cleared), and one confirmed as
    a digit that its last stroke made another (said instead).

    Kept as this run has it, not as the run before, which drew the tapped widget: a stroke and the tap that follows
    it may come in one run (SEND_BEFORE_A_TAP), and a crossed 7 was kept without its cross (a review, 2026-12-07).
    """
    if (keeping := st.session_state.get("keeping")) is None:
        return
    number, label, confirming = keeping
    if result is None or number != drawing_number():
        del st.session_state["keeping"]
        return
    if confirming is not None and result.digit != confirming:
        del st.session_state["keeping"]
        st.warning(f"Not kept: with your last stroke it reads as {article(result.digit)} {result.digit}, not "
                   f"{article(confirming)} {confirming}. Is that right?")
        return
    if keep_correction(image, label, result, model_name):
        st.rerun(scope="app")  # for the sidebar's count, and a blank canvas


def keep_correction(image: np.ndarray, label: int, result: Recognition, model_name: str) -> bool:
    """Keep the drawing as a `label` with the model's answer, as ask_to_keep asked, and clear the canvas for the next
    one. A store that fails keeps the canvas as it is (False), and the correction's offer says why.

    Streamlit stops a run for a rerun at any use of the session state: what records the keep is read first, the ask
    is taken last (a run stopped before then leaves it to the next run), and the keep is recorded past that check
    (set_uninterrupted)."""
    number, drawing, session = drawing_number(), st.session_state.get("digit-drawing"), browser_session()
    try:
        store = get_corrections(corrections_location())
        del st.session_state["keeping"]
        kept_id = store.add(
            image, label, predicted=result.digit, probabilities=result.probabilities, model=model_name,
            session=session, looked_like_a_digit=None if result.digit_likeness is None else result.looks_like_a_digit)
    except CorrectionsError as error:  # said, though a rerun stops the run: the drawing stays on the canvas, unkept
        set_uninterrupted({"keeping": None, "correction_failed": (store_problem(error), time.monotonic())})
        return False
    # "saved": said by the next answer, once the whole page has run, with the drawing for its Undo; not yet to a
    # screen reader (show_saved).
    set_uninterrupted({"drawings_kept": number + 1, "saved": (label, kept_id, drawing, False)})
    return True


def digit_canvas_key(number: int | None = None) -> str:
    """The Digit canvas's key (for the drawing `number`, this one unless given): a new one after each drawing kept
    and each Clear, which starts a blank canvas."""
    return f"digit-canvas-{drawing_number() if number is None else number}-{times_cleared('digit')}"


def show_saved() -> None:
    """That the drawing before was kept, with its Undo, from the keep until the next stroke: shown for one run, it
    was lost where a tap cut that run short, the drawing kept with no word of it and no Undo (a review, 2026-12-07).
    Said in the answer's column, not in a toast: on a phone the toast lay over the Digit / Number switch."""
    if (drawn := st.session_state.get("digit-drawing")) and drawn[0] == digit_canvas_key():  # drawn on, or given back
        st.session_state.pop("saved", None)
    if (saved := st.session_state.get("saved")) is None:
        return
    label, kept_id, drawing, said = saved
    if said and not still_kept(kept_id):  # deleted since, on the Corrections page (a review, 2026-12-07)
        del st.session_state["saved"]
        return
    st.success(f"Saved as {article(label)} {label} — draw the next one", icon=":material/check_circle:")
    # A pill keeps the drawing at one tap: a tap on the wrong one is taken back here, until the next stroke (a
    # review; the Corrections page was the only way). "Undo: not a 7" read as what the digit was not (a review,
    # 2026-12-04).
    st.button("Undo: don't keep it", key=f"undo-{kept_id}", icon=":material/undo:",
              on_click=take_back, args=(kept_id, label, drawing))
    if not said:
        # Said, and the keyboard on Undo: a screen reader had heard nothing of it, the last answer still in its
        # status over a blank canvas, and the focus fell to the page's top (an accessibility review, 2026-12-07).
        # Once: each return from Number mode said it again and pulled the keyboard there (a review, 2026-12-07).
        announce(f"Saved as {article(label)} {label}. Undo is next.")
        focus(f".st-key-undo-{kept_id} button", occasion=str(kept_id))
        bring_into_view(digit_canvas_key())
        st.session_state["saved"] = label, kept_id, drawing, True


def still_kept(kept_id: int) -> bool:
    """Whether the corrections store still holds the drawing `kept_id` (False when it cannot be asked)."""
    try:
        return get_corrections(corrections_location()).canvas_png(kept_id) is not None
    except CorrectionsError:
        return False


def take_back(kept_id: int, label: int, drawing: tuple | None) -> None:
    """Delete the drawing just kept as a `label` (Corrections id `kept_id`), as a button's callback, and give the
    canvas's `drawing` (lasting_canvas' key, strokes, PNG) back to a new canvas, to be said what it is (a review:
    the canvas had cleared, and the digit had to be drawn again). One deleted already (on the Corrections page, in
    another tab) is gone all the same."""
    number, session = drawing_number(), browser_session()
    given_key = digit_canvas_key(number + 1)
    try:
        get_corrections(corrections_location()).delete(kept_id, session=session)
    except CorrectionsError as error:  # said, though a rerun stops the run
        set_uninterrupted({"taken_back": (label, store_problem(error))})
        return
    # Given to a new canvas as after a switch of mode (lasting_canvas).
    given = {"drawings_kept": number + 1, "digit-drawing": (given_key, *drawing[1:])} if drawing else {}
    set_uninterrupted({"corrections_changed": True, "taken_back": (label, None), "saved": None, **given})


def offer_correction(result: Recognition, pointed: bool = False) -> None:
    """Under the answer: confirm it, or pick the digit it really is; either keeps the drawing as a correction. Under
    a drawing that looks like no digit, or that was `pointed` to Number mode, only the choice of a digit, should it
    be one after all. Nothing when collecting is off (a public link's visitors never asked for it); why, when the
    store cannot be used."""
    if not collecting_enabled(secrets()):
        return
    try:
        get_corrections(corrections_location())
    except CorrectionsError as error:
        st.error(store_problem(error))
        return
    failed = st.session_state.get("correction_failed")
    if failed and time.monotonic() - failed[1] > FAILED_KEEP_SAID_S:
        del st.session_state["correction_failed"]
    elif failed:
        st.error(f"The correction was not saved. {failed[0]}")
    number = drawing_number()
    # Ink pointed to Number mode may still be one digit (a 5 whose top bar stands apart), but a one-click "Right"
    # under a 45 would keep a number as a digit, a wrong shape to learn from (a review's 23 was kept as a 2).
    if pointed:
        label, digits = "One digit after all? It is a …", list(range(10))
    elif result.looks_like_a_digit:
        # Keyed by the digit too: a tap on "Right, it is a 7" as the last stroke made it a 1 was kept as a 1, the
        # button's callback given the new digit by the stroke's run, whose button had the same key (a review,
        # 2026-12-07). Now such a tap keeps nothing: keep_asked says so, or Streamlit drops it, as it drops a pill
        # no longer offered; the 1 shows either way.
        st.button(f"✓ Right, it is {article(result.digit)} {result.digit}", key=f"right-{number}-{result.digit}",
                  on_click=ask_to_keep, args=(number, result.digit, result.digit))
        label, digits = "Wrong? It is a …", [d for d in range(10) if d != result.digit]
    else:  # "Right, it is a 0" under a smiley would keep it as a 0 with one click; a digit drawn oddly may be any
        label, digits = "A digit after all? It is a …", list(range(10))
    pick = f"wrong-{number}"
    st.pills(label, digits, key=pick,
             on_change=lambda: ask_to_keep(number, st.session_state[pick]))
    # "Drawings you kept" on the Corrections page counted drawings a student had only confirmed (a review,
    # 2026-12-04): both keep the drawing, and say so ("A digit picked" where there is no Right button to confirm).
    # Where retraining is off (a public link), this site teaches the model nothing (a review, 2026-12-05).
    teaching = retraining_enabled(secrets())
    why = "to teach the model your handwriting" if teaching else "for whoever runs this site"
    keeps = "Either keeps" if result.looks_like_a_digit and not pointed else "A digit picked keeps"
    # Under a drawing that looks like no digit, a digit picked teaches the detector too: a review's smiley, kept as a
    # 0 at one tap, was read as a digit after the next fine-tune, and nothing had said so (2026-12-06).
    unlike = " Pick one only if it is a digit: the next fine-tune learns that drawings like it are digits." if (
        teaching and not result.looks_like_a_digit and not pointed) else ""
    st.caption(f"{keeps} your drawing, {why} (Corrections page).{unlike}")
    # Streamlit lays pills out in one row that scrolls sideways: in a narrow column (820 pixels, with the
    # sidebar open) 8 and 9 were out of sight. They wrap onto a second row instead.
    st.html('<style>[class*="st-key-wrong-"] [data-testid="stButtonGroup"] > div { flex-wrap: wrap; }</style>')


def show_answer(recognizer: Recognizer, image: np.ndarray | None, explain: bool, model_name: str) -> None:
    """What the model reads in the drawing and the choice to correct it, or a prompt when nothing is drawn;
    first, that the drawing before was kept, when it just was."""
    result = None if image is None else recognizer.recognize(image)
    keep_asked(image, result, model_name)
    show_saved()
    if taken := st.session_state.pop("taken_back", None):
        label, failed = taken
        if failed:
            st.error(f"It is still kept as {article(label)} {label}. {failed}")
        else:
            # The drawing is back on the canvas: a review's next digit, drawn over it, was read and kept as one.
            st.info(f"No longer kept as {article(label)} {label}: say below what it is, or Clear it to draw another "
                    "digit", icon=":material/undo:")
            bring_into_view(digit_canvas_key())
    if result is None:
        prompt(image, "Draw a digit to see what the model reads.", "draw the digit bigger, to fill most of the square")
        return
    # Read as a number too only where the ink is split or wide, as digits side by side are, looks like no digit or
    # is read unsure: that costs 10-17 ms a stroke, over the 20 ms of server CPU a script run may take
    # (scripts/benchmark_load.py). Of 1,196 drawings made stroke by stroke (840 styled benchmark digits after each
    # of their strokes), 6.8% are read as a number too, 1.6% without the unsure: about 1 ms a stroke. Split ink is
    # pointed to Number mode read as a number, sure or not; the rest, each digit read surely. Of 2,175 single drawn
    # benchmark digits (300 a group, seed 11), 101 are read as a number too and 2 pointed, a 5 whose top bar stands
    # apart among them, against 1 with neither the split nor the unsure. Of 155 pairs of benchmark digits side by
    # side (110-230 pixels tall, 4-40 apart), 155 are pointed, against 125 without the split and 152 with it read
    # surely: a review's 45 and 23, drawn as tall as the square, were read as a sure 4 and an unsure 3, and the 23
    # kept as a 2; read as a number, its tall 2 is 62% sure (2026-12-04). Of 105 such pairs touching, 75 are
    # pointed, 67 without the unsure (a review's touching 45 was an unsure 4). A compact 12 had looked like no digit
    # without being pointed (a review, 2026-12-03).
    split, wide = ink_layout(image)
    pointed = ((split or wide or not result.looks_like_a_digit or result.unsure)
               and point_to_number_mode(recognizer.number_if_any(image), surely=not split))
    if result.is_level_line and not pointed:  # squeezed into 28x28, a number of 5 digits is as flat as a line
        st.info(LEVEL_LINE)
        return
    if pointed:  # choosing Number gave an empty strip (a review, 2026-12-04): this takes the drawing there
        st.button(AS_A_NUMBER, icon=":material/pin:", on_click=st.session_state.__setitem__,
                  args=("reading as a number", digit_canvas_key()))
    show_recognition(recognizer, result, explain, advise=not pointed)
    offer_correction(result, pointed)


def number_asked() -> None:
    """Where Read it as a number was tapped (its callback records the Digit canvas's key), run the whole page again
    to move the drawing to the Number strip (main, move_to_number_strip), as this run has it, not as the run that
    drew the button had it: a stroke and the tap after it may come in one run (SEND_BEFORE_A_TAP), and the number
    had moved without its last stroke (as keep_asked keeps a drawing). Not for a drawing cleared since."""
    key = st.session_state.pop("reading as a number", None)
    if key == digit_canvas_key() and (drawing := st.session_state.get("digit-drawing")) and drawing[0] == key:
        st.session_state["to number mode"] = drawing
        st.rerun(scope="app")


def move_to_number_strip(drawing: tuple) -> None:
    """The Digit canvas's `drawing` (lasting_canvas' key, strokes, PNG: what the answer was read from) moves onto a
    new Number strip, as its height, in the middle, and the page into Number mode. Moved, not copied: back in Digit
    mode, the number stood there again under its hint that it looks like a number (a review, 2026-12-06)."""
    width, height, _ = number_canvas()
    _, strokes, png = drawing
    scale, left = height / DIGIT_CANVAS, (width - height) / 2
    # The strokes as the canvas's fabric.js objects, each scaled about its top left corner, where it is placed.
    objects = [{**o, "left": o.get("left", 0) * scale + left, "top": o.get("top", 0) * scale,  # checked_strokes
                "scaleX": o.get("scaleX", 1) * scale, "scaleY": o.get("scaleY", 1) * scale} for o in strokes["objects"]]
    drawn = Image.open(io.BytesIO(png)).convert("RGBA").resize((height, height), Image.Resampling.LANCZOS)
    strip = Image.new("RGBA", (width, height), CANVAS_BACKGROUND)
    strip.alpha_composite(drawn, (round(left), 0))  # over the canvas's background, with it or without
    # A new strip, given this drawing, a new Digit canvas, and the page in Number mode (before the mode's switch is
    # drawn, in main), all at once, the ask to move taken with them: a rerun that stopped the run between two of
    # them, after the ask was taken, had left the drawing on neither canvas (set_uninterrupted).
    cleared = times_cleared("number") + 1
    set_uninterrupted({"number-cleared": cleared, "digit-cleared": times_cleared("digit") + 1, "mode": "Number",
                       "number-drawing": (number_canvas_key(width, cleared), {**strokes, "objects": objects},
                                          png_bytes(strip)),
                       "to number mode": None})


def ink_layout(image: np.ndarray) -> tuple[bool, bool]:
    """Whether an empty column splits the drawing's ink (pieces side by side, however tall), and whether the ink is
    wider than WIDE_INK times its height: the shapes of digits side by side."""
    ink = ink_intensity(image) > 0.3
    left, top, right, bottom = ink_box(ink)
    return not ink[top:bottom, left:right].any(axis=0).all(), right - left > WIDE_INK * (bottom - top)


def prompt(image: np.ndarray | None, blank: str, bigger: str) -> None:
    """In place of an answer: `blank` while nothing is drawn, or, when something is but is too small to read (the
    recognizer takes it for a click or a speck), to draw it `bigger`: a 7 drawn in a 20-pixel box with the pen was
    met with the blank canvas's words."""
    st.info(f"Too small to read: {bigger}." if image is not None and has_ink(image) else blank)


def on_a_phone() -> bool:
    """True when the browser says it is a phone ("Mobi" in its User-Agent, the test MDN recommends)."""
    return "Mobi" in st.context.headers.get("User-Agent", "")


def times_cleared(kind: str) -> int:
    """How many times this session has cleared the `kind` ("digit" or "number") canvas, with the Clear button or to
    give it a drawing (move_to_number_strip); the canvas is keyed by it, so a cleared one starts blank and is not given
    back its drawing (lasting_canvas)."""
    return st.session_state.setdefault(f"{kind}-cleared", 0)


def clear_canvas(kind: str) -> None:
    """The Clear button's callback: the next run draws a new, blank canvas of this kind."""
    st.session_state[f"{kind}-cleared"] = times_cleared(kind) + 1


def lasting_canvas(kind: str, key: str, width: int, height: int, pen: int) -> tuple[np.ndarray | None, bool]:
    """A canvas to draw on, white on black, whose drawing outlives it: switching to the other mode or to another
    page and back, or reloading the tab (app_pages/reloads.py), shows the drawing again, and its answer, instead of
    a blank canvas. Returns the RGBA image drawn (None while nothing is), and whether the canvas was given back a
    drawing.

    Streamlit forgets a widget's state after a run that does not draw it, so a key missing from the session state
    means the canvas is new on the page: it is given the drawing last seen under its key (a new key, after Clear or
    a kept correction, starts blank). That drawing stays its `initial_drawing` while it is on the page: the canvas
    loads a changed one anew, which would drop its undo history and any stroke drawn meanwhile. A canvas given a
    drawing sends nothing until the next stroke, so until then its answer is read from the image kept with it.
    """
    if key not in st.session_state:
        last = st.session_state.get(f"{kind}-drawing")
        st.session_state[f"{kind}-given"] = last if last and last[0] == key and last[1].get("objects") else None
    given = st.session_state.get(f"{kind}-given")
    with st.container(key="given-canvas") if given else contextlib.nullcontext():  # its toolbar has no bin
        canvas = st_canvas(stroke_width=pen, stroke_color="#FFFFFF", background_color=CANVAS_BACKGROUND, height=height,
                           width=width, drawing_mode="freedraw", initial_drawing=given[1] if given else None,
                           return_image_data=True, key=key)
    try:
        png = canvas.image_bytes
        if png is not None:
            strokes, png = checked_strokes(canvas.json_data), canvas_png(png, width, height)
            pixels = canvas_pixels(png)
    except (ValueError, AttributeError) as error:  # not what the page's canvas sends (digits/canvas.py; a picture
        # that is no data URL, AttributeError in the canvas's library): read and kept as no drawing
        LOG.warning("a canvas sent what it cannot have drawn: %s", error)
        png = None
    if png is None:
        png = given[2] if given else None
        pixels = None if png is None else canvas_pixels(png)
    else:  # kept as the PNG the canvas sent (2-10 KB), not as the 0.3-0.8 MB of RGBA it decodes to; the PNG's
        # pixels and the strokes as checked, nothing else they held
        st.session_state[f"{kind}-drawing"] = (key, strokes, png)
    keep_over_reload()
    return pixels, given is not None


def fit_to_column(key_prefix: str, width: int) -> None:
    """Shrink the widget whose key starts with `key_prefix` (`width` pixels wide) to its column where that is
    narrower, in tenths down to four, with CSS zoom under container queries: the server does not know the
    window's width. A 1024-pixel window with the sidebar open cut the 280-pixel canvas to 203 and the strip to 564
    of its 780. The canvas maps the pointer through the zoom, so strokes land where drawn (read right at 820-1280
    pixels in Chromium)."""
    widget = f'[class*="st-key-{key_prefix}"]'
    rules = "".join(f"@container (width < {width * (tenths + 1) // 10}px) {{ {widget} {{ zoom: {tenths / 10}; "
                    f"--canvas-zoom: {tenths / 10}; }} }}" for tenths in range(9, 3, -1))  # for TRIM_TOOLBAR
    st.html(f"<style>.stVerticalBlock:has(> {widget}) {{ container-type: inline-size; }} {rules}</style>")


def show_canvas_tools(kind: str, given: bool) -> None:
    """Under a canvas, how to clear it. The canvas's own tools show only while a pointer hovers over them, which a
    finger does not (there TRIM_TOOLBAR shows them under the canvas, without their bin), so a screen without hover
    (a phone, a tablet) gets a Clear button instead of the caption that points at them: CSS picks one by `hover`. A
    canvas given back its drawing (lasting_canvas) has the button on every screen: its toolbar has no bin."""
    with st.container(key="canvas-tools"):
        st.caption(GIVEN_BACK_TOOLS if given else CANVAS_TOOLS)
    st.button("Clear", key="clear-canvas", on_click=clear_canvas, args=(kind,))
    hidden = "" if given else "@media (hover: hover) { .st-key-clear-canvas { display: none; } } "
    # Their wrappers hidden too: each kept the column's gap, 32 empty pixels on a phone.
    st.html(f"<style>{hidden}@media (hover: none) {{ :has(> .st-key-canvas-tools), :has(> .st-key-toolbar-room) "
            "{ display: none; } }</style>")


def toolbar_room() -> None:
    """Room for the canvas toolbar, which sits above the canvas under a hovering pointer: left out on phones and
    tablets (by show_canvas_tools' style), where the toolbar sits below it. The room holds the script that trims the
    toolbar (TRIM_TOOLBAR), and the one that has a canvas send its last stroke before a tap (SEND_BEFORE_A_TAP)."""
    with st.container(key="toolbar-room"):
        st.html(TRIM_TOOLBAR + SEND_BEFORE_A_TAP, unsafe_allow_javascript=True)


def number_canvas() -> tuple[int, int, int]:
    """The Number strip's width, height and pen. A phone's screen is about 390 pixels wide: there the 780-pixel strip
    would shrink to 312x104 (fit_to_column), so a phone gets a strip of its own width, 340x150, more room for a
    finger, its pen as thick for its height."""
    return (340, 150, 11) if on_a_phone() else (780, 260, 18)


def number_canvas_key(width: int, cleared: int | None = None) -> str:
    """The Number strip's key: one for each width, and a new one after each Clear (`cleared` times, this many unless
    given), which starts a blank strip."""
    return f"number-canvas-{width}-{times_cleared('number') if cleared is None else cleared}"


def draw_number() -> None:
    """Number mode: a wide canvas, and the number read in it with each digit's box and top 3."""
    st.caption("Write a number in the black strip, digits side by side, a decimal point or a comma between them if it "
               "has one. Each digit is found and read after every stroke.")
    toolbar_room()  # in a narrow window the toolbar covered the caption's end
    width, height, pen = number_canvas()
    image, given = lasting_canvas("number", number_canvas_key(width), width, height, pen)
    rerun_if_switched("Number")
    fit_to_column(f"number-canvas-{width}-", width)
    show_canvas_tools("number", given)
    show_number(serving_recognizer()[0], image)


def show_number(recognizer: Recognizer, image: np.ndarray | None) -> None:
    """The number read in the strip, without level lines (a 7's first stroke, say), or a prompt when nothing else is
    drawn."""
    try:
        reading = None if image is None else recognizer.recognize_number(image)
    except TooMuchWriting as error:
        st.warning(str(error))
        return
    if reading is None:
        prompt(image, "Write a number to see what the model reads.", "write the digits bigger, about as tall as the "
               "strip")
        return
    digits = reading.without_level_lines()  # read as a 2, a 7's first stroke would flash "12" on the way to "17"
    if not digits.digits:
        st.info(NO_NUMBER_YET)
        return
    show_reading(digits, boxed(Image.fromarray((ink_intensity(image) * 255).astype(np.uint8)), digits), "Number")
    if collecting_enabled(secrets()):  # a number's digits are not kept: what it learns from is drawn one at a time
        to = "to teach the model your handwriting" if retraining_enabled(secrets()) else "to keep one"
        st.caption(f"A digit read wrong? Number mode keeps no drawings: {to}, draw that digit in Digit mode and say "
                   "what it is.")


def rerun_if_switched(mode: str) -> None:
    """Run the whole page where the Digit / Number switch no longer says `mode`, the mode of the canvas whose fragment
    runs (its drawing kept first, by lasting_canvas). A tap on the switch within 200 ms of a stroke's end came in one
    message with that stroke (SEND_BEFORE_A_TAP), which ran that canvas's fragment only: the switch showed the other
    mode over this one's canvas, and taps on it did nothing (a review, 2026-12-08: 7 of 7 taps 0-150 ms after a stroke,
    3 of 3 on a phone)."""
    if st.session_state.get("mode", mode) != mode:
        st.rerun(scope="app")


def draw_digit() -> None:
    """Digit mode: the canvas on the left, the answer on the right."""
    if st.session_state.get("corrections_changed"):
        # Undo just took a kept drawing back: the whole page runs again, so that the sidebar counts it no more
        # (keep_asked does so after a keep).
        st.rerun(scope="app")
    drawing, answer = st.container(key="digit-layout").columns([1, 1.4], gap="large")  # stacked: STACKED_ON_TOUCH
    with drawing:
        toolbar_room()
        image, given = lasting_canvas("digit", digit_canvas_key(), DIGIT_CANVAS, DIGIT_CANVAS, 22)
        rerun_if_switched("Digit")
        number_asked()
        fit_to_column("digit-canvas-", DIGIT_CANVAS)
        show_canvas_tools("digit", given)
        explain = st.toggle("Why this answer?", key="explain",  # short, to fit the column in a narrow window
                            help="Shows, instead of the 28x28 view, the pixels that drove the answer")
    with answer:
        # The first visit waits here, under a spinner, for TensorFlow and the model; the canvas is up already.
        recognizer, model_name = serving_recognizer()
        show_answer(recognizer, image, explain, model_name)


def main() -> None:
    """The page: Digit mode (the canvas on the left, the answer on the right) or Number mode.

    Each mode's canvas and answer are a fragment: a stroke reruns only them, not the whole app, whose sidebar
    lists the models, counts the corrections and reads the training's status on every run. With 10 sessions
    drawing, that took a run from 38 to 25 ms of the server's CPU (scripts/benchmark_load.py; 16 ms with
    Streamlit's clean-ups after each run skipped, see streamlit_app.py).
    """
    st.session_state.pop("corrections_changed", None)  # the sidebar, drawn before this page, has counted them
    if moved := st.session_state.get("to number mode"):  # the drawing number_asked moves
        move_to_number_strip(moved)
    st.html(STACKED_ON_TOUCH + BELOW_THE_CORRECTION + KEYBOARDS_WAY)
    show_keyboards_way()
    # The mode is kept apart from its widget, whose state Streamlit drops on another page: back on this one, the
    # page is in the mode it was left in, with its drawing (lasting_canvas). move_to_number_strip sets it too.
    mode = st.segmented_control("Read", MODES, default=last_value_unless_set("mode", "Digit"), required=True,
                                key="mode", label_visibility="collapsed")
    remember_value("mode")
    if mode == "Number":
        st.fragment(draw_number)()
        if moved:  # tapped below the Digit canvas, on a phone far below the top of the strip
            bring_into_view(number_canvas_key(number_canvas()[0]))
    else:
        # Kept to two lines on a phone (393 px): a third pushed the digit read below the screen.
        st.caption("Draw a digit from 0 to 9 in the black square. A neural network reads it after every stroke.")
        st.fragment(draw_digit)()


def show_keyboards_way() -> None:
    """A link to the Photo page for whoever has no pointer to draw with, the keyboard's first stop on the page and
    out of sight until it is there (a skip link): tabbing through the page had found the canvas's buttons and no
    word of where else to go, and the Photo page reads a photo by keyboard alone (an accessibility review,
    2026-12-07). Out of sight, it takes no room from the canvas and the answer."""
    with st.container(key="keyboards-way"):
        st.page_link("app_pages/photo.py", label="No mouse, pen or touch screen? Read a photo of your digits instead",
                     icon=":material/photo_camera:")


# st.navigation runs this file as __main__; the tests import it for its functions.
if __name__ == "__main__":
    main()

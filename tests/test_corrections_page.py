"""Corrections in the app, with Streamlit's AppTest on a real store and the shipped model: saying on the Draw page
what a drawing is, and the Corrections page."""

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app_pages.corrections import UNDO_ROWS, local_time, npz_bytes
from digits.charts import GUESS, READ
from digits.corrections import Corrections, CorrectionsError, corrections_location
from digits.benchmark_shapes import NON_DIGITS_UNSEEN, by_hand
from digits.drawing import PLAIN, about_centre, arc, hand_transform, render
from digits.numbers import article
from digits.preprocessing import to_mnist_input
from tests.browser import ROOT, side_by_side
from tests.conftest import number_advice, on_strip


@pytest.fixture(autouse=True)
def data(monkeypatch, tmp_path, models):
    """The copy of the shipped model to serve and a data folder of the test's own; collecting on."""
    monkeypatch.setenv("DIGITS_MODELS_DIR", str(models))
    monkeypatch.setenv("DIGITS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIGITS_CORRECTIONS", raising=False)
    return tmp_path / "data"


def drawn(digit: int) -> np.ndarray:
    """The digit as the canvas gives it: white ink on a transparent 280x280 RGBA image."""
    return render(PLAIN[digit], 200, (140, 140), 22)


def answer(image):  # no annotations: AppTest runs this as a script of its own, where np is not imported
    """The Draw page's answer column for a drawing, or for the one a test has put in the session state as "drawn",
    as a stroke would change it (AppTest cannot draw on the canvas)."""
    import streamlit as st

    from app_pages.draw import show_answer
    from app_pages.resources import load_recognizer
    from digits.registry import ModelRegistry

    path = ModelRegistry().current_path()
    show_answer(load_recognizer(str(path), path.stat().st_mtime), st.session_state.get("drawn", image), False,
                path.stem)


def run_answer() -> AppTest:
    """The answer to a drawn 7."""
    app = AppTest.from_function(answer, args=(drawn(7),), default_timeout=60)
    app.run()
    assert not app.exception
    assert [m.value for m in app.metric if m.label == "Prediction"] == ["7"]  # the recognition comes first, always
    return app


def run_page(page: str) -> AppTest:
    """The whole app, switched to `page` (app_pages/NAME.py)."""
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    return app


def test_a_wrong_answer_is_corrected_with_one_click_and_a_right_one_confirmed(data):
    app = run_answer()
    assert [b.label for b in app.button] == ["✓ Right, it is a 7"]
    assert app.pills[0].label == "Wrong? It is a …"
    assert app.pills[0].options == [str(d) for d in range(10) if d != 7]  # every digit but the one read
    # A student confirming it did not know that it was kept too.
    assert [c.value for c in app.caption] == [
        "Either keeps your drawing, to teach the model your handwriting (Corrections page)."]
    app.pills[0].select(1).run()
    store = Corrections(corrections_location())
    [kept] = store.records()
    assert (kept.label, kept.predicted, kept.model) == (1, 7, "digits")
    assert len(kept.probabilities) == 10 and int(np.argmax(kept.probabilities)) == 7
    assert len(kept.session) == 32
    assert [m.value for m in app.success] == ["Saved as a 1 — draw the next one"] and not app.toast
    # New keys for the canvas and the pills: a blank canvas and no digit chosen for the next drawing.
    assert app.session_state["drawings_kept"] == 1
    assert app.pills[0].key == "wrong-1" and app.pills[0].value is None
    # A tap on the wrong pill is taken back with one click, until the next drawing.
    [undo] = [b for b in app.button if b.label == "Undo: don't keep it"]
    undo.click().run()
    assert store.records() == []
    said = "No longer kept as a 1: say below what it is, or Clear it to draw another digit"
    assert [m.value for m in app.info] == [said]
    assert not [b for b in app.button if b.label.startswith("Undo")]
    app.pills[0].select(1).run()
    [kept] = store.records()
    [right_button] = [b for b in app.button if b.label == "✓ Right, it is a 7"]
    right_button.click().run()
    right, wrong = store.records()
    assert (right.label, right.predicted, right.session) == (7, 7, kept.session)
    assert right.probabilities == kept.probabilities and right.looked_like_a_digit and kept.looked_like_a_digit
    assert [m.value for m in app.success] == ["Saved as a 7 — draw the next one"]
    assert app.session_state["drawings_kept"] == 3
    assert store.path.parent == data  # not the repository's data/


def test_a_store_that_fails_says_so_and_loses_nothing(monkeypatch):
    # Neither failure had a test. Both are said past a rerun's stop (set_uninterrupted, tested below).
    app = run_answer()
    app.pills[0].select(1).run()
    store = Corrections(corrections_location())
    [kept] = store.records()
    good = store.path.read_bytes()
    store.path.write_bytes(b"no database" * 100)  # as a disk's fault might leave it
    why = f"The corrections store at {store.path} cannot be read or written: file is not a database."
    # Undo: the drawing is said to be kept still.
    app.button(key=f"undo-{kept.id}").click().run()
    [said] = [m.value for m in app.error]
    assert said.startswith(f"It is still kept as a 1. {why}") and not app.success
    # A keep: said not to be, and the drawing stays on its canvas (its key unchanged) to be kept again.
    app.pills[0].select(2).run()
    [said] = [m.value for m in app.error]
    assert said.startswith(f"The correction was not saved. {why}") and app.session_state["drawings_kept"] == 1
    # Still said by a stroke's run that comes at once: a stroke drawn while a keep waited for a silent database ran
    # the moment the failure was said, and replaced it, unseen (a review, 2026-12-08). Not by the runs after.
    app.session_state["drawn"] = render([*PLAIN[1], [(0.45, 0.9), (0.55, 0.9)]], 200, (140, 140), 22)
    app.run()
    assert [m.value for m in app.error] == [said]
    monkeypatch.setattr("app_pages.draw.FAILED_KEEP_SAID_S", 0.0)  # imported by the page run
    assert not app.run().error
    store.path.write_bytes(good)
    app.pills[0].select(3).run()
    assert [m.value for m in app.success] == ["Saved as a 3 — draw the next one"] and not app.error
    assert sorted((r.id, r.label) for r in store.records()) == [(kept.id, 1), (kept.id + 1, 3)]


def test_a_tap_keeps_the_drawing_as_the_run_it_came_in_has_it():
    # A stroke and the tap after it may come in one run (the canvas sends its stroke as the tap begins:
    # draw.SEND_BEFORE_A_TAP). A pill's callback had kept the drawing it was drawn under, the run before: a crossed 7
    # without its cross (a review, 2026-12-07). A Right whose digit the stroke changed keeps nothing, and says so.
    crossed = render([*PLAIN[7], [(0.35, 0.5), (0.8, 0.5)]], 200, (140, 140), 22)
    app = run_answer()
    app.session_state["drawn"] = crossed
    app.pills[0].select(4).run()
    store = Corrections(corrections_location())
    [kept] = store.records()
    assert kept.label == 4 and np.array_equal(kept.image, np.round(to_mnist_input(crossed) * 255))
    assert [m.value for m in app.success] == ["Saved as a 4 — draw the next one"]
    app = AppTest.from_function(answer, args=(drawn(1),), default_timeout=60)
    app.run()
    app.session_state["drawn"] = render([*PLAIN[1], [(0.1, 0.0), (0.5, 0.0)]], 200, (140, 140), 22)
    app.button(key="right-0-1").click().run()
    [now] = [m.value for m in app.metric if m.label == "Prediction"]
    assert now != "1" and len(store) == 1 and not app.success
    said = f"Not kept: with your last stroke it reads as {article(int(now))} {now}, not a 1. Is that right?"
    assert [w.value for w in app.warning] == [said]


def records_through_a_stop() -> None:
    """A run asked to stop, as a switch of page asks the run before it (Streamlit's fastReruns), just after the store
    made a change that set_uninterrupted records."""
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from app_pages.resources import set_uninterrupted

    if "stopped once" not in st.session_state:
        st.session_state["stopped once"] = True
        get_script_run_ctx().script_requests.request_stop()
        set_uninterrupted({"saved": "the record"}, {"deleted": lambda earlier: [*(earlier or []), "this one"]})
        st.session_state["written"] = True  # the run stops here, at its first use of the session state


def test_a_record_set_uninterrupted_outlives_the_stop_of_its_run():
    # A pill tapped as the store kept its drawing, then a switch of mode, had the drawing kept with no "Saved" and no
    # Undo: the run stopped at its next use of the session state, before it recorded the keep (CI, 2026-12-07).
    app = AppTest.from_function(records_through_a_stop, default_timeout=30)
    app.session_state["deleted"] = ["one before"]  # as another run may have left it meanwhile
    app.run()
    app.run()
    assert not app.exception and app.session_state["stopped once"]
    assert app.session_state["saved"] == "the record" and app.session_state["deleted"] == ["one before", "this one"]
    assert "written" not in app.session_state


def test_saved_stays_until_the_next_stroke_said_once_and_not_once_deleted():
    # Shown for one run, "Saved" and its Undo were lost where a tap cut that run short; kept until the next stroke,
    # they were said again, and the keyboard moved to Undo, on each return from Number mode, and stayed after the
    # Corrections page had deleted the drawing (reviews, 2026-12-07).
    app = run_answer()
    app.pills[0].select(1).run()
    saying = lambda: [h for h in app.get("html") if "Undo is next" in h.proto.body]  # noqa: E731
    assert [m.value for m in app.success] == ["Saved as a 1 — draw the next one"] and len(saying()) == 1
    app.run()
    assert [m.value for m in app.success] == ["Saved as a 1 — draw the next one"] and not saying()
    assert [b.label for b in app.button if b.label.startswith("Undo")] == ["Undo: don't keep it"]
    [kept] = Corrections(corrections_location()).records()
    Corrections(corrections_location()).delete(kept.id)
    app.run()
    assert not app.success and not [b for b in app.button if b.label.startswith("Undo")]


def test_where_retraining_is_off_a_kept_drawing_is_not_said_to_teach_the_model():
    # A public link that collects drawings but cannot fine-tune (a review, 2026-12-05).
    app = AppTest.from_function(answer, args=(drawn(7),), default_timeout=60)
    app.secrets["retraining"] = "off"
    app.run()
    assert [c.value for c in app.caption] == [
        "Either keeps your drawing, for whoever runs this site (Corrections page)."]


def test_an_8_is_said_with_an(data):  # the Right button and the Not sure warning say it alike (draw.article)
    app = run_answer()
    app.pills[0].select(8).run()
    assert [m.value for m in app.success] == ["Saved as an 8 — draw the next one"]


def test_the_canvas_is_keyed_by_the_drawings_kept():
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.session_state["drawings_kept"] = 3
    app.run()
    assert not app.exception
    assert [canvas.key for canvas in app.main.get("bidi_component")] == ["digit-canvas-3-0"]  # and none cleared


def png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def open_at(query: dict, **state) -> AppTest:
    """A new session of the whole app (a new tab, or a reloaded one) opened at an address with `query`; `state` in
    its session state, as the canvases would have sent it (AppTest cannot draw)."""
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.query_params.update(query)
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception
    return app


def test_read_it_as_a_number_takes_the_drawing_onto_the_number_strip():
    pair = np.maximum(render(PLAIN[7], 200, (80, 140), 22), render(PLAIN[1], 200, (180, 140), 22))
    strokes = {"version": "4.4.0", "objects": [{"type": "path", "left": 14.0, "top": 28.0, "scaleX": 1, "scaleY": 1}]}
    app = open_at({}, **{"digit-drawing": ("digit-canvas-0-0", strokes, png(pair)), "last mode": "Digit"})
    assert [i.value for i in app.info] == [number_advice(2)]
    [button] = [b for b in app.button if b.label == "Read it as a number"]
    button.click().run()
    assert not app.exception and app.segmented_control("mode").value == "Number"
    assert [m.value for m in app.metric if m.label == "Number"] == ["71"]
    # On a new strip (780x260), each stroke scaled to its height about its top left corner, in its middle.
    key, moved, _ = app.session_state["number-drawing"]
    scale = 260 / 280
    assert key == "number-canvas-780-1" and moved["version"] == "4.4.0"
    [stroke] = moved["objects"]
    assert stroke["left"] == pytest.approx(14 * scale + 260) and stroke["top"] == pytest.approx(28 * scale)
    assert stroke["scaleX"] == stroke["scaleY"] == pytest.approx(scale)
    assert app.session_state["to number mode"] is None  # taken with the move: not moved again


def test_read_it_as_a_number_moves_the_drawing_as_the_run_the_tap_came_in_has_it():
    # A stroke and the tap after it may come in one run (the canvas sends its stroke as the tap begins:
    # draw.SEND_BEFORE_A_TAP): the button's callback had moved the drawing it was drawn under, the run before,
    # without that stroke. Here the run has a third digit drawn since.
    stroke = {"type": "path", "left": 14.0, "top": 28.0, "scaleX": 1, "scaleY": 1}
    pair = np.maximum(render(PLAIN[7], 200, (80, 140), 22), render(PLAIN[1], 200, (180, 140), 22))
    app = open_at({}, **{"digit-drawing": ("digit-canvas-0-0", {"objects": [stroke]}, png(pair)), "last mode": "Digit"})
    [button] = [b for b in app.button if b.label == "Read it as a number"]
    three = np.maximum.reduce([render(PLAIN[d], 120, (x, 140), 16) for d, x in ((7, 50), (1, 140), (0, 230))])
    app.session_state["digit-drawing"] = ("digit-canvas-0-0", {"objects": [stroke, stroke]}, png(three))
    button.click().run()
    assert not app.exception and app.segmented_control("mode").value == "Number"
    assert [m.value for m in app.metric if m.label == "Number"] == ["710"]
    assert len(app.session_state["number-drawing"][1]["objects"]) == 2


def test_a_reloaded_tab_gets_its_drawings_and_mode_back_until_it_clears_them():
    # A 7 in Digit mode and 10 in Number mode, then a drawing kept as a correction (the digit canvas's key moved on):
    # a session that has drawn keeps its drawings under a token in its address.
    strokes = {"objects": [{"type": "path"}]}  # the canvas's JSON: a drawing has objects
    number = on_strip((PLAIN[1], 200), (PLAIN[0], 500))
    first = open_at({}, **{"digit-drawing": ("digit-canvas-1-0", strokes, png(drawn(7))), "drawings_kept": 1,
                           "number-drawing": ("number-canvas-780-0", strokes, png(number)), "last mode": "Digit"})
    assert [m.value for m in first.metric if m.label == "Prediction"] == ["7"]  # given back: as after another page
    token = first.query_params["drawing"]
    assert len(token) >= 20
    # Reloaded: a new session at that address has both drawings back, read again, in the mode it was left in.
    reloaded = open_at({"drawing": token})
    assert [m.value for m in reloaded.metric if m.label == "Prediction"] == ["7"]
    assert any(c.value.startswith("Clear starts a new drawing") for c in reloaded.caption)
    assert [canvas.key for canvas in reloaded.main.get("bidi_component")] == ["digit-canvas-1-0"]
    assert reloaded.query_params["drawing"] != token  # its own token: a shared address gives a copy
    reloaded.segmented_control("mode").set_value("Number").run()
    assert [m.value for m in reloaded.metric if m.label == "Number"] == ["10"]
    # Cleared, the number stays cleared over the next reload; the digit is still there.
    reloaded.button("clear-canvas").click().run()
    assert any("Write a number" in i.value for i in reloaded.info)
    again = open_at({"drawing": reloaded.query_params["drawing"]})
    assert not [m for m in again.metric if m.label == "Number"]  # in Number mode, blank
    assert any("Write a number" in i.value for i in again.info)
    again.segmented_control("mode").set_value("Digit").run()
    assert [m.value for m in again.metric if m.label == "Prediction"] == ["7"]
    # An address whose token this server never kept (another server's, or long gone) opens a blank page; a tab
    # that has drawn nothing has no token.
    blank = open_at({"drawing": "not-a-token-it-kept"})
    assert not [m for m in blank.metric if m.label == "Prediction"]
    assert any("Draw a digit" in i.value for i in blank.info)
    assert blank.query_params == {"drawing": "not-a-token-it-kept"}
    assert "drawing" not in open_at({}).query_params


def test_without_a_cookie_to_tell_browsers_apart_a_reload_gives_the_drawing_but_not_the_tabs_id():
    # A reload in the same browser keeps the id the tab's corrections are kept under (reloads.browser_key; the
    # Chromium test of test_browser_numbers.py). Without Streamlit's XSRF cookie (AppTest has none) no browser can
    # be told from another, and an address passed on must not give the drawings kept in that tab.
    strokes = {"objects": [{"type": "path"}]}
    first = open_at({}, **{"digit-drawing": ("digit-canvas-0-0", strokes, png(drawn(7))), "last mode": "Digit"})
    first.button(key="right-0-7").click().run()
    [kept] = Corrections(corrections_location()).records()
    assert kept.session == first.session_state["browser_session"]
    reloaded = open_at({"drawing": first.query_params["drawing"]})
    assert reloaded.session_state["drawings_kept"] == 1  # the canvases' state came back...
    assert "browser_session" not in reloaded.session_state  # ...and not the tab's id


@pytest.mark.parametrize("image, said", [
    (np.zeros((280, 280, 4), np.uint8), "Draw a digit to see what the model reads."),
    (render(PLAIN[7], 20, (140, 140), 22), "Too small to read: draw the digit bigger, to fill most of the square."),
    (render(PLAIN[7][:1], 200, (140, 140), 22),  # read as a 2 (0.90) before it was said to be no digit
     "A level line is not a digit yet: keep drawing (a 7 or a 5 may start so), or draw a digit from 0 to 9."),
], ids=["blank", "a 7 drawn in a 20-pixel box", "a 7's first stroke"])
def test_without_an_answer_the_page_says_whether_nothing_is_drawn_too_small_or_a_level_line(image, said):
    app = AppTest.from_function(answer, args=(image,), default_timeout=60)
    app.run()
    assert not app.exception and not app.metric
    assert [i.value for i in app.info] == [said]


def test_a_drawing_that_looks_like_no_digit_is_said_to_be_none(shipped):
    rng = np.random.default_rng(3)
    sun = render(by_hand(NON_DIGITS_UNSEEN["sun"](rng), rng), 200, (140, 140), 14)  # of a kind the detector never saw
    read = shipped.recognize(sun)
    assert not read.looks_like_a_digit
    app = AppTest.from_function(answer, args=(sun,), default_timeout=60)
    app.run()
    assert not app.exception
    [metric] = [m for m in app.metric if m.label == "Prediction"]
    # Neither the digit read nor "100% sure", which would vouch for it: the warning says what the model read.
    assert (metric.value, metric.delta) == ("?", "looks like no digit")
    [warning] = app.warning
    assert warning.value.startswith("This does not look like a digit.") and f"**{read.digit}**" in warning.value
    # No one-click "Right, it is a 0" to keep it as a digit; any of the ten, should it be one after all.
    assert not [b for b in app.button if b.label.startswith("✓ Right")]
    [pills] = app.pills
    assert pills.label == "A digit after all? It is a …" and pills.options == [str(d) for d in range(10)]
    # What a digit picked would teach: a review's smiley, kept as a 0, was read as a digit after the next fine-tune.
    assert [c.value for c in app.caption if "keeps" in c.value] == [
        "A digit picked keeps your drawing, to teach the model your handwriting (Corrections page). Pick one only if "
        "it is a digit: the next fine-tune learns that drawings like it are digits."]
    pills.select(str(read.digit)).run()  # the digit the model read, but not the page: kept as such, listed as such
    [kept] = Corrections(corrections_location()).records()
    assert kept.looked_like_a_digit is False and kept.predicted == read.digit
    gallery = run_page("app_pages/corrections.py")
    assert [m.delta for m in gallery.main.metric] == ["1 read wrong"]
    assert [i.captions for i in gallery.main.tabs[kept.label].image] == [["looked like no digit"]]
    # Its bars say it too: a lone red bar at 100% would say "surely a 0" of a smiley.
    assert bars_read(app) == ("Read as a digit anyway", GUESS)
    seven = AppTest.from_function(answer, args=(drawn(7),), default_timeout=60)
    seven.run()
    assert [m.delta for m in seven.metric if m.label == "Prediction"][0].endswith("% sure") and not seven.warning
    assert bars_read(seven) == (None, READ)
    assert [b.label for b in seven.button if b.label.startswith("✓ Right")] == ["✓ Right, it is a 7"]


def test_two_digits_drawn_in_digit_mode_point_to_number_mode():
    # A 1 and a 7 side by side: Digit mode reads one digit, as asked (a 7 at 100% with the shipped model), and
    # says that the drawing looks like a number; a 7 alone does not.
    pair = np.maximum(render(PLAIN[1], 110, (80, 140), 18), render(PLAIN[7], 110, (190, 140), 18))
    app = AppTest.from_function(answer, args=(pair,), default_timeout=60)
    app.run()
    assert not app.exception and [m.label for m in app.metric] == ["Prediction"]
    assert [i.value for i in app.info] == [number_advice(2)]
    assert not run_answer().info
    # A 7 and a 1 nearly as tall as the square, narrower than high: read as a sure 7, they were not pointed there (a
    # review's 45 and 23, 2026-12-04); an empty column between them tells digits side by side.
    tall = np.maximum(render(PLAIN[7], 200, (80, 140), 22), render(PLAIN[1], 200, (180, 140), 22))
    app = AppTest.from_function(answer, args=(tall,), default_timeout=60)
    app.run()
    assert [m.value for m in app.metric] == ["7"] and not app.warning
    assert [i.value for i in app.info] == [number_advice(2)]
    # Taken to Number mode instead, not kept as a 7 at one click, which would teach the model a wrong shape; but
    # any of the ten digits may be picked, should it be one after all (a 5 whose top bar stands apart).
    assert [b.label for b in app.button] == ["Read it as a number"]
    [pills] = app.pills
    assert pills.label == "One digit after all? It is a …" and pills.options == [str(d) for d in range(10)]
    assert [c.value for c in app.caption if "keeps" in c.value] == [  # no Right button: "either" would say two
        "A digit picked keeps your drawing, to teach the model your handwriting (Corrections page)."]
    pills.select("5").run()
    [kept] = Corrections(corrections_location()).records()
    assert kept.label == 5 and kept.predicted == 7
    assert [m.value for m in app.success] == ["Saved as a 5 — draw the next one"]
    # The review's 23, whose tall 2 is read unsure in the number too: split ink is pointed there all the same, where
    # it had been read as an unsure 3, with advice to draw it more plainly, and kept as a 2.
    two = [[(0.12, 0.25), (0.3, 0.04), (0.6, 0.0), (0.82, 0.15), (0.78, 0.4), (0.1, 1.0), (0.9, 0.98)]]
    three = [[(0.15, 0.1), (0.5, 0.0), (0.8, 0.15), (0.75, 0.4), (0.4, 0.5), (0.8, 0.6), (0.85, 0.85), (0.5, 1.0),
              (0.15, 0.9)]]
    app = AppTest.from_function(answer, args=(render(side_by_side(two, three), 196, (140, 140), 22),),
                                default_timeout=60)
    app.run()
    assert [m.value for m in app.metric] == ["3"] and not app.warning
    assert [p.label for p in app.pills] == ["One digit after all? It is a …"]
    # How many digits, only where each is read surely: a 307 squeezed into the square was "a number of 4 digits".
    assert [i.value for i in app.info] == [number_advice()]
    # A 4 and a 5 touching, read as one digit unsure (a 4 at about 50%), and as a number surely: pointed there too,
    # where "Try drawing it more plainly" had been the advice (a review, 2026-12-04).
    four = [[(0.65, 0.95), (0.65, 0.05), (0.1, 0.65), (0.9, 0.65)]]
    five = [[(0.3, 0.08), (0.27, 0.45), *arc(0.47, 0.68, 0.3, 0.25, np.radians(150), -np.radians(310), 14)],
            [(0.3, 0.08), (0.8, 0.08)]]
    touching = [[(0.55 * x, y) for x, y in s] for s in four] + [[(0.55 * x + 0.45, y) for x, y in s] for s in five]
    app = AppTest.from_function(answer, args=(render(touching, 176, (140, 140), 22),), default_timeout=60)
    app.run()
    assert [m.value for m in app.metric] == ["4"] and not app.warning
    assert not [b for b in app.button if b.label.startswith("✓ Right")]
    assert [i.value for i in app.info] == [number_advice(2)]
    # A compact 12, as wide as 1.2 times its height, looks like no digit (read as a 2): it is pointed there too,
    # instead of being told to write one digit (a review, 2026-12-03).
    twelve = [[(0.15, 0.3), (0.15, 0.7)], [(0.35, 0.35), (0.55, 0.3), (0.6, 0.45), (0.35, 0.7), (0.65, 0.7)]]
    app = AppTest.from_function(answer, args=(render(twelve, 120, (140, 140), 22),), default_timeout=60)
    app.run()
    assert [m.delta for m in app.metric if m.label == "Prediction"] == ["looks like no digit"]
    assert [i.value for i in app.info] == [number_advice(2)]
    assert not app.warning
    # Five digits across the square: squeezed into 28x28, as flat as a level line, which they were said to be.
    five = np.maximum.reduce([render(PLAIN[int(c)], 45, (x, 140), 8) for c, x in zip("71071", (40, 90, 140, 190, 240))])
    app = AppTest.from_function(answer, args=(five,), default_timeout=60)
    app.run()
    assert [i.value for i in app.info] == [number_advice(5)]


def turned_seven() -> np.ndarray:
    """A 7 turned by 25 degrees, which the shipped model reads as a 7 at 88%: unsure."""
    return render([about_centre(s, hand_transform(np.radians(-25), 0.0, 1.0)) for s in PLAIN[7]], 150, (140, 140), 22)


def test_an_unsure_digit_pointed_to_number_mode_gets_no_advice_to_draw_it_more_plainly():
    # A 0 and a 1 side by side are read in Digit mode as an unsure 9 (74% with the shipped model): the hint that
    # they look like a number says why, and "Not sure: it could also be ... Try drawing it more plainly" would not.
    from digits.recognition import Recognizer
    from digits.registry import ModelRegistry

    pair = np.maximum(render(PLAIN[0], 110, (80, 140), 18), render(PLAIN[1], 110, (190, 140), 18))
    assert Recognizer.load(ModelRegistry().current_path()).recognize(pair).unsure
    app = AppTest.from_function(answer, args=(pair,), default_timeout=60)
    app.run()
    assert not app.exception and [m.label for m in app.metric] == ["Prediction"]
    assert [i.value for i in app.info] == [number_advice(2)]
    assert not app.warning
    # A lone unsure digit still gets the advice: a 7 turned by 25 degrees is read as a 7 at 88%.
    turned = turned_seven()
    assert Recognizer.load(ModelRegistry().current_path()).recognize(turned).unsure
    app = AppTest.from_function(answer, args=(turned,), default_timeout=60)
    app.run()
    assert not app.info and [w.value.startswith("Not sure: it could also be") for w in app.warning] == [True]
    # Where drawings are kept, it may say which digit it is: the model, not the writer, may be at fault.
    assert app.warning[0].value.endswith("Draw it more plainly, or say below which it is.")


def number(image):  # as `answer`, for Number mode
    """The Draw page's Number mode for a drawing, without its canvas."""
    from app_pages.draw import show_number
    from app_pages.resources import load_recognizer
    from digits.registry import ModelRegistry

    path = ModelRegistry().current_path()
    show_number(load_recognizer(str(path), path.stat().st_mtime), image)


def test_number_mode_reads_a_number_without_its_level_lines():
    from app_pages.readings import left_out_lines

    bar, one, seven = (PLAIN[7][:1], 390), (PLAIN[1], 200), (PLAIN[7], 390)
    for image, info, read in (
        # A 7's first stroke, alone on the strip (draw.NO_NUMBER_YET; importing the page here, outside a script run,
        # would declare its canvas component where Streamlit cannot).
        (on_strip(bar), ["A level line is not a number yet"], []),
        (on_strip(one, bar), [left_out_lines(1)], ["1"]),  # read as "12" before
        (on_strip(one, bar, (PLAIN[7][:1], 600)), [left_out_lines(2)], ["1"]),
        (on_strip(one, seven), [], ["17"]),
    ):
        app = AppTest.from_function(number, args=(image,), default_timeout=60)
        app.run()
        assert not app.exception
        assert len(app.info) == len(info) and all(i.value.startswith(said) for i, said in zip(app.info, info))
        assert [m.value for m in app.metric] == read
        # Where a number is read, how to correct one of its digits: Number mode keeps none.
        assert [c.value.startswith("A digit read wrong?") for c in app.caption if "in Digit mode" in c.value] == \
            [True] * len(read)


def test_more_writing_than_numbers_on_the_strip_is_said_so():
    # 150 strokes across the strip: more pieces than a number of 30 digits makes (numbers.MOST_ATOMS).
    strokes = np.zeros((260, 780, 4), np.uint8)
    for x in range(20, 770, 5):
        strokes[100:160, x : x + 2] = 255
    app = AppTest.from_function(number, args=(strokes,), default_timeout=60)
    app.run()
    assert not app.exception and not app.metric
    assert [w.value.startswith("There is more writing here than numbers") for w in app.warning] == [True]
    # In Digit mode, ink that looks like no digit is also read as a number, to say whether it is one: 900 dots are
    # read as one digit, with no word of a number (read as one, they are refused).
    square = np.zeros((280, 280, 4), np.uint8)
    for y in range(20, 260, 8):  # 900 dots
        for x in range(20, 260, 8):
            square[y : y + 4, x : x + 4] = 255
    app = AppTest.from_function(answer, args=(square,), default_timeout=60)
    app.run()
    assert not app.exception and [m.label for m in app.metric] == ["Prediction"]
    assert not any("number" in i.value for i in app.info)


def test_number_mode_says_which_part_looks_like_no_digit(shipped):
    rng = np.random.default_rng(3)
    sun = by_hand(NON_DIGITS_UNSEEN["sun"](rng), rng)  # a kind the detector never saw
    # Among digits: the number is read, with the sun's place marked where a percentage would vouch for it.
    reading = shipped.recognize_number(on_strip((PLAIN[7], 150), (sun, 390), (PLAIN[1], 630)))
    assert [d.looks_like_a_digit for d in reading.digits] == [True, False, True]
    app = AppTest.from_function(number, args=(on_strip((PLAIN[7], 150), (sun, 390), (PLAIN[1], 630)),),
                                default_timeout=60)
    app.run()
    assert not app.exception
    [metric] = app.metric
    # The metric shows a ? there, not the digit the model read ("701" would vouch for the sun as a 0).
    assert metric.value == reading.shown_text == reading.text[0] + "?" + reading.text[2]
    assert metric.delta == "the 2nd digit looks like no digit"
    [warning] = app.warning
    assert warning.value == ("The 2nd digit (marked ?, in amber) does not look like a digit. The model knows only 0 "
                             "to 9 and reads anything as one of them: write digits only.")
    [table] = [m.value for m in app.markdown if "| read |" in m.value]
    # Its row names what the model read, with no percentage: "100%" under "sure" would vouch for it.
    assert f"| 2 | **{reading.digits[1].digit}** ⚠️ looks like no digit | – |" in table
    # Alone, as Digit mode says it (it was "0, 100% sure" of a smiley).
    app = AppTest.from_function(number, args=(on_strip((sun, 390)),), default_timeout=60)
    app.run()
    assert [(m.value, m.delta) for m in app.metric] == [("?", "looks like no digit")]
    assert [w.value.startswith("This does not look like a digit.") for w in app.warning] == [True]
    # Digits alone: no word of it.
    app = AppTest.from_function(number, args=(on_strip((PLAIN[1], 200), (PLAIN[7], 390)),), default_timeout=60)
    app.run()
    assert [m.delta.endswith("% sure of its least sure digit") for m in app.metric] == [True] and not app.warning


def test_with_collecting_off_the_draw_page_offers_no_correction(monkeypatch):
    monkeypatch.setenv("DIGITS_CORRECTIONS", "off")
    app = run_answer()
    assert not app.pills and not app.button
    assert not [c for c in app.caption if "orrection" in c.value]  # nor a word of what is off
    app = AppTest.from_function(answer, args=(turned_seven(),), default_timeout=60)
    app.run()
    [unsure] = app.warning  # nothing below to say which it is
    assert unsure.value.startswith("Not sure: it could also be")
    assert unsure.value.endswith(". Try drawing it more plainly.")


def test_a_damaged_store_is_named_and_the_digit_still_read(data):
    data.mkdir()
    Path(corrections_location()).write_bytes(b"this is no database " * 100)
    app = run_answer()
    assert "cannot be read or written" in app.error[0].value and corrections_location() in app.error[0].value
    assert not app.pills
    app = run_page("app_pages/corrections.py")
    assert "cannot be read or written" in app.main.error[0].value


def test_a_store_that_failed_is_tried_again_only_after_a_while(data, monkeypatch, caplog):
    from app_pages import resources
    data.mkdir()
    path = corrections_location()
    Path(path).write_bytes(b"this is no database " * 100)
    with pytest.raises(CorrectionsError) as first:
        resources.get_corrections(path)
    # Logged, for whoever runs the site: a public link's visitors are told to look there.
    assert [r.getMessage() for r in caplog.records if r.name == "digits.corrections"] == [str(first.value)]
    Path(path).unlink()  # repaired
    # The same error at once, not another try: a database that does not answer takes CONNECT_TIMEOUT a try, and
    # every stroke of every visitor would wait that long.
    with pytest.raises(CorrectionsError) as again:
        resources.get_corrections(path)
    assert str(again.value) == str(first.value)
    monkeypatch.setattr(resources, "RETRY_STORE_AFTER", 0.0)
    assert resources.get_corrections(path).records() == []


def test_a_damaged_store_is_named_only_to_whoever_runs_a_deployment_with_a_password(data, monkeypatch):
    monkeypatch.delenv("DIGITS_PASSWORD", raising=False)
    data.mkdir()
    Path(corrections_location()).write_bytes(b"this is no database " * 100)
    answered = AppTest.from_function(answer, args=(drawn(7),), default_timeout=60)
    answered.secrets["password"] = "s3cret"
    answered.run()
    told = f"{CorrectionsError.public} Whoever runs this deployment sees why once they have given its password."
    assert [e.value for e in answered.error] == [told] and not answered.pills
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.secrets["password"] = "s3cret"
    app.run()
    app.switch_page("app_pages/corrections.py").run()
    assert [e.value for e in app.main.error] == [told]
    assert not [e for e in app.error if str(data.resolve()) in e.value]
    # The password, given in the sidebar, shows where the store is and why it fails.
    [field] = [t for t in app.sidebar.text_input if t.label.startswith("Password")]
    field.input("s3cret").run()
    assert corrections_location() in app.main.error[0].value and "cannot be read or written" in app.main.error[0].value
    # A public link has no password to give: whoever runs it finds why in the server's log.
    public = AppTest.from_function(answer, args=(drawn(7),), default_timeout=60)
    public.secrets["retraining"] = "off"
    public.run()
    assert [e.value for e in public.error] == [
        f"{CorrectionsError.public} Whoever runs this deployment sees why in the server's log."]


def npz(x: np.ndarray, y: np.ndarray) -> bytes:
    """An .npz file of corrections, as exported."""
    file = io.BytesIO()
    np.savez_compressed(file, x=x, y=y)
    return file.getvalue()


def kept_store() -> tuple[Corrections, dict[str, int]]:
    """A store with two drawn 7s (one read as a 1), a drawn 1 and an imported 0; the drawings' ids."""
    store = Corrections(corrections_location())
    ids = {
        "seven read 7": store.add(drawn(7), 7, predicted=7, probabilities=[0.01] * 7 + [0.91] + [0.01] * 2),
        "seven read 1": store.add(drawn(7), 7, predicted=1, probabilities=[0.0, 0.62] + [0.38 / 8] * 8),
        "one read 1": store.add(drawn(1), 1, predicted=1, probabilities=[0.0, 1.0] + [0.0] * 8),
    }
    store.import_npz(npz(np.zeros((1, 28, 28), np.uint8), np.array([0], np.uint8)))
    return store, ids


def chart_counts(app: AppTest) -> dict[str, int]:
    """The counts per digit in the page's chart."""
    [chart] = app.main.get("vega_lite_chart")
    assert json.loads(chart.proto.spec)["encoding"]["y"]["field"] == "drawings"
    return {row["digit"]: row["drawings"] for row in
            convert_arrow_bytes_to_pandas_df(chart.proto.data.data).to_dict("records")}


def bars_read(app: AppTest) -> tuple[str | None, str]:
    """The probability chart's title (None without one) and the colour of the digit read's bar."""
    [chart] = app.main.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    return spec.get("title", {}).get("text"), spec["encoding"]["color"]["condition"]["value"]


def undo_button(app: AppTest):
    """The Undo above the gallery (None: there is none)."""
    return next((b for b in app.main.button if (b.key or "").startswith("undo-delete-")), None)


def undo_said(app: AppTest) -> str | None:
    """What the Undo above the gallery says was deleted last (None: no Undo on the page)."""
    if undo_button(app) is None:
        return None
    return next(c.value for c in app.main.caption if c.value.startswith("Deleted "))


def opened_tab(app: AppTest) -> int:
    """The digit whose tab the gallery opens on (its tab container's default tab)."""
    blocks = [app.main]
    while blocks:
        block = blocks.pop()
        if block.type == "tab_container":
            return block.proto.tab_container.default_tab_index
        blocks += [child for child in getattr(block, "children", {}).values()]
    raise AssertionError("no tabs on the page")


def test_the_corrections_page_counts_shows_and_deletes_them():
    store, ids = kept_store()
    app = run_page("app_pages/corrections.py")
    counts = {d: {0: 1, 1: 1, 7: 2}.get(d, 0) for d in range(10)}
    # Four kept: the 7 read right, the 7 read as a 1, the 1 and the imported 0; one read wrong.
    assert [(m.label, m.value, m.delta) for m in app.main.metric] == [("Drawings kept", "4", "1 read wrong")]
    assert chart_counts(app) == {str(d): n for d, n in counts.items()}
    tabs = app.main.tabs
    assert [t.label for t in tabs] == [f"{d} ({n})" for d, n in counts.items()]
    assert [i.captions for i in tabs[7].image] == [["✗ read 1 (62%)"], ["✓ read 7 (91%)"]]  # newest first
    assert [i.captions for i in tabs[0].image] == [["imported"]]
    assert opened_tab(app) == 0  # the first digit kept
    assert "Learn my handwriting" in app.main.caption[0].value  # what the page is for
    assert f"Kept in {corrections_location()}" in [c.value for c in app.main.caption]
    assert [b.label for b in app.main.download_button] == ["Export all as .npz"]
    with np.load(io.BytesIO(npz_bytes(store))) as exported:
        assert exported["x"].shape == (4, 28, 28) and exported["x"].dtype == np.uint8
        assert sorted(exported["y"].tolist()) == [0, 1, 7, 7]

    app.button(key=f"delete-{ids['seven read 1']}").click().run()
    assert not app.exception
    assert len(store) == 3 and ids["seven read 1"] not in [c.id for c in store.records()]
    assert [i.captions for i in app.main.tabs[7].image] == [["✓ read 7 (91%)"]]
    assert opened_tab(app) == 7  # where the deletion was, to go on there
    assert undo_said(app) == "Deleted a drawing of 7."
    assert f"delete-{ids['seven read 1']}" not in [b.key for b in app.main.button]
    # One deleted in another tab meanwhile: said so, not left to the Undo of the one before (a review, 2026-12-07).
    [elsewhere] = store.delete(ids["one read 1"])
    app.button(key=f"delete-{ids['one read 1']}").click().run()
    assert [t.value for t in app.toast] == [
        "That drawing had been deleted already, in another tab (or by Delete all): its Undo is there."]
    assert undo_said(app) == "Deleted a drawing of 7." and not app.main.tabs[1].image
    store.restore([elsewhere])
    app.run()
    assert not app.toast
    # A store that fails on a Delete: the page says so (the click's callback cannot draw it), and the drawing stays.
    good = store.path.read_bytes()
    store.path.write_bytes(b"no database" * 100)
    app.button(key=f"delete-{ids['one read 1']}").click().run()
    [failed] = [e.value for e in app.main.error]
    assert failed.startswith("The corrections store at ")  # the page's whole store, which fails too
    store.path.write_bytes(good)
    app.run()
    assert [e.value for e in app.main.error] == [f"The drawing was not deleted. {failed}"]
    assert app.main.tabs[1].image and ids["one read 1"] in [c.id for c in store.records()]
    app.run()
    assert not app.main.error
    app.button(key=f"delete-{ids['seven read 7']}").click().run()
    assert opened_tab(app) == 0  # no 7s left: the first digit kept again
    assert undo_said(app) == "Deleted a drawing of 7. 1 earlier deletion can be undone after it."
    assert not app.main.tabs[7].image

    # Undo puts back the latest deletion first, then the one before it, whole, opening the gallery on its digit.
    # Each Undo is a button of its own: a double tap undid two deletions.
    latest = undo_button(app).key
    undo_button(app).click().run()
    assert [t.value for t in app.toast] == ["Put back a drawing of 7."] and opened_tab(app) == 7
    assert [i.captions for i in app.main.tabs[7].image] == [["✓ read 7 (91%)"]]
    assert undo_said(app) == "Deleted a drawing of 7." and undo_button(app).key != latest
    undo_button(app).click().run()
    assert [i.captions for i in app.main.tabs[7].image] == [["✗ read 1 (62%)"], ["✓ read 7 (91%)"]]
    assert len(store) == 4 and undo_said(app) is None and not app.run().toast

    delete_all = [b for b in app.main.button if b.label == "Delete all corrections"][0]
    assert delete_all.disabled  # until the checkbox says so
    app.main.checkbox[0].check().run()
    assert app.main.checkbox[0].label == "Yes, delete all 4 drawings"
    [b for b in app.main.button if b.label == "Delete all corrections"][0].click().run()
    assert not app.exception and len(store) == 0
    assert "On the Draw page" in app.main.info[0].value and not app.main.tabs
    assert undo_said(app) == "Deleted 4 drawings."
    undo_button(app).click().run()
    assert [t.value for t in app.toast] == ["Put back 4 drawings."] and len(store) == 4
    assert chart_counts(app) == {str(d): n for d, n in counts.items()}


def test_a_deletion_of_more_drawings_than_undo_keeps_says_it_is_for_good():
    store = Corrections(corrections_location())
    count = UNDO_ROWS + 1
    store.add_samples(np.random.default_rng(0).integers(0, 256, (count, 28, 28), dtype=np.uint8),
                      np.arange(count, dtype=np.uint8) % 10)
    app = run_page("app_pages/corrections.py")
    app.main.checkbox[0].check().run()
    assert app.main.checkbox[0].label == f"Yes, delete all {count:,} drawings, for good"
    [b for b in app.main.button if b.label == "Delete all corrections"][0].click().run()
    assert len(store) == 0 and undo_said(app) is None
    store.add(drawn(7), 7, predicted=1)
    assert app.run().main.checkbox[0].label == "Yes, delete the 1 drawing"


def test_the_gallery_opens_on_the_first_digit_kept():
    store = Corrections(corrections_location())
    store.add(drawn(7), 7, predicted=1)
    store.add(drawn(1), 1, predicted=1)
    app = run_page("app_pages/corrections.py")
    assert opened_tab(app) == 1  # not on 0, of which there is none


def test_without_the_password_a_visitor_sees_and_deletes_only_the_drawings_of_their_own_tab(monkeypatch):
    monkeypatch.delenv("DIGITS_PASSWORD", raising=False)
    store, ids = kept_store()  # a classmate's
    own = store.add(drawn(0), 3, predicted=0, session="this tab")  # a 0 kept as a 3 by mistake
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.secrets["password"] = "s3cret"
    app.session_state["browser_session"] = "this tab"
    app.run()
    app.switch_page("app_pages/corrections.py").run()
    assert [(m.label, m.value, m.delta) for m in app.main.metric] == [("Drawings you kept", "1", "1 read wrong")]
    # Named as the teacher's list names it, for the teacher to find this student's drawings.
    assert "(tab this t)" in [c.value for c in app.main.caption if c.value.startswith("Shown here")][0]
    assert chart_counts(app) == {str(d): int(d == 3) for d in range(10)}
    assert [b.key for b in app.main.button if b.label.startswith("Delete")] == [f"delete-{own}"]
    assert not app.main.checkbox and not [c for c in app.main.caption if c.value.startswith("Kept in")]
    # Nor everyone's drawings to take away, nor an import that the next fine-tune would learn.
    assert not app.main.get("download_button") and not app.main.file_uploader
    assert any("Seeing everyone's, and exporting, importing or deleting them, needs the password" in c.value
               for c in app.main.caption)
    assert any(c.value.endswith("fine-tunes the model on them, with the password.") for c in app.main.caption)
    app.button(key=f"delete-{own}").click().run()  # a drawing kept under the wrong digit, taken back
    assert not app.exception and len(store) == 4 and own not in [c.id for c in store.records()]
    assert app.main.info[0].value.startswith("You have kept no drawings in this browser tab yet (a tab opened at a "
                                             "typed or bookmarked address starts anew; what was kept before is still "
                                             "kept). On the Draw page")
    undo_button(app).click().run()  # back in this tab, where it was kept
    assert [c.id for c in store.records(session="this tab")] == [own]
    assert [(m.label, m.value) for m in app.main.metric] == [("Drawings you kept", "1")]
    app.button(key=f"delete-{own}").click().run()

    [field] = app.sidebar.text_input
    field.input("s3cret").run()
    assert [(m.label, m.value) for m in app.main.metric] == [("Drawings kept", "4")]
    assert app.main.get("download_button") and app.main.file_uploader
    app.button(key=f"delete-{ids['seven read 1']}").click().run()
    assert not app.exception and len(store) == 3
    assert [b.label for b in app.main.button if b.label == "Delete all corrections"]
    assert f"Kept in {corrections_location()}" in [c.value for c in app.main.caption]
    assert undo_said(app) == "Deleted a drawing of 7. 1 earlier deletion can be undone after it."
    # Locked again, the tab may undo only what it may still delete: its own drawing, not the classmate's 7.
    [b for b in app.sidebar.button if b.label == "Lock"][0].click().run()
    assert undo_said(app) == "Deleted a drawing of 3."
    undo_button(app).click().run()
    assert len(store) == 4 and undo_said(app) is None


def test_whoever_has_the_password_looks_over_and_deletes_one_tabs_drawings(monkeypatch):
    # A classroom: which student drew what could not be told apart, to take one student's jokes out together.
    monkeypatch.delenv("DIGITS_PASSWORD", raising=False)
    store, ids = kept_store()  # drawn in no tab, and an import
    joker = [store.add(drawn(d), 8, predicted=d, session="joker's tab") for d in (0, 1)]  # a 0 and a 1 kept as 8s
    store.add(drawn(7), 7, predicted=7, session="careful tab")
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.secrets["password"] = "s3cret"
    app.run()
    app.sidebar.text_input[0].input("s3cret").run()
    app.switch_page("app_pages/corrections.py").run()
    [tabs] = app.main.selectbox
    assert tabs.label == "Whose drawings: kept in 2 browser tabs, usually one for each person who drew"
    assert tabs.value is None
    assert [m.value for m in app.main.metric] == ["7"]  # every tab's, and those of none (drawn before, imported)
    assert tabs.options[0] == "Everyone's"
    assert sorted(o.split(", first kept ")[0] for o in tabs.options[1:]) == ["Tab carefu", "Tab joker'"]
    # To the second (two students' tabs were "first kept 22:21"), in UTC where the browser gives no time zone.
    assert all(re.fullmatch(r"Tab .{6}, first kept \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", o) for o in tabs.options[1:])
    tabs.set_value("joker's tab").run()
    assert [(m.value, m.delta) for m in app.main.metric] == [("2", "2 read wrong")]
    # Kept over a trip to another page: it went back to everyone's, and Delete all with it (a review, 2026-12-07).
    app.switch_page("app_pages/draw.py").run()
    app.switch_page("app_pages/corrections.py").run()
    assert app.main.selectbox[0].value == "joker's tab"
    assert chart_counts(app) == {str(d): 2 * (d == 8) for d in range(10)}
    assert sorted(b.key for b in app.main.button if b.label == "Delete") == sorted(f"delete-{i}" for i in joker)
    # Exported, the tab's drawings alone, as Delete takes them.
    [export] = app.main.get("download_button")
    assert export.proto.label == "Export this tab's as .npz"
    exported = np.load(io.BytesIO(npz_bytes(store, "joker's tab")))
    assert exported["y"].tolist() == [8, 8] and exported["predicted"].tolist() == [0, 1]
    app.checkbox[0].check().run()
    assert app.checkbox[0].label == "Yes, delete this tab's 2 drawings"
    [delete_all] = [b for b in app.main.button if b.label == "Delete this tab's drawings"]
    delete_all.click().run()
    assert not app.exception and len(store) == 5 and not set(joker) & {c.id for c in store.records()}
    assert not app.main.selectbox  # one tab left: nothing to choose
    assert [m.value for m in app.main.metric] == ["5"]


def test_on_a_public_link_no_visitor_sees_another_ones_drawings(monkeypatch):
    monkeypatch.delenv("DIGITS_PASSWORD", raising=False)
    monkeypatch.setenv("DIGITS_RETRAINING", "off")  # no password either: no one manages the drawings there
    kept_store()
    app = run_page("app_pages/corrections.py")
    assert not app.main.metric and not app.main.tabs and not app.main.file_uploader
    assert app.main.info[0].value.startswith("You have kept no drawings in this browser tab yet (a tab opened at a "
                                             "typed or bookmarked address starts anew; what was kept before is still "
                                             "kept). On the Draw page")
    assert any(c.value.endswith("No one else's are shown on this site.") for c in app.main.caption)


def test_an_npz_is_imported_once_and_a_bad_one_refused():
    app = run_page("app_pages/corrections.py")
    assert "No corrections yet" in app.main.info[0].value
    samples = npz(np.full((3, 28, 28), 200, np.uint8), np.array([2, 2, 5], np.uint8))
    app.main.file_uploader[0].upload("mine.npz", samples).run()
    assert not app.exception
    assert [s.value for s in app.main.success] == ["Added 3 corrections from mine.npz."]
    assert Corrections(corrections_location()).counts()[2] == 2
    assert [(m.value, m.delta) for m in app.main.metric] == [("3", "")]  # imports were read by no model: no "0"
    assert app.main.file_uploader[0].value is None  # emptied for the next file, whatever became of this one
    app.run()  # another run imports nothing more
    assert len(Corrections(corrections_location())) == 3 and not app.main.success
    more = npz(np.full((2, 28, 28), 200, np.uint8), np.array([5, 6], np.uint8))  # the 5 is kept already
    app.main.file_uploader[0].upload("more.npz", more).run()
    assert [s.value for s in app.main.success] == [
        "Added 1 correction from more.npz. Left out 1 of its 2, kept already."]
    app.main.file_uploader[0].upload("mine again.npz", samples).run()
    assert not app.main.success and [i.value for i in app.main.info] == [
        "Nothing was added from mine again.npz: all 3 of its corrections are kept already."]

    app.main.file_uploader[0].set_value(("broken.npz", b"not an npz", "application/octet-stream")).run()
    assert not app.exception
    assert app.main.error[0].value.startswith("broken.npz was not imported: not an .npz file")
    # Any type of file is taken and said to be no .npz: the uploader's own refusal of a JPEG was a red mark, its
    # reason only under a hovering pointer (a review, 2026-12-04).
    assert app.main.file_uploader[0].allowed_type == []
    # Nor does it refuse a file over the page's limit: it was a red mark too (a review, 2026-12-07).
    app.main.file_uploader[0].upload("big.npz", bytes(20_500_000)).run()
    assert [e.value for e in app.main.error] == [
        "big.npz was not imported: the file is 20.5 MB; the page imports up to 20 MB at once"]
    assert app.main.file_uploader[0].proto.max_upload_size_mb > 20  # the server's, and its label says the page's
    assert "up to 20 MB" in app.main.file_uploader[0].label
    app.main.file_uploader[0].upload("seven.jpg", b"\xff\xd8\xff\xe0 a JPEG", "image/jpeg").run()
    assert app.main.error[0].value.startswith("seven.jpg was not imported: not an .npz file")
    assert len(Corrections(corrections_location())) == 4 and app.main.file_uploader[0].value is None


def test_a_tabs_first_drawing_is_dated_in_the_browsers_time_zone():
    assert local_time("2026-12-04T22:21:07+00:00", "Europe/Berlin") == "2026-12-04 23:21:07"
    assert local_time("2026-12-04T22:21:07+00:00", "America/New_York") == "2026-12-04 17:21:07"
    assert local_time("2026-12-04T22:21:07+00:00", None) == "2026-12-04 22:21:07 UTC"
    assert local_time("2026-12-04T22:21:07+00:00", "Not/A_Zone") == "2026-12-04 22:21:07 UTC"

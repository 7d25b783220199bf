"""Drive the real page in Debian's Chromium: start the app, draw with the mouse, wait for the answer."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import weakref
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
from playwright.async_api import Page as AsyncPage
from playwright.sync_api import Locator, Page, expect
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from digits.drawing import Strokes

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


# How a script run that was not cut short by a rerun ends: the whole page's, or a fragment's (the Draw page's canvas
# and its answer are a fragment, so a stroke reruns only them).
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


class ScriptRuns:
    """Follows the page's script runs in the messages the server sends it over its websocket.

    The page's own running/not-running attribute is no use for this: a quick run can begin and end between
    two renders of the page, and then the attribute never changes. A session's runs never overlap, so each
    `script_finished` message ends the run last begun. One limit: any run that finishes, not only the one a
    test caused (a fragment rerunning on a timer, say), ends a wait. Works on Playwright's sync and async pages.
    """

    def __init__(self, page: Page | AsyncPage) -> None:
        self.started = 0  # script runs begun, fragment runs included
        self.last_finished = 0  # which run (counting as `started` does) last finished
        self.finished = 0  # runs finished
        self.finished_at = 0.0  # time.perf_counter() when the last one did
        self.errors: list[str] = []  # the exceptions and error messages the runs showed
        page.on("websocket", lambda socket: socket.on("framereceived", self._read))

    def _read(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
        elif kind == "script_finished" and message.script_finished in FINISHED:
            self.last_finished = self.started
            self.finished += 1
            self.finished_at = time.perf_counter()
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.errors.append(f"{element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                self.errors.append(element.alert.body)
        elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
            self.errors.append(message.session_event.script_compilation_exception.message)

    def wait_for_finish(self, page: Page, after: int, timeout_s: float = 20) -> None:
        """Wait until a run begun after `after` runs had begun is over."""
        deadline = time.monotonic() + timeout_s
        while self.last_finished <= after:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished after run {after} within {timeout_s} s")
            page.wait_for_timeout(10)  # lets Playwright deliver the websocket's messages


# The runs of each page that open_page opened (a run tracker holds no reference to its page, so that
# a closed page can leave this table).
_runs: weakref.WeakKeyDictionary[Page, ScriptRuns] = weakref.WeakKeyDictionary()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_shipped_model(folder: Path) -> Path:
    """A models folder holding a copy of the shipped model (with its metadata and inspection), so tests never
    touch the real one."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "models").glob("digits.*"):
        shutil.copy(path, folder / path.name)
    return folder


def start_app(models: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """`streamlit run streamlit_app.py` on a free localhost port, serving the models in `models` and keeping
    corrections in a folder of their own beside it (MODELS-data, unless DIGITS_DATA_DIR is given)."""
    env = {"DIGITS_DATA_DIR": str(models.with_name(f"{models.name}-data")), **env}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "DIGITS_MODELS_DIR": str(models), **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the app did not start: {process.stdout.read().decode()[-2000:]}")


def open_page(page: Page, url: str, settle: bool = True) -> None:
    """Load the page and wait until the canvas is ready and, with `settle`, until the first run is over
    (the canvas shows before the model has loaded, and a person may draw at once)."""
    runs = _runs[page] = ScriptRuns(page)
    page.goto(url)
    page.wait_for_selector("canvas.upper-canvas", timeout=60_000)
    if settle:
        runs.wait_for_finish(page, after=0, timeout_s=60)


@contextlib.contextmanager
def new_run(page: Page) -> Iterator[None]:
    """On leaving the block, wait for the script run that what was done in it started to be over (on a page
    opened with open_page)."""
    runs = _runs[page]
    before = runs.started
    yield
    runs.wait_for_finish(page, after=before)


@contextlib.contextmanager
def store_held(path: Path) -> Iterator[None]:
    """Hold the SQLite store at `path` as another writer would, until the block ends: the page's writes to it wait
    (up to its busy timeout, 30 s), so that a tap can come while one is under way."""
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        yield
    finally:
        writer.close()  # and with it, its hold


def wait_until(condition: Callable[[], bool], timeout: float = 120) -> None:
    """Wait until `condition` holds, asking every 0.2 s; fail the test if it does not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def stroke_path(stroke: Sequence[tuple[float, float]], box: dict,
                margin: float = 0.15) -> Iterator[tuple[float, float]]:
    """A stroke drawn in a unit box, in page pixels over the canvas at `box` (less `margin` of it on each side),
    with eight steps along each segment, as a mouse sends them."""
    points, span = np.asarray(stroke, dtype=float), 1 - 2 * margin
    steps = [a + (b - a) * t for a, b in zip(points[:-1], points[1:]) for t in np.linspace(0, 1, 9)[1:]]
    for x, y in [points[0], *steps]:
        yield box["x"] + (margin + x * span) * box["width"], box["y"] + (margin + y * span) * box["height"]


def wait_for_the_pen(page: Page, x: float, y: float, timeout_s: float = 10) -> None:
    """Hover at (x, y) until the canvas shows its pen's crosshair, or `timeout_s` has passed (the stroke is drawn
    anyway, and its own run's wait fails, should it be lost: under load the crosshair once never showed).

    A canvas new on the page (after a kept correction, Clear or a mode switch) is up before it draws: it turns its
    pen on once it has loaded its drawing, after the run that made it, and a stroke before then is lost, as one of
    CI's was."""
    canvas, deadline = page.locator("canvas.upper-canvas"), time.monotonic() + timeout_s
    for step in itertools.count():
        page.mouse.move(x + step % 2, y)  # the canvas sets its cursor as the pointer moves
        if canvas.evaluate("c => c.style.cursor") == "crosshair":
            return
        if time.monotonic() > deadline:
            under = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); "
                                  "return e ? `${e.tagName}.${e.className}` : 'nothing'; }", [x, y])
            print(f"no pen's crosshair within {timeout_s} s; under the pointer: {under}", file=sys.stderr)
            return
        page.wait_for_timeout(50)


def draw(page: Page, strokes: Strokes, margin: float = 0.15, until: str | None = None,
         finger: bool = False) -> float | None:
    """Draw strokes with the mouse (or a finger on a touch screen), as a person would: a stroke, wait for
    the page's answer, the next stroke.

    With `until` (a JavaScript condition), returns the seconds from the last mouse-up until it held.
    """
    box = page.locator("canvas.upper-canvas").bounding_box()
    wait_for_the_pen(page, *next(stroke_path(strokes[0], box, margin)))
    box = page.locator("canvas.upper-canvas").bounding_box()  # the canvas the pen is on, where it is now
    waited = None
    for stroke in strokes:
        with new_run(page):
            trace(page, stroke_path(stroke, box, margin), finger)
            released = time.perf_counter()
            if until:
                page.wait_for_function(until, polling="raf", timeout=20_000)
                waited = time.perf_counter() - released
    return waited


def trace(page: Page, points: Iterable[tuple[float, float]], finger: bool = False) -> None:
    """Press the mouse (or a finger on a touch screen) at the first of `points` (page pixels), move it through the
    rest and lift it: one stroke, with no wait for what the page does with it."""
    touch = page.context.new_cdp_session(page) if finger else None

    def send(kind, x=None, y=None):
        points = [] if x is None else [{"x": x, "y": y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    for i, (x, y) in enumerate(points):
        if touch:
            send("touchStart" if i == 0 else "touchMove", x, y)
        else:
            page.mouse.move(x, y)
            if i == 0:
                page.mouse.down()
    send("touchEnd") if touch else page.mouse.up()


def side_by_side(*drawings: Strokes) -> Strokes:
    """Digits' strokes (each in a unit box) side by side across a canvas as many times wide as high."""
    count = len(drawings)
    return [[((place + 0.15 + 0.7 * x) / count, y) for x, y in stroke]
            for place, strokes in enumerate(drawings) for stroke in strokes]


def metric(page: Page, label: str) -> Locator:
    """The metric called `label` on the page."""
    return page.locator('[data-testid="stMetric"]').filter(has_text=label)


def prediction(page: Page, label: str = "Prediction") -> str | None:
    """The value of the metric called `label`, or None when the page shows none."""
    shown = metric(page, label)
    if shown.count() == 0:
        return None
    return shown.locator('[data-testid="stMetricValue"]').inner_text().strip()


def expect_reading(page: Page, value: str | re.Pattern[str] | None, label: str = "Prediction") -> None:
    """Wait until the metric called `label` shows `value` (or text it matches), or with None, until the page shows
    no such metric. The test sees a run's end on the websocket, and the browser may draw what the run sent a moment
    later: read at once after a switch of mode, the Number metric was not on the page yet (CI, once)."""
    shown = metric(page, label)
    if value is None:
        expect(shown).to_have_count(0)
    else:
        expect(shown.locator('[data-testid="stMetricValue"]')).to_have_text(value)


def set_sidebar_number(page: Page, label: str, value: str) -> None:
    """Type `value` into the sidebar's number field called `label`, as a person would, and wait for the run it
    starts. By its role: a label finds the preset's radio buttons too, whose descriptions name the epochs."""
    field = page.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name=label)
    with new_run(page):
        field.fill(value)
        field.press("Enter")


def reset_canvas(page: Page) -> None:
    with new_run(page):
        page.get_by_label("Reset canvas & history").click()

"""Shared fixtures: MNIST from $DIGITS_MNIST, a tiny model trained once, the shipped model, and a real HTTP
server on 127.0.0.1 for downloads."""

import contextlib
import functools
import importlib.util
import io
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from digits import Recognizer, load_mnist
from digits.drawing import render
from digits.registry import ModelRegistry
from digits.training import train_and_save
from tests.browser import copy_shipped_model
from tests.postgres import throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent


def run_script(name: str, *args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run scripts/NAME.py with this Python, with `env` added to the environment, and return what it did."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=600, env={**os.environ, **(env or {})},
    )


def run_script_choosing(name: str, *args: str, progress: Path, model: Path) -> subprocess.CompletedProcess:
    """Run scripts/NAME.py as run_script does, with `--progress progress`, and choose `model` to serve in its folder,
    as Serve model does, as soon as the script writes `progress` (loading the data)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / name), *map(str, args), "--progress",
                                str(progress)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not progress.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    ModelRegistry(model.parent).use(model)
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@functools.cache
def script(name: str) -> ModuleType:
    """scripts/NAME.py as a module, imported once."""
    spec = importlib.util.spec_from_file_location(Path(name).stem, ROOT / "scripts" / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_main(name: str, *args: str) -> subprocess.CompletedProcess:
    """Run the main() of scripts/NAME.py in this process and return what it did, as run_script does. For predict.py
    a run here took 1-2 s, a process of its own 9 s, most of it importing TensorFlow (2026-12-06)."""
    argv, argv_before = [name, *map(str, args)], sys.argv
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        sys.argv = argv
        try:
            status = script(name).main()
        except SystemExit as exit:  # argparse's errors
            status = exit.code
        finally:
            sys.argv = argv_before
    return subprocess.CompletedProcess(argv, status, stdout.getvalue(), stderr.getvalue())


def on_strip(*drawings: tuple) -> np.ndarray:
    """Drawings on Number mode's 780x260 strip in its 18-pixel pen, as RGBA: each (strokes, x), centred at x and
    150 pixels across, or (strokes, x, y, extent), centred at (x, y) and `extent` pixels across."""
    placed = [(strokes, x, *rest) if rest else (strokes, x, 130, 150) for strokes, x, *rest in drawings]
    return np.maximum.reduce([render(strokes, extent, (x, y), 18, size=780)[:260] for strokes, x, y, extent in placed])


def typed_page(lines: int = 25) -> bytes:
    """A scan of an A4 page (1240x1754, PNG) of typed text, with digits among the words: hundreds of pieces of
    ink, more writing than numbers (a review's scan took the server's memory past 17 GB, read as a number)."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1240, 1754), 250)
    draw, font = ImageDraw.Draw(page), ImageFont.load_default(size=22)
    for line in range(lines):
        draw.text((90, 120 + 56 * line), f"{line + 1}. The class read 12 + 30 = 42 pages of the book on day {line}.",
                  fill=20, font=font)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session", autouse=True)
def drawing_cache(tmp_path_factory):
    """A cache of drawn training digits of the test run's own (trainings in subprocesses inherit it), so the
    tests neither depend on nor fill the machine's ~/.cache/digits; and apps that do not draw into it ahead
    (each would draw the whole set, 20-30 s of both cores), but for the tests of that, which draw at once. The
    run's workers share it (the folder above each one's own), as the app's processes share theirs: each had drawn
    the same chunks."""
    run = tmp_path_factory.getbasetemp()
    folder = (run.parent if os.environ.get("PYTEST_XDIST_WORKER") else run) / "drawing-cache"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIGITS_CACHE_DIR", str(folder))
        patch.setenv("DIGITS_DRAW_AHEAD", "off")
        patch.setenv("DIGITS_DRAW_AHEAD_AFTER", "0")
        yield folder


@pytest.fixture(scope="session", autouse=True)
def pages_run_as_served() -> None:
    """AppTest runs the pages as the server does, without clearing Keras' session after every run
    (streamlit_app.keep_keras_session): the clearing had cost a test of the Photo page about 2 s of its 6-7."""
    import streamlit_app  # importing the served module starts no server
    from streamlit.runtime.scriptrunner import script_runner

    assert hasattr(script_runner, "_clean_problem_modules")  # renamed, it would go on clearing the session unseen
    streamlit_app.keep_keras_session()


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A copy of the shipped model to serve, one for each test module: the pages' cache then loads it once a module,
    where a copy for each test loaded it for each (2.6 s of a Photo page test's 4.4). test_page.py's tests, which
    change their folder, each make their own."""
    return copy_shipped_model(tmp_path_factory.mktemp("models") / "models")


@pytest.fixture(scope="session")
def mnist():
    return load_mnist(download=False)


@pytest.fixture(scope="session")
def tiny_model_path(mnist, tmp_path_factory) -> Path:
    """A compact model trained for one epoch on 500 images: quick, and far from good."""
    path = tmp_path_factory.mktemp("models") / "tiny.keras"
    train_and_save(mnist, path, arch="compact", epochs=1, limit=500, verbose=0)
    return path


@pytest.fixture(scope="session")
def shipped() -> Recognizer:
    return Recognizer.load()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


class Handler(BaseHTTPRequestHandler):
    """Serves server.routes: path -> (body, bytes to send before closing, seconds to stall after them, seconds
    between the bytes after them, sent one at a time, whether to give its size)."""

    def do_GET(self):
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, send, stall, drip, sized = self.server.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if sized:  # the full size, even when cut short; without it, the body ends as the connection closes
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:send])
        self.wfile.flush()
        if stall:
            self.server.release.wait(stall)
        for byte in body[send:] if drip else b"":
            if self.server.release.wait(drip):
                break
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass  # keep pytest's output clean


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up early (the timeout and interruption tests) is expected


@pytest.fixture(scope="module")
def mnist_bytes() -> bytes:
    return Path(os.environ["DIGITS_MNIST"]).read_bytes()


@pytest.fixture
def server():
    """A real HTTP server on a free port; tests add routes and get URLs from it."""
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.routes, httpd.release = {}, threading.Event()

    def serve(path, body=None, send=None, stall=0, drip=0, sized=True):
        """Serve `body` at `path` (nothing: a 404) and return its URL."""
        if body is not None:
            httpd.routes[path] = (body, len(body) if send is None else send, stall, drip, sized)
        return f"http://127.0.0.1:{httpd.server_address[1]}{path}"

    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield serve
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


@pytest.fixture(scope="session")
def postgres_cluster() -> str:
    """A real PostgreSQL server of the test run's own (see tests/postgres.py); its URL. Tests make a database
    each in it with tests.postgres.new_database."""
    with throwaway_cluster() as url:
        yield url


def number_advice(digits: int | None = None) -> str:
    """What the Draw and Photo pages say of ink that looks like a number (of so many digits, if it says)."""
    of = f" of {digits} digits" if digits else ""
    return f"This looks like a number{of}: **Read it as a number**, below, reads it whole."

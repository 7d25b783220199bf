"""The training material, and what a fine-tune teaches the detector with, are drawn ahead as the app starts; one
process draws into the cache at a time."""

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digits import synthesis
from digits.nondigits import teaching_drawings
from digits.recipes import CHECKED_NONDIGITS, DETECTOR_TUNE, TRAINING_IMAGES
from digits.retraining import DRAW_AHEAD_AFTER_S, FINE_TUNE_SEED, start_drawing_ahead
from tests.browser import ROOT, copy_shipped_model, start_app, wait_until
from tests.test_retraining import processes_in_group


def drawing_ahead(server: subprocess.Popen) -> list[int]:
    """The live processes of the server's group that run scripts/draw_ahead.py."""
    found = []
    for pid in processes_in_group(server.pid):
        try:
            if b"draw_ahead.py" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:  # ended meanwhile
            pass
    return found


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty drawing cache of the test's own, for it and the processes it starts."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DIGITS_CACHE_DIR", str(folder))
    return folder


def test_the_app_draws_the_training_material_as_it_starts_and_a_training_then_draws_none(cache, tmp_path, mnist):
    server, _ = start_app(copy_shipped_model(tmp_path / "models"), DIGITS_DRAW_AHEAD="300")
    try:  # the drawings a fine-tune teaches the detector with come last
        wait_until(lambda: len(list(cache.glob("nondigits-*.npz"))) == 2 and not drawing_ahead(server), timeout=180)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    calls = []
    twins, styled, labels = synthesis.training_material(mnist.x_train[:TRAINING_IMAGES], 300,
                                                        lambda done, total: calls.append((done, total)))
    assert not calls  # nothing drawn, nor said to be: all of it was in the cache
    assert len(twins) == 300 and len(styled) == len(labels) == 30
    # Nor does the page's first fine-tune that teaches the detector draw what it learns beside a writer's drawings.
    written = {path.name: path.stat().st_mtime_ns for path in cache.glob("*.npz")}
    (examples, kinds), checked = teaching_drawings(mnist, FINE_TUNE_SEED)
    assert {path.name: path.stat().st_mtime_ns for path in cache.glob("*.npz")} == written
    assert len(examples) == len(kinds) > 0.95 * DETECTOR_TUNE["examples"] and len(checked) > 0.95 * CHECKED_NONDIGITS


def test_the_drawing_ahead_ends_with_the_app(cache, tmp_path):
    server, _ = start_app(copy_shipped_model(tmp_path / "models"), DIGITS_DRAW_AHEAD="all")  # 20-30 s of drawing
    try:
        wait_until(lambda: drawing_ahead(server), timeout=60)
        os.kill(server.pid, signal.SIGKILL)  # the server alone, as the out-of-memory killer would
        server.wait()
        wait_until(lambda: not processes_in_group(server.pid), timeout=15)  # the drawing and its workers
    finally:
        with contextlib.suppress(ProcessLookupError):  # none left, as it should be
            os.killpg(server.pid, signal.SIGKILL)


def test_an_app_that_cannot_retrain_draws_nothing_ahead(cache, tmp_path):
    server, _ = start_app(copy_shipped_model(tmp_path / "models"), DIGITS_DRAW_AHEAD="300", DIGITS_RETRAINING="off")
    try:
        time.sleep(5)  # with retraining on, the drawing starts as the server does here (DIGITS_DRAW_AHEAD_AFTER=0)
        assert not drawing_ahead(server)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert not list(cache.glob("*.npz"))


def locked(cache: Path) -> bool:
    """Whether a process holds the cache's drawing lock."""
    try:
        with open(cache / "drawing.lock") as file:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except FileNotFoundError:
        pass
    return False


def test_a_drawing_that_finds_another_under_way_waits_and_reads_what_it_drew(cache, mnist):
    # Three whole chunks of twins (10,001 used of 15,000 drawn): a few seconds of drawing in two worker processes.
    ahead = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "draw_ahead.py"), "--limit", "10001"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not locked(cache) and ahead.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ahead.poll() is None, ahead.stdout.read()  # found drawing the twins, which come first
        calls = []
        twins = synthesis.pen_twins(mnist.x_train[:TRAINING_IMAGES], 10001, lambda done, total: calls.append(done))
        assert ahead.wait(timeout=120) == 0, ahead.stdout.read()
        # It said it was drawing as it began to wait (a training shows so), then read all three chunks: none drawn
        # twice.
        assert calls == [0] and len(twins) == 10001
        assert "10,001 pen twins and 1,000 styled digits" in ahead.stdout.read()
    finally:
        ahead.kill()  # ended already, unless a check failed
        ahead.wait()


@pytest.mark.parametrize("after, waits", [("60", 60.0), ("soon", DRAW_AHEAD_AFTER_S), (None, DRAW_AHEAD_AFTER_S)])
def test_the_drawing_ahead_waits_as_long_as_it_is_told(monkeypatch, after, waits):
    monkeypatch.setenv("DIGITS_DRAW_AHEAD", "300")
    if after is None:
        monkeypatch.delenv("DIGITS_DRAW_AHEAD_AFTER")
    else:
        monkeypatch.setenv("DIGITS_DRAW_AHEAD_AFTER", after)
    timer = start_drawing_ahead()
    try:
        assert timer.interval == waits and timer.is_alive() and not timer.finished.is_set()
    finally:
        timer.cancel()
    monkeypatch.setenv("DIGITS_DRAW_AHEAD", "off")
    assert start_drawing_ahead() is None


def test_a_cache_that_cannot_be_written_to_is_said_and_nothing_is_drawn(tmp_path, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    # A read-only file system: the tests run as root, who may write to any folder elsewhere.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", folder], check=True)
    try:
        monkeypatch.setenv("DIGITS_CACHE_DIR", str(folder / "cache"))
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "draw_ahead.py"), "--limit", "300"],
                              capture_output=True, text=True, timeout=120)
        # A drawing it could not keep would cost every start of the app 20-30 s for nothing.
        assert done.returncode == 1 and "cannot be written to" in done.stderr and not done.stdout
    finally:
        subprocess.run(["umount", folder], check=True)

import json
import os
import signal
import time

import pytest

from digits.registry import ModelRegistry
from digits.deployment import retraining_enabled
from digits.retraining import Retrainer
from tests.browser import copy_shipped_model


@pytest.fixture
def registry(tmp_path):
    return ModelRegistry(copy_shipped_model(tmp_path / "models"))


def wait_until(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_registry_serves_the_shipped_model_until_told_otherwise(registry, tiny_model_path):
    assert registry.current_path().name == "digits.keras"
    with pytest.raises(ValueError):
        registry.use(tiny_model_path)  # not in this folder
    for suffix in (".keras", ".json"):
        (registry.folder / f"tiny{suffix}").write_bytes(tiny_model_path.with_suffix(suffix).read_bytes())
    assert [m["name"] for m in registry.models()] == ["digits", "tiny"]
    promoted, reason = registry.promote_if_better(registry.folder / "tiny.keras")
    assert not promoted and "below the current model's" in reason
    registry.use(registry.folder / "tiny.keras")
    assert ModelRegistry(registry.folder).current_path().name == "tiny.keras"


def test_a_training_runs_alone_then_serves_its_model_if_good_enough(registry):
    retrainer = Retrainer(registry)
    assert retrainer.start("quick", "compact", 1, 300, False)
    assert retrainer.running()
    assert not Retrainer(registry).start("quick", "compact", 1, 300, False)  # another page, same folder
    assert not retrainer.start("quick", "compact", 1, 300, False)
    wait_until(lambda: not retrainer.running())
    status = retrainer.status()
    assert status["state"] == "done", (registry.folder / "training.log").read_text()[-2000:]
    assert 0 <= status["test_accuracy"] <= 1 and status["promoted"] is False
    assert registry.current_path().name == "digits.keras"
    assert len(list(registry.folder.glob("retrained-*.keras"))) == 1


def test_cancel_stops_the_training_and_leaves_no_model(registry):
    retrainer = Retrainer(registry)
    retrainer.start("quick", "compact", 5, 20000, True)
    wait_until(lambda: retrainer.status()["state"] == "training" and retrainer.status()["fraction"] > 0)
    retrainer.cancel()
    assert retrainer.status()["state"] == "cancelled" and not retrainer.running()
    assert sorted(p.name for p in registry.folder.iterdir() if p.suffix == ".keras") == ["digits.keras"]
    assert registry.current_path().name == "digits.keras"


def test_a_killed_training_is_reported_and_the_serving_model_stays(registry):
    retrainer = Retrainer(registry)
    retrainer.start("quick", "compact", 5, 20000, True)
    wait_until(lambda: retrainer.status()["state"] == "training")
    os.kill(retrainer.status()["pid"], signal.SIGKILL)
    wait_until(lambda: retrainer.status()["state"] == "failed")
    assert "stopped unexpectedly" in retrainer.status()["error"]
    assert registry.current_path().name == "digits.keras"
    assert retrainer.start("quick", "compact", 1, 100, False)  # a new one may start
    retrainer.cancel()


def test_missing_data_fails_the_training_with_a_reason(registry, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_MNIST", str(tmp_path / "gone.npz"))
    monkeypatch.setenv("HOME", str(tmp_path))
    retrainer = Retrainer(registry)
    retrainer.start("quick", "compact", 1, 100, False)
    wait_until(lambda: not retrainer.running())
    status = json.loads((registry.folder / "training.json").read_text())
    assert status["state"] == "failed" and "MNIST" in status["error"]


@pytest.mark.parametrize(
    "environment, secrets, enabled",
    [(None, {}, True), ("off", {}, False), (None, {"retraining": False}, False), ("on", {"retraining": False}, True)],
)
def test_retraining_can_be_turned_off(monkeypatch, environment, secrets, enabled):
    if environment is None:
        monkeypatch.delenv("DIGITS_RETRAINING", raising=False)
    else:
        monkeypatch.setenv("DIGITS_RETRAINING", environment)
    assert retraining_enabled(secrets) is enabled

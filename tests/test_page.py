"""Page logic with Streamlit's AppTest (no browser): what the page says around the canvas."""

import gc
import json
import os
import sys

import pytest
from streamlit.testing.v1 import AppTest

from digits.registry import ModelRegistry
from tests.browser import ROOT, copy_shipped_model


@pytest.fixture
def models(tmp_path):
    return copy_shipped_model(tmp_path / "models")


def run_page(monkeypatch, models, **env) -> AppTest:
    monkeypatch.setenv("DIGITS_MODELS_DIR", str(models))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def test_blank_page_prompts_and_shows_the_model(monkeypatch, models):
    app = run_page(monkeypatch, models)
    assert "Prediction" not in [m.label for m in app.metric]
    assert any("Draw a digit" in i.value for i in app.info)
    accuracy = ModelRegistry(models).metadata(models / "digits.keras")["test_accuracy"]
    assert [m.value for m in app.sidebar.metric if m.label == "MNIST test accuracy"] == [f"{accuracy:.2%}"]
    assert any("parameters" in c.value for c in app.sidebar.caption)
    assert [b.label for b in app.sidebar.button] == ["Train a new model"]


def test_retraining_turned_off(monkeypatch, models):
    app = run_page(monkeypatch, models, DIGITS_RETRAINING="off")
    assert any("turned off" in i.value for i in app.sidebar.info)
    assert not app.sidebar.button


def test_missing_mnist_disables_the_button_and_says_how_to_fix(monkeypatch, models, tmp_path):
    app = run_page(monkeypatch, models, DIGITS_MNIST=str(tmp_path / "gone.npz"), HOME=str(tmp_path))
    message = app.sidebar.error[0].value
    assert "MNIST" in message and "DIGITS_MNIST" in message
    assert [b.disabled for b in app.sidebar.button] == [True]


def test_choosing_another_model_serves_it(monkeypatch, models, tiny_model_path):
    for suffix in (".keras", ".json"):
        (models / f"tiny{suffix}").write_bytes(tiny_model_path.with_suffix(suffix).read_bytes())
    app = run_page(monkeypatch, models)
    app.sidebar.selectbox[0].select("tiny").run()
    assert ModelRegistry(models).current_path().name == "tiny.keras"
    assert "**tiny**" in [m.value for m in app.sidebar.markdown]


@pytest.mark.parametrize(
    "progress, shown",
    [
        ({"state": "training", "epoch": 0, "epochs": 3, "fraction": 0.0}, "Starting the training"),
        ({"state": "training", "epoch": 2, "epochs": 3, "fraction": 0.5, "accuracy": 0.91, "loss": 0.3,
          "elapsed_s": 30.0, "eta_s": 30.0}, "Epoch 2/3 · accuracy 91.0% · 0:00:30 left"),
        ({"state": "evaluating", "epoch": 3, "epochs": 3, "fraction": 1.0}, "Evaluating the new model"),
    ],
)
def test_training_progress_is_shown_at_every_stage(monkeypatch, models, progress, shown):
    # A live process stands in for the trainer: this test's own.
    (models / "training.json").write_text(json.dumps({"pid": os.getpid(), **progress}))
    app = run_page(monkeypatch, models)
    assert [b.label for b in app.sidebar.button] == ["Cancel training"]
    assert shown in app.sidebar.get("progress")[0].proto.text


def test_start_up_import_pauses_the_garbage_collector_and_turns_it_back_on():
    import streamlit_app  # the served module; importing it starts no server

    streamlit_app.import_for_first_answer()
    try:
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the imported objects are left out of later collections
        assert "digits.recognition" in sys.modules
    finally:
        gc.unfreeze()

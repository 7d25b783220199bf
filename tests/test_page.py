"""Page logic with Streamlit's AppTest (no browser): what the page says around the canvas."""

import gc
import json
import os

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


@pytest.fixture
def start_up_imports(monkeypatch):
    """The start-up import with imports faked: records whether garbage collection was on for each, and
    fails for the names put in `failing`."""
    import streamlit_app  # importing the served module starts no server

    imported, failing = [], set()

    def fake_import(name):
        imported.append((name, gc.isenabled()))
        if name in failing:
            raise ImportError(f"no {name}")

    monkeypatch.setattr(streamlit_app.importlib, "import_module", fake_import)
    yield streamlit_app.import_for_first_answer, imported, failing
    gc.unfreeze()
    gc.enable()


def test_start_up_import_pauses_garbage_collection_then_freezes_what_it_loaded(start_up_imports):
    import_for_first_answer, imported, _ = start_up_imports
    import_for_first_answer()
    assert imported == [("pandas", False), ("pyarrow", False), ("digits.recognition", False)]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_failed_start_up_import_still_turns_garbage_collection_back_on(start_up_imports):
    import_for_first_answer, _, failing = start_up_imports
    failing.add("digits.recognition")
    with pytest.raises(ImportError):
        import_for_first_answer()
    assert gc.isenabled()

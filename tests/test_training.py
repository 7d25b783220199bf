import json

import numpy as np
import pytest

from digits.training import save_model, train
from tests.conftest import run_script


def test_train_script_writes_model_and_metadata(tmp_path):
    out = tmp_path / "smoke.keras"
    done = run_script("train.py", "--limit", 300, "--epochs", 1, "--seed", 3, "--out", out)
    assert done.returncode == 0, done.stderr
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["name"] == "smoke" and metadata["epochs"] == 1 and metadata["limit"] == 300
    assert 0 <= metadata["test_accuracy"] <= 1 and set(metadata["per_digit_accuracy"]) == set("0123456789")
    assert metadata["data_sha256"] and metadata["tensorflow_version"] and metadata["parameters"] > 10000
    assert "--limit 300" in metadata["command"] and metadata["training_seconds"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["smoke.json", "smoke.keras"]  # no temporary files


def test_train_script_explains_missing_data(tmp_path):
    done = run_script("train.py", "--data", tmp_path / "none.npz", "--out", tmp_path / "m.keras")
    assert done.returncode == 2
    assert "MNIST file not found" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_same_seed_same_model(mnist):
    first, second, other = (train(mnist, epochs=1, limit=256, seed=s, verbose=0) for s in (5, 5, 6))
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(first.get_weights(), other.get_weights()))


def test_a_failed_save_leaves_the_old_model_untouched(tmp_path, mnist, monkeypatch):
    model = train(mnist, epochs=1, limit=128, verbose=0)
    path = save_model(model, {"test_accuracy": 0.5}, tmp_path / "m.keras")
    before = path.read_bytes()

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(model), "save", broken_save)
    with pytest.raises(OSError):
        save_model(model, {"test_accuracy": 0.9}, path)
    assert path.read_bytes() == before
    assert json.loads(path.with_suffix(".json").read_text())["test_accuracy"] == 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.keras"]

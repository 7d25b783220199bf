import numpy as np
import pytest

from digits.data import MnistError, NamedFileMissing, find_mnist, load_mnist

SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"


def fake_mnist(path, **changes):
    arrays = {
        "x_train": np.zeros((20, 28, 28), np.uint8), "y_train": np.arange(20, dtype=np.uint8) % 10,
        "x_test": np.zeros((10, 28, 28), np.uint8), "y_test": np.arange(10, dtype=np.uint8),
    }
    arrays.update(changes)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def test_loads_the_verified_file_from_the_environment(mnist):
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_train.dtype == np.uint8
    assert mnist.y_train.shape == (60000,) and mnist.x_test.shape == (10000, 28, 28)
    assert set(np.unique(mnist.y_test)) == set(range(10))
    assert mnist.sha256 == SHA256


def test_an_explicit_path_comes_first(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_MNIST", str(fake_mnist(tmp_path / "env.npz")))
    explicit = fake_mnist(tmp_path / "explicit.npz", y_test=np.full(10, 3, np.uint8))
    assert load_mnist(explicit).path == explicit
    assert load_mnist().path == tmp_path / "env.npz"


def test_the_keras_cache_is_used_when_the_variable_is_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGITS_MNIST", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras" / "datasets").mkdir(parents=True)
    cached = fake_mnist(tmp_path / ".keras" / "datasets" / "mnist.npz")
    assert find_mnist(download=False) == cached
    # Keras' cache is under $KERAS_HOME where that is set: a copy Keras had fetched there was not found, and
    # downloaded again (a review, 2026-12-07).
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    (tmp_path / "keras-home" / "datasets").mkdir(parents=True)
    fetched = fake_mnist(tmp_path / "keras-home" / "datasets" / "mnist.npz")
    assert find_mnist(download=False) == fetched


def test_a_file_named_that_is_not_there_is_an_error_and_no_other_stands_in(tmp_path, monkeypatch):
    # A mistyped $DIGITS_MNIST had been passed over in silence, for the Keras cache's file or a download (a review,
    # 2026-12-07).
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    (tmp_path / ".keras" / "datasets").mkdir(parents=True)
    fake_mnist(tmp_path / ".keras" / "datasets" / "mnist.npz")
    monkeypatch.setenv("DIGITS_MNIST", str(tmp_path / "mnsit.npz"))
    with pytest.raises(NamedFileMissing, match=f"not found: \\$DIGITS_MNIST {tmp_path / 'mnsit.npz'}\n"):
        find_mnist()
    monkeypatch.setenv("DIGITS_MNIST", str(tmp_path))
    with pytest.raises(NamedFileMissing, match=f"\\$DIGITS_MNIST {tmp_path} is a folder; name the mnist.npz in it"):
        load_mnist()
    with pytest.raises(NamedFileMissing, match=f"not found: {tmp_path} is a folder"):
        load_mnist(tmp_path)


def test_a_missing_explicit_file_is_a_clear_error(tmp_path):
    with pytest.raises(MnistError, match="not found: .*nowhere.npz") as error:
        load_mnist(tmp_path / "nowhere.npz")
    assert "DIGITS_MNIST" in str(error.value)


def test_nothing_found_names_every_place_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_MNIST", "")  # set empty: as unset
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    with pytest.raises(MnistError) as error:
        load_mnist(download=False)
    message = str(error.value)
    assert "$DIGITS_MNIST: not set" in message
    assert f"Keras cache: {tmp_path / '.keras' / 'datasets' / 'mnist.npz'} (missing)" in message
    assert "download: not attempted" in message and "--data" in message


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"y_test": None}, "no array 'y_test'"),
        ({"x_train": np.zeros((20, 28, 28), np.float32)}, "'x_train' is float32"),
        ({"x_test": np.zeros((10, 32, 32), np.uint8)}, r"'x_test' is uint8 \(10, 32, 32\)"),
        ({"y_train": np.full(20, 11, np.uint8)}, "labels must be 0-9"),
        ({"y_test": np.zeros(7, np.uint8)}, "10 test images but 7 labels"),
        ({"y_train": np.uint8(3)}, r"'y_train' is uint8 \(\), expected uint8 \(60000,\)"),  # had failed len()
    ],
)
def test_a_malformed_file_is_a_clear_error(tmp_path, changes, expected):
    with pytest.raises(MnistError, match=expected):
        load_mnist(fake_mnist(tmp_path / "bad.npz", **changes))


def test_a_file_that_is_not_npz_is_a_clear_error(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_text("not a zip file")
    with pytest.raises(MnistError, match="not a readable .npz file \\(not a zip archive\\)") as raised:
        load_mnist(path)
    assert "pickle" not in str(raised.value)  # numpy's advice to load it unsafely
    # Truncated, it is still a zip archive to Python, but not one whose arrays can be read.
    real = fake_mnist(tmp_path / "real.npz")
    path.write_bytes(real.read_bytes()[:-100])
    with pytest.raises(MnistError, match="not a readable .npz"):
        load_mnist(path)

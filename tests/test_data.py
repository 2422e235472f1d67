"""Data sets without internet: the registry, MNIST's stand-in, and the Keras loader patched inside
the sandbox for the data sets a lab declares (and only those)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.data import DATASETS, data_sources, dataset, is_standin, standin_notes
from grader.data.mnist import MNIST, STANDIN, load_mnist, mnist_source
from grader.sandbox.shims import apply_kernel_shims
from grader.sandbox.supervisor import Sandbox, SandboxSpec
from grader.settings import Settings

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"


def test_standin_looks_like_keras_mnist(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GRADER_MNIST", raising=False)
    assert mnist_source() == STANDIN
    (x_train, y_train), (x_test, y_test) = load_mnist(STANDIN)
    assert x_train.shape[1:] == (28, 28) and x_train.dtype == np.uint8 and x_test.shape[1:] == (28, 28)
    assert set(np.unique(y_train)) == set(range(10)) and len(x_train) + len(x_test) == 1797
    assert x_train.max() > 200 and (x_train[:, :2, :] == 0).all()  # MNIST-like range and border


def test_a_local_mnist_npz_is_preferred(monkeypatch, tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(
        path,
        x_train=np.zeros((2, 28, 28), np.uint8),
        y_train=np.zeros(2, np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    monkeypatch.setenv("GRADER_MNIST", str(path))
    assert mnist_source() == str(path)
    assert load_mnist(str(path))[0][0].shape == (2, 28, 28)


def test_every_data_set_has_its_setting_and_a_note_in_every_language():
    for data_set in DATASETS.values():
        assert data_set.setting in vars(Settings()), f"{data_set.name}: no Settings field {data_set.setting!r}"
        assert set(data_set.standin_note) == {"pl", "en"}


def test_an_unknown_data_set_names_the_known_ones():
    with pytest.raises(KeyError, match=r"no data set named 'cifar10' in grader/data \(known: mnist\)"):
        dataset("cifar10")


def test_the_setting_wins_over_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.delenv("GRADER_MNIST", raising=False)
    assert data_sources(["mnist"], Settings()) == {"mnist": STANDIN}
    assert data_sources(["mnist"], Settings(mnist="/data/mnist.npz")) == {"mnist": "/data/mnist.npz"}
    assert data_sources([], Settings(mnist="/data/mnist.npz")) == {}  # not declared: not served


def test_the_stand_in_is_told_by_the_registry_not_by_a_substring():
    assert is_standin("mnist", STANDIN) and is_standin("mnist", f"{STANDIN} (subsample: 2000 train, 500 test)")
    assert not is_standin("mnist", "/data/standin:x/mnist.npz")  # a path that merely contains the word
    assert not is_standin("torchvision", "grader shim (no torchvision), MNIST from standin:sklearn-digits")
    assert standin_notes([("mnist", STANDIN), ("tensorflow", "2.x")], "en") == [MNIST.standin_note["en"]]
    assert standin_notes([("mnist", "/data/mnist.npz")], "pl") == []


def test_execute_mode_serves_each_declared_data_set_subsampled():
    try:
        environment = apply_kernel_shims("none", {"mnist": STANDIN}, 1, {"mnist": {"train": 100, "test": 50}})
        (x_train, _), (x_test, _) = MNIST.served(STANDIN)
        assert environment == {"mnist": f"{STANDIN} (subsample: 100 train, 50 test)", "epochs_cap": 1}
        assert (len(x_train), len(x_test)) == (100, 50)
    finally:
        MNIST.serve_subsample(None, None)
    assert len(MNIST.served(STANDIN)[0][0]) == 1500


@pytest.mark.slow
def test_student_keras_mnist_loader_works_offline_in_the_sandbox():
    spec = SandboxSpec(public_dir=PUBLIC, framework="tensorflow", start_timeout_s=120, data={"mnist": STANDIN})
    with Sandbox(spec) as sandbox:
        sandbox.load("s", [], {}, 60)
        values, _ = sandbox.probe("s", "keras_mnist", None, {}, {}, 60)
        assert sandbox.environment["mnist"] == STANDIN and "tensorflow" in sandbox.environment
    assert values["x_train_shape"][1:] == [28, 28] and values["x_dtype"] == "uint8"
    assert values["labels"] == list(range(10))


@pytest.mark.slow
def test_keras3_loader_is_patched_when_a_keras2_lab_imports_it():
    """Keras 2 labs do not import Keras 3 ahead (a second of every worker's start), yet a student
    who imports its MNIST loader gets the local data."""
    spec = SandboxSpec(
        public_dir=PUBLIC,
        framework="tensorflow",
        start_timeout_s=120,
        env={"TF_USE_LEGACY_KERAS": "1"},
        data={"mnist": STANDIN},
    )
    with Sandbox(spec) as sandbox:
        sandbox.load("s", [], {}, 60)
        values, _ = sandbox.probe("s", "keras3_mnist", None, {}, {}, 60)
    assert values == {"x_train_shape": [1500, 28, 28], "keras_imported_before": False}

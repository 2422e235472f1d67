"""MNIST without internet: the stand-in, and the Keras loader patched inside the sandbox."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.data.mnist import STANDIN, load_mnist, mnist_source
from grader.sandbox.supervisor import Sandbox, SandboxSpec

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


@pytest.mark.slow
def test_student_keras_mnist_loader_works_offline_in_the_sandbox():
    spec = SandboxSpec(public_dir=PUBLIC, framework="tensorflow", start_timeout_s=120)
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
    spec = SandboxSpec(public_dir=PUBLIC, framework="tensorflow", start_timeout_s=120, env={"TF_USE_LEGACY_KERAS": "1"})
    with Sandbox(spec) as sandbox:
        sandbox.load("s", [], {}, 60)
        values, _ = sandbox.probe("s", "keras3_mnist", None, {}, {}, 60)
    assert values == {"x_train_shape": [1500, 28, 28], "keras_imported_before": False}

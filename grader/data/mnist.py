"""MNIST without internet (DESIGN.md "Data without internet").

:func:`load_mnist` returns ``((x_train, y_train), (x_test, y_test))`` as uint8 28x28 images
and uint8 labels, like ``keras.datasets.mnist.load_data()``. It reads the Keras cache file
``mnist.npz`` (``$KERAS_HOME/datasets``, ``~/.keras/datasets`` or ``GRADER_MNIST``) when there
is one; otherwise it builds a stand-in from scikit-learn's bundled handwritten digits (8x8,
values 0-16, upscaled to 28x28), and says so in :func:`mnist_source`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

STANDIN = "standin:sklearn-digits"


def mnist_candidates() -> list[Path]:
    paths = []
    if os.environ.get("GRADER_MNIST"):
        paths.append(Path(os.environ["GRADER_MNIST"]))
    if os.environ.get("KERAS_HOME"):
        paths.append(Path(os.environ["KERAS_HOME"]) / "datasets" / "mnist.npz")
    paths.append(Path.home() / ".keras" / "datasets" / "mnist.npz")
    return paths


def mnist_source() -> str:
    """The file MNIST is read from, or ``standin:sklearn-digits``."""
    for path in mnist_candidates():
        if path.is_file():
            return str(path)
    return STANDIN


@lru_cache(maxsize=2)
def load_mnist(source: str | None = None):
    """MNIST (or the stand-in) as Keras's ``mnist.load_data()`` returns it."""
    source = source or mnist_source()
    if source != STANDIN:
        with np.load(source, allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    return _standin()


_SERVED: dict[str, int | None] = {"train": None, "test": None}


def serve_subsample(train: int | None, test: int | None) -> None:
    """From now on :func:`served_mnist` returns at most ``train``/``test`` images (execute mode:
    students' training runs on a subsample so that a whole class runs in minutes)."""
    _SERVED.update(train=train, test=test)


def served_mnist(source: str | None = None):
    """What the sandbox's MNIST loaders return: :func:`load_mnist`, subsampled when
    :func:`serve_subsample` asked for it (the same seeded subsample every time)."""
    (x_train, y_train), (x_test, y_test) = load_mnist(source)
    return _subsample(x_train, y_train, _SERVED["train"], 1), _subsample(x_test, y_test, _SERVED["test"], 2)


def _subsample(x, y, size: int | None, seed: int):
    if size is None or size >= len(x):
        return x, y
    keep = np.sort(np.random.default_rng(seed).choice(len(x), size, replace=False))
    return x[keep], y[keep]


def _standin():
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0  # (1797, 8, 8) in [0, 1]
    # 8x8 -> 24x24 by repeating pixels, then a 2-pixel border as MNIST has.
    big = np.kron(images, np.ones((3, 3), dtype=np.float32))
    padded = np.pad(big, ((0, 0), (2, 2), (2, 2)))
    x = np.clip(np.round(padded * 255), 0, 255).astype(np.uint8)
    y = digits.target.astype(np.uint8)
    split = 1500
    return (x[:split], y[:split]), (x[split:], y[split:])

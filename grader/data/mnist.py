"""MNIST without internet (DESIGN.md "Data without internet"): the registry's :data:`MNIST`.

:func:`load_mnist` returns ``((x_train, y_train), (x_test, y_test))`` as uint8 28x28 images
and uint8 labels, like ``keras.datasets.mnist.load_data()``. It reads the Keras cache file
``mnist.npz`` (``$KERAS_HOME/datasets``, ``~/.keras/datasets``, ``GRADER_MNIST`` or the ``mnist``
setting) when there is one; otherwise it builds a stand-in from scikit-learn's bundled handwritten
digits (8x8, values 0-16, upscaled to 28x28), and says so in :func:`mnist_source`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .dataset import DataSet, Splits

STANDIN = "standin:sklearn-digits"


def _read_npz(path: str) -> Splits:
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _standin() -> Splits:
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


MNIST = DataSet(
    name="mnist",
    setting="mnist",
    setting_help="path of an mnist.npz; empty = the Keras cache or the stand-in",
    cache_file="mnist.npz",
    environment_variable="GRADER_MNIST",
    standin=STANDIN,
    standin_note={
        "pl": "Uwaga: zamiast MNIST użyto zastępczego zbioru zbudowanego z cyfr scikit-learn (load_digits, 8x8 "
        "powiększone do 28x28).",
        "en": "Note: the MNIST stand-in built from scikit-learn digits (load_digits, 8x8 upscaled to 28x28) was used "
        "instead of MNIST.",
    },
    read_file=_read_npz,
    build_standin=_standin,
    keras_module="mnist",
)


def mnist_candidates() -> list[Path]:
    """Where an ``mnist.npz`` may be: ``GRADER_MNIST``, then the Keras cache."""
    return MNIST.candidates()


def mnist_source() -> str:
    """The file MNIST is read from, or ``standin:sklearn-digits``."""
    return MNIST.source()


def load_mnist(source: str | None = None) -> Splits:
    """MNIST (or the stand-in) as Keras's ``mnist.load_data()`` returns it."""
    return MNIST.load(source)


def serve_subsample(train: int | None, test: int | None) -> None:
    """From now on :func:`served_mnist` returns at most ``train``/``test`` images (execute mode)."""
    MNIST.serve_subsample(train, test)


def served_mnist(source: str | None = None) -> Splits:
    """What the sandbox's MNIST loaders return: :func:`load_mnist`, subsampled in execute mode."""
    return MNIST.served(source)

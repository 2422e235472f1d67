"""What a lab's code needs to run in the sandbox, applied before any student code.

- matplotlib draws on Agg and ``plt.show()`` does nothing (no display, no blocking);
- MNIST loaders (Keras 3, tf.keras / Keras 2, torchvision's ``datasets.MNIST``) return the local
  cache or the stand-in, since there is no internet; without torchvision installed, the grader's
  minimal stand-in package is importable as ``torchvision`` (``grader.compat``);
- TensorFlow and torch run on one thread (workers run in parallel, one per core);
- in execute mode's kernel, training is capped (Keras ``Model.fit``).
What is particular to a framework is its adapter's (:mod:`grader.frameworks`). Returns what was
applied, for the report.
"""

from __future__ import annotations

import os

from ..data.mnist import mnist_source, serve_subsample
from ..frameworks import framework_for


def apply_shims(framework: str, data: dict) -> dict:
    """In the worker, before any student code: MNIST offline, matplotlib on Agg, the lab's
    framework on one thread; what was applied, for the report."""
    environment: dict[str, object] = {}
    source = data.get("mnist") or mnist_source()
    environment["mnist"] = source
    _matplotlib()
    environment.update(framework_for(framework).apply_shims(source))
    return environment


def apply_kernel_shims(framework: str, data: dict, epochs: int, mnist_train: int, mnist_test: int) -> dict:
    """Execute mode, in the Jupyter kernel: the same data shims, MNIST subsampled, training capped
    at ``epochs`` (Keras ``fit`` here; a course helper reads the rubric's ``execute.epochs_variable``). matplotlib keeps
    the kernel's inline backend: ``plt.show()`` becomes the cell's image output."""
    source = data.get("mnist") or mnist_source()
    serve_subsample(mnist_train, mnist_test)
    environment: dict[str, object] = {
        "mnist": f"{source} (subsample: {mnist_train} train, {mnist_test} test)",
        "epochs_cap": epochs,
    }
    environment.update(framework_for(framework).apply_kernel_shims(source, epochs))
    return environment


def _matplotlib() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.show = lambda *a, **k: None

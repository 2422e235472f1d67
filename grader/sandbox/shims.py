"""What a lab's code needs to run in the sandbox, applied before any student code.

- matplotlib draws on Agg and ``plt.show()`` does nothing (no display, no blocking);
- the data sets the lab declares (its rubric's ``datasets:``, sent as ``data``: name -> source)
  are served by the framework's own loaders (Keras 3, tf.keras / Keras 2, torchvision's
  ``datasets``) from the local file or the stand-in, since there is no internet (the registry
  :mod:`grader.data` says how); without torchvision installed, the grader's minimal stand-in
  package is importable as ``torchvision`` (``grader.compat``);
- TensorFlow and torch run on one thread (workers run in parallel, one per core);
- in execute mode's kernel, training is capped (Keras ``Model.fit``).
What is particular to a framework is its adapter's (:mod:`grader.frameworks`). Returns what was
applied, for the report.
"""

from __future__ import annotations

import os

from ..data import dataset
from ..frameworks import framework_for


def apply_shims(framework: str, data: dict[str, str]) -> dict:
    """In the worker, before any student code: the declared data sets offline (``data``: name ->
    source), matplotlib on Agg, the lab's framework on one thread; what was applied, for the report."""
    environment: dict[str, object] = dict(data)
    _matplotlib()
    environment.update(framework_for(framework).apply_shims(data))
    return environment


def apply_kernel_shims(framework: str, data: dict[str, str], epochs: int, sizes: dict[str, dict[str, int]]) -> dict:
    """Execute mode, in the Jupyter kernel: the same data shims, each data set subsampled to its
    ``sizes`` (name -> ``{"train": n, "test": m}``, the rubric's ``datasets:``), training capped at
    ``epochs`` (Keras ``fit`` here; a course helper reads the rubric's ``execute.epochs_variable``).
    matplotlib keeps the kernel's inline backend: ``plt.show()`` becomes the cell's image output."""
    environment: dict[str, object] = {}
    for name, source in data.items():
        size = sizes.get(name, {})
        train, test = size.get("train"), size.get("test")
        dataset(name).serve_subsample(train, test)
        environment[name] = f"{source} (subsample: {train} train, {test} test)"
    environment["epochs_cap"] = epochs
    environment.update(framework_for(framework).apply_kernel_shims(data, epochs))
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

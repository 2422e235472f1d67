"""What a lab's code needs to run in the sandbox, applied before any student code.

- matplotlib draws on Agg and ``plt.show()`` does nothing (no display, no blocking);
- MNIST loaders (Keras 3, tf.keras / Keras 2, torchvision's ``datasets.MNIST``) return the local
  cache or the stand-in, since there is no internet; without torchvision installed, the grader's
  minimal stand-in package is importable as ``torchvision`` (``grader.compat``);
- TensorFlow runs on one thread (workers run in parallel, one per core).
Returns what was applied, for the report.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys

from ..data.mnist import mnist_source, serve_subsample, served_mnist


def apply_shims(framework: str, data: dict) -> dict:
    environment: dict[str, object] = {}
    source = data.get("mnist") or mnist_source()
    environment["mnist"] = source
    _matplotlib()
    if framework == "tensorflow":
        environment.update(_tensorflow(source))
    elif framework == "torch":
        environment.update(_torch(source))
    return environment


def apply_kernel_shims(framework: str, data: dict, epochs: int, mnist_train: int, mnist_test: int) -> dict:
    """Execute mode, in the Jupyter kernel: the same data shims, MNIST subsampled, training capped
    at ``epochs`` (Keras ``fit`` here; ``train_ae`` reads ``GRADER_MAX_EPOCHS``). matplotlib keeps
    the kernel's inline backend: ``plt.show()`` becomes the cell's image output."""
    source = data.get("mnist") or mnist_source()
    serve_subsample(mnist_train, mnist_test)
    environment: dict[str, object] = {"mnist": f"{source} (subsample: {mnist_train} train, {mnist_test} test)",
                                      "epochs_cap": epochs}
    if framework == "tensorflow":
        environment.update(_tensorflow(source))
        from .kernel_side import cap_fit

        for module_name in ("tensorflow", "keras", "tf_keras"):
            module = sys.modules.get(module_name)
            model = getattr(getattr(module, "keras", module), "Model", None) if module_name == "tensorflow" else \
                getattr(module, "Model", None)
            if model is not None:
                cap_fit(model, epochs)
    elif framework == "torch":
        environment.update(_torch(source))
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


def _tensorflow(source: str) -> dict:
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # already initialised: keep its settings
    loader = lambda *a, **k: served_mnist(source)  # noqa: E731
    tf.keras.datasets.mnist.load_data = loader
    versions = {"tensorflow": tf.__version__}
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1" and "keras" not in sys.modules:
        # Keras 2 lab: tf.keras is tf-keras; Keras 3 (1 s to import) is patched only if a student
        # imports it (`from keras.datasets import mnist`)
        sys.meta_path.insert(0, AfterImport("keras.datasets.mnist", lambda module: setattr(module, "load_data", loader)))
    else:
        try:
            import keras

            keras.datasets.mnist.load_data = loader
            versions["keras"] = keras.__version__
        except ImportError:
            pass
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras

        versions["tf.keras"] = f"tf-keras {tf_keras.__version__} (Keras 2)"
    else:
        versions["tf.keras"] = f"keras {versions.get('keras', '?')} (Keras 3)"
    return versions


class AfterImport(importlib.abc.MetaPathFinder):
    """Run ``hook(module)`` right after the module ``name`` is first imported, then step aside:
    a shim for a library that is only sometimes imported, without importing it ahead."""

    def __init__(self, name: str, hook):
        self.name, self.hook = name, hook

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original, hook = spec.loader, self.hook

        class Loader(importlib.abc.Loader):
            def create_module(self, spec_):
                return original.create_module(spec_)

            def exec_module(self, module):
                original.exec_module(module)
                hook(module)

        spec.loader = Loader()
        return spec


def _torch(source: str) -> dict:
    import torch

    from ..compat.torchvision_shim import install_torchvision

    torch.set_num_threads(1)
    return {"torch": torch.__version__, "torchvision": install_torchvision(source)}

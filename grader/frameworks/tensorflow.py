"""TensorFlow labs, Keras 2 (tf-keras, ``TF_USE_LEGACY_KERAS=1``) and Keras 3: the adapter.

The flavour is chosen by the environment before TensorFlow is imported: a Keras 2 lab's sandbox
has ``TF_USE_LEGACY_KERAS=1`` (from the rubric's or the settings' ``keras: 2``), and then
``tf.keras`` is tf-keras; otherwise it is Keras 3. Every Keras flavour present gets the same
loader for each data set the lab declares (``keras.datasets.<its keras_module>.load_data``, from
the registry :mod:`grader.data`) and, in execute mode, ``Model.fit`` capped at the lab's epochs.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping

import numpy as np

from ..data import dataset
from .base import AfterImport, Framework

LEGACY_KERAS = "TF_USE_LEGACY_KERAS"


def _legacy_keras() -> bool:
    return os.environ.get(LEGACY_KERAS) == "1"


class TensorFlow(Framework):
    """TensorFlow with Keras 2 (tf-keras) or Keras 3."""

    name = "tensorflow"
    label = "tensorflow"

    def preload(self) -> list[str]:
        import tensorflow  # noqa: F401 - heavy, and only for TensorFlow labs: imported on demand

        if _legacy_keras():
            import tf_keras  # noqa: F401

            return ["tensorflow", "tf_keras"]
        import keras  # noqa: F401

        return ["tensorflow", "keras"]

    def flavour_env(self, keras: str) -> dict[str, str]:
        return {LEGACY_KERAS: "1"} if keras == "2" else {}

    def sandbox_env(self) -> dict[str, str]:
        return {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}

    def apply_shims(self, data: Mapping[str, str]) -> dict:
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # already initialised: keep its settings

        # keras.datasets module name -> the loader serving that data set from its source
        loaders = {
            dataset(name).keras_module: _loader(name, source)
            for name, source in data.items()
            if dataset(name).keras_module
        }
        for module_name, loader in loaders.items():
            getattr(tf.keras.datasets, module_name).load_data = loader
        versions = {"tensorflow": tf.__version__}
        if _legacy_keras() and "keras" not in sys.modules:
            # Keras 2 lab: tf.keras is tf-keras; Keras 3 (1 s to import) is patched only if a student
            # imports it (`from keras.datasets import mnist`)
            for module_name, loader in loaders.items():
                sys.meta_path.insert(
                    0,
                    AfterImport(
                        f"keras.datasets.{module_name}",
                        lambda module, loader=loader: setattr(module, "load_data", loader),
                    ),
                )
        else:
            try:
                import keras

                for module_name, loader in loaders.items():
                    getattr(keras.datasets, module_name).load_data = loader
                versions["keras"] = keras.__version__
            except ImportError:
                pass
        if _legacy_keras():
            import tf_keras

            versions["tf.keras"] = f"tf-keras {tf_keras.__version__} (Keras 2)"
        else:
            versions["tf.keras"] = f"keras {versions.get('keras', '?')} (Keras 3)"
        return versions

    def apply_kernel_shims(self, data: Mapping[str, str], epochs: int) -> dict:
        versions = self.apply_shims(data)
        for model in _keras_model_classes():
            cap_fit(model, epochs)
        return versions

    def seed(self, seed: int) -> None:
        if "tensorflow" not in sys.modules:
            return
        import tensorflow as tf

        tf.random.set_seed(seed)
        keras = sys.modules.get("keras")
        if keras is not None and hasattr(keras, "utils") and hasattr(keras.utils, "set_random_seed"):
            keras.utils.set_random_seed(seed)

    def tensor_to_numpy(self, value) -> np.ndarray | None:
        return value.numpy() if hasattr(value, "numpy") else None  # eager tensor, variable


def _loader(name: str, source: str) -> Callable:
    """A ``load_data()`` that serves the data set ``name`` from ``source`` (arguments ignored: the
    data are local)."""

    def load_data(*_args, **_kwargs):
        return dataset(name).served(source)

    return load_data


def _keras_model_classes() -> list[type]:
    """``Model`` of every Keras flavour imported: ``tf.keras``, Keras 3, tf-keras."""
    classes = []
    for module_name in ("tensorflow", "keras", "tf_keras"):
        module = sys.modules.get(module_name)
        keras = getattr(module, "keras", module) if module_name == "tensorflow" else module
        model = getattr(keras, "Model", None)
        if model is not None:
            classes.append(model)
    return classes


def cap_fit(model_class, epochs: int) -> None:
    """``model_class.fit`` (and Keras 2's ``fit_generator``) with ``epochs`` capped."""
    for method in ("fit", "fit_generator"):
        original = getattr(model_class, method, None)
        if original is None or getattr(original, "_grader_capped", False):
            continue

        @functools.wraps(original)
        def capped(self, *args, __original=original, **kwargs):
            if len(args) >= 4:  # fit(x, y, batch_size, epochs, ...)
                args = (*args[:3], min(int(args[3]), epochs), *args[4:])
            else:
                kwargs["epochs"] = min(int(kwargs.get("epochs", 1)), epochs)
            return __original(self, *args, **kwargs)

        # a marker on the function: functools.wraps' type declares none
        setattr(capped, "_grader_capped", True)  # noqa: B010
        setattr(model_class, method, capped)

"""One call that seeds every framework a probe may touch (DESIGN.md decision 7).

Only frameworks already imported are seeded: seeding must not import TensorFlow or torch
into a process that does not use them (seconds of start-up, and forking hazards).
"""
from __future__ import annotations

import os
import random
import sys

import numpy as np


def seed_everything(seed: int) -> None:
    """Seed random, numpy, TensorFlow/Keras, torch and pyro (those already imported)."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
        keras = sys.modules.get("keras")
        if keras is not None and hasattr(keras, "utils") and hasattr(keras.utils, "set_random_seed"):
            keras.utils.set_random_seed(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
    if "pyro" in sys.modules:
        import pyro

        pyro.set_rng_seed(seed)

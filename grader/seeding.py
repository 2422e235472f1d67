"""One call that seeds every framework a probe may touch (DESIGN.md decision 7).

Only frameworks already imported are seeded: seeding must not import TensorFlow or torch
into a process that does not use them (seconds of start-up, and forking hazards).
"""

from __future__ import annotations

import os
import random

import numpy as np

from .frameworks import FRAMEWORKS


def seed_everything(seed: int) -> None:
    """Seed random, numpy, TensorFlow/Keras, torch and pyro (those already imported)."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    for framework in FRAMEWORKS:
        framework.seed(seed)

"""PyTorch labs, with pyro: the adapter.

torchvision cannot be installed on the grading machine; :mod:`grader.compat` provides the real
one's ``datasets.MNIST`` offline (when the lab declares ``mnist`` in its ``datasets:``), or a
minimal stand-in package.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import numpy as np

from ..compat.torchvision_shim import install_torchvision
from ..data.mnist import MNIST
from .base import Framework


class Torch(Framework):
    """torch and pyro (pyro is preloaded and seeded with torch)."""

    name = "torch"
    label = "torch"

    def preload(self) -> list[str]:
        import torch  # heavy, and only for torch labs: imported on demand

        torch.set_num_threads(1)  # before any op: a multi-threaded op in the parent hangs every child
        torch.set_num_interop_threads(1)
        import pyro  # noqa: F401

        return ["torch", "pyro"]

    def apply_shims(self, data: Mapping[str, str]) -> dict:
        import torch

        torch.set_num_threads(1)
        # torchvision is importable whatever the lab declares; its MNIST is served only when declared
        return {"torch": torch.__version__, "torchvision": install_torchvision(data.get(MNIST.name))}

    def seed(self, seed: int) -> None:
        if "torch" in sys.modules:
            import torch

            torch.manual_seed(seed)
        if "pyro" in sys.modules:
            import pyro

            pyro.set_rng_seed(seed)

    def tensor_to_numpy(self, value) -> np.ndarray | None:
        return value.detach().cpu().numpy() if hasattr(value, "detach") else None

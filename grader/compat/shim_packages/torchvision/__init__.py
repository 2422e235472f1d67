"""A minimal torchvision for the grader's sandbox (not the real one).

The real torchvision cannot be installed here without gigabytes of CUDA wheels, and the
sandbox has no internet to download MNIST anyway. This package provides only what the labs
use: ``torchvision.datasets.MNIST`` (served from the local MNIST cache or the scikit-learn
stand-in, see :mod:`grader.data.mnist`) and ``torchvision.transforms`` (``ToTensor``,
``Normalize``, ``Compose``, ``Lambda``). It is on ``sys.path`` only when the real
torchvision is not importable (:func:`grader.compat.install_torchvision`); a real one wins.
"""

from . import datasets, transforms

__version__ = "0.0+grader-shim"

__all__ = ["__version__", "datasets", "transforms"]

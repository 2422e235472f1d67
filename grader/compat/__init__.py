"""Third-party stand-ins used by the sandbox.

The sandbox has no internet and this machine cannot install some packages the labs import
(torchvision needs gigabytes of CUDA wheels). :func:`install_torchvision` makes
``torchvision.datasets.MNIST`` serve the local MNIST cache (or the scikit-learn stand-in): it
patches the real torchvision when one is installed, otherwise it puts the minimal replacement
in ``shim_packages/`` on ``sys.path``.
"""

from __future__ import annotations

from .torchvision_shim import SHIM_DIR, install_torchvision

__all__ = ["SHIM_DIR", "install_torchvision"]

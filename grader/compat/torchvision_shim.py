"""``torchvision`` in the sandbox: the real one when installed, else the grader's stand-in.

torchvision cannot be installed on the grading machine (its wheels pull gigabytes of CUDA
packages) and the sandbox has no internet, yet the PyTorch labs load MNIST with
``torchvision.datasets.MNIST(root, download=True, ...)``. :func:`install_torchvision`, called
by the sandbox's shims before any student code, makes that work offline from the local MNIST
cache or the scikit-learn stand-in (:mod:`grader.data.mnist`):

- real torchvision importable: it is imported and ``torchvision.datasets.MNIST`` is replaced
  by a subclass of the real class that never downloads (items still come from the real
  ``__getitem__``, transforms are the real ones);
- otherwise ``shim_packages/`` is appended to ``sys.path`` (appended: a real torchvision
  always wins) so that ``import torchvision`` finds the minimal replacement there.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from ..data.mnist import served_mnist

SHIM_DIR = Path(__file__).resolve().parent / "shim_packages"


def install_torchvision(source: str | None) -> str:
    """Make ``torchvision.datasets.MNIST`` serve MNIST from ``source`` (a path or
    ``standin:sklearn-digits``); return what was installed, for the report. ``source`` None (the lab
    declares no ``mnist`` in its ``datasets:``): torchvision importable, a real one left as it is
    (the stand-in package's MNIST, which cannot download, still reads the local default)."""
    served = f", MNIST from {source}" if source is not None else ""
    if _real_torchvision_available():
        try:
            import torchvision
        except Exception as exc:  # noqa: BLE001 - a broken install must not stop the grading
            _forget_torchvision()
            sys.path.insert(0, str(SHIM_DIR))  # the broken one is on sys.path: the shim must go first
            _configure_shim(source)
            return f"grader shim (installed torchvision failed to import: {type(exc).__name__}: {exc}){served}"
        if source is not None:
            _patch_real(torchvision, source)
        return f"torchvision {torchvision.__version__} (real){served}"
    if str(SHIM_DIR) not in sys.path:
        sys.path.append(str(SHIM_DIR))
    _configure_shim(source)
    return f"grader shim (no torchvision){served}"


def _is_shim(path: str | None) -> bool:
    return path is not None and Path(path).resolve().is_relative_to(SHIM_DIR)


def _real_torchvision_available() -> bool:
    loaded = sys.modules.get("torchvision")
    if loaded is not None:
        return not _is_shim(getattr(loaded, "__file__", None))
    try:
        spec = importlib.util.find_spec("torchvision")
    except (ImportError, ValueError):
        return False
    # a real torchvision is a regular package (origin: its __init__.py), never a bare folder
    return spec is not None and spec.origin is not None and not _is_shim(spec.origin)


def _forget_torchvision() -> None:
    for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
        del sys.modules[name]


def _configure_shim(source: str | None) -> None:
    importlib.invalidate_caches()
    mnist = importlib.import_module("torchvision.datasets.mnist")
    if not _is_shim(mnist.__file__):
        raise ImportError(f"expected the grader's torchvision stand-in, imported {mnist.__file__}")
    # by name: the module is imported at run time, its attributes are not declared to the type checker
    setattr(mnist, "SOURCE", source)  # noqa: B010


def _patch_real(torchvision, source: str) -> None:
    """Replace ``torchvision.datasets.MNIST`` (and ``torchvision.datasets.mnist.MNIST``) by a
    subclass of the real class that fills ``data``/``targets`` from ``served_mnist(source)``."""
    import torch

    datasets = importlib.import_module("torchvision.datasets")
    real = datasets.MNIST
    if getattr(real, "_grader_source", None) is not None:  # installed before: update the source
        real._grader_source = source
        return
    try:
        from torchvision.datasets.vision import VisionDataset
    except ImportError:
        VisionDataset = None

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        # the real __init__ would look for (and download) files under root: not called
        if VisionDataset is not None and isinstance(self, VisionDataset):
            VisionDataset.__init__(self, root, transform=transform, target_transform=target_transform)
        else:
            self.root = root
            self.transform, self.target_transform = transform, target_transform
            self.transforms = None
        self.train = train
        (x_train, y_train), (x_test, y_test) = served_mnist(type(self)._grader_source)
        x, y = (x_train, y_train) if train else (x_test, y_test)
        self.data = torch.tensor(x, dtype=torch.uint8)  # copies: served_mnist's arrays are shared
        self.targets = torch.tensor(y, dtype=torch.int64)

    offline = type(
        real.__name__,
        (real,),
        {
            "__init__": __init__,
            "__module__": real.__module__,
            "__qualname__": real.__qualname__,
            "__doc__": f"{real.__name__} served from the grader's local MNIST data: root and download are ignored.",
            "_grader_source": source,
        },
    )
    setattr(datasets, "MNIST", offline)  # noqa: B010 - torchvision is imported at run time, not declared to mypy
    module = sys.modules.get(real.__module__)
    class_name = real.__name__
    if module is not None and getattr(module, class_name, None) is real:
        setattr(module, class_name, offline)

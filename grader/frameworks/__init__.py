"""One adapter per framework a lab may declare (``framework:`` in its rubric).

:func:`framework_for` gives the lab's adapter (what its warm pool preloads, the environment
that selects its flavour, its shims); :data:`FRAMEWORKS` lists them all, for what applies to every
framework a student may have imported (seeding, turning tensors into numpy arrays). The contract
an adapter fulfils is :class:`grader.frameworks.base.Framework`.
"""

from __future__ import annotations

from .base import Framework
from .plain import Plain
from .tensorflow import TensorFlow
from .torch import Torch

__all__ = ["FRAMEWORKS", "Framework", "framework_for"]

# torch before TensorFlow: a torch tensor has a `.numpy()` too, but it must be detached first
FRAMEWORKS: tuple[Framework, ...] = (Torch(), TensorFlow(), Plain())


def framework_for(name: str) -> Framework:
    """The adapter of the framework a rubric declares (``tensorflow``, ``torch``, ``none``)."""
    for framework in FRAMEWORKS:
        if framework.name == name:
            return framework
    known = ", ".join(f.name for f in FRAMEWORKS)
    raise ValueError(
        f"no framework adapter named {name!r} (known: {known}): declare one of them as the "
        "rubric's `framework:`, or add an adapter to grader/frameworks/"
    )

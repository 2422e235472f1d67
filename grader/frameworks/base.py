"""What the grader needs to know about one framework, in one place: the :class:`Framework` adapter.

Generic code never tests a framework's name; it asks :func:`grader.frameworks.framework_for`
for the lab's adapter, or goes through every adapter (seeding, converting tensors). To support a
new framework, subclass :class:`Framework`, override what differs from the plain-Python defaults
and add an instance to ``grader.frameworks.FRAMEWORKS``:

- ``preload()``: what the warm pool's parent imports once, so forked workers start warm; it must
  import only, never run an operation (a child forked after one hangs);
- ``flavour_env(keras)``: the environment that selects the flavour a lab's students wrote for
  (it is also what tells the warm pool's parents apart);
- ``sandbox_env()``: constant environment every sandbox gets (quiet logs, no GPU tricks);
- ``apply_shims(data)`` / ``apply_kernel_shims(data, epochs)``: in the worker, and in execute
  mode's kernel, before any student code: the lab's data sets served by the framework's loaders
  (``data``: data set name -> source, names of the registry :data:`grader.data.DATASETS`), one
  thread, training capped; each returns what it applied, for the report;
- ``seed(seed)``: seed the framework if (and only if) it is already imported;
- ``tensor_to_numpy(value)``: a numpy array from one of its tensors, or None if it is not one.

The frameworks themselves are imported inside the methods: an adapter module is loaded in every
sandbox, and a lab on one framework must not pay seconds to import the others.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable, Mapping

import numpy as np


class Framework:
    """The plain-Python defaults: nothing to import, shim, seed or convert."""

    name = "none"
    label = "plain Python"  # how reports name its warm pool's parent ("forked from the ... zygote")

    def preload(self) -> list[str]:
        """Import what every worker of this framework imports; the names imported."""
        return []

    def flavour_env(self, keras: str) -> dict[str, str]:
        """The environment that selects the flavour (``keras``: "2", "3" or "" for the default)."""
        return {}

    def sandbox_env(self) -> dict[str, str]:
        """Constant environment of every sandbox (a student may import any framework)."""
        return {}

    def apply_shims(self, data: Mapping[str, str]) -> dict:
        """In the worker: serve the data sets ``data`` (name -> source) through the framework's
        loaders, on one thread, offline; what was applied."""
        return {}

    def apply_kernel_shims(self, data: Mapping[str, str], epochs: int) -> dict:
        """In execute mode's kernel: the worker's shims and training capped at ``epochs``."""
        return self.apply_shims(data)

    def seed(self, seed: int) -> None:
        """Seed the framework's random generators if it is imported (never import it here)."""

    def tensor_to_numpy(self, value) -> np.ndarray | None:
        """``value`` as a numpy array if it is one of this framework's tensors, else None."""
        return None


class AfterImport(importlib.abc.MetaPathFinder):
    """Run ``hook(module)`` right after the module ``name`` is first imported, then step aside:
    a shim for a library that is only sometimes imported, without importing it ahead."""

    def __init__(self, name: str, hook: Callable):
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

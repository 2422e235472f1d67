"""Execute mode, inside the Jupyter kernel: what the grader sets up before the student's cells
run, and the bridge through which the judge's probes reach the objects the notebook built.

The worker (:mod:`grader.sandbox.kernel`) runs ``install(config)`` in the kernel as hidden code
before the first cell. It applies the lab's shims to the kernel process:

- the lab's data sets (its rubric's ``datasets:``; Keras loaders, torchvision's ``datasets``)
  served from the local file or the stand-in, subsampled (each one's ``execute_train`` /
  ``execute_test`` items, the same seeded subsample);
- training capped: Keras ``Model.fit``'s ``epochs`` (every Keras flavour present) and the course's
  own helper (through the rubric's ``execute.epochs_variable``) at ``epochs``; top-level assignments of the declared
  names (``epochs``, ``EPOCHS``...) are followed by ``name = min(name, cap)`` (an IPython AST
  transformer: papermill-style overrides that also hold when the cell sets and uses the name);
- matplotlib keeps the kernel's inline backend, so ``plt.show()`` becomes an image output of
  the cell, at a modest resolution;
- the template's globals (the lab's ``scaffold.py``) in the user namespace before the first
  cell, as in definitions mode: a cell that fails before setting one costs only its own item;
- every framework seeded.

Probes run in this process, as in definitions mode they run in the worker: ``Bridge.probe``
reads a request file written by the worker (the protocol's format, ``allow_pickle=False``),
calls the lab's probe on the kernel's namespace and writes the reply file. The judge still
computes every expected value in its own process.
"""

from __future__ import annotations

import ast
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

from IPython import get_ipython

from ..seeding import seed_everything
from . import protocol
from .probing import Namespace, call_probe, import_file
from .shims import apply_kernel_shims


class CapOverrides(ast.NodeTransformer):
    """After each assignment of a declared name (in any block: cell, loop, ``if``, function
    body), ``name = <cap>(name, 'name')``; and at the start of a ``for`` loop whose target binds
    one (``for dim, n_epochs in [(2, 10), (25, 30)]``), the same. A training loop then runs the
    capped number of epochs whether it reads the name at the cell's top or inside a function."""

    def __init__(self, names: dict[str, float], cap_function: str):
        self.names, self.cap_function = names, cap_function

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for block in ("body", "orelse", "finalbody"):
            statements = getattr(node, block, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                setattr(node, block, self._capped(statements))
        if isinstance(node, (ast.For, ast.AsyncFor)):
            node.body = self._caps(self._bound(node.target), node) + node.body
        return node

    def visit_Module(self, node: ast.Module) -> ast.Module:
        self.generic_visit(node)  # changes the module in place (and returns it)
        return ast.fix_missing_locations(node)

    def _capped(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        body = []
        for stmt in statements:
            body.append(stmt)
            body.extend(self._caps(self._assigned(stmt), stmt))
        return body

    def _caps(self, names: set[str], where: ast.stmt) -> list[ast.stmt]:
        return [
            ast.copy_location(ast.parse(f"{name} = {self.cap_function}({name}, {name!r})").body[0], where)
            for name in sorted(names & set(self.names))
        ]

    @classmethod
    def _assigned(cls, stmt: ast.stmt) -> set[str]:
        targets = (
            stmt.targets
            if isinstance(stmt, ast.Assign)
            else [stmt.target]
            if isinstance(stmt, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        return set().union(*(cls._bound(t) for t in targets)) if targets else set()

    @staticmethod
    def _bound(target: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


class Bridge:
    """The grader's handle inside the kernel (stored under an unguessable name)."""

    def __init__(self, config: dict, probes_module, shell, environment: dict):
        self.config, self.probes, self.shell = config, probes_module, shell
        self.environment = environment  # what the kernel's shims installed, for the report
        self.caps: list[str] = []  # what the caps changed, for the report

    def cap(self, value, name: str):
        limit = self.config["overrides"][name]
        try:
            if value > limit:
                self.caps.append(f"{name}: {value} -> {limit:g}")
                return type(value)(limit)
        except TypeError:
            pass  # not a number: left as the student wrote it
        return value

    def probe(self, probe: str, name: str | None, request_path: str, reply_path: str, seed: int) -> None:
        """Answer the request file the worker wrote: the lab's probe on the kernel's namespace."""
        with open(request_path, "rb") as fh:
            header, arrays = protocol.recv(fh)
        reply, out = call_probe(
            self.probes,
            probe,
            Namespace(self.shell.user_ns, name),
            seed,
            header.get("args", {}),
            arrays,
            around=_figures_kept_open,
        )
        with open(reply_path, "wb") as fh:
            protocol.send(fh, reply, out)

    def report(self) -> dict:
        return {"caps": self.caps[-50:]}


@contextmanager
def _figures_kept_open():
    """During a probe, ``plt.show()`` does nothing: the inline backend would display and close
    the figures a probe reads back (what a plotting function drew)."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        yield
        return
    show = plt.show
    plt.show = lambda *a, **k: None
    try:
        yield
    finally:
        plt.show = show


def install(config: dict) -> str:
    """Set the kernel up (see the module docstring); return the bridge's name in the namespace."""
    shell = get_ipython()
    public = Path(config["public_dir"])
    sys.path.insert(0, str(public))
    if config.get("epochs_variable"):  # the course's own training helper reads its cap from it
        os.environ[config["epochs_variable"]] = str(config["epochs"])
    environment = apply_kernel_shims(config["framework"], config["data"], config["epochs"], config.get("datasets", {}))
    tag = secrets.token_hex(6)
    probes = import_file(f"_p{tag}", public / "probes.py")
    bridge = Bridge(config, probes, shell, environment)
    name = f"_g{tag}"
    shell.user_ns[name] = bridge
    shell.user_ns_hidden[name] = bridge  # not listed by %who
    if config["overrides"]:
        shell.ast_transformers.append(CapOverrides(config["overrides"], f"{name}.cap"))
    given = _template_globals(public / "scaffold.py", f"_s{tag}", config["overrides"])
    shell.user_ns.update(given)
    shell.user_ns_hidden.update(given)  # not listed by %who until the notebook rebinds them
    seed_everything(int(config.get("seed", 0)))
    return name


def _template_globals(scaffold: Path, module_name: str, overrides: dict) -> dict:
    """The template's globals (the lab's public ``scaffold.py``), set before the first cell as
    definitions mode's namespace starts from them: a cell that fails before setting ``dim_h``
    (autoencoders-keras' 2.1 cell sets the sizes every later exercise uses) costs only its own
    item. The notebook's own cells rebind them; capped names (``epochs``) are capped here too."""
    if not scaffold.is_file():
        return {}
    module = import_file(module_name, scaffold)
    given = {k: v for k, v in vars(module).items() if not k.startswith("__")}
    for key, cap in overrides.items():
        value = given.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > cap:
            given[key] = type(value)(cap)
    return given

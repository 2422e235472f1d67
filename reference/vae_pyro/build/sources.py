"""Source text of lab ``vae-pyro``'s modules, for the notebooks and the samples alike.

``public/scaffold.py`` and ``judge/solution.py`` are parsed with ast, never imported, so
building needs neither torch nor pyro. ``notebooks.py`` and ``samples.py`` both read these
texts; keeping them here lets ``notebooks.py`` import ``samples.py`` at module level.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from ...build.common import module_definitions

_PACK = Path(__file__).resolve().parents[1]
SCAFFOLD_PATH = _PACK / "public" / "scaffold.py"
SOLUTION_PATH = _PACK / "judge" / "solution.py"

# ---------------------------------------------------------------------------------------------
# Source text of the modules (parsed with ast, not imported)
# ---------------------------------------------------------------------------------------------


def scaffold_source(name: str) -> str:
    """Source of a class of ``public/scaffold.py`` (the code the template gives)."""
    return module_definitions(SCAFFOLD_PATH)[name]


def solution_source(name: str) -> str:
    """Source of a class of ``solution.py``, or the value of one of its string constants."""
    return module_definitions(SOLUTION_PATH)[name]


def replace_methods(class_source: str, **methods: str) -> str:
    """``class_source`` with the named methods replaced by the given sources (written at
    column 0); raises ``KeyError`` if the class has no such method."""
    lines = class_source.splitlines()
    cls = ast.parse(class_source).body[0]
    nodes = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    missing = set(methods) - set(nodes)
    if missing:
        raise KeyError(f"{cls.name} has no method {sorted(missing)}")
    for name in sorted(methods, key=lambda m: nodes[m].lineno, reverse=True):
        node = nodes[name]
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        lines[start : node.end_lineno] = textwrap.indent(methods[name].strip("\n"), "    ").splitlines()
    return "\n".join(lines)


def definitions(*sources: str) -> str:
    """Several definitions in one cell, separated as in a module (two blank lines)."""
    return "\n\n\n".join(sources)


# the data cell of task 2, given in the template; samples that rewrite task 2 keep it
DOWNSTREAM_DATA = """X_train, y_train = zip(*train_dataset)
X_train = torch.stack(X_train)
X_val, y_val = zip(*val_dataset)
X_val = torch.stack(X_val)"""

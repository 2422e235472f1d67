"""The layering of the code, kept true by a test (docs/architecture.md, "Layers").

The import graph of ``grader/`` and ``reference/`` is read with :mod:`ast` from the source, so an
import inside a function counts as much as one at the top: no cycle may hide behind one. Rules:

1. No import cycle among the modules of ``grader/`` and ``reference/``.
2. The sandbox's inside (the code that runs next to student code) imports only the wire protocol
   and framework-neutral helpers, never the judge's stages.
3. A lab's sandbox-visible files (probes, scaffold, course helpers) import only the declared probe
   API ``grader.probes`` from the engine; a lab's public checks only ``grader.checks``.
4. Nothing in ``grader/`` imports a lab; nothing imports the edges (CLI, doctor).
5. No lab name in the code (docstrings and comments aside) of ``grader/``.
6. No data set name in that code outside ``grader/data`` (the registry), ``grader/compat`` and
   ``grader/frameworks`` (which serve the registry's data sets): generic code asks the registry.

Each rule is a small function over a graph, so the mutant tests below can feed it a graph with a
deliberately added cycle or a lab name and see it fail with its message.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("grader", "reference")

# The sandbox's inside: modules loaded into the worker, the zygote and the Jupyter kernel.
SANDBOX_INSIDE = (
    "grader.sandbox.worker",
    "grader.sandbox.zygote",
    "grader.sandbox.kernel",
    "grader.sandbox.kernel_side",
    "grader.sandbox.shims",
    "grader.sandbox.probing",
    "grader.sandbox.namespaces",
    "grader.sandbox.convert",
    "grader.sandbox.outputs",
)
# What the inside may import from the engine: the protocol and framework-neutral helpers.
SANDBOX_INSIDE_MAY_IMPORT = ("grader.seeding", "grader.data", "grader.compat", "grader.frameworks", "grader._version")
# Modules nothing else may import: the edges, called only by the user or the console script.
EDGES = ("grader.cli", "grader.student_cli", "grader.doctor", "grader.__main__")
LAB_WORDS = ("generative", "vae_pyro", "vae-pyro", "autoencoders", "train_ae")
# Data sets of the registry, and the packages that may name them (they define and serve them).
DATA_WORDS = ("mnist",)
DATA_PACKAGES = ("grader.data", "grader.compat", "grader.frameworks")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    # what it imports, anywhere in the file: "a.b" for `import a.b`, "a.b:c" for `from a.b import c`
    imports: frozenset[str]
    code_strings: tuple[str, ...]  # string constants that are not docstrings


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, level: int, current: str, is_package: bool) -> str:
    if level == 0:
        return module
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def read_module(path: Path, root: Path = ROOT) -> Module:
    name = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    imports: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node.module or "", node.level, name, is_package)
            imports.update(f"{target}:{alias.name}" for alias in node.names)
    docstrings = _docstring_nodes(tree)
    strings = tuple(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )
    return Module(name, path, frozenset(imports), strings)


def read_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Module]:
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                module = read_module(path, root)
                modules[module.name] = module
    return modules


def targets(module: Module, modules: dict[str, Module]) -> set[str]:
    """The project modules ``module`` imports. ``from a import b`` is the module ``a.b`` when there is
    one, else the package ``a`` (whose ``__init__`` runs); the parents a dotted import runs implicitly
    are not counted, as they would make every subpackage a cycle with its ``__init__``."""
    found = set()
    for entry in module.imports:
        target, _, name = entry.partition(":")
        if name and f"{target}.{name}" in modules:
            found.add(f"{target}.{name}")
        elif target in modules:
            found.add(target)
    found.discard(module.name)
    return found


def edges(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (third-party and standard-library names dropped)."""
    return {name: targets(module, modules) for name, module in modules.items()}


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan), each sorted."""
    graph = edges(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycle_violations(modules: dict[str, Module]) -> list[str]:
    return [f"import cycle: {' <-> '.join(component)}" for component in cycles(modules)]


def _engine_imports(module: Module, modules: dict[str, Module]) -> set[str]:
    return {t for t in targets(module, modules) if t.split(".")[0] == "grader"}


def _inside_may_import(target: str) -> bool:
    return (
        target in SANDBOX_INSIDE
        or target in ("grader", "grader.sandbox", "grader.sandbox.protocol")
        or any(target == allowed or target.startswith(allowed + ".") for allowed in SANDBOX_INSIDE_MAY_IMPORT)
    )


def sandbox_inside_violations(modules: dict[str, Module]) -> list[str]:
    return [
        f"{name} runs next to student code but imports {target}; the sandbox's inside may import only the "
        f"protocol, its own modules and {', '.join(SANDBOX_INSIDE_MAY_IMPORT)}"
        for name in SANDBOX_INSIDE
        if name in modules
        for target in sorted(_engine_imports(modules[name], modules))
        if not _inside_may_import(target)
    ]


def lab_side_violations(modules: dict[str, Module]) -> list[str]:
    """A lab's sandbox-visible files import only grader.probes; its checks only grader.checks."""
    bad = []
    for name, module in modules.items():
        parts = name.split(".")
        if parts[0] != "reference" or "public" not in parts:
            continue
        # public checks and their analysis code run in the judge; the rest is loaded into the sandbox
        allowed = "grader.checks" if parts[-1] in {"checks", "oracles", "analysis", "downstream"} else "grader.probes"
        for target in sorted(_engine_imports(module, modules)):
            if target != allowed:
                bad.append(
                    f"{name} is on a lab's public side but imports {target}; it may import only "
                    f"{allowed} from the engine"
                )
        for target in sorted(t for t in targets(module, modules) if t.startswith("reference.")):
            if ".judge" in target or ".build" in target or target.endswith("build_common"):
                bad.append(f"{name} is on a lab's public side but imports {target}, which students never get")
    return bad


def engine_violations(modules: dict[str, Module]) -> list[str]:
    bad = []
    for name, module in modules.items():
        if not name.startswith("grader"):
            continue
        for target in sorted({entry.partition(":")[0] for entry in module.imports} | targets(module, modules)):
            if target.split(".")[0] == "reference":
                bad.append(
                    f"{name} imports the lab {target}; the engine finds labs through their rubric "
                    "and entry point, never by import"
                )
            if target in EDGES and name not in EDGES and name != "grader.__main__":
                bad.append(f"{name} imports the edge module {target}; only the user calls an edge")
    return bad


def lab_name_violations(modules: dict[str, Module]) -> list[str]:
    bad = []
    for name, module in modules.items():
        if not name.startswith("grader"):
            continue
        for text in module.code_strings:
            word = next((w for w in LAB_WORDS if w in text.lower()), None)
            if word:
                bad.append(
                    f"{name} names the lab word {word!r} in code ({text[:60]!r}); generic code reads "
                    "what a lab needs from its rubric"
                )
    return bad


def _in_package(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def data_name_violations(modules: dict[str, Module]) -> list[str]:
    bad = []
    for name, module in modules.items():
        if not name.startswith("grader") or _in_package(name, DATA_PACKAGES):
            continue
        for text in module.code_strings:
            word = next((w for w in DATA_WORDS if w in text.lower()), None)
            if word:
                bad.append(
                    f"{name} names the data set {word!r} in code ({text[:60]!r}); generic code asks the registry "
                    f"grader.data for the lab's declared data sets (only {', '.join(DATA_PACKAGES)} name them)"
                )
    return bad


def all_violations(modules: dict[str, Module]) -> list[str]:
    return (
        cycle_violations(modules)
        + sandbox_inside_violations(modules)
        + lab_side_violations(modules)
        + engine_violations(modules)
        + lab_name_violations(modules)
        + data_name_violations(modules)
    )


# ---------------------------------------------------------------------------------------------------
# The rules hold on the project as it is.


def test_the_project_has_no_import_cycle():
    assert cycle_violations(read_graph()) == []


def test_the_sandboxs_inside_imports_only_the_protocol_and_neutral_helpers():
    assert sandbox_inside_violations(read_graph()) == []


def test_a_labs_public_side_imports_only_its_declared_api():
    assert lab_side_violations(read_graph()) == []


def test_the_engine_never_imports_a_lab_or_an_edge():
    assert engine_violations(read_graph()) == []


def test_no_lab_name_in_generic_code():
    assert lab_name_violations(read_graph()) == []


def test_no_data_set_name_in_generic_code():
    assert data_name_violations(read_graph()) == []


# ---------------------------------------------------------------------------------------------------
# Mutants: each rule fails on a tree that breaks it, with its message.


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return read_graph(tmp_path, ("grader", "reference"))


def test_a_deliberately_added_cycle_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "grader/a.py": "from .b import x\n",
            "grader/b.py": "def f():\n    from grader.a import y  # hidden in a function\n",
            "reference/__init__.py": "",
        },
    )
    assert cycle_violations(modules) == ["import cycle: grader.a <-> grader.b"]


def test_a_cycle_added_to_the_real_tree_fails():
    modules = read_graph()
    assert "grader.outcomes" in edges(modules)["grader.scoring"]  # scoring reads the judge's results
    results = modules["grader.outcomes"]
    modules["grader.outcomes"] = Module(
        results.name, results.path, results.imports | {"grader:scoring"}, results.code_strings
    )
    assert any("grader.outcomes" in v and "grader.scoring" in v for v in cycle_violations(modules))


def test_a_package_importing_its_own_submodule_is_no_cycle(tmp_path):
    modules = _tree(
        tmp_path, {"grader/__init__.py": "from .a import x\n", "grader/a.py": "x = 1\n", "reference/__init__.py": ""}
    )
    assert cycle_violations(modules) == []


def test_a_lab_name_added_to_generic_code_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "reference/__init__.py": "",
            "grader/judge.py": '"""Mentions vae-pyro in a docstring: allowed."""\n'
            'if lab.name == "vae-pyro":\n    pass\n',
        },
    )
    assert lab_name_violations(modules) == [
        "grader.judge names the lab word 'vae-pyro' in code ('vae-pyro'); generic code reads what a lab "
        "needs from its rubric"
    ]


def test_the_real_tree_with_a_lab_name_added_fails():
    modules = read_graph()
    m = modules["grader.judge"]
    modules["grader.judge"] = Module(m.name, m.path, m.imports, (*m.code_strings, "generative-tf"))
    assert any(v.startswith("grader.judge names the lab word 'generative'") for v in lab_name_violations(modules))


def test_a_data_set_name_added_to_generic_code_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "reference/__init__.py": "",
            "grader/data/__init__.py": 'DATASETS = {"mnist": None}\n',  # the registry may name it
            "grader/frameworks/tensorflow.py": 'MODULE = "keras.datasets.mnist"\n',
            "grader/runtime.py": '"""Serves MNIST: a docstring, allowed."""\ndata = {"MNIST": settings.path}\n',
        },
    )
    assert data_name_violations(modules) == [
        "grader.runtime names the data set 'mnist' in code ('MNIST'); generic code asks the registry grader.data "
        "for the lab's declared data sets (only grader.data, grader.compat, grader.frameworks name them)"
    ]


def test_the_real_tree_with_a_data_set_name_added_fails():
    modules = read_graph()
    m = modules["grader.sandbox.shims"]
    modules["grader.sandbox.shims"] = Module(m.name, m.path, m.imports, (*m.code_strings, "mnist"))
    assert any(v.startswith("grader.sandbox.shims names the data set 'mnist'") for v in data_name_violations(modules))


def test_the_sandbox_inside_importing_a_stage_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "grader/notebook.py": "",
            "grader/sandbox/__init__.py": "",
            "grader/sandbox/worker.py": "from ..notebook import cell_texts\n",
            "reference/__init__.py": "",
        },
    )
    assert sandbox_inside_violations(modules) == [
        "grader.sandbox.worker runs next to student code but imports grader.notebook; the sandbox's inside may "
        f"import only the protocol, its own modules and {', '.join(SANDBOX_INSIDE_MAY_IMPORT)}"
    ]


def test_a_public_probe_importing_sandbox_internals_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "grader/probes.py": "",
            "grader/sandbox/__init__.py": "",
            "grader/sandbox/probing.py": "",
            "reference/__init__.py": "",
            "reference/lab/__init__.py": "",
            "reference/lab/judge/__init__.py": "",
            "reference/lab/judge/solution.py": "",
            "reference/lab/public/probes.py": "from grader.sandbox.probing import reject\n"
            "from reference.lab.judge import solution\n",
        },
    )
    assert lab_side_violations(modules) == [
        "reference.lab.public.probes is on a lab's public side but imports grader.sandbox.probing; it may import "
        "only grader.probes from the engine",
        "reference.lab.public.probes is on a lab's public side but imports reference.lab.judge.solution, which "
        "students never get",
    ]


def test_the_engine_importing_a_lab_fails(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "grader/__init__.py": "",
            "grader/judge.py": "import reference.lab.public.checks\n",
            "reference/__init__.py": "",
        },
    )
    assert engine_violations(modules) == [
        "grader.judge imports the lab reference.lab.public.checks; the engine finds labs through their rubric and "
        "entry point, never by import"
    ]


@pytest.mark.parametrize("source", ["import grader.cli\n", "from grader import cli\n"])
def test_importing_an_edge_fails(tmp_path, source):
    modules = _tree(
        tmp_path,
        {"grader/__init__.py": "", "grader/cli.py": "", "grader/batch.py": source, "reference/__init__.py": ""},
    )
    assert engine_violations(modules) == [
        "grader.batch imports the edge module grader.cli; only the user calls an edge"
    ]

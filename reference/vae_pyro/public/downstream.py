"""What task 2 (downstream classifiers) of lab vae-pyro did, read from its code (judge side).

Task 2 is an analysis the student writes and runs: the same weak classifier trained on raw
pixels, on the AE's codes and on the VAE's codes, with metrics and times reported. Re-running
it would retrain two autoencoders per student, so the automatic part reads the section's code
(never executing it) and decides three things:

- which inputs a classifier was trained on: every call that trains (``.fit``,
  ``.partial_fit``, ``cross_val_score``/``cross_validate``, or a function of the section that
  does) is traced back, through assignments, loops over dicts or lists of feature sets and
  helper calls, to the names its data come from: the AE (``ae_model`` or any name like
  ``*ae*``/``autoencoder``), the VAE (``*vae*``/``variational``) or raw pixels (``X_*``,
  ``*dataset*``, ``*pixel*``/``*piksel*``); data that went through a model count as that model's
  codes;
- whether metrics are computed (scikit-learn's metric functions or ``.score``) and shown
  (``print``/``display``, a cell's last expression, or stored text output);
- whether train and inference times are measured (``time.*``, ``timeit``, ``%time``/``%%time``).

It is a reading of the code, so it is deliberately generous; the instructor sees the code and
the stored outputs in the report and scores the comparison by hand.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from grader.checks import SectionCode, parse, parse_lock, strip_magics

VAE = re.compile(r"vae|variational|wariacyj", re.IGNORECASE)
AE = re.compile(r"(^|_)ae($|_|\d)|autoenc|autokod", re.IGNORECASE)
RAW = re.compile(r"^x($|_)|dataset|pixel|piksel|raw|surow", re.IGNORECASE)
LABELS = re.compile(r"^y($|_)|label|target|etykiet|klas", re.IGNORECASE)  # y_train comes from a dataset too
TRAINING_CALLS = {"fit", "partial_fit", "cross_val_score", "cross_validate", "cross_val_predict"}
METRICS = {
    "accuracy_score",
    "balanced_accuracy_score",
    "f1_score",
    "precision_score",
    "recall_score",
    "classification_report",
    "confusion_matrix",
    "roc_auc_score",
    "top_k_accuracy_score",
    "precision_recall_fscore_support",
    "score",
    "cohen_kappa_score",
    "matthews_corrcoef",
}
SHOWING_CALLS = {"print", "display", "DataFrame", "tabulate", "plot", "bar", "barh"}
TIMERS = re.compile(
    r"\btime\.(time|perf_counter|process_time|monotonic)(_ns)?\b|\bperf_counter\b|\btimeit\b|"
    r"^\s*%%?time(it)?\b|\bdatetime\.now\b",
    re.MULTILINE,
)
KINDS = ("raw", "ae", "vae")


@dataclass(frozen=True)
class Downstream:
    trained_on: frozenset[str]  # subset of {"raw", "ae", "vae"}
    metrics: tuple[str, ...]  # metric functions called
    shown: bool  # metrics printed/displayed (or the cells stored text output)
    timed: bool


def _atomic(name: str) -> set[str]:
    if VAE.search(name):
        return {"vae"}
    tags = set()
    if AE.search(name):
        tags.add("ae")
    if RAW.search(name):
        tags.add("raw")
    return tags


def _reduce(tags: set[str]) -> set[str]:
    """Data that went through a model are that model's codes, not raw pixels."""
    models = tags - {"raw"}
    return models or tags


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class _Reader:
    def __init__(self) -> None:
        self.env: dict[str, set[str]] = {}
        self.training_functions: set[str] = set(TRAINING_CALLS)
        self.trained_on: set[str] = set()

    def kinds(self, node: ast.AST | None) -> set[str]:
        if node is None:
            return set()
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return set().union(*(self.kinds(e) for e in node.elts)) if node.elts else set()
        if isinstance(node, ast.Dict):
            return set().union(*(self.kinds(v) for v in node.values)) if node.values else set()
        if isinstance(node, ast.Starred):
            return self.kinds(node.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("items", "values")
        ):
            return self.kinds(node.func.value)
        if isinstance(node, ast.Call) and _call_name(node) in ("zip", "enumerate", "list", "tuple", "dict", "reversed"):
            return set().union(*(self.kinds(a) for a in node.args)) if node.args else set()
        atomic: set[str] = set()
        bound: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                if sub.id in self.env:
                    bound |= self.env[sub.id]
                else:
                    atomic |= _atomic(sub.id)
            elif isinstance(sub, ast.Attribute):
                atomic |= _atomic(sub.attr) - {"raw"}  # ae_model.encoder_forward, self.vae
        return _reduce(atomic | bound) if atomic else bound

    def bind(self, target: ast.AST, kinds: set[str]) -> None:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                if LABELS.search(sub.id):
                    self.env[sub.id] = set()  # labels are no one's features
                else:
                    own = _atomic(sub.id)
                    self.env[sub.id] = set(kinds) | _reduce(own) if own else set(kinds)

    def statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
                self.calls(stmt.value)
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if (
                    isinstance(stmt, ast.Assign)
                    and len(targets) == 1
                    and isinstance(targets[0], ast.Tuple)
                    and isinstance(stmt.value, ast.Tuple)
                    and len(targets[0].elts) == len(stmt.value.elts)
                ):
                    for t, v in zip(targets[0].elts, stmt.value.elts):
                        self.bind(t, self.kinds(v))
                else:
                    for t in targets:
                        self.bind(t, self.kinds(stmt.value))
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                self.calls(stmt.iter)
                self.bind(stmt.target, self.kinds(stmt.iter))
                self.statements(stmt.body + stmt.orelse)
            elif isinstance(stmt, (ast.While, ast.If)):
                self.calls(stmt.test)
                self.statements(stmt.body + stmt.orelse)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self.statements(stmt.body)
            elif isinstance(stmt, ast.Try):
                self.statements(stmt.body + [s for h in stmt.handlers for s in h.body] + stmt.orelse + stmt.finalbody)
            else:
                self.calls(stmt)

    def calls(self, node: ast.AST) -> None:
        """Record the inputs of every training call in ``node`` (outside function bodies)."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and _call_name(sub) in self.training_functions:
                args = list(sub.args) + [k.value for k in sub.keywords]
                self.trained_on |= set().union(*(self.kinds(a) for a in args)) if args else set()


def _training_functions(trees: list[ast.Module]) -> set[str]:
    """Functions of the section that train a classifier, directly or through one another."""
    defs = {n.name: n for t in trees for n in ast.walk(t) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    training = set(TRAINING_CALLS)
    changed = True
    while changed:
        changed = False
        for name, fn in defs.items():
            if name not in training and any(
                isinstance(c, ast.Call) and _call_name(c) in training for c in ast.walk(fn)
            ):
                training.add(name)
                changed = True
    return training


def read_downstream(section: SectionCode) -> Downstream:
    trees, shown = [], bool(any(re.search(r"\d", o) for o in section.outputs))
    with parse_lock:
        for source in section.cells:
            try:
                trees.append(parse(strip_magics(source)))
            except SyntaxError:
                continue
    reader = _Reader()
    reader.training_functions = _training_functions(trees)
    for tree in trees:
        reader.statements(tree.body)
    calls = [c for t in trees for c in ast.walk(t) if isinstance(c, ast.Call)]
    metrics = sorted({_call_name(c) for c in calls if _call_name(c) in METRICS})
    shown = (
        shown
        or any(_call_name(c) in SHOWING_CALLS for c in calls)
        or any(
            t.body and isinstance(t.body[-1], ast.Expr) and not isinstance(t.body[-1].value, ast.Constant)
            for t in trees
        )
    )
    timed = any(TIMERS.search(source) for source in section.cells)
    return Downstream(frozenset(reader.trained_on & set(KINDS)), tuple(metrics), shown, timed)

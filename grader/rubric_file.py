"""Reading a rubric file: the YAML, the schema (:mod:`grader.rubric`), the checks across fields,
and check-id resolution.

Everything a mistake in a rubric could break is checked on load, and the error names the file,
the item and the fix (DESIGN.md decision 6): an unknown check or report, a hidden check where
students and the sandbox would see it, a section that does not exist, points that do not add up.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import RubricError
from .parsing import parse
from .rubric import TASK_NUMBER, CheckSpec, Rubric


def load_rubric(path: Path) -> tuple[Rubric, str]:
    """Load and validate a rubric; return it with the hash of its bytes (for the gradebook)."""
    raw = _read_yaml(path)
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        raise RubricError(_explain_validation(path, raw, exc)) from None
    _validate_semantics(path, rubric)
    return rubric, hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _read_yaml(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RubricError(f"{path}: rubric file not found. Fix: check the lab name or the path.") from None
    except yaml.YAMLError as exc:
        raise RubricError(f"{path}: not valid YAML: {exc}. Fix: correct the syntax at that line.") from None
    if not isinstance(raw, dict):
        raise RubricError(f"{path}: a rubric must be a mapping with keys lab, items, ...; got {type(raw).__name__}.")
    return raw


def _explain_validation(path: Path, raw: dict, exc: ValidationError) -> str:
    lines = [f"{path}: invalid rubric:"]
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            items = raw.get("items") or []
            item_id = (
                items[loc[1]].get("id", f"#{loc[1] + 1}")
                if loc[1] < len(items) and isinstance(items[loc[1]], dict)
                else f"#{loc[1] + 1}"
            )
            where = f"item '{item_id}' field '{'.'.join(str(p) for p in loc[2:])}'"
        fix = "remove it (typo?)" if err["type"] == "extra_forbidden" else "give it a valid value"
        lines.append(f"  - {where}: {err['msg']}. Fix: {fix}.")
    return "\n".join(lines)


def _validate_semantics(path: Path, rubric: Rubric) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    numbered: dict[str, str] = {}
    for section_id, spec in rubric.sections.items():
        if isinstance(spec, str):
            try:
                re.compile(spec)
            except re.error as exc:
                problems.append(
                    f"section '{section_id}': pattern {spec!r} is not a valid regex ({exc}). Fix: escape special characters."
                )
            continue
        for number in spec.numbers:
            if not re.fullmatch(TASK_NUMBER, number):
                problems.append(
                    f"section '{section_id}': number {number!r} is not a task number. "
                    "Fix: digits, an optional letter, then dotted parts such as 2.5, 1a, 3.data."
                )
            elif number in numbered:
                problems.append(
                    f"section '{section_id}': number {number!r} is also section '{numbered[number]}'s. "
                    "Fix: give each task number to one section."
                )
            numbered[number] = section_id
        if any(not t.strip() for t in spec.titles):
            problems.append(f"section '{section_id}': an empty title matches every heading. Fix: remove it.")
    module = _import_checks(path, rubric.checks, "checks")
    hidden = _import_checks(path, rubric.hidden_checks, "hidden_checks") if rubric.hidden_checks else None
    for item in rubric.items:
        where = f"item '{item.id}'"
        if item.id in seen:
            problems.append(f"{where}: duplicated id. Fix: give each item its own id.")
        seen.add(item.id)
        if item.section not in rubric.sections:
            problems.append(
                f"{where}: section '{item.section}' has no heading pattern. Fix: add it under `sections:` (known: {', '.join(rubric.sections)})."
            )
        if item.kind == "code" and item.target == "object" and not item.object:
            problems.append(
                f"{where}: a code item needs `object:`, the name students define "
                "(or `target: section` when its checks read the section's code)."
            )
        if item.kind == "prose" and (item.checks or item.reports or item.manual_points):
            problems.append(
                f"{where}: a prose item is scored by a person; remove its `checks:`, `reports:` and `manual_points:`."
            )
        if item.manual_points >= item.points:
            problems.append(
                f"{where}: `manual_points` ({item.manual_points:g}) must be less than `points` "
                f"({item.points:g}); a wholly manual item is `kind: prose`."
            )
        if item.kind == "code" and item.manual_points and not item.checks:
            problems.append(f"{where}: `manual_points` splits an item between checks and a person; add `checks:`.")
        objects = [i.id for i in rubric.items if i.kind == "code" and i.target == "object" and i.id != item.id]
        if item.graded_with and not (item.kind == "code" and item.target == "object"):
            problems.append(f"{where}: `graded_with` is for a code item graded on an object; remove it.")
        for other in item.graded_with:
            if other not in objects:
                problems.append(
                    f"{where}: `graded_with` names '{other}', which is not another code item with an "
                    f"`object:`. Fix: use ids of this rubric's code items ({', '.join(objects) or 'none'})."
                )
        for report in item.reports:
            if not (report.startswith("report_") and callable(getattr(module, report, None))):
                known = sorted(n for n in dir(module) if n.startswith("report_")) or ["none"]
                problems.append(
                    f"{where}: report '{report}' is not a function of {module.__name__}. "
                    f"Fix: use one of {', '.join(known)}."
                )
        for check in item.checks:
            problem = _check_side_problem(rubric, module, hidden, check)
            if problem:
                problems.append(f"{where}: {problem}")
    root = lab_root(path)
    if rubric.reference_notebook and not (root / rubric.reference_notebook).is_file():
        problems.append(
            f"reference_notebook '{rubric.reference_notebook}' does not exist. Fix: a path relative to the lab root."
        )
    for entry in rubric.handout:
        if not (root / entry).exists():
            problems.append(
                f"handout '{entry}' does not exist. Fix: a path relative to the lab root (the folder holding rubrics/)."
            )
    total = rubric.max_points
    if abs(total - rubric.total) > 1e-6:
        problems.append(
            f"points of the non-bonus items add up to {total:g}, but `total:` says {rubric.total:g}. Fix: correct an item's points or `total:`."
        )
    if problems:
        raise RubricError(f"{path}: invalid rubric:\n" + "\n".join(f"  - {p}" for p in problems))


def lab_root(rubric_path: Path) -> Path:
    """The folder a rubric's relative paths (template, public_dir, handout...) start from: the
    folder holding ``rubrics/`` when the rubric sits in a folder named ``rubrics``, else the
    rubric's own folder."""
    folder = rubric_path.resolve().parent
    return folder.parent if folder.name == "rubrics" else folder


def _import_checks(path: Path, module_name: str, field: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise RubricError(
            f"{path}: {field} module '{module_name}' cannot be imported ({exc}). Fix: correct "
            f"`{field}:` (a lab outside the grader's packages names it from its root: docs/rubrics.md)."
        ) from None


def _resolve_problem(module, check_id: str) -> str | None:
    """Why ``check_id`` does not name a check of ``module`` (the message lists the known ones), or None."""
    try:
        resolve_check(module, check_id)
    except RubricError as exc:
        return str(exc)
    return None


def _check_side_problem(rubric: Rubric, public, hidden, spec: CheckSpec) -> str | None:
    """Why ``spec`` does not resolve on its side (``public: true`` in ``checks:``, ``public: false`` in
    ``hidden_checks:``), or None. A hidden check in the public module would ship to students."""
    in_public = _resolve_problem(public, spec.id) is None
    in_hidden = hidden is not None and _resolve_problem(hidden, spec.id) is None
    if spec.public:
        if in_public:
            return None
        if in_hidden:
            return (
                f"check '{spec.id}' is public but defined only in the hidden module {rubric.hidden_checks}. "
                f"Fix: move it to {rubric.checks}, or mark it `public: false`."
            )
        return _resolve_problem(public, spec.id)
    if in_public:
        where = f" ({rubric.hidden_checks})" if rubric.hidden_checks else " (add `hidden_checks:`)"
        return (
            f"check '{spec.id}' is marked `public: false` but defined in the public module {rubric.checks}, which "
            f"students and the sandbox can read. Fix: move it to the `hidden_checks:` module{where}."
        )
    if hidden is None:
        return (
            f"check '{spec.id}' is marked `public: false`, but the rubric has no `hidden_checks:` module. Fix: add "
            "`hidden_checks:` naming the private module that defines it."
        )
    return None if in_hidden else _resolve_problem(hidden, spec.id)


def resolve_check(module, check_id: str) -> Callable:
    """Turn ``check_x`` or ``check_x(size=14)`` into the callable of ``module`` it names."""
    try:
        node = parse(check_id, mode="eval").body
    except SyntaxError:
        raise RubricError(f"check id {check_id!r} is not `name` or `name(arg=value, ...)`.") from None
    kwargs: dict[str, object] = {}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args:
        name = node.func.id
        try:
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg is not None}
        except ValueError:
            raise RubricError(f"check id {check_id!r}: arguments must be literals.") from None
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        raise RubricError(f"check id {check_id!r} is not `name` or `name(arg=value, ...)`.")
    fn = getattr(module, name, None)
    if not (name.startswith("check_") and callable(fn)):
        known = sorted(n for n in dir(module) if n.startswith("check_"))
        raise RubricError(f"check '{name}' is not defined in {module.__name__}. Fix: use one of {', '.join(known)}.")
    if kwargs:
        return functools.partial(fn, **kwargs)
    return fn

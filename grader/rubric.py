"""Rubric YAML: the schema, its validation on load, and check-id resolution.

A rubric is declared data: which items a lab has, their points, the checks that grade each,
where each item lives in the notebook. Everything a mistake in it could break is checked on
load, and the error names the file, the item and the fix (DESIGN.md decision 6).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .data import DATASETS
from .errors import RubricError
from .frameworks import framework_for
from .i18n import Text
from .parsing import parse

SCHEMA_VERSION = 1
# A task number: a leading integer, an optional letter (1a), then dotted parts that are digits or
# lower-case words (2.5, 3.data, 1.plot).
TASK_NUMBER = r"\d+[a-z]?(?:\.(?:\d+|[a-z][a-z0-9_]*))*"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    pl: str
    en: str

    def text(self) -> Text:
        return Text(self.pl, self.en)


class CheckSpec(_Strict):
    """One check of an item: ``id`` is a check function of the lab, maybe with arguments."""

    id: str = Field(description="check function name, e.g. check_kl_closed_form or check_x(size=14)")
    weight: float = Field(1.0, gt=0, description="share of the item's points")
    public: bool = Field(True, description="run by students' self-check and shown in detail")


class Item(_Strict):
    """A rubric item: a code item names a student object; a prose item a question."""

    id: str
    title: Bilingual
    kind: Literal["code", "prose"]
    points: float = Field(gt=0)
    bonus: bool = Field(False, description="adds to the total without raising the maximum")
    section: str = Field(description="id of the section (heading) the item lives in")
    object: str | None = Field(None, description="name the student must define (code items)")
    aliases: tuple[str, ...] = Field((), description="other names accepted for `object`")
    checks: tuple[CheckSpec, ...] = ()
    target: Literal["object", "section"] = Field(
        "object",
        description="what a code item's checks inspect: the object named by `object:`, or the "
        "section's own code and stored outputs (an analysis the student wrote and ran)",
    )
    manual_points: float = Field(
        0.0, ge=0, description="points of a code item that a person scores (its prose part); the checks decide the rest"
    )
    reports: tuple[str, ...] = Field(
        (), description="functions report_* of the checks module: tables shown with the item, never scored"
    )
    mode: Literal["definitions", "execute"] | None = Field(
        None, description="how this item's objects are obtained; default: the rubric's `mode`"
    )
    graded_with: tuple[str, ...] = Field(
        (),
        description="ids of other code items whose objects this item's code uses as the student wrote them "
        "(graded together); the objects of other items are replaced by the lab's stand-ins",
    )


class SectionSpec(_Strict):
    """A section found by its task number in any heading style (docs/rubrics.md)."""

    number: str | tuple[str, ...] = Field(
        description="task number(s) whose heading opens the section: '2.5', '3.data', or a list ('3.1', '3.2', '3.3') "
        "when several headings form one section"
    )
    titles: tuple[str, ...] = Field(
        (),
        description="phrases of numberless headings that name this task ('Uzupełnij funkcję kosztu'), "
        "recognised within the section's task only",
    )

    @property
    def numbers(self) -> tuple[str, ...]:
        return (self.number,) if isinstance(self.number, str) else tuple(self.number)


class Extraction(_Strict):
    """How definitions mode turns a notebook into a program (DESIGN.md decision 3)."""

    keep_methods: tuple[str, ...] = Field(
        default=("compile",), description="method calls on kept objects that configure them, kept as statements"
    )
    drop_calls: tuple[str, ...] = Field(
        default=(
            "fit",
            "fit_generator",
            "train",
            "evaluate",
            "show",
            "savefig",
            "imshow",
            "plot",
            "scatter",
            "figure",
            "subplots",
            "save",
            "save_weights",
            "load_weights",
            "input",
        ),
        description="an assignment whose value calls one of these is never run",
    )
    also_drop_calls: tuple[str, ...] = Field(
        default=(), description="the lab's own calls added to `drop_calls` (a course helper that trains a model)"
    )

    @property
    def dropped_calls(self) -> frozenset[str]:
        """Every call whose assignment definitions mode never runs."""
        return frozenset(self.drop_calls) | frozenset(self.also_drop_calls)


class Execute(_Strict):
    """Execute mode (DESIGN.md decision 3): the notebook runs top to bottom in a Jupyter kernel in
    the sandbox, with training capped so that a class is graded in minutes, not hours."""

    cell_timeout_s: float = Field(
        default=60.0, gt=0, description="a cell running longer is interrupted (cut) and the next one runs"
    )
    epochs: int = Field(default=1, ge=1, description="cap on `epochs` of Keras `Model.fit` (and of `epochs_variable`)")
    epochs_variable: str = Field(
        default="",
        description="environment variable set to `epochs` in the kernel, for the course's own training "
        "helpers that read their cap from it (a training helper of the handout); empty: none",
    )
    overrides: dict[str, float] = Field(
        default={"epochs": 1, "EPOCHS": 1, "num_epochs": 1, "n_epochs": 1},
        description="top-level names capped after every assignment in a cell (papermill-style): x = min(x, cap)",
    )

    @model_validator(mode="before")
    @classmethod
    def _sizes_moved_to_datasets(cls, data: object) -> object:
        """``execute.<data set>_train``/``_test`` (schema before ``datasets:``) are an error that
        says where the sizes went, not a bare "extra field"."""
        if isinstance(data, dict):
            for name in DATASETS:
                moved = [key for key in (f"{name}_train", f"{name}_test") if key in data]
                if moved:
                    sizes = ", ".join(f"execute_{key.rpartition('_')[2]}: {data[key]}" for key in moved)
                    raise ValueError(
                        f"{' and '.join(f'execute.{key}' for key in moved)} moved to the data set's declaration. "
                        f"Fix: remove {'them' if len(moved) > 1 else 'it'} from `execute:` and declare "
                        f"`datasets: {{{name}: {{{sizes}}}}}` at the top level"
                    )
        return data


class DataSetUse(_Strict):
    """One data set the lab's sandbox serves (a key of ``datasets:``, a name of grader/data's registry)."""

    execute_train: int = Field(
        default=2000, ge=10, description="execute mode: training items served (a seeded subsample)"
    )
    execute_test: int = Field(default=500, ge=10, description="execute mode: test items served (a seeded subsample)")


class Rubric(_Strict):
    schema_version: int
    lab: str
    title: Bilingual
    framework: str = Field(
        description="the framework adapter the sandbox uses (grader/frameworks/: tensorflow, torch, none)"
    )
    keras: Literal["2", "3"] = Field(
        "3",
        description="Keras the students wrote for: '2' runs the sandbox with tf-keras (TF_USE_LEGACY_KERAS=1), "
        "as Colab's tf.keras of 2023; '3' with Keras 3",
    )
    template: str = Field(description="student template notebook, relative to the lab root")
    checks: str = Field(description="Python module with the lab's public check functions (and its report_* functions)")
    hidden_checks: str | None = Field(
        None,
        description="Python module with the checks marked `public: false`, kept out of what students and the "
        "sandbox see (e.g. reference.<lab>.judge.checks)",
    )
    public_dir: str = Field(description="folder of files the sandbox may import (scaffold, probes)")
    handout: tuple[str, ...] = Field(
        (),
        description="files or folders students get with the template (`grader handout`), relative to the lab root, "
        "e.g. course helpers the template imports",
    )
    placeholders: tuple[str, ...] = ("TU WPISZ ODPOWIEDŹ", "YOUR ANSWER HERE")
    sections: dict[str, SectionSpec | str] = Field(
        description="section id -> its task number(s) and titles, or (older rubrics) a regex matched against the first "
        "line of markdown cells"
    )
    task_words: tuple[str, ...] = Field(
        ("Zadanie", "Task", "Exercise", "Ćwiczenie", "Άσκηση"),
        description="words that may precede a task number in a heading ('Zadanie 2.5')",
    )
    extraction: Extraction = Extraction()
    mode: Literal["definitions", "execute"] = Field(
        "definitions", description="how student objects are obtained: parse the definitions (fast) or run the notebook"
    )
    execute: Execute = Execute()
    datasets: dict[str, DataSetUse] = Field(
        default={},
        description="data sets the lab's sandbox serves offline (the registry grader/data: "
        f"{', '.join(sorted(DATASETS))}), by name, with execute mode's sizes; none when absent",
    )
    reference_notebook: str | None = Field(
        None,
        description="the lab's solution notebook: in execute mode it is run once per batch and its figures "
        "are shown beside each student's, section by section",
    )
    total: float = Field(gt=0, description="sum of the points of the non-bonus items")
    items: tuple[Item, ...]

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(f"schema_version {v} is not supported; this grader reads {SCHEMA_VERSION}")
        return v

    @field_validator("framework")
    @classmethod
    def _known_framework(cls, v: str) -> str:
        framework_for(v)  # raises ValueError naming the known adapters
        return v

    @field_validator("datasets", mode="before")
    @classmethod
    def _known_datasets(cls, v: object) -> object:
        if isinstance(v, dict):
            unknown = sorted(str(name) for name in v if name not in DATASETS)
            if unknown:
                raise ValueError(
                    f"unknown data set {', '.join(map(repr, unknown))} (known: {', '.join(sorted(DATASETS))}). Fix: "
                    "declare one of the known ones, or register the new one in grader/data/__init__.py"
                )
            # `datasets: {name: }` (no sizes): the defaults
            return {name: {} if use is None else use for name, use in v.items()}
        return v

    def item_mode(self, item: Item, forced: str | None = None) -> str:
        """The mode an item is graded in: ``forced`` (``grader grade --mode``), the item's, the lab's."""
        return forced or item.mode or self.mode

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def max_points(self) -> float:
        return round(sum(i.points for i in self.items if not i.bonus), 6)


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

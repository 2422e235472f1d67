"""The labs the grader knows: lab packs registered under the entry point group ``grader.labs``,
rubric files, and lab folders outside the package (a course's private lab).

A lab pack is a module (``reference.generative_tf``) whose :data:`RUBRIC` names its rubric
YAML; pyproject.toml registers it (``generative-tf = "reference.generative_tf"``), so an
installed wheel finds its labs the way the checkout does. A :class:`Lab` bundles the validated
rubric, its check modules (public and hidden, trusted, judge-side), the student template (to
tell untouched cells from answers) and the public folder the sandbox may import (scaffold and
probes). Which checks run comes from this declared data only.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from .discover import Submission
from .errors import LabNotFound, RubricError
from .extract import Program, extract_program
from .independence import stand_in_items
from .notebook import Notebook, NotebookError, load_notebook
from .rubric import Rubric
from .rubric_file import lab_root, load_rubric, resolve_check
from .sections import SectionMap, find_sections, template_markdown
from .settings import Settings

ENTRY_POINT_GROUP = "grader.labs"
# folders an installer puts packages in: an installed pack's root is one, and the sandbox needs it
_INSTALL_FOLDERS = ("site-packages", "dist-packages")


@dataclass(frozen=True)
class Lab:
    name: str
    root: Path
    rubric_path: Path
    rubric: Rubric
    rubric_hash: str
    # ids of the items the lab's public probes have a stand-in for (STAND_INS), read statically
    stand_ins: frozenset[str] = frozenset()
    # the package folder of a lab pack (reference/generative_tf); None for a rubric file or a lab folder
    pack_dir: Path | None = None

    @property
    def title(self):
        return self.rubric.title.text()

    @property
    def public_dir(self) -> Path:
        return (self.root / self.rubric.public_dir).resolve()

    @property
    def private_dirs(self) -> tuple[Path, ...]:
        """Folders the sandbox must not see. A checkout or a course's lab folder: its whole root
        (the public folder inside it is made visible again); an installed lab, whose root is, or
        lies in, the site-packages the sandbox imports from (the instructor's wheel: the
        site-packages itself; a student's self-check bundle: its package there): every installed
        pack's ``judge/`` and the rubrics, never the root, or the probes would vanish with it."""
        site = next((p for p in (self.root, *self.root.parents) if p.name in _INSTALL_FOLDERS), None)
        if site is not None:
            # every installed pack's judge/ (reference/<lab>/judge, or <pack>/judge), not only this
            # one's: a sandbox of one lab must not read another lab's solution either
            judges = {*site.glob("*/judge"), *site.glob("*/*/judge")}
            return (*sorted(p for p in judges if p.is_dir()), self.rubric_path.parent)
        return (self.root,)

    @property
    def sandbox_files(self) -> tuple[Path, ...]:
        """What the sandbox is shown of the lab, and nothing more: the probes, the scaffold and the
        course helpers the template imports (``handout:``). The public checks, their oracles and the
        template stay out of its view, although students may read them."""
        files = [
            self.public_dir / "probes.py",
            self.public_dir / "scaffold.py",
            *((self.root / entry).resolve() for entry in self.rubric.handout),
        ]
        return tuple(path for path in files if path.exists())

    @cached_property
    def checks_module(self):
        """The public checks module (``checks:``), which also holds the ``report_*`` functions."""
        return importlib.import_module(self.rubric.checks)

    @cached_property
    def hidden_checks_module(self):
        """The private module of the checks marked ``public: false`` (``hidden_checks:``), or None."""
        return importlib.import_module(self.rubric.hidden_checks) if self.rubric.hidden_checks else None

    @cached_property
    def _check_functions(self) -> dict:
        """Every check the rubric names, resolved once (not per submission and check) on its side:
        public checks from ``checks:``, hidden ones from ``hidden_checks:`` (load_rubric checked which)."""
        functions: dict[str, Callable[..., object]] = {}
        for item in self.rubric.items:
            for spec in item.checks:
                module = self.checks_module if spec.public else self.hidden_checks_module
                functions.setdefault(spec.id, resolve_check(module, spec.id))
        return functions

    def check_function(self, check_id: str):
        return self._check_functions[check_id]

    @cached_property
    def template(self) -> Notebook:
        path = self.root / self.rubric.template
        try:
            return load_notebook(Submission("template", path, "", 0))
        except (NotebookError, FileNotFoundError) as exc:
            raise RubricError(
                f"{self.rubric_path}: template {path} cannot be read ({exc}). Fix: `template:`."
            ) from None

    @cached_property
    def template_program(self) -> Program:
        return extract_program(self.template)

    @cached_property
    def template_sections(self) -> SectionMap:
        return find_sections(self.template, self.rubric.sections, self.rubric.task_words)

    @cached_property
    def template_texts(self) -> set[str]:
        return template_markdown(self.template)


def registered_packs() -> dict[str, importlib.metadata.EntryPoint]:
    """The lab packs installed distributions register: lab id -> entry point (``grader.labs``)."""
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def extra_rubric_dir(settings: Settings) -> Path:
    """``rubrics/`` of ``settings.labs_root``: rubrics found by id besides the registered packs."""
    return settings.labs_root / "rubrics"


def _pack_rubric(entry_point: importlib.metadata.EntryPoint) -> tuple[Path, Path]:
    """The rubric and the package folder of the pack an entry point names."""
    where = f"entry point {entry_point.name!r} = {entry_point.value!r} (group {ENTRY_POINT_GROUP})"
    try:
        pack = entry_point.load()
    except Exception as exc:  # noqa: BLE001 - any failure of a third-party pack's import is reported the same way
        raise RubricError(
            f"{where}: the lab pack cannot be imported ({type(exc).__name__}: {exc}). Fix: install the "
            "distribution that provides it, or correct the entry point in its pyproject.toml."
        ) from None
    rubric = getattr(pack, "RUBRIC", None)
    if not isinstance(rubric, (str, Path)):
        raise RubricError(
            f"{where}: module {pack.__name__} has no RUBRIC. Fix: define "
            "`RUBRIC = Path(...) / 'rubrics' / '<lab id>.yaml'` in its __init__.py."
        )
    lab_id = getattr(pack, "LAB_ID", entry_point.name)
    if lab_id != entry_point.name:
        raise RubricError(
            f"{where}: the pack declares LAB_ID = {lab_id!r}. Fix: give the entry point and LAB_ID the same lab id."
        )
    rubric = Path(rubric)
    if not rubric.is_file():
        raise RubricError(
            f"{where}: RUBRIC {rubric} does not exist. Fix: ship the rubric with the pack "
            "(a wheel installs rubrics/ beside reference/) or correct RUBRIC."
        )
    return rubric, Path(pack.__file__).resolve().parent


def _folder_rubric(folder: Path) -> Path:
    """The rubric of a lab folder: its ``lab.yaml``, else its one ``rubrics/*.yaml``, else its one ``*.yaml``."""
    if (folder / "lab.yaml").is_file():
        return folder / "lab.yaml"
    for candidates in (sorted((folder / "rubrics").glob("*.yaml")), sorted(folder.glob("*.yaml"))):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(p.name for p in candidates)
            raise LabNotFound(
                f"lab folder {folder}: several rubrics ({names}). Fix: pass one of them as "
                "`--lab PATH.yaml`, or name the lab's rubric lab.yaml."
            )
    raise LabNotFound(
        f"lab folder {folder}: no lab.yaml, rubrics/*.yaml or *.yaml in it. Fix: put the lab's rubric "
        "there as lab.yaml (docs/rubrics.md)."
    )


def _locate(name: str, settings: Settings) -> tuple[Path, Path | None]:
    """Where lab ``name`` is: its rubric, and its package folder when it is a registered pack."""
    if name.endswith((".yaml", ".yml")):
        path = Path(name)
        if not path.is_file():
            raise LabNotFound(f"lab {name!r}: no rubric file at {path}. Fix: check the path.")
        return path, None
    packs = registered_packs()
    if name in packs:
        return _pack_rubric(packs[name])
    if Path(name).is_dir():
        return _folder_rubric(Path(name)), None
    extra = extra_rubric_dir(settings) / f"{name}.yaml"
    if extra.is_file():
        return extra, None
    known = ", ".join(sorted({*packs, *(p.stem for p in extra_rubric_dir(settings).glob("*.yaml"))})) or "none"
    raise LabNotFound(
        f"lab {name!r}: no registered lab pack, lab folder or rubric of that name. Fix: use one of: "
        f"{known} (see `grader labs`), a lab folder or a rubric .yaml file."
    )


def find_lab(name: str, settings: Settings) -> Lab:
    """The lab ``name`` names, validated: a registered lab id, a rubric .yaml file or a lab folder."""
    path, pack_dir = _locate(name, settings)
    root = lab_root(path)
    if pack_dir is None and str(root) not in sys.path:
        # a lab outside the grader's packages names its check modules relative to its root
        sys.path.append(str(root))
    rubric, digest = load_rubric(path)
    lab = Lab(rubric.lab, root, path, rubric, digest, pack_dir=pack_dir)
    return replace(lab, stand_ins=lab_stand_ins(lab))


def lab_stand_ins(lab: Lab) -> frozenset[str]:
    """The item ids ``STAND_INS`` of the lab's ``probes.py`` covers, each checked to be a code item
    graded on an object (the judge reads the keys without importing the file: grader.independence)."""
    probes = lab.public_dir / "probes.py"
    try:
        ids = stand_in_items(probes)
    except ValueError as exc:
        raise RubricError(
            f"{probes}: {exc}. Fix: write `STAND_INS = {{'item id': factory, ...}}` once, at module level."
        ) from None
    objects = {i.id for i in lab.rubric.items if i.kind == "code" and i.target == "object"}
    unknown = sorted(ids - objects)
    if unknown:
        raise RubricError(
            f"{probes}: STAND_INS has stand-ins for {', '.join(map(repr, unknown))}, which are not code items "
            f"graded on an object in {lab.rubric_path}. Fix: key STAND_INS by those items' ids "
            f"({', '.join(sorted(objects)) or 'none'}) or remove the entry."
        )
    return ids


def list_labs(settings: Settings) -> list[Lab]:
    """Every registered lab pack, and the rubrics of ``settings.labs_root`` that are not one of them."""
    labs = [find_lab(name, settings) for name in sorted(registered_packs())]
    known = {lab.rubric_path.resolve() for lab in labs}
    for path in sorted(extra_rubric_dir(settings).glob("*.yaml")):
        if path.resolve() not in known:
            labs.append(find_lab(str(path), settings))
    return sorted(labs, key=lambda lab: lab.name)

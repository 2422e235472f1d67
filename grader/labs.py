"""The installed labs: a lab is a rubric (``rubrics/<lab>.yaml``) plus what it points to.

A :class:`Lab` bundles the validated rubric, its checks module (trusted, judge-side), the
student template (to tell untouched cells from answers) and the public folder the sandbox
may import (scaffold and probes). Which checks run comes from this declared data only.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from .discover import Submission
from .errors import LabNotFound, RubricError
from .extract import Program, extract_program
from .independence import stand_in_items
from .notebook import Notebook, NotebookError, load_notebook
from .rubric import Rubric, load_rubric, resolve_check
from .sections import SectionMap, find_sections, template_markdown
from .settings import Settings


@dataclass(frozen=True)
class Lab:
    name: str
    root: Path
    rubric_path: Path
    rubric: Rubric
    rubric_hash: str
    # ids of the items the lab's public probes have a stand-in for (STAND_INS), read statically
    stand_ins: frozenset[str] = frozenset()

    @property
    def title(self):
        return self.rubric.title.text()

    @property
    def public_dir(self) -> Path:
        return (self.root / self.rubric.public_dir).resolve()

    @cached_property
    def checks_module(self):
        return importlib.import_module(self.rubric.checks)

    @cached_property
    def _check_functions(self) -> dict:
        """Every check the rubric names, resolved once (not per submission and check)."""
        ids = {spec.id for item in self.rubric.items for spec in item.checks}
        return {check_id: resolve_check(self.checks_module, check_id) for check_id in ids}

    def check_function(self, check_id: str):
        return self._check_functions[check_id]

    @cached_property
    def template(self) -> Notebook:
        path = self.root / self.rubric.template
        try:
            return load_notebook(Submission("template", path, "", 0))
        except (NotebookError, FileNotFoundError) as exc:
            raise RubricError(f"{self.rubric_path}: template {path} cannot be read ({exc}). Fix: `template:`.") from None

    @cached_property
    def template_program(self) -> Program:
        return extract_program(self.template)

    @cached_property
    def template_sections(self) -> SectionMap:
        return find_sections(self.template, self.rubric.sections, self.rubric.task_words)

    @cached_property
    def template_texts(self) -> set[str]:
        return template_markdown(self.template)


def rubric_dir(settings: Settings) -> Path:
    return settings.labs_root / "rubrics"


def find_lab(name: str, settings: Settings) -> Lab:
    """The lab called ``name`` (or a rubric file path), validated."""
    path = Path(name) if name.endswith((".yaml", ".yml")) else rubric_dir(settings) / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in rubric_dir(settings).glob("*.yaml"))) or "none"
        raise LabNotFound(f"lab {name!r}: no rubric at {path}. Fix: use one of: {known} (see `grader labs`).")
    rubric, digest = load_rubric(path)
    root = settings.labs_root if path.parent == rubric_dir(settings) else path.parent.parent
    lab = Lab(rubric.lab, root, path, rubric, digest)
    return replace(lab, stand_ins=lab_stand_ins(lab))


def lab_stand_ins(lab: Lab) -> frozenset[str]:
    """The item ids ``STAND_INS`` of the lab's ``probes.py`` covers, each checked to be a code item
    graded on an object (the judge reads the keys without importing the file: grader.independence)."""
    probes = lab.public_dir / "probes.py"
    try:
        ids = stand_in_items(probes)
    except ValueError as exc:
        raise RubricError(f"{probes}: {exc}. Fix: write `STAND_INS = {{'item id': factory, ...}}` once, at module level.") from None
    objects = {i.id for i in lab.rubric.items if i.kind == "code" and i.target == "object"}
    unknown = sorted(ids - objects)
    if unknown:
        raise RubricError(f"{probes}: STAND_INS has stand-ins for {', '.join(map(repr, unknown))}, which are not code items "
                          f"graded on an object in {lab.rubric_path}. Fix: key STAND_INS by those items' ids "
                          f"({', '.join(sorted(objects)) or 'none'}) or remove the entry.")
    return ids


def list_labs(settings: Settings) -> list[Lab]:
    return [find_lab(p.stem, settings) for p in sorted(rubric_dir(settings).glob("*.yaml"))]

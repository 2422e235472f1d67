"""Write the notebooks of lab ``generative-tf``: the student template, the solution and the
sample submissions.

    python -m reference.generative_tf.build.notebooks [--root DIR]

writes, under ``DIR`` (default: the repository root):

- ``reference/generative_tf/public/template.ipynb``: the notebook students get (Polish);
- ``reference/generative_tf/judge/solution.ipynb``: the template with every graded cell answered;
- ``submissions/generative-tf/*.ipynb``: sample students (file name = student id): the solution,
  the blank template, buggy students each the solution with exactly one bug
  (:data:`BUGGY_SAMPLES`), and the students of ``samples.py`` (:data:`STUDENT_SAMPLES`), written
  in students' own styles: several answer slots replaced, some with extra cells
  (:data:`STUDENT_EXTRA_CELLS`), one with a cell that does not parse (:data:`SYNTAX_ERROR_SAMPLES`).

The cells (texts, answer slots, the template and the solution) are ``cells.py``'s; the samples
laid out like the seeds' own notebooks are ``real_layouts.py``'s. The output is deterministic:
running the script twice gives identical bytes.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import nbformat

from ...build.common import REPO_ROOT, build_cli, lab_notebooks, write_notebooks
from .cells import (
    BUGGY_SAMPLES,
    LAB_DIR,
    SOLUTION_SLOTS,
    SUBMISSIONS_DIR,
    TEMPLATE_SLOTS,
    notebook,
    solution_notebook,
    template_notebook,
)
from .real_layouts import real_notebooks  # laid out like the seeds' notebooks
from .samples import STUDENT_EXTRA_CELLS, STUDENT_SAMPLES


def all_notebooks() -> dict[Path, nbformat.NotebookNode]:
    """Every notebook this script writes, by path relative to the repository root."""
    slots = {**TEMPLATE_SLOTS, **SOLUTION_SLOTS}
    buggy = ((student, notebook({**slots, **overrides})) for student, overrides in BUGGY_SAMPLES.items())
    styles = (
        (student, notebook({**slots, **overrides}, STUDENT_EXTRA_CELLS.get(student)))
        for student, overrides in STUDENT_SAMPLES.items()
    )
    students = itertools.chain(buggy, styles, real_notebooks().items())
    return lab_notebooks(LAB_DIR, SUBMISSIONS_DIR, template_notebook(), solution_notebook(), students)


def build(root: Path = REPO_ROOT) -> list[Path]:
    """Write every notebook under ``root``; return the paths written."""
    return write_notebooks(all_notebooks(), root)


def main(argv: list[str] | None = None) -> int:
    return build_cli(__doc__.splitlines()[0], build, "reference/ and submissions/", argv)


if __name__ == "__main__":
    raise SystemExit(main())

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

from pathlib import Path

import nbformat

from ...build.common import REPO_ROOT, build_cli, render, write_files
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
    template = template_notebook()
    solved = solution_notebook()
    books = {
        LAB_DIR / "public" / "template.ipynb": template,
        LAB_DIR / "judge" / "solution.ipynb": solved,
        SUBMISSIONS_DIR / "solution.ipynb": solved,
        SUBMISSIONS_DIR / "blank.ipynb": template,
    }
    for student, overrides in BUGGY_SAMPLES.items():
        books[SUBMISSIONS_DIR / f"{student}.ipynb"] = notebook({**TEMPLATE_SLOTS, **SOLUTION_SLOTS, **overrides})
    for student, overrides in STUDENT_SAMPLES.items():
        if student in BUGGY_SAMPLES:
            raise ValueError(f"sample {student} is defined twice")
        books[SUBMISSIONS_DIR / f"{student}.ipynb"] = notebook(
            {**TEMPLATE_SLOTS, **SOLUTION_SLOTS, **overrides}, STUDENT_EXTRA_CELLS.get(student)
        )
    for student, nb in real_notebooks().items():
        if SUBMISSIONS_DIR / f"{student}.ipynb" in books:
            raise ValueError(f"sample {student} is defined twice")
        books[SUBMISSIONS_DIR / f"{student}.ipynb"] = nb
    return books


def build(root: Path = REPO_ROOT) -> list[Path]:
    """Write every notebook under ``root``; return the paths written."""
    return write_files({relative: render(nb) for relative, nb in all_notebooks().items()}, root)


def main(argv: list[str] | None = None) -> int:
    return build_cli(__doc__.splitlines()[0], build, "reference/ and submissions/", argv)


if __name__ == "__main__":
    raise SystemExit(main())

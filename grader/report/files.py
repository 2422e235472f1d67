"""The report folder: ``index.html`` and ``students/<student>.html``, under file names that are
safe and distinct on every file system."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..course import Delivery
from ..outcomes import Grade
from .dashboard import render_dashboard
from .student import render_student_report


def safe_filename(student: str) -> str:
    """A file name for a student id: only ``[A-Za-z0-9._-]``, never hidden, never empty."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", student).lstrip(".")
    return name or "student"


def report_names(students: list[str]) -> dict[str, str]:
    """Distinct report file names (without ``.html``) for the given students, stable order."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for student in sorted(set(students)):
        base = name = safe_filename(student)
        n = 2
        while name.lower() in taken:  # case-insensitive: macOS/Windows file systems
            name, n = f"{base}-{n}", n + 1
        taken.add(name.lower())
        names[student] = name
    return names


def write_reports(
    out_dir,
    grades: list[Grade],
    lang: str,
    lab_title: str,
    rubric_items: list,
    meta: dict,
    absent: Sequence[Delivery] = (),
) -> Path:
    """Write ``index.html`` and ``students/<student>.html`` under ``out_dir``; returns the index.
    ``absent``: roster people without a graded notebook, listed on the dashboard."""
    out = Path(out_dir)
    (out / "students").mkdir(parents=True, exist_ok=True)
    names = report_names([g.student for g in grades])
    links = {student: f"students/{name}.html" for student, name in names.items()}
    for grade in grades:
        page = render_student_report(grade, lang, lab_title, meta)
        (out / links[grade.student]).write_text(page, encoding="utf-8")
    index = out / "index.html"
    index.write_text(render_dashboard(grades, lang, lab_title, rubric_items, meta, links, absent), encoding="utf-8")
    return index

"""Machine-readable exports of a batch of grades: ``results.json`` and ``grades.csv``.

``results.json`` (``schema_version`` 1; field by field in ``docs/results-schema.md``)::

    {"schema_version": 1, "lab": str, "grader_version": str, "lang": "pl" | "en",
     "meta": {...},                      # free-form; timestamps and run timings live here
     "submissions": [                    # sorted by student
       {"student", "file", "sha256", "status": "graded" | "awaiting" | "error",
        "awaiting": {"items": [item id], "points", "text"} | null,   # items a person has yet to score
        "error": str | null, "error_i18n": {"pl", "en"} | null,
        "total", "max", "late": {...} | null, "late_deduction", "duration_s", "environment": {...},
        "items": [
          {"id", "title", "kind": "code" | "prose", "points", "max_points",
           "auto_points", "auto_max", "manual_points", "manual_max",
           "status", "bonus", "object_name", "message", "message_i18n", "answer",
           "feedback": {"criteria": [{"id", "points", "text"}], "adjustment", "comment"} | null,
           "checks": [
             {"id", "title", "status", "weight", "public", "message", "message_i18n",
              "hint", "expected", "got", "traceback", "duration_s"}],
           "tables": [{"title", "columns", "rows", "note"}], "duration_s"}],
        "cells": [{"cell", "status", "duration_s", "error"}]}]}   # execute mode: every code cell's run

Strings (``title``, ``message``, ``hint``, ``error``) are in ``lang``; ``*_i18n`` carry both
languages for LMS feedback. Statuses are :class:`~grader.outcomes.Outcome` values.

The output is deterministic: the only time-dependent values are under ``meta`` and under
keys named ``duration_s``, so two runs compare byte for byte once those are dropped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .course import Delivery
from .i18n import Text, awaiting_text, message
from .outcomes import CheckResult, Grade, ItemGrade, Outcome, Table

SCHEMA_VERSION = 1


def grader_version() -> str:
    """The grader's version (:data:`grader._version.__version__`)."""
    return __version__


def format_number(value: float | None) -> str:
    """``12.5 -> "12.5"``, ``3.0 -> "3"``, ``1/3 -> "0.3333"``; ``None -> ""``."""
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(text: Text | None, lang: str) -> str | None:
    return None if text is None else text(lang)


def _i18n(text: Text | None) -> dict[str, str] | None:
    return None if text is None else text.to_json()


def _jsonable(value: object) -> object:
    """Environment values come from the sandbox: keep JSON types, stringify the rest."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def check_document(check: CheckResult, lang: str) -> dict:
    """One check as it appears in ``results.json``."""
    return {
        "id": check.id,
        "title": check.title(lang),
        "status": check.status.value,
        "weight": check.weight,
        "public": check.public,
        "message": _text(check.message, lang),
        "message_i18n": _i18n(check.message),
        "hint": _text(check.hint, lang),
        "expected": check.expected,
        "got": check.got,
        "traceback": check.traceback,
        "duration_s": check.duration_s,
    }


def item_document(item: ItemGrade, lang: str) -> dict:
    """One graded item as it appears in ``results.json``."""
    result = item.result
    return {
        "id": item.id,
        "title": item.title(lang),
        "kind": item.kind,
        "points": item.points,
        "max_points": item.max_points,
        "auto_points": item.auto_points,
        "auto_max": item.auto_max,
        "manual_points": item.manual_points,
        "manual_max": item.manual_max,
        "status": item.status.value,
        "bonus": item.bonus,
        "object_name": result.object_name,
        "object_cell": None if result.object_cell is None else result.object_cell + 1,
        "notes": [_text(n, lang) for n in result.notes],
        "message": _text(result.message, lang),
        "message_i18n": _i18n(result.message),
        "answer": result.answer,
        "feedback": _feedback_document(item, lang),
        "checks": [check_document(c, lang) for c in result.checks],
        "tables": [table_document(t, lang) for t in result.tables],
        "duration_s": round(sum(c.duration_s for c in result.checks), 3),
    }


def _feedback_document(item: ItemGrade, lang: str) -> dict | None:
    feedback = item.feedback
    if feedback is None:
        return None
    return {
        "criteria": [{"id": cid, "points": points, "text": text(lang)} for cid, points, text in feedback.criteria],
        "adjustment": feedback.adjustment,
        "comment": feedback.comment,
    }


def table_document(table: Table, lang: str) -> dict:
    """An information table of an item (never scored) as it appears in ``results.json``."""
    return {
        "title": table.title(lang),
        "columns": [c(lang) for c in table.columns],
        "rows": [list(row) for row in table.rows],
        "note": _text(table.note, lang),
    }


def submission_document(grade: Grade, lang: str) -> dict:
    """One submission as it appears in ``results.json`` (and in the gradebook's grade_json)."""
    return {
        "student": grade.student,
        "file": grade.file,
        "sha256": grade.sha256,
        "status": grade.state,
        "awaiting": _awaiting_document(grade, lang),
        "error": _text(grade.error, lang),
        "error_i18n": _i18n(grade.error),
        "total": grade.total,
        "max": grade.max,
        "late": _late_document(grade),
        "late_deduction": grade.late_deduction,
        "duration_s": grade.result.duration_s,
        "environment": _jsonable(dict(grade.result.environment)),
        "notices": [_text(n, lang) for n in grade.result.notices],
        "items": [item_document(i, lang) for i in grade.items],
        "cells": [
            {"cell": c.cell, "status": c.status, "duration_s": c.duration_s, "error": c.error}
            for c in grade.result.cells
        ],
    }


def _awaiting_document(grade: Grade, lang: str) -> dict | None:
    if not grade.awaiting:
        return None
    return {
        "items": list(grade.awaiting),
        "points": grade.awaiting_points,
        "text": awaiting_text(len(grade.awaiting), grade.awaiting_points)(lang),
    }


def _late_document(grade: Grade) -> dict | None:
    late = grade.lateness
    if late is None:
        return None
    return {
        "submitted_at": late.submitted_at,
        "due": late.due,
        "late_seconds": late.late_seconds,
        "units": late.units,
        "per": late.per,
        "fraction": late.fraction,
    }


def late_text(grade: Grade) -> Text | None:
    """What lateness cost, for a report or an LMS comment; None when it cost nothing."""
    late = grade.lateness
    if late is None or not late.late:
        return None
    unit = {"day": Text("dni", "days"), "hour": Text("godz.", "hours")}[late.per]
    return message(
        "lms_late",
        late=Text(f"{late.units} {unit.pl}", f"{late.units} {unit.en}"),
        points=format_number(grade.late_deduction),
        percent=format_number(late.fraction * 100),
    )


def results_document(grades: list[Grade], lab: str, lang: str, meta: dict, absent: Sequence[Delivery] = ()) -> dict:
    """The whole ``results.json`` document for a batch, submissions sorted by student; ``absent``:
    roster people without a graded notebook (``not submitted`` or ``no notebook``, 0 points)."""
    ordered = sorted(grades, key=lambda g: (g.student, g.file))
    return {
        "schema_version": SCHEMA_VERSION,
        "lab": lab,
        "grader_version": grader_version(),
        "lang": lang,
        "meta": _jsonable(dict(meta)),
        "submissions": [submission_document(g, lang) for g in ordered],
        "absent": [
            {"student": d.person.key, "display_name": d.person.display_name, "status": d.state, "note": d.note}
            for d in sorted(absent, key=lambda d: d.person.key)
        ],
    }


def dumps(document: dict) -> str:
    """The canonical JSON text of a document (stable across runs and platforms)."""
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_results_json(
    path, grades: list[Grade], lab: str, lang: str, meta: dict, absent: Sequence[Delivery] = ()
) -> Path:
    """Write ``results.json`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(dumps(results_document(grades, lab, lang, meta, absent)), encoding="utf-8")
    return path


def _cell(item: ItemGrade | None) -> str:
    if item is None:
        return ""
    # A prose answer nobody has scored yet has no points: an empty cell, not a zero.
    if item.kind == "prose" and item.manual_points is None and item.status is Outcome.MANUAL:
        return ""
    return format_number(item.points)


def grades_csv_rows(
    grades: list[Grade], rubric_items: Sequence[tuple[str, str]], absent: Sequence[Delivery] = ()
) -> list[list[str]]:
    """The rows of ``grades.csv``, header first, one row per submission sorted by student, then one
    per roster person without a graded notebook (status ``not submitted`` / ``no notebook``, 0)."""
    ids = [item_id for item_id, _kind in rubric_items]
    rows = [["student", "file", "status", *ids, "late_deduction", "total", "max"]]
    for grade in sorted(grades, key=lambda g: (g.student, g.file)):
        by_id = {item.id: item for item in grade.items}
        cells = [_cell(by_id.get(item_id)) for item_id in ids]
        rows.append(
            [
                grade.student,
                grade.file,
                awaiting_text(len(grade.awaiting), grade.awaiting_points).en if grade.awaiting else grade.status,
                *cells,
                format_number(grade.late_deduction),
                format_number(grade.total),
                format_number(grade.max),
            ]
        )
    maximum = format_number(max((g.max for g in grades), default=0.0))
    for d in sorted(absent, key=lambda d: d.person.key):
        rows.append([d.person.key, "", d.state, *([""] * len(ids)), "0", "0", maximum])
    return rows


def write_grades_csv(
    path, grades: list[Grade], rubric_items: Sequence[tuple[str, str]], absent: Sequence[Delivery] = ()
) -> Path:
    """Write ``grades.csv`` (columns: student, file, status, item ids..., late_deduction, total, max)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(grades_csv_rows(grades, rubric_items, absent))
    return path

"""One student's report: every item with its points, checks, answer and figures, the grader's
run of the notebook and the grading environment, as a self-contained HTML page."""

from __future__ import annotations

from ..data import standin_notes
from ..export import format_number, late_text
from ..i18n import ui_labels
from ..outcomes import Grade, ItemGrade, Outcome
from .common import STATUS_COLOURS, SUBMISSION_COLOURS, meta_rows, page, plain
from .sanitize import markdown_to_safe_html, png_data_uri

CELL_COLOURS = {"ok": "#1a7f37", "error": "#cf222e", "timed_out": "#9a6700", "not_run": "#6e7781"}


def _check_view(check, lang: str, ui: dict) -> dict:
    # A hidden check's expected value may give the answer away: show only its verdict.
    show_values = check.public and (check.expected is not None or check.got is not None)
    return {
        "title": check.title(lang),
        "status_label": ui["statuses"][check.status.value],
        "colour": STATUS_COLOURS[check.status.value],
        "hidden": not check.public,
        "message": check.message(lang) if check.message else None,
        "hint": check.hint(lang) if check.hint and check.public else None,
        "show_values": show_values,
        "expected": check.expected or "",
        "got": check.got or "",
        "traceback": check.traceback,
    }


def _figure_views(item: ItemGrade, ui: dict) -> list[dict]:
    views = []
    for figure in item.result.figures:
        uri = png_data_uri(figure.png_base64)
        if uri:  # a corrupt or non-PNG payload is skipped, never embedded
            caption = ui[
                {"stored": "figure_stored", "executed": "figure_executed", "reference": "figure_reference"}.get(
                    figure.source, "figure_cell"
                )
            ]
            views.append({"uri": uri, "caption": caption.format(cell=figure.cell + 1), "source": figure.source})
    return views


def _feedback_view(item: ItemGrade, lang: str) -> dict | None:
    feedback = item.feedback
    if feedback is None:
        return None
    return {
        "criteria": [(format_signed(points), text(lang)) for _id, points, text in feedback.criteria],
        "adjustment": format_signed(feedback.adjustment) if feedback.adjustment else None,
        "comment_html": markdown_to_safe_html(feedback.comment) if feedback.comment else None,
    }


def format_signed(points: float) -> str:
    return ("+" if points > 0 else "") + format_number(points)


def _item_view(item: ItemGrade, lang: str, ui: dict) -> dict:
    result = item.result
    # Awaiting a person (a prose answer, or a code item without automatic checks): no number yet.
    pending = item.manual_points is None and item.status is Outcome.MANUAL
    return {
        "id": item.id,
        "title": item.title(lang),
        "kind": item.kind,
        "bonus": item.bonus,
        "pending": pending,
        "points": "?" if pending else format_number(item.points),
        "max": format_number(item.max_points),
        "status_label": ui["statuses"][item.status.value],
        "colour": STATUS_COLOURS[item.status.value],
        "message": result.message(lang) if result.message else None,
        "object_name": result.object_name,
        "object_cell": None if result.object_cell is None else result.object_cell + 1,
        "notes": [n(lang) for n in result.notes],
        "checks": [_check_view(c, lang, ui) for c in result.checks],
        "answer_html": markdown_to_safe_html(result.answer) if result.answer else None,
        # what the person who scored it said: their text is untrusted too (a TA's paste)
        "feedback": _feedback_view(item, lang),
        "figures": _figure_views(item, ui),
        "tables": [
            {
                "title": t.title(lang),
                "columns": [c(lang) for c in t.columns],
                "rows": t.rows,
                "note": t.note(lang) if t.note else None,
            }
            for t in result.tables
        ],
    }


def student_context(grade: Grade, lang: str, lab_title: str, meta: dict) -> dict:
    """Everything the student template shows, computed (no logic left for the template)."""
    ui = ui_labels(lang)
    environment = [(str(k), plain(v)) for k, v in sorted(grade.result.environment.items())]
    return {
        "lab_title": lab_title,
        "student": grade.student,
        "file": grade.file,
        "sha_short": grade.sha256[:12],
        "total": format_number(grade.total),
        "max": format_number(grade.max),
        "late": _late(grade, lang),
        "status_label": ui["submission_statuses"].get(grade.status, grade.status),
        "status_colour": SUBMISSION_COLOURS.get(grade.status, SUBMISSION_COLOURS["error"]),
        "error": grade.error(lang) if grade.error else None,
        "notices": [n(lang) for n in grade.result.notices],
        "items": [_item_view(item, lang, ui) for item in grade.items],
        "environment": environment,
        "cells": [
            {
                "cell": c.cell + 1,
                "status": c.status,
                "status_label": ui["cell_statuses"].get(c.status, c.status),
                "colour": CELL_COLOURS.get(c.status, CELL_COLOURS["error"]),
                "seconds": f"{c.duration_s:.2f}",
                "error": c.error or "",
            }
            for c in grade.result.cells
        ],
        # one note per data set served from its stand-in (the registry knows its stand-in's source)
        "standin_notes": standin_notes(environment, lang),
        "meta": meta_rows(meta),
    }


def _late(grade: Grade, lang: str) -> str | None:
    text = late_text(grade)
    return text(lang) if text else None


def render_student_report(grade: Grade, lang: str, lab_title: str, meta: dict) -> str:
    """One student's report as a self-contained HTML page."""
    context = student_context(grade, lang, lab_title, meta)
    title = f"{lab_title}: {grade.student}"
    return page("student.html", lang, title, **context)

"""HTML reports: one page per student and a class dashboard.

Every decision (points formatting, colours, percentages, histogram geometry) is made here;
the Jinja templates only lay out what these functions computed. Pages are single
self-contained files: inline CSS, no JavaScript, a Content-Security-Policy that allows only
inline styles and ``data:`` images, and autoescaping of everything the student controls.
Only :func:`~grader.report.sanitize.markdown_to_safe_html` output is marked safe.
"""
from __future__ import annotations

import math
import re
import statistics
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..export import format_number
from ..outcomes import Grade, ItemGrade, Outcome
from .sanitize import markdown_to_safe_html, png_data_uri

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
HISTOGRAM_BINS = 10
SLOWEST = 5

# Colour-blind-safe enough: every badge also carries its status word.
STATUS_COLOURS = {
    "passed": "#1a7f37", "failed": "#cf222e", "errored": "#bc4c00", "timed_out": "#8250df",
    "missing": "#6e7781", "manual": "#0969da", "grader_error": "#24292f",
}
SUBMISSION_COLOURS = {"graded": "#1a7f37", "error": "#cf222e"}

# UI label -> (Polish, English). Messages about the student's work come as Text from the judge.
_LABELS = {
    "report": ("Raport", "Report"), "dashboard": ("Podsumowanie grupy", "Class dashboard"),
    "student": ("Student", "Student"), "file": ("Plik", "File"), "sha256": ("SHA-256", "SHA-256"),
    "total": ("Suma", "Total"), "status": ("Status", "Status"), "error": ("Błąd", "Error"),
    "points": ("Punkty", "Points"), "object_name": ("Oceniany obiekt", "Graded object"),
    "object_cell": ("komórka", "cell"), "notice": ("Uwaga", "Note"),
    "bonus": ("dodatkowe", "bonus"), "hint": ("Wskazówka", "Hint"),
    "expected": ("Oczekiwano", "Expected"), "got": ("Otrzymano", "Got"),
    "traceback": ("Ślad wywołań", "Traceback"), "answer": ("Odpowiedź", "Answer"),
    "not_scored": ("nie wpływa na ocenę", "not scored"),
    "hidden_check": ("test ukryty", "hidden check"),
    "pending": ("czeka na ocenę", "awaiting scoring"),
    "figure_stored": ("zapisany wynik, komórka {cell} (nie uruchamiany ponownie)",
                      "stored output, cell {cell} (not re-run)"),
    "figure_cell": ("komórka {cell}", "cell {cell}"),
    "figure_executed": ("narysowany, gdy grader uruchomił notatnik, komórka {cell}",
                        "drawn when the grader ran the notebook, cell {cell}"),
    "figure_reference": ("rozwiązanie wzorcowe, ta sama sekcja, komórka {cell}",
                         "reference solution, same section, cell {cell}"),
    "run": ("Uruchomienie notatnika przez grader", "The grader's run of the notebook"),
    "run_note": ("Trening ograniczony (epoki, podzbiór MNIST); komórka dłuższa niż limit jest przerywana, a kolejne "
                 "wykonują się dalej.",
                 "Training capped (epochs, an MNIST subsample); a cell running past the limit is cut and the next "
                 "ones run."),
    "cell": ("komórka", "cell"), "cell_status": ("stan", "status"), "seconds": ("czas [s]", "time [s]"),
    "cell_error": ("błąd", "error"),
    "cell_statuses": ({"ok": "wykonana", "error": "błąd", "timed_out": "przerwana (limit czasu)",
                       "not_run": "nie uruchomiona"},
                      {"ok": "ran", "error": "error", "timed_out": "cut (time limit)", "not_run": "not run"}),
    "environment": ("Środowisko oceniania", "Grading environment"),
    "standin": ("Uwaga: zamiast MNIST użyto zastępczego zbioru zbudowanego z cyfr scikit-learn "
                "(load_digits, 8x8 powiększone do 28x28).",
                "Note: the MNIST stand-in built from scikit-learn digits (load_digits, 8x8 "
                "upscaled to 28x28) was used instead of MNIST."),
    "run_info": ("Informacje o przebiegu", "Run information"),
    "submissions": ("Zgłoszenia", "Submissions"), "count": ("Liczba zgłoszeń", "Submissions"),
    "mean": ("Średnia", "Mean"), "median": ("Mediana", "Median"), "max": ("Maksimum", "Maximum"),
    "histogram": ("Rozkład wyników", "Score histogram"),
    "item_rates": ("Zaliczenia zadań", "Item pass rates"), "item": ("Zadanie", "Item"),
    "rate": ("Zaliczone / odpowiedziane", "Passed / answered"),
    "attention": ("Wymaga uwagi", "Needs attention"), "reason": ("Powód", "Reason"),
    "slowest": ("Najwolniejsze zgłoszenia", "Slowest submissions"),
    "item_time": ("średni czas testów [s]", "mean check time [s]"),
    "duration": ("Czas", "Duration"), "none": ("brak", "none"),
    "grader_error_in": ("błąd oceniarki w {item}", "grader error in {item}"),
    "suspicious": ("kod sięga do wnętrza oceniarki (do sprawdzenia): {where}", "code reaches into the grader's internals (review it): {where}"),
}
_STATUS = {
    "passed": ("zaliczone", "passed"), "failed": ("niezaliczone", "failed"),
    "errored": ("błąd w kodzie", "errored"), "timed_out": ("przekroczony czas", "timed out"),
    "missing": ("brak", "missing"), "manual": ("ocena ręczna", "manual"),
    "grader_error": ("błąd oceniarki", "grader error"),
}
_SUBMISSION_STATUS = {"graded": ("ocenione", "graded"), "error": ("błąd", "error")}


def ui_labels(lang: str) -> dict:
    """The UI strings for ``lang`` ("en", else Polish, as :class:`~grader.i18n.Text` does)."""
    index = 1 if lang == "en" else 0
    labels = {key: pair[index] for key, pair in _LABELS.items()}
    labels["lang"] = "en" if index else "pl"
    labels["statuses"] = {key: pair[index] for key, pair in _STATUS.items()}
    labels["submission_statuses"] = {key: pair[index] for key, pair in _SUBMISSION_STATUS.items()}
    return labels

_ENV = Environment(
    loader=PackageLoader("grader", "report/templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _page(template: str, lang: str, title: str, **context) -> str:
    ui = ui_labels(lang)
    return _ENV.get_template(template).render(
        lang=ui["lang"], ui=ui, csp=CSP, page_title=title, **context)


def _meta_rows(meta: dict) -> list[tuple[str, str]]:
    return [(str(k), _plain(v)) for k, v in sorted(meta.items(), key=lambda kv: str(kv[0]))]


def _plain(value) -> str:
    """An environment value as a line of text: lists joined, mappings as ``key: value``."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return str(value)


# ---------------------------------------------------------------- student report

CELL_COLOURS = {"ok": "#1a7f37", "error": "#cf222e", "timed_out": "#9a6700", "not_run": "#6e7781"}


def _check_view(check, lang: str, ui: dict) -> dict:
    # A hidden check's expected value may give the answer away: show only its verdict.
    show_values = check.public and (check.expected is not None or check.got is not None)
    return {
        "title": check.title(lang), "status_label": ui["statuses"][check.status.value],
        "colour": STATUS_COLOURS[check.status.value], "hidden": not check.public,
        "message": check.message(lang) if check.message else None,
        "hint": check.hint(lang) if check.hint and check.public else None,
        "show_values": show_values, "expected": check.expected or "", "got": check.got or "",
        "traceback": check.traceback,
    }


def _figure_views(item: ItemGrade, ui: dict) -> list[dict]:
    views = []
    for figure in item.result.figures:
        uri = png_data_uri(figure.png_base64)
        if uri:  # a corrupt or non-PNG payload is skipped, never embedded
            caption = ui[{"stored": "figure_stored", "executed": "figure_executed",
                          "reference": "figure_reference"}.get(figure.source, "figure_cell")]
            views.append({"uri": uri, "caption": caption.format(cell=figure.cell + 1), "source": figure.source})
    return views


def _item_view(item: ItemGrade, lang: str, ui: dict) -> dict:
    result = item.result
    # Awaiting a person (a prose answer, or a code item without automatic checks): no number yet.
    pending = item.manual_points is None and item.status is Outcome.MANUAL
    return {
        "id": item.id, "title": item.title(lang), "kind": item.kind, "bonus": item.bonus,
        "pending": pending, "points": "?" if pending else format_number(item.points),
        "max": format_number(item.max_points),
        "status_label": ui["statuses"][item.status.value], "colour": STATUS_COLOURS[item.status.value],
        "message": result.message(lang) if result.message else None,
        "object_name": result.object_name,
        "object_cell": None if result.object_cell is None else result.object_cell + 1,
        "notes": [n(lang) for n in result.notes],
        "checks": [_check_view(c, lang, ui) for c in result.checks],
        "answer_html": markdown_to_safe_html(result.answer) if result.answer else None,
        "figures": _figure_views(item, ui),
        "tables": [{"title": t.title(lang), "columns": [c(lang) for c in t.columns], "rows": t.rows,
                    "note": t.note(lang) if t.note else None} for t in result.tables],
    }


def student_context(grade: Grade, lang: str, lab_title: str, meta: dict) -> dict:
    """Everything the student template shows, computed (no logic left for the template)."""
    ui = ui_labels(lang)
    environment = [(str(k), _plain(v)) for k, v in sorted(grade.result.environment.items())]
    return {
        "lab_title": lab_title, "student": grade.student, "file": grade.file,
        "sha_short": grade.sha256[:12], "total": format_number(grade.total),
        "max": format_number(grade.max),
        "status_label": ui["submission_statuses"].get(grade.status, grade.status),
        "status_colour": SUBMISSION_COLOURS.get(grade.status, SUBMISSION_COLOURS["error"]),
        "error": grade.error(lang) if grade.error else None,
        "notices": [n(lang) for n in grade.result.notices],
        "items": [_item_view(item, lang, ui) for item in grade.items],
        "environment": environment,
        "cells": [{"cell": c.cell + 1, "status": c.status, "status_label": ui["cell_statuses"].get(c.status, c.status),
                   "colour": CELL_COLOURS.get(c.status, CELL_COLOURS["error"]), "seconds": f"{c.duration_s:.2f}",
                   "error": c.error or ""} for c in grade.result.cells],
        "standin": any("standin:" in value for _key, value in environment),
        "meta": _meta_rows(meta),
    }


def render_student_report(grade: Grade, lang: str, lab_title: str, meta: dict) -> str:
    """One student's report as a self-contained HTML page."""
    context = student_context(grade, lang, lab_title, meta)
    title = f"{lab_title}: {grade.student}"
    return _page("student.html", lang, title, **context)


# ---------------------------------------------------------------- dashboard

def histogram(totals: list[float], maximum: float, bins: int = HISTOGRAM_BINS) -> list[int]:
    """Counts of ``totals`` in ``bins`` equal bins over [0, maximum] (the last one closed)."""
    counts = [0] * bins
    for total in totals:
        index = math.floor(total * bins / maximum) if maximum > 0 else 0
        counts[min(max(index, 0), bins - 1)] += 1  # bonus points land in the top bin
    return counts


def histogram_svg(counts: list[int], maximum: float) -> dict:
    """Bar geometry for the inline SVG histogram (viewBox 0 0 400 160)."""
    width, plot_height, bar_gap = 400, 130, 2
    step = width / len(counts)
    tallest = max(counts, default=0) or 1
    bars = []
    for i, count in enumerate(counts):
        height = round(plot_height * count / tallest, 1)
        low, high = maximum * i / len(counts), maximum * (i + 1) / len(counts)
        bars.append({
            "x": round(i * step + bar_gap / 2, 1), "y": round(plot_height - height, 1),
            "width": round(step - bar_gap, 1), "height": height, "count": count,
            "label": format_number(low), "label_x": round(i * step + step / 2, 1),
            "tooltip": f"{format_number(low)}-{format_number(high)}: {count}",
        })
    return {"bars": bars, "width": width, "height": plot_height + 30, "axis_y": plot_height + 14}


def _item_pairs(rubric_items: list) -> list[tuple[str, str]]:
    # Accept (id, kind) tuples or rubric Item models: both are what callers have at hand.
    return [(i.id, i.kind) if hasattr(i, "id") else (i[0], i[1]) for i in rubric_items]


def _item_rates(grades: list[Grade], rubric_items: list, lang: str) -> list[dict]:
    rows = []
    for item_id, kind in _item_pairs(rubric_items):
        graded = [i for g in grades for i in g.items if i.id == item_id]
        # An item scored by a person (prose, or code without checks) "passes" when it was
        # answered: it then awaits (or got) a person's score.
        good = {Outcome.MANUAL, Outcome.PASSED}
        hits = sum(1 for i in graded if i.status in good)
        share = hits / len(graded) if graded else 0.0
        seconds = [sum(c.duration_s for c in i.result.checks) for i in graded]
        rows.append({"id": item_id, "kind": kind, "title": graded[0].title(lang) if graded else "",
                     "hits": hits, "n": len(graded), "percent": f"{share * 100:.0f}%",
                     "bar_width": round(share * 100, 1),
                     "seconds": f"{statistics.fmean(seconds):.2f}" if seconds and kind == "code" else ""})
    return rows


def _attention(grades: list[Grade], lang: str, ui: dict, links: dict) -> list[dict]:
    rows = []
    for grade in sorted(grades, key=lambda g: g.student):
        broken = [i.id for i in grade.items if i.status is Outcome.GRADER_ERROR]
        suspicious = grade.result.environment.get("suspicious_code") or []
        if grade.status != "error" and not broken and not suspicious:
            continue
        reasons = [grade.error(lang)] if grade.error else []
        reasons += [ui["grader_error_in"].format(item=item_id) for item_id in broken]
        reasons += [ui["suspicious"].format(where=where) for where in suspicious[:3]]
        rows.append({"student": grade.student, "href": links.get(grade.student),
                     "reason": "; ".join(reasons) or ui["submission_statuses"]["error"]})
    return rows


def dashboard_context(grades: list[Grade], lang: str, lab_title: str, rubric_items: list,
                      meta: dict, report_links: dict[str, str]) -> dict:
    """Everything the dashboard template shows, computed."""
    ui = ui_labels(lang)
    totals = [g.total for g in grades]
    maximum = max((g.max for g in grades), default=0.0)
    ordered = sorted(grades, key=lambda g: g.student)
    slowest = sorted(grades, key=lambda g: (-g.result.duration_s, g.student))[:SLOWEST]
    return {
        "lab_title": lab_title, "count": len(grades), "max": format_number(maximum),
        "mean": format_number(statistics.fmean(totals)) if totals else "-",
        "median": format_number(statistics.median(totals)) if totals else "-",
        "histogram": histogram_svg(histogram(totals, maximum), maximum),
        "item_rates": _item_rates(grades, rubric_items, lang),
        "rows": [{"student": g.student, "href": report_links.get(g.student),
                  "total": format_number(g.total), "max": format_number(g.max),
                  "status_label": ui["submission_statuses"].get(g.status, g.status),
                  "colour": SUBMISSION_COLOURS.get(g.status, SUBMISSION_COLOURS["error"])}
                 for g in ordered],
        "attention": _attention(grades, lang, ui, report_links),
        "slowest": [{"student": g.student, "href": report_links.get(g.student),
                     "duration": f"{g.result.duration_s:.1f} s"} for g in slowest],
        "meta": _meta_rows(meta),
    }


def render_dashboard(grades: list[Grade], lang: str, lab_title: str, rubric_items: list,
                     meta: dict, report_links: dict[str, str]) -> str:
    """The class dashboard as a self-contained HTML page."""
    context = dashboard_context(grades, lang, lab_title, rubric_items, meta, report_links)
    return _page("index.html", lang, lab_title, **context)


# ---------------------------------------------------------------- files

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


def write_reports(out_dir, grades: list[Grade], lang: str, lab_title: str,
                  rubric_items: list, meta: dict) -> Path:
    """Write ``index.html`` and ``students/<student>.html`` under ``out_dir``; returns the index."""
    out = Path(out_dir)
    (out / "students").mkdir(parents=True, exist_ok=True)
    names = report_names([g.student for g in grades])
    links = {student: f"students/{name}.html" for student, name in names.items()}
    for grade in grades:
        page = render_student_report(grade, lang, lab_title, meta)
        (out / links[grade.student]).write_text(page, encoding="utf-8")
    index = out / "index.html"
    index.write_text(render_dashboard(grades, lang, lab_title, rubric_items, meta, links),
                     encoding="utf-8")
    return index

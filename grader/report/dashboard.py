"""The class dashboard: totals, a histogram, item pass rates, what needs attention and the
slowest submissions, as a self-contained HTML page."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from ..course import Delivery
from ..export import format_number
from ..i18n import awaiting_text, ui_labels
from ..outcomes import Grade, Outcome
from .common import SUBMISSION_COLOURS, meta_rows, page

HISTOGRAM_BINS = 10
SLOWEST = 5


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
        bars.append(
            {
                "x": round(i * step + bar_gap / 2, 1),
                "y": round(plot_height - height, 1),
                "width": round(step - bar_gap, 1),
                "height": height,
                "count": count,
                "label": format_number(low),
                "label_x": round(i * step + step / 2, 1),
                "tooltip": f"{format_number(low)}-{format_number(high)}: {count}",
            }
        )
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
        rows.append(
            {
                "id": item_id,
                "kind": kind,
                "title": graded[0].title(lang) if graded else "",
                "hits": hits,
                "n": len(graded),
                "percent": f"{share * 100:.0f}%",
                "bar_width": round(share * 100, 1),
                "seconds": f"{statistics.fmean(seconds):.2f}" if seconds and kind == "code" else "",
            }
        )
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
        rows.append(
            {
                "student": grade.student,
                "href": links.get(grade.student),
                "reason": "; ".join(reasons) or ui["submission_statuses"]["error"],
            }
        )
    return rows


def dashboard_context(
    grades: list[Grade],
    lang: str,
    lab_title: str,
    rubric_items: list,
    meta: dict,
    report_links: dict[str, str],
    absent: Sequence[Delivery] = (),
) -> dict:
    """Everything the dashboard template shows, computed. ``absent``: roster people without a
    graded notebook, listed with 0 points after the graded ones (never silently left out)."""
    ui = ui_labels(lang)
    totals = [g.total for g in grades]
    maximum = max((g.max for g in grades), default=0.0)
    ordered = sorted(grades, key=lambda g: g.student)
    slowest = sorted(grades, key=lambda g: (-g.result.duration_s, g.student))[:SLOWEST]
    return {
        "lab_title": lab_title,
        "count": len(grades),
        "max": format_number(maximum),
        "mean": format_number(statistics.fmean(totals)) if totals else "-",
        "median": format_number(statistics.median(totals)) if totals else "-",
        "histogram": histogram_svg(histogram(totals, maximum), maximum),
        "item_rates": _item_rates(grades, rubric_items, lang),
        "rows": [
            {
                "student": g.student,
                "href": report_links.get(g.student),
                "total": format_number(g.total),
                "max": format_number(g.max),
                "status_label": awaiting_text(len(g.awaiting), g.awaiting_points)(lang)
                if g.state == "awaiting"
                else ui["submission_statuses"].get(g.status, g.status),
                "colour": SUBMISSION_COLOURS.get(g.state, SUBMISSION_COLOURS["error"]),
            }
            for g in ordered
        ]
        + [
            {
                "student": d.person.key,
                "href": None,
                "total": "0",
                "max": format_number(maximum),
                "status_label": ui["submission_statuses"].get(d.state, d.state),
                "colour": SUBMISSION_COLOURS.get(d.state, SUBMISSION_COLOURS["error"]),
            }
            for d in sorted(absent, key=lambda d: d.person.key)
        ],
        "attention": _attention(grades, lang, ui, report_links),
        "slowest": [
            {"student": g.student, "href": report_links.get(g.student), "duration": f"{g.result.duration_s:.1f} s"}
            for g in slowest
        ],
        "meta": meta_rows(meta),
    }


def render_dashboard(
    grades: list[Grade],
    lang: str,
    lab_title: str,
    rubric_items: list,
    meta: dict,
    report_links: dict[str, str],
    absent: Sequence[Delivery] = (),
) -> str:
    """The class dashboard as a self-contained HTML page."""
    context = dashboard_context(grades, lang, lab_title, rubric_items, meta, report_links, absent)
    return page("index.html", lang, lab_title, **context)

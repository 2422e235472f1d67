"""HTML reports: a page per student and a class dashboard, self-contained and script-free."""
from __future__ import annotations

from .render import render_dashboard, render_student_report, write_reports
from .sanitize import markdown_to_safe_html, png_data_uri

__all__ = [
    "markdown_to_safe_html",
    "png_data_uri",
    "render_dashboard",
    "render_student_report",
    "write_reports",
]

"""HTML reports: a page per student and a class dashboard, self-contained and script-free.

:mod:`.student` renders one student's report, :mod:`.dashboard` the class dashboard, both on
:mod:`.common` (page policy, colours, templates); :mod:`.files` writes them to a folder.
"""

from __future__ import annotations

from .dashboard import render_dashboard
from .files import write_reports
from .sanitize import markdown_to_safe_html, png_data_uri
from .student import render_student_report

__all__ = [
    "markdown_to_safe_html",
    "png_data_uri",
    "render_dashboard",
    "render_student_report",
    "write_reports",
]

"""What the student report and the class dashboard share: the page policy, the colours, the
Jinja environment and the ``meta`` rows.

Every decision (points formatting, colours, percentages, histogram geometry) is made in Python
(:mod:`.student`, :mod:`.dashboard`); the Jinja templates only lay out what was computed. Pages
are single self-contained files: inline CSS, no JavaScript, a Content-Security-Policy that
allows only inline styles and ``data:`` images, and autoescaping of everything the student
controls. Only :func:`~grader.report.sanitize.markdown_to_safe_html` output is marked safe.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..i18n import ui_labels

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

# Colour-blind-safe enough: every badge also carries its status word.
STATUS_COLOURS = {
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "errored": "#bc4c00",
    "timed_out": "#8250df",
    "missing": "#6e7781",
    "manual": "#0969da",
    "grader_error": "#24292f",
}
SUBMISSION_COLOURS = {
    "graded": "#1a7f37",
    "awaiting": "#9a6700",
    "error": "#cf222e",
    "not submitted": "#6e7781",
    "no notebook": "#6e7781",
}

_ENV = Environment(
    loader=PackageLoader("grader", "report/templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(template: str, lang: str, title: str, **context) -> str:
    """``template`` rendered with the UI's words in ``lang``, the page policy and ``context``."""
    ui = ui_labels(lang)
    return _ENV.get_template(template).render(lang=ui["lang"], ui=ui, csp=CSP, page_title=title, **context)


def meta_rows(meta: dict) -> list[tuple[str, str]]:
    """The ``meta`` dict as sorted (key, text) rows of the "run information" table."""
    return [(str(k), plain(v)) for k, v in sorted(meta.items(), key=lambda kv: str(kv[0]))]


def plain(value) -> str:
    """An environment value as a line of text: lists joined, mappings as ``key: value``."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value)
    return str(value)

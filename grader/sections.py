"""Where each rubric section lives in a notebook, and the prose answers inside it.

A section starts at the first markdown cell whose first line matches the section's pattern
and ends where the next section (of any id) starts. Patterns are matched against first lines
only, so an answer that quotes "Zadanie 2.5" does not move a boundary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .notebook import Notebook


@dataclass(frozen=True)
class Span:
    """Cells ``start`` (the heading) to ``end`` (exclusive) of one section."""

    start: int
    end: int


def find_sections(notebook: Notebook, patterns: dict[str, str]) -> dict[str, Span]:
    """Map each section id whose heading is found to its span of cells."""
    starts: list[tuple[int, str]] = []
    found: set[str] = set()
    compiled = {sid: re.compile(p) for sid, p in patterns.items()}
    for cell in notebook.cells:
        if cell.kind != "markdown":
            continue
        line = notebook.headline(cell)
        for sid, rx in compiled.items():
            if sid not in found and rx.search(line):
                starts.append((cell.index, sid))
                found.add(sid)
                break
    starts.sort()
    spans = {}
    for k, (start, sid) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(notebook.cells)
        spans[sid] = Span(start, end)
    return spans


def prose_answer(notebook: Notebook, span: Span, template_texts: set[str]) -> str:
    """The student's markdown in a section: every markdown cell after the question up to the
    next section, except cells identical to the template's (tutorial text, placeholders)."""
    parts = []
    for cell in notebook.cells[span.start + 1:span.end]:
        text = cell.source.strip()
        if cell.kind == "markdown" and text and _norm(text) not in template_texts:
            parts.append(text)
    return "\n\n".join(parts)


def template_markdown(notebook: Notebook) -> set[str]:
    """Normalised text of every markdown cell of the template (not an answer if unchanged)."""
    return {_norm(c.source) for c in notebook.cells if c.kind == "markdown" and c.source.strip()}


def is_placeholder(answer: str, placeholders: tuple[str, ...]) -> bool:
    """Empty, or nothing but a placeholder such as ``TU WPISZ ODPOWIEDŹ``."""
    rest = answer
    for p in placeholders:
        rest = re.sub(re.escape(p), "", rest, flags=re.IGNORECASE)
    return not re.sub(r"[\s*_#>`.:\-]+", "", rest)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()

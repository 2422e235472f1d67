"""The figures a report shows beside an item: the student's, and the reference solution's.

:func:`section_figures` picks a section's figures as the grader's run drew them, or as the
notebook stored them; :func:`reference_figures` runs the lab's solution notebook
(``reference_notebook:``) in execute mode once per process, so that each student's figure is
shown beside the reference's for the same section (:func:`with_reference_figures`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from .data import data_sources
from .discover import Submission
from .execute import NotebookRun
from .labs import Lab
from .notebook import Notebook, load_notebook
from .outcomes import Figure, ItemResult
from .rubric import Item
from .runtime import kernel_config, sandbox_spec
from .sandbox.supervisor import Sandbox
from .sections import Span, find_sections
from .settings import Settings

_REFERENCE: dict[tuple, dict[str, tuple[Figure, ...]]] = {}
_REFERENCE_LOCK = threading.Lock()


def section_figures(notebook: Notebook, span: Span | None, run: NotebookRun | None = None) -> tuple[Figure, ...]:
    """The section's figures: as the grader's run drew them for the cells it ran, else (cells not
    run, or definitions mode) the notebook's stored outputs, marked as such."""
    if span is None:
        return ()
    figures: list[Figure] = []
    for cell in notebook.cells[span.start : span.end]:
        record = run.records.get(cell.index) if run is not None else None
        if run is not None and record is not None and record.status != "not_run":
            figures.extend(Figure(cell.index, png, "executed") for png in run.images.get(cell.index, ()))
        else:
            figures.extend(Figure(cell.index, png) for png in cell.images)
    return tuple(figures)


def reference_figures(lab: Lab, settings: Settings) -> dict[str, tuple[Figure, ...]]:
    """The figures of the lab's solution notebook (``reference_notebook:``), by section, run in
    execute mode once per process (submissions graded in threads share it)."""
    path = lab.rubric.reference_notebook
    if not path:
        return {}
    key = (lab.name, lab.rubric_hash, settings.seed, tuple(data_sources(lab.rubric.datasets, settings).items()))
    with _REFERENCE_LOCK:
        if key in _REFERENCE:
            return _REFERENCE[key]
        notebook = load_notebook(Submission("reference", lab.root / path, "", 0))
        with Sandbox(sandbox_spec(lab, settings)) as sandbox:
            run = NotebookRun(
                sandbox, notebook, kernel_config(lab, settings), time.monotonic() + settings.submission_timeout_s
            )
            run.start()
            run.finish()
        spans = find_sections(notebook, lab.rubric.sections, lab.rubric.task_words)
        _REFERENCE[key] = {sid: run.figures(span, source="reference") for sid, span in spans.items()}
        return _REFERENCE[key]


def with_reference_figures(
    results: list[ItemResult], lab: Lab, settings: Settings, items: list[Item]
) -> list[ItemResult]:
    """Each item's figures followed by the reference solution's figures of the same section."""
    reference = reference_figures(lab, settings)
    sections = {i.id: i.section for i in items}
    return [replace(r, figures=r.figures + reference.get(sections[r.item_id], ())) for r in results]

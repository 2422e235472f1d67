"""Stage 5: the judge. Runs a lab's checks against one submission; trusted side only.

``judge_submission(submission, lab, settings) -> SubmissionResult``. For each rubric item:
resolve the student's object (name, alias, section snapshot), run each check in this process,
where checks reach student code only through probes into the sandbox, and map how each check
ended to an outcome (:mod:`grader.judge_items`). One failing item never stops the others; the
sandbox restarts a dead worker for the remaining items. :func:`judge_or_flag` is what a batch
calls: a bug of ours while judging a whole submission flags it instead of stopping the batch.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from .discover import Submission
from .execute import NotebookRun
from .extract import extract_program, suspicious_code
from .figures import with_reference_figures
from .i18n import Text, message
from .judge_context import SubmissionContext
from .judge_items import judge_code, judge_prose, probe_point, resolve
from .labs import Lab
from .notebook import NotebookError, load_notebook
from .outcomes import ItemResult, Outcome, SubmissionResult
from .rubric import Item
from .runtime import kernel_config, sandbox_spec
from .sandbox.supervisor import Sandbox
from .sections import find_sections
from .settings import Settings

__all__ = ["grader_failure", "judge_or_flag", "judge_submission"]


def judge_submission(
    submission: Submission,
    lab: Lab,
    settings: Settings,
    only_items: set[str] | None = None,
    public_only: bool = False,
    hidden: tuple[Path, ...] = (),
    sandbox: Sandbox | None = None,
) -> SubmissionResult:
    """Grade one submission: every item of the rubric (or ``only_items``). ``hidden``: folders
    the sandbox must not see besides the lab's (the batch's inputs and outputs). ``sandbox``:
    reuse a sandbox (the same submission graded again, e.g. under other seeds); it is reseeded
    with ``settings.seed`` and left open."""
    started = time.monotonic()
    items = [i for i in lab.rubric.items if only_items is None or i.id in only_items]
    try:
        notebook = load_notebook(submission)
    except NotebookError as exc:
        return _unreadable(submission, items, exc.text, time.monotonic() - started)
    program = extract_program(notebook)
    sections = find_sections(notebook, lab.rubric.sections, lab.rubric.task_words)
    executed = [i for i in items if i.kind == "code" and lab.rubric.item_mode(i, settings.mode or None) == "execute"]
    if sandbox is not None:
        sandbox.reseed(settings.seed)
    with nullcontext(sandbox) if sandbox is not None else Sandbox(sandbox_spec(lab, settings, hidden)) as sandbox:
        ctx = SubmissionContext(
            notebook,
            program,
            sections,
            lab,
            settings,
            public_only,
            sandbox,
            deadline=started + settings.submission_timeout_s,
        )
        results, run = _judge_items(items, executed, ctx)
        environment = dict(sandbox.environment, worker_restarts=max(sandbox.restarts - 1, 0))
    if run is not None:
        every_code_item = len(executed) == sum(i.kind == "code" for i in items)
        environment.update(mode="execute" if every_code_item else "definitions+execute", kernel=run.kernel)
        if lab.rubric.reference_notebook and not public_only:
            results = with_reference_figures(results, lab, settings, items)
    suspicious = suspicious_code(program)
    if suspicious:
        environment["suspicious_code"] = suspicious
    return SubmissionResult(
        submission.student,
        str(submission.path),
        submission.sha256,
        tuple(results),
        environment=environment,
        duration_s=round(time.monotonic() - started, 3),
        cells=run.cell_runs() if run is not None else (),
        notices=notebook.notices,
    )


def _judge_items(
    items: list[Item], executed: list[Item], ctx: SubmissionContext
) -> tuple[list[ItemResult], NotebookRun | None]:
    """Every item's result, in rubric order, and the notebook's run when execute-mode items needed one.

    The notebook runs only when some execute-mode item was answered (a blank template has nothing
    to run for); each such item is probed where its object is defined (its section's end)."""
    resolved = {i.id: resolve(i, ctx) for i in executed}
    points = {i.id: probe_point(i, resolved[i.id], ctx.sections) for i in executed}
    graded: dict[str, ItemResult] = {}
    run = None
    if any(r.outcome is None for r in resolved.values()):
        run = NotebookRun(ctx.sandbox, ctx.notebook, kernel_config(ctx.lab, ctx.settings), ctx.deadline)
        run.start()
        ctx = replace(ctx, run=run)
        for item in sorted(executed, key=lambda i: points[i.id]):
            run.until(points[item.id])
            graded[item.id] = judge_code(item, ctx, resolved[item.id], points[item.id])
        run.finish()
    for item in items:
        if item.id not in graded:
            graded[item.id] = judge_prose(item, ctx) if item.kind == "prose" else judge_code(item, ctx)
    return [graded[i.id] for i in items], run


def judge_or_flag(
    submission: Submission, lab: Lab, settings: Settings, hidden: tuple[Path, ...] = ()
) -> SubmissionResult:
    """:func:`judge_submission`, except that a bug of ours flags the submission
    (:func:`grader_failure`) instead of raising: one submission never stops a batch."""
    try:
        return judge_submission(submission, lab, settings, hidden=hidden)
    except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
        return grader_failure(submission, list(lab.rubric.items), exc)


def grader_failure(submission: Submission, items: list[Item], exc: BaseException) -> SubmissionResult:
    """A bug of ours while grading a whole submission: every item flagged, nothing charged."""
    text = message("grader_error", error=f"{type(exc).__name__}: {exc}"[:300])
    results = tuple(ItemResult(i.id, Outcome.GRADER_ERROR, message=text) for i in items)
    return SubmissionResult(submission.student, str(submission.path), submission.sha256, results, error=text)


def _unreadable(submission: Submission, items: list[Item], error: Text, duration: float) -> SubmissionResult:
    results = tuple(ItemResult(i.id, Outcome.MISSING, message=error) for i in items)
    return SubmissionResult(
        submission.student, str(submission.path), submission.sha256, results, error=error, duration_s=round(duration, 3)
    )

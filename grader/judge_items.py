"""Judging one rubric item of one submission: resolve the student's object, run the item's
checks and reports, and map how each check ended to an outcome.

Each function takes ``(item, ctx)`` (:class:`~grader.judge_context.SubmissionContext`); how a
check's ending becomes an outcome is the one table :data:`CHECK_ENDINGS`.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Required, TypedDict

from .cases import MissingCase
from .checks import CheckFailure, SectionCode, check_title
from .execute import NotebookRun
from .extract import Program, Resolution, build_snapshot, resolve_item
from .figures import section_figures
from .i18n import Text, message
from .independence import apply_stand_ins
from .judge_context import StudentHandle, SubmissionContext, SubmissionTimeout
from .outcomes import CellRun, CheckResult, ItemResult, Outcome, Table, item_status
from .rubric import CheckSpec, Item
from .sandbox.supervisor import KernelLost, ProbeBug, ProbeTimeout, StudentCodeError, WorkerDied
from .sections import SectionMap, Span, is_placeholder, prose_answer


class CheckEnding(TypedDict, total=False):
    """How a check ended: the :class:`CheckResult` fields that depend on it (``status`` always)."""

    status: Required[Outcome]
    message: Text | None
    hint: Text | None
    expected: str | None
    got: str | None
    traceback: str | None


class _Located(TypedDict):
    """The :class:`ItemResult` fields that say which student object an item graded."""

    object_name: str | None
    object_cell: int | None
    notes: tuple[Text, ...]


# How a check that raised ends: the first type the exception is an instance of gives the outcome
# and its message (CheckResult fields). Anything else is a bug of ours (GRADER_ERROR, _bug_ending).
CHECK_ENDINGS: tuple[tuple[type[BaseException], Callable[..., CheckEnding]], ...] = (
    (
        CheckFailure,
        lambda e, ctx, handle: CheckEnding(
            status=Outcome.FAILED, message=e.message, hint=e.hint, expected=e.expected, got=e.got
        ),
    ),
    (StudentCodeError, lambda e, ctx, handle: _student_error(e, handle.name)),
    (
        ProbeTimeout,
        lambda e, ctx, handle: CheckEnding(
            status=Outcome.TIMED_OUT, message=message("probe_timeout", seconds=f"{e.seconds:g}")
        ),
    ),
    (
        SubmissionTimeout,
        lambda e, ctx, handle: CheckEnding(
            status=Outcome.TIMED_OUT,
            message=message("submission_timeout", seconds=f"{ctx.settings.submission_timeout_s:g}"),
        ),
    ),
    (
        WorkerDied,
        lambda e, ctx, handle: CheckEnding(status=Outcome.ERRORED, message=message("worker_died", reason=e.reason)),
    ),
    (
        KernelLost,
        lambda e, ctx, handle: CheckEnding(status=Outcome.ERRORED, message=message("worker_died", reason=str(e))),
    ),
    (
        MissingCase,
        lambda e, ctx, handle: CheckEnding(
            status=Outcome.GRADER_ERROR, message=message("missing_case", case=e.key, where=e.where)
        ),
    ),
    (
        ProbeBug,
        lambda e, ctx, handle: CheckEnding(
            status=Outcome.GRADER_ERROR, message=message("grader_error", error=str(e)[:300]), traceback=str(e)
        ),
    ),
)
# The endings a report's table explains in a note in the check's own words; others are named by type.
REPORT_ENDINGS = (CheckFailure, StudentCodeError, ProbeTimeout, SubmissionTimeout, WorkerDied, ProbeBug)


def resolve(item: Item, ctx: SubmissionContext) -> Resolution:
    """Which student object (and snapshot) the item grades, or why there is none."""
    if item.target == "section":
        return _resolve_section(item, ctx)
    lab = ctx.lab
    return resolve_item(item, ctx.program, ctx.sections, lab.rubric, lab.template_program, lab.template_sections)


def probe_point(item: Item, resolution: Resolution, sections: SectionMap) -> int:
    """Execute mode: the cell before which an item is probed: the end of its section, or later
    when its object is defined after it (vae-pyro's 1a classes sit under the 1b heading)."""
    if resolution.snapshot is not None:
        return resolution.snapshot.end_cell
    return sections.limit(item.section)


def judge_code(
    item: Item, ctx: SubmissionContext, resolution: Resolution | None = None, probe_at: int | None = None
) -> ItemResult:
    """A code item's result. ``probe_at``: execute mode, the cell the notebook's run stopped
    before to probe this item (:func:`probe_point`); None: the item's objects are loaded from
    their definitions (definitions mode)."""
    lab = ctx.lab
    specs = [s for s in item.checks if s.public or not ctx.public_only]
    span = ctx.sections.get(item.section)
    executed = probe_at is not None
    figures = section_figures(ctx.notebook, span, ctx.run)
    section = _section_code(ctx, span)
    resolution = resolution or resolve(item, ctx)
    # a code item with a manual part: the student's conclusions in the section, for a person
    answer = (prose_answer(ctx.notebook, span, lab.template_texts) or None) if item.manual_points and span else None
    found = _located(resolution)
    if resolution.outcome is not None:
        checks = tuple(_unrun(spec, ctx, resolution.outcome, resolution.message) for spec in specs)
        return ItemResult(
            item.id,
            resolution.outcome,
            checks,
            resolution.message,
            answer=answer,
            figures=figures,
            notes=resolution.notes,
        )
    if not item.checks:  # answered, no automatic check: a person scores it
        return ItemResult(item.id, Outcome.MANUAL, message=message("code_manual"), figures=figures, **found)
    failed_cell = None
    if probe_at is not None:
        assert ctx.run is not None, "execute mode: _judge_items sets ctx.run before it probes an item"
        failed_cell = _failed_definition(ctx.program, resolution, ctx.run, probe_at)
    if failed_cell is not None:  # the notebook never built the object: say which cell, run nothing
        text = message(
            "definition_failed", name=resolution.name, cell=failed_cell.cell + 1, error=failed_cell.error or ""
        )
        checks = tuple(
            CheckResult(
                spec.id, check_title(lab.check_function(spec.id)), Outcome.ERRORED, spec.weight, spec.public, text
            )
            for spec in specs
        )
        return ItemResult(item.id, Outcome.ERRORED, checks, text, answer=answer, figures=figures, **found)
    if not executed:  # other items' objects its code uses: the lab's stand-ins (grader.independence)
        resolution = apply_stand_ins(item, resolution, lab.rubric, lab.stand_ins)
        found = _located(resolution)
    # a resolution without an outcome always carries its snapshot (resolve_item, _resolve_section)
    assert resolution.snapshot is not None, f"item {item.id}: resolved without a snapshot"
    handle = StudentHandle(ctx, resolution.name, resolution.snapshot, section, executed)
    checks = tuple(_run_check(spec, ctx, handle) for spec in specs)
    tables = tuple(_run_report(name, ctx, handle) for name in item.reports if not ctx.public_only)
    manual_note = (
        message("part_manual", auto=f"{item.points - item.manual_points:g}", manual=f"{item.manual_points:g}")
        if item.manual_points
        else None
    )
    return ItemResult(
        item.id, item_status(checks), checks, manual_note, answer=answer, figures=figures, tables=tables, **found
    )


def judge_prose(item: Item, ctx: SubmissionContext) -> ItemResult:
    """A prose item's result: the student's answer for a person to score, or MISSING."""
    span = ctx.sections.get(item.section)
    if span is None:
        return ItemResult(item.id, Outcome.MISSING, message=message("prose_missing_question", section=item.section))
    answer = prose_answer(ctx.notebook, span, ctx.lab.template_texts)
    figures = section_figures(ctx.notebook, span, ctx.run)
    if is_placeholder(answer, ctx.lab.rubric.placeholders):
        return ItemResult(item.id, Outcome.MISSING, message=message("prose_empty"), answer=answer, figures=figures)
    return ItemResult(item.id, Outcome.MANUAL, message=message("prose_manual"), answer=answer, figures=figures)


def _located(resolution: Resolution) -> _Located:
    return _Located(object_name=resolution.name, object_cell=resolution.cell, notes=resolution.notes)


def _failed_definition(program: Program, resolution: Resolution, run: NotebookRun, end: int) -> CellRun | None:
    """Execute mode: the run of the last cell before ``end`` that defines the object, when it
    did not complete (error, cut, not run); None when it ran."""
    if resolution.name is None:
        return None
    cells = [s.cell for s in program.definitions(resolution.name, before=end)]
    record = run.records.get(cells[-1]) if cells else None
    return record if record is not None and record.status != "ok" else None


def _section_code(ctx: SubmissionContext, span: Span | None) -> SectionCode | None:
    if span is None:
        return None
    cells = [c for c in ctx.notebook.cells[span.start : span.end] if c.kind == "code"]
    outputs = ctx.run.section_texts(span) if ctx.run is not None else tuple(t for c in cells for t in c.text_outputs)
    return SectionCode(tuple(c.source for c in cells), outputs)


def _resolve_section(item: Item, ctx: SubmissionContext) -> Resolution:
    """A ``target: section`` item: the section must exist and its code differ from the
    template's; its snapshot (every graded object as it stands at the section's end) lets the
    checks and reports probe those objects."""
    lab, span = ctx.lab, ctx.sections.get(item.section)
    if span is None:
        return Resolution(item.id, None, None, Outcome.MISSING, message("section_missing", section=item.section))
    template_span = lab.template_sections.get(item.section)
    given = (
        set()
        if template_span is None
        else {
            _normalised(c.source)
            for c in lab.template.cells[template_span.start : template_span.end]
            if c.kind == "code"
        }
    )
    written = {_normalised(c.source) for c in ctx.notebook.cells[span.start : span.end] if c.kind == "code"} - {""}
    if written <= given:
        return Resolution(item.id, None, None, Outcome.MISSING, message("section_untouched", section=item.section))
    roots = {n for i in lab.rubric.items if i.object for n in (i.object, *i.aliases)}
    return Resolution(item.id, None, build_snapshot(ctx.program, span.end, roots, lab.rubric.extraction))


def _normalised(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _run_report(name: str, ctx: SubmissionContext, handle: StudentHandle) -> Table:
    """A report function's table; whatever goes wrong is said in the table, never scored."""
    fn = getattr(ctx.lab.checks_module, name)
    try:
        return fn(handle)
    except REPORT_ENDINGS as e:
        error = e.message.en if isinstance(e, CheckFailure) else getattr(e, "error", None) or str(e) or type(e).__name__
    except Exception as e:  # noqa: BLE001 - a bug in a report is ours; the grade is unaffected
        error = f"{type(e).__name__}: {e}"
    return Table(check_title(fn), (), (), note=message("report_failed", error=str(error)[:300]))


def _run_check(spec: CheckSpec, ctx: SubmissionContext, handle: StudentHandle) -> CheckResult:
    fn = ctx.lab.check_function(spec.id)
    started = time.monotonic()
    try:
        fn(handle)
        outcome = CheckEnding(status=Outcome.PASSED)
    except Exception as e:  # noqa: BLE001 - every ending is mapped (CHECK_ENDINGS); a bug in a check is ours
        ending = next((how for kind, how in CHECK_ENDINGS if isinstance(e, kind)), _bug_ending)
        outcome = ending(e, ctx, handle)
    return CheckResult(
        id=spec.id,
        title=check_title(fn),
        weight=spec.weight,
        public=spec.public,
        **outcome,
        duration_s=round(time.monotonic() - started, 3),
    )


def _bug_ending(e: Exception, ctx: SubmissionContext, handle: StudentHandle) -> CheckEnding:
    """A check that raised something unforeseen: a bug of ours, never the student's (called while handling it)."""
    return CheckEnding(
        status=Outcome.GRADER_ERROR,
        message=message("grader_error", error=f"{type(e).__name__}: {e}"[:300]),
        traceback=traceback.format_exc()[-4000:],
    )


def _student_error(e: StudentCodeError, name: str | None) -> CheckEnding:
    if e.not_implemented:
        return CheckEnding(status=Outcome.MISSING, message=message("not_implemented", name=name), traceback=e.traceback)
    text = e.message_text or message("student_error", error=e.error)
    return CheckEnding(status=Outcome.ERRORED, message=text, traceback=e.traceback)


def _unrun(spec: CheckSpec, ctx: SubmissionContext, outcome: Outcome, reason: Text | None) -> CheckResult:
    """A check not run because the item's object was not found: the resolution's outcome and message."""
    fn = ctx.lab.check_function(spec.id)
    return CheckResult(spec.id, check_title(fn), outcome, spec.weight, spec.public, reason)

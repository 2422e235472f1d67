"""Stage 5: the judge. Runs a lab's checks against one submission; trusted side only.

``judge_submission(submission, lab, settings) -> SubmissionResult``. For each rubric item:
resolve the student's object (name, alias, section snapshot), run each check in this process,
where checks reach student code only through probes into the sandbox, and map how each check
ended to an outcome. One failing item never stops the others; the sandbox restarts a dead
worker for the remaining items.
"""
from __future__ import annotations

import time
import traceback
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .checks import CheckFailure, Probed, SectionCode, check_title
from .data.mnist import mnist_source
from .discover import Submission
from .execute import NotebookRun, kernel_config, reference_figures
from .extract import (Program, Resolution, Snapshot, build_snapshot, extract_program, resolve_item,
                      suspicious_code)
from .i18n import Text, message
from .independence import apply_stand_ins
from .labs import Lab
from .notebook import Notebook, NotebookError, load_notebook
from .outcomes import CheckResult, Figure, ItemResult, Outcome, SubmissionResult, Table, item_status
from .rubric import CheckSpec, Item
from .sandbox.supervisor import (KernelLost, ProbeBug, ProbeTimeout, Sandbox, SandboxSpec, StudentCodeError,
                                 WorkerDied)
from .sections import SectionMap, Span, find_sections, is_placeholder, prose_answer
from .settings import Settings


class SubmissionTimeout(Exception):
    """The submission's total time budget is spent."""


@dataclass
class _Session:
    """What the checks of one submission share: the sandbox, the program, the clock."""

    sandbox: Sandbox
    program: Program
    settings: Settings
    deadline: float
    run: "NotebookRun | None" = None  # execute mode: the notebook running in the sandbox's kernel

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SubmissionTimeout
        return min(left, self.settings.probe_timeout_s)

    def ensure_loaded(self, snapshot: Snapshot, name: str) -> None:
        cells = {s.cell: self.program.cell_sources.get(s.cell, "") for s in snapshot.statements}
        failures = self.sandbox.load(snapshot.id, snapshot.to_wire(), cells, self.remaining(), dict(snapshot.stand_ins))
        for failure in failures:
            if name in failure["binds"]:
                text = message("definition_failed", name=name, cell=failure["cell"] + 1, error=failure["error"])
                raise StudentCodeError(text.en, failure.get("traceback", ""), message_text=text)


class StudentHandle:
    """The :class:`grader.checks.Student` a check receives: one object in one snapshot (or,
    for a ``target: section`` item, no object: the section's code, and its snapshot's objects
    through :meth:`helper`)."""

    def __init__(self, session: _Session, name: str | None, snapshot: Snapshot, lab: Lab,
                 section: SectionCode | None = None, executed: bool = False):
        self._session, self.name, self._snapshot, self._lab = session, name, snapshot, lab
        self.section = section
        self._executed = executed  # execute mode: probes reach the kernel's namespace, as the notebook left it

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        if self.name is None:
            raise RuntimeError("a section item has no object to probe: use student.helper(name)")
        if not self._executed:
            self._session.ensure_loaded(self._snapshot, self.name)
        arrays = {k: v for k, v in inputs.items() if isinstance(v, np.ndarray)}
        args = {k: v for k, v in inputs.items() if k not in arrays}
        values, out = self._session.sandbox.probe("kernel" if self._executed else self._snapshot.id, probe, self.name,
                                                  args, arrays, self._session.remaining(), seed)
        return Probed(values, out)

    def helper(self, *names: str) -> "StudentHandle | None":
        template = self._lab.template_program
        for name in names:
            defs = [s for s in self._snapshot.statements if name in s.binds and s.kind != "call"]
            if defs and defs[-1].dump not in {s.dump for s in template.definitions(name)}:
                return StudentHandle(self._session, name, self._snapshot, self._lab, self.section, self._executed)
        return None


def sandbox_spec(lab: Lab, settings: Settings, hidden: tuple[Path, ...] = ()) -> SandboxSpec:
    """How a sandbox for ``lab`` is started under ``settings``."""
    return SandboxSpec(public_dir=lab.public_dir, framework=lab.rubric.framework, seed=settings.seed,
                       start_timeout_s=settings.start_timeout_s, memory_mb=settings.memory_mb,
                       limits=settings.sandbox_limits(), data={"mnist": settings.mnist or mnist_source()},
                       env=framework_env(lab, settings), isolation=settings.isolation,
                       max_processes=settings.max_processes, start=settings.pool, hidden=(settings.labs_root, *hidden),
                       visible=tuple(Path(p) for p in [settings.mnist] if p and Path(p).is_file()))


def judge_submission(submission: Submission, lab: Lab, settings: Settings,
                     only_items: set[str] | None = None, public_only: bool = False,
                     hidden: tuple[Path, ...] = (), sandbox: Sandbox | None = None) -> SubmissionResult:
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
    spans = find_sections(notebook, lab.rubric.sections, lab.rubric.task_words)
    spec = sandbox_spec(lab, settings, hidden)
    if sandbox is not None:
        sandbox.reseed(settings.seed)
    executed = [i for i in items if i.kind == "code" and lab.rubric.item_mode(i, settings.mode or None) == "execute"]
    with (nullcontext(sandbox) if sandbox is not None else Sandbox(spec)) as sandbox:
        session = _Session(sandbox, program, settings, started + settings.submission_timeout_s)
        graded: dict[str, ItemResult] = {}
        run = None
        resolved = {i.id: _resolve(i, notebook, program, spans, lab) for i in executed}
        if executed and all(r.outcome is not None for r in resolved.values()):
            executed = []  # every executed item is missing (a blank template): nothing to run the notebook for
        if executed:  # run the notebook; probe each item where its object is defined (its section's end)
            run = NotebookRun(sandbox, notebook, kernel_config(lab, settings), session.deadline)
            run.start()
            session.run = run
            for item in sorted(executed, key=lambda i: _probe_point(i, resolved[i.id], spans)):
                run.until(_probe_point(item, resolved[item.id], spans))
                graded[item.id] = _judge_code(item, notebook, program, spans, lab, session, public_only,
                                              resolved[item.id])
            run.finish()
        for item in items:
            if item.id not in graded:
                graded[item.id] = (_judge_prose(item, notebook, spans, lab, run) if item.kind == "prose" else
                                   _judge_code(item, notebook, program, spans, lab, session, public_only))
        results = [graded[i.id] for i in items]
        environment = dict(sandbox.environment, worker_restarts=max(sandbox.restarts - 1, 0))
    if run is not None:
        environment.update(mode="execute" if len(executed) == sum(i.kind == "code" for i in items) else "definitions+execute",
                           kernel=run.kernel)
        if lab.rubric.reference_notebook and not public_only:
            results = _with_reference_figures(results, lab, settings, items)
    suspicious = suspicious_code(program)
    if suspicious:
        environment["suspicious_code"] = suspicious
    return SubmissionResult(submission.student, str(submission.path), submission.sha256, tuple(results),
                            environment=environment, duration_s=round(time.monotonic() - started, 3),
                            cells=run.cell_runs() if run is not None else (), notices=notebook.notices)


def _resolve(item: Item, notebook: Notebook, program: Program, spans: SectionMap, lab: Lab) -> Resolution:
    if item.target == "section":
        return _resolve_section(item, notebook, program, spans, lab)
    return resolve_item(item, program, spans, lab.rubric, lab.template_program, lab.template_sections)


def _probe_point(item: Item, resolution: Resolution, spans: SectionMap) -> int:
    """Execute mode: the cell before which an item is probed: the end of its section, or later
    when its object is defined after it (vae-pyro's 1a classes sit under the 1b heading)."""
    if resolution.snapshot is not None:
        return resolution.snapshot.end_cell
    return spans.limit(item.section)


def _with_reference_figures(results: list[ItemResult], lab: Lab, settings: Settings, items: list[Item]) -> list[ItemResult]:
    """Each item's figures followed by the reference solution's figures of the same section."""
    reference = reference_figures(lab, settings)
    sections = {i.id: i.section for i in items}
    return [replace(r, figures=r.figures + reference.get(sections[r.item_id], ())) for r in results]


def framework_env(lab: Lab, settings: Settings) -> dict[str, str]:
    """Environment that selects the framework flavour the lab's students wrote for."""
    keras = settings.keras or lab.rubric.keras
    return {"TF_USE_LEGACY_KERAS": "1"} if lab.rubric.framework == "tensorflow" and keras == "2" else {}


def _judge_code(item: Item, notebook: Notebook, program: Program, spans: SectionMap, lab: Lab,
                session: _Session, public_only: bool, resolution: Resolution | None = None) -> ItemResult:
    specs = [s for s in item.checks if s.public or not public_only]
    span = spans.get(item.section)
    run = session.run
    executed = run is not None and lab.rubric.item_mode(item, session.settings.mode or None) == "execute"
    figures = _figures(notebook, span, run)
    section = _section_code(notebook, span, run)
    resolution = resolution or _resolve(item, notebook, program, spans, lab)
    # a code item with a manual part: the student's conclusions in the section, for a person
    answer = (prose_answer(notebook, span, lab.template_texts) or None) if item.manual_points and span else None
    if resolution.outcome is not None:
        checks = tuple(_unrun(spec, lab, resolution) for spec in specs)
        return ItemResult(item.id, resolution.outcome, checks, resolution.message, answer=answer, figures=figures,
                          notes=resolution.notes)
    if not item.checks:  # answered, no automatic check: a person scores it
        return ItemResult(item.id, Outcome.MANUAL, message=message("code_manual"), object_name=resolution.name,
                          figures=figures, object_cell=resolution.cell, notes=resolution.notes)
    failed_cell = _failed_definition(program, resolution, run, _probe_point(item, resolution, spans)) if executed else None
    if failed_cell is not None:  # the notebook never built the object: say which cell, run nothing
        text = message("definition_failed", name=resolution.name, cell=failed_cell.cell + 1, error=failed_cell.error or "")
        checks = tuple(CheckResult(spec.id, check_title(lab.check_function(spec.id)), Outcome.ERRORED, spec.weight,
                                   spec.public, text) for spec in specs)
        return ItemResult(item.id, Outcome.ERRORED, checks, text, object_name=resolution.name, answer=answer, figures=figures,
                          object_cell=resolution.cell, notes=resolution.notes)
    if not executed:  # other items' objects its code uses: the lab's stand-ins (grader.independence)
        resolution = apply_stand_ins(item, resolution, lab.rubric, lab.stand_ins)
    handle = StudentHandle(session, resolution.name, resolution.snapshot, lab, section, executed)
    checks = tuple(_run_check(spec, lab, handle) for spec in specs)
    tables = tuple(_run_report(name, lab, handle) for name in item.reports if not public_only)
    text = message("part_manual", auto=f"{item.points - item.manual_points:g}",
                   manual=f"{item.manual_points:g}") if item.manual_points else None
    return ItemResult(item.id, item_status(checks), checks, text, object_name=resolution.name, answer=answer,
                      figures=figures, tables=tables, object_cell=resolution.cell, notes=resolution.notes)


def _failed_definition(program: Program, resolution: Resolution, run, end: int):
    """Execute mode: the run of the last cell before ``end`` that defines the object, when it
    did not complete (error, cut, not run); None when it ran."""
    if resolution.name is None:
        return None
    cells = [s.cell for s in program.definitions(resolution.name, before=end)]
    record = run.records.get(cells[-1]) if cells else None
    return record if record is not None and record.status != "ok" else None


def _section_code(notebook: Notebook, span: Span | None, run=None) -> SectionCode | None:
    if span is None:
        return None
    cells = [c for c in notebook.cells[span.start:span.end] if c.kind == "code"]
    outputs = run.section_texts(span) if run is not None else tuple(t for c in cells for t in c.text_outputs)
    return SectionCode(tuple(c.source for c in cells), outputs)


def _resolve_section(item: Item, notebook: Notebook, program: Program, spans: SectionMap, lab: Lab) -> Resolution:
    """A ``target: section`` item: the section must exist and its code differ from the
    template's; its snapshot (every graded object as it stands at the section's end) lets the
    checks and reports probe those objects."""
    span = spans.get(item.section)
    if span is None:
        return Resolution(item.id, None, None, Outcome.MISSING, message("section_missing", section=item.section))
    template_span = lab.template_sections.get(item.section)
    given = set() if template_span is None else {
        _normalised(c.source) for c in lab.template.cells[template_span.start:template_span.end] if c.kind == "code"}
    written = {_normalised(c.source) for c in notebook.cells[span.start:span.end] if c.kind == "code"} - {""}
    if written <= given:
        return Resolution(item.id, None, None, Outcome.MISSING, message("section_untouched", section=item.section))
    roots = {n for i in lab.rubric.items if i.object for n in (i.object, *i.aliases)}
    return Resolution(item.id, None, build_snapshot(program, span.end, roots, lab.rubric.extraction))


def _normalised(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _run_report(name: str, lab: Lab, handle: StudentHandle) -> Table:
    """A report function's table; whatever goes wrong is said in the table, never scored."""
    fn = getattr(lab.checks_module, name)
    try:
        return fn(handle)
    except (CheckFailure, StudentCodeError, ProbeTimeout, SubmissionTimeout, WorkerDied, ProbeBug) as e:
        error = e.message.en if isinstance(e, CheckFailure) else getattr(e, "error", None) or str(e) or type(e).__name__
    except Exception as e:  # noqa: BLE001 - a bug in a report is ours; the grade is unaffected
        error = f"{type(e).__name__}: {e}"
    title = check_title(fn)
    return Table(title, (), (), note=message("report_failed", error=str(error)[:300]))


def _run_check(spec: CheckSpec, lab: Lab, handle: StudentHandle) -> CheckResult:
    fn = lab.check_function(spec.id)
    base = dict(id=spec.id, title=check_title(fn), weight=spec.weight, public=spec.public)
    started = time.monotonic()
    try:
        fn(handle)
        outcome = dict(status=Outcome.PASSED)
    except CheckFailure as f:
        outcome = dict(status=Outcome.FAILED, message=f.message, hint=f.hint, expected=f.expected, got=f.got)
    except StudentCodeError as e:
        outcome = _student_error(e, handle.name)
    except ProbeTimeout as e:
        outcome = dict(status=Outcome.TIMED_OUT, message=message("probe_timeout", seconds=f"{e.seconds:g}"))
    except SubmissionTimeout:
        outcome = dict(status=Outcome.TIMED_OUT,
                       message=message("submission_timeout", seconds=f"{handle._session.settings.submission_timeout_s:g}"))
    except WorkerDied as e:
        outcome = dict(status=Outcome.ERRORED, message=message("worker_died", reason=e.reason))
    except KernelLost as e:
        outcome = dict(status=Outcome.ERRORED, message=message("worker_died", reason=str(e)))
    except ProbeBug as e:
        outcome = dict(status=Outcome.GRADER_ERROR, message=message("grader_error", error=str(e)[:300]), traceback=str(e))
    except Exception as e:  # noqa: BLE001 - a bug in a check is ours, never the student's
        outcome = dict(status=Outcome.GRADER_ERROR, message=message("grader_error", error=f"{type(e).__name__}: {e}"[:300]),
                       traceback=traceback.format_exc()[-4000:])
    return CheckResult(**base, **outcome, duration_s=round(time.monotonic() - started, 3))


def _student_error(e: StudentCodeError, name: str) -> dict:
    if e.not_implemented:
        return dict(status=Outcome.MISSING, message=message("not_implemented", name=name), traceback=e.traceback)
    text = e.message_text or message("student_error", error=e.error)
    return dict(status=Outcome.ERRORED, message=text, traceback=e.traceback)


def _unrun(spec: CheckSpec, lab: Lab, resolution: Resolution) -> CheckResult:
    fn = lab.check_function(spec.id)
    return CheckResult(spec.id, check_title(fn), resolution.outcome, spec.weight, spec.public, resolution.message)


def _judge_prose(item: Item, notebook: Notebook, spans: SectionMap, lab: Lab, run=None) -> ItemResult:
    span = spans.get(item.section)
    if span is None:
        return ItemResult(item.id, Outcome.MISSING, message=message("prose_missing_question", section=item.section))
    answer = prose_answer(notebook, span, lab.template_texts)
    figures = _figures(notebook, span, run)
    if is_placeholder(answer, lab.rubric.placeholders):
        return ItemResult(item.id, Outcome.MISSING, message=message("prose_empty"), answer=answer, figures=figures)
    return ItemResult(item.id, Outcome.MANUAL, message=message("prose_manual"), answer=answer, figures=figures)


def _figures(notebook: Notebook, span: Span | None, run=None) -> tuple[Figure, ...]:
    """The section's figures: as the grader's run drew them for the cells it ran, else (cells not
    run, or definitions mode) the notebook's stored outputs, marked as such."""
    if span is None:
        return ()
    figures = []
    for cell in notebook.cells[span.start:span.end]:
        record = run.records.get(cell.index) if run is not None else None
        if record is not None and record.status != "not_run":
            figures.extend(Figure(cell.index, png, "executed") for png in run.images.get(cell.index, ()))
        else:
            figures.extend(Figure(cell.index, png) for png in cell.images)
    return tuple(figures)


def _unreadable(submission: Submission, items: list[Item], error: Text, duration: float) -> SubmissionResult:
    results = tuple(ItemResult(i.id, Outcome.MISSING, message=error) for i in items)
    return SubmissionResult(submission.student, str(submission.path), submission.sha256, results,
                            error=error, duration_s=round(duration, 3))


def grader_failure(submission: Submission, items: list[Item], exc: BaseException) -> SubmissionResult:
    """A bug of ours while grading a whole submission: every item flagged, nothing charged."""
    text = message("grader_error", error=f"{type(exc).__name__}: {exc}"[:300])
    results = tuple(ItemResult(i.id, Outcome.GRADER_ERROR, message=text) for i in items)
    return SubmissionResult(submission.student, str(submission.path), submission.sha256, results, error=text)

"""The batch: discover -> judge (in parallel) -> score -> gradebook -> results, CSV, reports.

Each submission is judged in its own sandbox; its grade is written to the gradebook in one
transaction as soon as it is known, so an interrupted batch keeps what it finished. A bug of
ours while grading one submission is recorded as ``grader_error`` for it and the batch goes on.
Where the submissions are judged is a :class:`Judging` the caller passes: threads on this
machine (:class:`LocalJudging`, the default) or a Dask cluster (:class:`grader.cluster.ClusterJudging`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from . import export
from .course import SUBMITTED, Delivery, Intake
from .data import data_sources
from .discover import Submission, discover
from .gradebook import Gradebook
from .judge import judge_or_flag
from .labs import Lab
from .manual.criteria import feedback_for
from .outcomes import Grade, SubmissionResult
from .report import write_reports
from .scoring import score
from .settings import Settings


@dataclass(frozen=True)
class BatchResult:
    """A finished batch: the grades by student, where its outputs are, and its ``meta``."""

    grades: list[Grade]
    out_dir: Path
    meta: dict


class Judging(Protocol):
    """Where a batch's submissions are judged: yields each one's result as it is known, in any
    order; a bug of ours while judging one is that submission's ``grader_error``, never raised."""

    def __call__(
        self, submissions: list[Submission], lab: Lab, settings: Settings, hidden: tuple[Path, ...]
    ) -> Iterator[SubmissionResult]: ...

    def describe(self) -> dict:
        """What the batch's ``meta`` records about where it was judged ({} for this machine)."""
        ...


@dataclass(frozen=True)
class LocalJudging:
    """Judge on this machine: ``settings.workers`` threads, each submission in its own sandbox."""

    def __call__(
        self, submissions: list[Submission], lab: Lab, settings: Settings, hidden: tuple[Path, ...]
    ) -> Iterator[SubmissionResult]:
        # the tasks start now, not at the first next(): judging overlaps the scoring of kept results
        pool = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="judge")
        futures = [pool.submit(judge_or_flag, sub, lab, settings, hidden) for sub in submissions]
        return _as_finished(pool, futures)

    def describe(self) -> dict:
        return {}


def _as_finished(pool: ThreadPoolExecutor, futures: list[Future]) -> Iterator[SubmissionResult]:
    with pool:
        for future in as_completed(futures):
            yield future.result()


def gradebook_url(out_dir: Path, db_url: str | None = None) -> str:
    """The gradebook of a batch written to ``out_dir``: ``db_url``, else ``OUT/gradebook.db``."""
    return db_url or f"sqlite:///{(out_dir / 'gradebook.db').resolve()}"


def grade_batch(
    paths: list[Path],
    lab: Lab,
    settings: Settings,
    out_dir: Path,
    db_url: str | None = None,
    regrade: bool = False,
    judging: Judging | None = None,
    on_start: Callable[[int], None] | None = None,
    on_graded: Callable[[Grade], None] | None = None,
    intake: Intake | None = None,
) -> BatchResult:
    """Grade every submission under ``paths`` into ``out_dir``; return the grades by student.

    ``intake``: a class imported from an LMS download (:mod:`grader.lms.intake`): its notebooks are
    graded instead of searching ``paths``, under its assignment (the gradebook's key, the late
    policy applied to each submission time), and its roster is saved, absent people listed.

    A submission already in the gradebook with the same file (sha256) and grading key (rubric,
    the settings that change verdicts, grader version) is not judged again: its kept result is
    scored anew (manual scores may have changed). ``regrade`` judges everything. ``judging``:
    where the submissions are judged (default :class:`LocalJudging`). ``on_start(count)`` is
    called once the submissions are found; ``on_graded(grade)`` after each grade is recorded."""
    judging = judging or LocalJudging()
    submissions = list(intake.submissions) if intake else discover(paths)
    assignment = intake.assignment.name if intake else lab.name
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    if on_start is not None:
        on_start(len(submissions))
    grades: list[Grade] = []
    key = grading_key(lab, settings)
    with Gradebook(gradebook_url(out_dir, db_url)) as gradebook:
        if intake:
            gradebook.save_assignment(intake.assignment)
            gradebook.save_roster(assignment, intake.deliveries)
        kept = {} if regrade else gradebook.reusable(assignment, key)
        reused = {
            sub.student: replace(kept[sub.student][1], file=str(sub.path))
            for sub in submissions
            if sub.student in kept and kept[sub.student][0] == sub.sha256
        }
        todo = [sub for sub in submissions if sub.student not in reused]
        hidden = tuple({(p if p.is_dir() else p.parent).resolve() for p in paths} | {out_dir.resolve()})
        judged = judging(todo, lab, settings, hidden)
        # each grade is recorded as soon as it is known (a lazy chain, not a list: nothing waits)
        for result in itertools.chain(reused.values(), judged):
            when = intake.submitted_at.get(result.student) if intake else None
            lateness = intake.assignment.late.lateness(result.student, when) if intake else None
            manual = gradebook.manual_scores(assignment, result.student)
            parts = gradebook.manual_parts(assignment, result.student)
            feedback = feedback_for(gradebook, assignment, lab.rubric.items, result.student)
            grade = score(result, lab.rubric, manual, lab.rubric_hash, lateness, parts, feedback)
            document = export.submission_document(grade, settings.lang)
            gradebook.record(
                grade,
                document,
                export.grader_version(),
                key,
                assignment=assignment,
                submitted_at=when.isoformat() if when else None,
            )
            grades.append(grade)
            if on_graded is not None:
                on_graded(grade)
    grades.sort(key=lambda g: g.student)
    absent = [d for d in intake.deliveries if d.state != SUBMITTED] if intake else []
    meta = dict(
        _meta(lab, settings, started, len(submissions)),
        assignment=assignment,
        reused=len(reused),
        worker_starts=_worker_starts(grades),
        **judging.describe(),
    )
    if intake:
        meta["roster"] = {"people": len(intake.deliveries), "absent": len(absent), "source": intake.source}
    write_outputs(out_dir, grades, lab, settings.lang, meta, absent)
    return BatchResult(grades, out_dir, meta)


def write_outputs(
    out_dir: Path, grades: list[Grade], lab: Lab, lang: str, meta: dict, absent: Sequence[Delivery] = ()
) -> None:
    """results.json, grades.csv, the dashboard and one report per student; ``absent``: the roster's
    people without a graded notebook, listed in all three."""
    items = [(i.id, i.kind) for i in lab.rubric.items]
    export.write_results_json(out_dir / "results.json", grades, lab.name, lang, meta, absent)
    export.write_grades_csv(out_dir / "grades.csv", grades, items, absent)
    write_reports(out_dir, grades, lang, lab.title(lang), list(lab.rubric.items), meta, absent)


def grading_key(lab: Lab, settings: Settings) -> str:
    """What must be equal for a kept result to stand: the rubric, the grader's version and every
    setting that can change a verdict."""
    parts = [
        lab.rubric_hash,
        export.grader_version(),
        settings.seed,
        settings.mode,
        settings.keras,
        *data_sources(lab.rubric.datasets, settings).values(),
        settings.cell_timeout_s,
        settings.probe_timeout_s,
        settings.submission_timeout_s,
        settings.memory_mb,
        settings.isolation,
    ]
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]


def _worker_starts(grades: list[Grade]) -> dict[str, int]:
    """How the batch's sandboxes started: ``{"warm": n, "cold": m}`` (docs/architecture.md)."""
    starts = [g.result.environment["worker"]["start"] for g in grades if "worker" in g.result.environment]
    return {kind: starts.count(kind) for kind in sorted(set(starts))}


def _meta(lab: Lab, settings: Settings, started: float, count: int) -> dict:
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(time.time() - started, 2),
        "submissions": count,
        "jobs": settings.workers,
        "seed": settings.seed,
        "rubric_hash": lab.rubric_hash,
        **data_sources(lab.rubric.datasets, settings),  # where each data set was read from
        "python": platform.python_version(),
    }

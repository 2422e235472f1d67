"""The batch: discover -> judge (in parallel) -> score -> gradebook -> results, CSV, reports.

Each submission is judged in its own sandbox; its grade is written to the gradebook in one
transaction as soon as it is known, so an interrupted batch keeps what it finished. A bug of
ours while grading one submission is recorded as ``grader_error`` for it and the batch goes on.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from . import export
from .data.mnist import mnist_source
from .discover import Submission, discover
from .gradebook import Gradebook
from .judge import grader_failure, judge_submission
from .labs import Lab
from .outcomes import Grade, SubmissionResult
from .report import write_reports
from .scoring import score
from .settings import Settings


@dataclass(frozen=True)
class BatchResult:
    grades: list[Grade]
    out_dir: Path
    meta: dict


def grade_batch(paths: list[Path], lab: Lab, settings: Settings, out_dir: Path, db_url: str | None = None,
                progress: bool = True, regrade: bool = False, scheduler: str | None = None) -> BatchResult:
    """Grade every submission under ``paths`` into ``out_dir``; return the grades by student.

    A submission already in the gradebook with the same file (sha256) and grading key (rubric,
    the settings that change verdicts, grader version) is not judged again: its kept result is
    scored anew (manual scores may have changed). ``regrade`` judges everything. ``scheduler``:
    the address of a Dask cluster that judges the submissions (:mod:`grader.cluster`)."""
    submissions = discover(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    grades: list[Grade] = []
    key = grading_key(lab, settings)
    with Gradebook(db_url or f"sqlite:///{(out_dir / 'gradebook.db').resolve()}") as gradebook, \
            ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="judge") as pool, \
            tqdm(total=len(submissions), unit="nb", desc=f"grading {lab.name}", disable=not progress,
                 file=sys.stderr, dynamic_ncols=True) as bar:
        kept = {} if regrade else gradebook.reusable(lab.name, key)
        reused = {sub.student: replace(kept[sub.student][1], file=str(sub.path)) for sub in submissions
                  if sub.student in kept and kept[sub.student][0] == sub.sha256}
        todo = [sub for sub in submissions if sub.student not in reused]
        if scheduler:
            from .cluster import judge_on_cluster

            judged = judge_on_cluster(scheduler, todo, lab, settings)
        else:
            hidden = tuple({(p if p.is_dir() else p.parent).resolve() for p in paths} | {out_dir.resolve()})
            judged = (f.result() for f in as_completed([pool.submit(judge_safely, sub, lab, settings, hidden)
                                                        for sub in todo]))
        # each grade is recorded as soon as it is known (a lazy chain, not a list: nothing waits)
        for result in itertools.chain(reused.values(), judged):
            grade = score(result, lab.rubric, gradebook.manual_scores(lab.name, result.student), lab.rubric_hash)
            gradebook.record(grade, export.submission_document(grade, settings.lang), export.grader_version(), key)
            grades.append(grade)
            bar.set_postfix_str(f"{result.student}: {grade.total:g}/{grade.max:g}", refresh=False)
            bar.update()
    grades.sort(key=lambda g: g.student)
    meta = dict(_meta(lab, settings, started, len(submissions)), reused=len(reused),
                worker_starts=_worker_starts(grades))
    if scheduler:
        meta["scheduler"] = scheduler
    write_outputs(out_dir, grades, lab, settings.lang, meta)
    return BatchResult(grades, out_dir, meta)


def write_outputs(out_dir: Path, grades: list[Grade], lab: Lab, lang: str, meta: dict) -> None:
    """results.json, grades.csv, the dashboard and one report per student."""
    items = [(i.id, i.kind) for i in lab.rubric.items]
    export.write_results_json(out_dir / "results.json", grades, lab.name, lang, meta)
    export.write_grades_csv(out_dir / "grades.csv", grades, items)
    write_reports(out_dir, grades, lang, lab.title(lang), list(lab.rubric.items), meta)


def grading_key(lab: Lab, settings: Settings) -> str:
    """What must be equal for a kept result to stand: the rubric, the grader's version and every
    setting that can change a verdict."""
    parts = [lab.rubric_hash, export.grader_version(), settings.seed, settings.mode, settings.keras,
             settings.mnist or mnist_source(), settings.cell_timeout_s, settings.probe_timeout_s,
             settings.submission_timeout_s, settings.memory_mb, settings.isolation]
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]


def judge_safely(submission: Submission, lab: Lab, settings: Settings, hidden: tuple[Path, ...]) -> SubmissionResult:
    try:
        return judge_submission(submission, lab, settings, hidden=hidden)
    except Exception as exc:  # noqa: BLE001 - one submission never stops the batch
        return grader_failure(submission, list(lab.rubric.items), exc)


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
        "mnist": settings.mnist or mnist_source(),
        "python": platform.python_version(),
    }

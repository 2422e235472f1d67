"""Beyond one machine: the same per-submission tasks on a Dask distributed cluster.

``grader grade ... --scheduler tcp://HOST:PORT`` judges the batch with :class:`ClusterJudging`:
each submission goes to the cluster as one task, :func:`judge_on_worker`: the notebook's bytes
travel with the task (no shared file system needed); the Dask worker judges it exactly as a
local run does (each sandbox is a subprocess of the worker: Dask's worker processes are daemonic
and could not start a multiprocessing pool) and returns the judge's result as plain JSON. The
grader that submitted the tasks scores them and writes the one gradebook, results.json and the
reports, as in a local run (:func:`grader.pipeline.grade_batch` takes the judging as an argument).

Workers need the grader and its labs installed (``pip install -c constraints.txt -e .`` from
the same checkout, or the same version): a task checks that the worker's rubric has the same
hash as the submitter's and refuses to grade otherwise.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .discover import Submission
from .errors import ClusterError, SchedulerUnreachable
from .judge import grader_failure, judge_or_flag
from .labs import Lab, find_lab
from .outcomes import SubmissionResult, result_from_json, result_to_json
from .settings import Settings


@dataclass(frozen=True)
class ClusterJudging:
    """A batch's judging on the Dask cluster whose scheduler is at ``address`` (a
    :class:`grader.pipeline.Judging`)."""

    address: str

    def __call__(
        self, submissions: list[Submission], lab: Lab, settings: Settings, hidden: tuple[Path, ...]
    ) -> Iterator[SubmissionResult]:
        # hidden: each worker hides its own task folder; the submitter's folders are not on it
        return judge_on_cluster(self.address, submissions, lab, settings)

    def describe(self) -> dict:
        """What the batch's ``meta`` records about where it was judged."""
        return {"scheduler": self.address}


def judge_on_worker(
    content: bytes, name: str, student: str, sha256: str, lab_name: str, rubric_hash: str, settings: Settings
) -> dict:
    """Runs on a Dask worker: judge one submission (its bytes), return the result as JSON."""
    lab = find_lab(lab_name, settings)
    if lab.rubric_hash != rubric_hash:
        raise ClusterError(
            f"the worker's rubric of {lab_name} ({lab.rubric_hash}) is not the submitter's "
            f"({rubric_hash}): install the same grader version on every worker"
        )
    with tempfile.TemporaryDirectory(prefix="grader-task-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        result = judge_or_flag(Submission(student, path, sha256, len(content)), lab, settings, (Path(folder),))
    return result_to_json(result)


def judge_on_cluster(
    address: str, submissions: list[Submission], lab: Lab, settings: Settings
) -> Iterator[SubmissionResult]:
    """Yield each submission's result as the cluster finishes it."""
    # distributed takes about a second to import: only a batch that asks for a cluster pays it
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(
            f"no Dask scheduler at {address} ({exc}). Fix: start one (`dask scheduler`) "
            "and its workers (`dask worker ADDRESS`), or grade without --scheduler."
        ) from None
    with client:
        futures = {
            client.submit(
                judge_on_worker,
                sub.path.read_bytes(),
                sub.path.name,
                sub.student,
                sub.sha256,
                lab.name,
                lab.rubric_hash,
                settings,
                pure=False,
                key=f"grade-{lab.name}-{sub.student}-{sub.sha256[:12]}",
            ): sub
            for sub in submissions
        }
        for future in as_completed(futures):
            sub = futures[future]
            try:
                result = result_from_json(future.result())
            except Exception as exc:  # noqa: BLE001 - a worker's failure is that submission's, not the batch's
                result = grader_failure(sub, list(lab.rubric.items), exc)
            yield replace(result, file=str(sub.path))

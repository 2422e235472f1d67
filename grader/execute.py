"""Execute mode, judge side (DESIGN.md decision 3): run the notebook in the sandbox's kernel,
section by section, so that each item is probed on the objects as they stood at the end of its
section; record every cell's run; collect the figures the notebook drew.

:class:`NotebookRun` is used by :func:`grader.judge.judge_submission` when an item's mode is
``execute`` (rubric ``mode:``, an item's ``mode:``, or ``grader grade --mode execute``), and by
:func:`grader.figures.reference_figures` to run the lab's solution notebook the same way. What
the kernel is given comes from :func:`grader.runtime.kernel_config`.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field

from .notebook import Notebook
from .outcomes import CellRun, Figure
from .sandbox.errors import KernelLost, ProbeTimeout, SandboxError, WorkerDied
from .sandbox.supervisor import Sandbox
from .sections import Span

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class NotebookRun:
    """One notebook running in one sandbox's kernel; ``until(cell)`` runs it up to a cell."""

    sandbox: Sandbox
    notebook: Notebook
    config: dict
    deadline: float
    records: dict[int, CellRun] = field(default_factory=dict)
    images: dict[int, list[str]] = field(default_factory=dict)  # cell -> base64 PNGs
    texts: dict[int, str] = field(default_factory=dict)
    kernel: dict = field(default_factory=dict)
    position: int = 0
    failure: str | None = None  # why the run stopped early (deadline, kernel lost...)

    def start(self) -> None:
        cells = [{"kind": "code" if c.kind == "code" else "markdown", "source": c.source} for c in self.notebook.cells]
        try:
            self.sandbox.kernel_start(cells, self.config, self._left(self.config["start_timeout_s"]))
        except (SandboxError, TimeoutError) as exc:
            self._stop(exc)

    def until(self, end: int) -> None:
        """Run every cell before ``end`` that has not run yet."""
        end = min(end, len(self.notebook.cells))
        if end <= self.position:
            return
        if self.failure is None:
            try:
                records, arrays, self.kernel = self.sandbox.kernel_run(end, self._left())
                for record in records:
                    self._record(record, arrays)
            except (SandboxError, TimeoutError) as exc:
                self._stop(exc)
        for index in range(self.position, end):  # what could not run
            if self.notebook.cells[index].kind == "code" and index not in self.records:
                self.records[index] = CellRun(index, "not_run", 0.0, self.failure)
        self.position = end

    def finish(self) -> None:
        self.until(len(self.notebook.cells))

    def figures(self, span: Span | None, source: str = "executed") -> tuple[Figure, ...]:
        if span is None:
            return ()
        return tuple(Figure(i, png, source) for i in range(span.start, span.end) for png in self.images.get(i, ()))

    def section_texts(self, span: Span | None) -> tuple[str, ...]:
        if span is None:
            return ()
        return tuple(self.texts[i] for i in range(span.start, span.end) if self.texts.get(i))

    def cell_runs(self) -> tuple[CellRun, ...]:
        return tuple(self.records[i] for i in sorted(self.records))

    # -- machinery ------------------------------------------------------------------------------

    def _left(self, cap: float | None = None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the submission's time budget is spent")
        return min(left, cap) if cap else left

    def _record(self, record: dict, arrays: dict) -> None:
        index = int(record["cell"])
        self.records[index] = CellRun(
            index, str(record["status"]), float(record.get("duration_s", 0.0)), record.get("error")
        )
        pngs = []
        for name in record.get("images", []):
            raw = arrays.get(name)
            if raw is not None and raw.dtype.kind == "u" and bytes(raw[:8]) == PNG_MAGIC:
                pngs.append(base64.b64encode(raw.tobytes()).decode("ascii"))
        if pngs:
            self.images[index] = pngs
        if record.get("text"):
            self.texts[index] = str(record["text"])

    def _stop(self, exc: BaseException) -> None:
        if isinstance(exc, (ProbeTimeout, TimeoutError)):
            self.failure = "the submission's time budget ran out before this cell"
        elif isinstance(exc, (WorkerDied, KernelLost)):
            self.failure = f"the sandbox stopped: {exc}"
        else:
            self.failure = f"{type(exc).__name__}: {str(exc)[:200]}"

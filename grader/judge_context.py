"""What the judge holds while it grades one submission, and the handle a check receives.

:class:`SubmissionContext` is the per-submission state, frozen: the notebook and the program
read from it, its sections, the lab, the settings, whether only public checks run, the sandbox
and the clock, and (execute mode) the notebook's run in the sandbox's kernel. Every helper of
the judge takes ``(item, ctx)``. :class:`StudentHandle` is the :class:`grader.checks.Student`
a check probes the student's object through.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .checks import Probed, SectionCode
from .execute import NotebookRun
from .extract import Program, Snapshot
from .i18n import message
from .labs import Lab
from .notebook import Notebook
from .sandbox.errors import StudentCodeError
from .sandbox.supervisor import Sandbox
from .sections import SectionMap
from .settings import Settings


class SubmissionTimeout(Exception):
    """The submission's total time budget is spent."""


@dataclass(frozen=True)
class SubmissionContext:
    """One submission being judged: what every item's judging reads, and the sandbox it probes."""

    notebook: Notebook
    program: Program
    sections: SectionMap
    lab: Lab
    settings: Settings
    public_only: bool
    sandbox: Sandbox
    deadline: float  # time.monotonic() by which the whole submission must be judged
    run: NotebookRun | None = None  # execute mode: the notebook running in the sandbox's kernel

    def remaining(self) -> float:
        """Seconds the next probe may take: the submission's budget left, at most one probe's limit."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SubmissionTimeout
        return min(left, self.settings.probe_timeout_s)

    def ensure_loaded(self, snapshot: Snapshot, name: str) -> None:
        """Load ``snapshot`` into the sandbox (once); raise the student's error when the
        definition of ``name`` failed there."""
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

    def __init__(
        self,
        ctx: SubmissionContext,
        name: str | None,
        snapshot: Snapshot,
        section: SectionCode | None = None,
        executed: bool = False,
    ):
        self._ctx, self.name, self._snapshot = ctx, name, snapshot
        self.section = section
        self._executed = executed  # execute mode: probes reach the kernel's namespace, as the notebook left it

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        """Call the lab's probe ``probe`` on the student's object with ``inputs`` (arrays travel as arrays)."""
        if self.name is None:
            raise RuntimeError("a section item has no object to probe: use student.helper(name)")
        if not self._executed:
            self._ctx.ensure_loaded(self._snapshot, self.name)
        arrays = {k: v for k, v in inputs.items() if isinstance(v, np.ndarray)}
        args = {k: v for k, v in inputs.items() if k not in arrays}
        values, out = self._ctx.sandbox.probe(
            "kernel" if self._executed else self._snapshot.id,
            probe,
            self.name,
            args,
            arrays,
            self._ctx.remaining(),
            seed,
        )
        return Probed(values, out)

    def helper(self, *names: str) -> StudentHandle | None:
        """The first of ``names`` the student defined differently from the template, as a handle; else None."""
        template = self._ctx.lab.template_program
        for name in names:
            defs = [s for s in self._snapshot.statements if name in s.binds and s.kind != "call"]
            if defs and defs[-1].dump not in {s.dump for s in template.definitions(name)}:
                return StudentHandle(self._ctx, name, self._snapshot, self.section, self._executed)
        return None

"""The lab author's test harness: run a lab's checks against mutant students in this process.

For the tests of a lab (sklearn's estimator-checks style: one mutant per mistake, each asserting
the check's message). ``student_from_source(lab, source, name)`` executes ``source`` on top of
the lab's public scaffold and returns an :class:`InProcessStudent`, a :class:`grader.checks.Student`
whose probes run right here through the sandbox's own :func:`~grader.sandbox.probing.call_probe`,
so the blame rules are the sandbox's. A mutant test calls a check with it and asserts the message
with :func:`assert_check_fails`. The end-to-end path through the real sandbox is covered by tests
on the sample notebooks.

Nothing here isolates anything: use it only on mutants the lab's author wrote.
"""

from __future__ import annotations

import linecache
import sys
import warnings
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType

from .checks import CheckFailure, Probed
from .sandbox.errors import ProbeBug, StudentCodeError
from .sandbox.probing import Namespace, call_probe, import_file

__all__ = ["LABS_ROOT", "InProcessStudent", "assert_check_fails", "load_module", "student_from_source"]

LABS_ROOT = Path(__file__).resolve().parents[1] / "reference"  # the labs shipped with the grader
MUTANT_CELL = "<cell 1>"  # a student cell's file name, as the worker names it: frames there are the student's


@cache
def load_module(path: Path) -> ModuleType:
    """A lab file (``probes.py``, ``scaffold.py``) imported once per test session."""
    return import_file(f"harness_{path.parent.parent.name}_{path.stem}", path)


@contextmanager
def _warnings_ignored():
    """The sandbox does not turn student warnings into errors; a test session may (filterwarnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class InProcessStudent:
    """The student's side for a check, with the namespace of a mutant executed in this process."""

    section = None  # section-level checks get a SectionCode (see tests of vae-pyro's task 2)

    def __init__(self, public: Path, namespace: dict, name: str):
        self.public, self.namespace, self.name = public, namespace, name

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        """Run ``probe`` of the lab's public probes as the worker does; the student's faults
        raise :class:`StudentCodeError`, the probe's own bugs :class:`ProbeBug` (with its traceback)."""
        reply, arrays = call_probe(
            load_module(self.public / "probes.py"),
            probe,
            Namespace(self.namespace, self.name),
            seed or 0,
            inputs,
            around=_warnings_ignored,
        )
        if reply["ok"]:
            return Probed(reply["value"], arrays)
        if reply["kind"] == "probe_bug":
            raise ProbeBug(f"{reply['error']}\n{reply['traceback']}")
        raise StudentCodeError(reply["error"], reply["traceback"], not_implemented=reply["kind"] == "not_implemented")

    def helper(self, *names: str) -> InProcessStudent | None:
        """The same namespace, graded object replaced by the first of ``names`` the mutant defined."""
        for name in names:
            if name in self.namespace and name not in self._scaffold_names():
                return InProcessStudent(self.public, self.namespace, name)
        return None

    def _scaffold_names(self) -> set[str]:
        return set(vars(load_module(self.public / "scaffold.py")))


def student_from_source(lab: str | Path, source: str, name: str) -> InProcessStudent:
    """Execute ``source`` (a mutant's code) on the lab's scaffold; the student graded on ``name``.
    ``lab``: a lab package's name under :data:`LABS_ROOT` (``"generative_tf"``), or the path of a
    lab's public folder (a lab outside this repository)."""
    public = Path(lab) if isinstance(lab, Path) else LABS_ROOT / lab / "public"
    if str(public) not in sys.path:  # as the worker does: the lab's public files are importable (src.*)
        sys.path.insert(0, str(public))
    namespace = {k: v for k, v in vars(load_module(public / "scaffold.py")).items() if not k.startswith("__")}
    namespace["__name__"] = "__main__"
    linecache.cache[MUTANT_CELL] = (len(source), None, source.splitlines(True), MUTANT_CELL)  # as the worker does
    exec(compile(source, MUTANT_CELL, "exec"), namespace)  # noqa: S102 - the lab author's own mutants
    return InProcessStudent(public, namespace, name)


def assert_check_fails(check, student, *fragments: str) -> CheckFailure:
    """The mutant test's assertion: ``check`` fails ``student`` with a message (or hint) naming the
    fault in English (each of ``fragments``) and a different, non-empty Polish message."""
    try:
        check(student)
    except CheckFailure as failure:
        text = f"{failure.message.en} {failure.hint.en if failure.hint else ''}"
        for fragment in fragments:
            assert fragment in text, f"{fragment!r} is not in the failure's message: {text}"
        assert failure.message.pl and failure.message.pl != failure.message.en, (
            f"the Polish message must be non-empty and differ from the English one: {failure.message.pl!r}"
        )
        return failure
    raise AssertionError(f"{getattr(check, '__name__', check)} passed the mutant; it should fail it")

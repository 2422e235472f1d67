"""Run a lab's checks against mutant students in this process (sklearn's estimator-checks style).

``student_from_source(lab_dir, source, name)`` executes ``source`` on top of the lab's public
scaffold and returns a :class:`grader.checks.Student` whose probes run right here, with the
same blame rules as the sandbox. Mutant tests call a check with it and assert the message.
The end-to-end path through the real sandbox is covered by tests on the sample notebooks.
"""
from __future__ import annotations

import importlib.util
import linecache
import sys
import warnings
from functools import lru_cache
from pathlib import Path

from grader.checks import Probed
from grader.sandbox.convert import split_plain
from grader.sandbox.probing import StudentFault
from grader.sandbox.supervisor import StudentCodeError
from grader.sandbox.worker import Namespace, student_traceback
from grader.seeding import seed_everything

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def _module(path: Path):
    name = f"harness_{path.parent.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class InProcessStudent:
    section = None  # section-level checks get a SectionCode (see tests of vae-pyro's task 2)

    def __init__(self, public: Path, namespace: dict, name: str):
        self.public, self.namespace, self.name = public, namespace, name

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        seed_everything(seed or 0)
        fn = getattr(_module(self.public / "probes.py"), probe)
        try:
            with warnings.catch_warnings():  # the sandbox does not turn student warnings into errors
                warnings.simplefilter("ignore")
                result = fn(Namespace(self.namespace, self.name), **inputs)
        except StudentFault as fault:
            original = fault.original
            raise StudentCodeError(f"{type(original).__name__}: {original}", student_traceback(original),
                                   not_implemented=isinstance(original, NotImplementedError)) from None
        plain, arrays = split_plain(result)
        return Probed(plain, arrays)

    def helper(self, *names: str):
        for name in names:
            if name in self.namespace and name not in self._scaffold_names():
                return InProcessStudent(self.public, self.namespace, name)
        return None

    def _scaffold_names(self) -> set[str]:
        return set(vars(_module(self.public / "scaffold.py")))


def student_from_source(lab: str, source: str, name: str) -> InProcessStudent:
    public = ROOT / "reference" / lab / "public"
    if str(public) not in sys.path:  # as the worker does: the lab's public files are importable (src.*)
        sys.path.insert(0, str(public))
    namespace = {k: v for k, v in vars(_module(public / "scaffold.py")).items() if not k.startswith("__")}
    namespace["__name__"] = "__main__"
    linecache.cache["<cell 1>"] = (len(source), None, source.splitlines(True), "<cell 1>")  # as the worker does
    exec(compile(source, "<cell 1>", "exec"), namespace)  # noqa: S102 - test mutants
    return InProcessStudent(public, namespace, name)


def assert_check_fails(check, student, *fragments: str):
    """The mutant test's assertion: ``check`` fails ``student`` with a message (or hint) naming the
    fault in English (each of ``fragments``) and a different, non-empty Polish message."""
    import pytest

    from grader.checks import CheckFailure

    with pytest.raises(CheckFailure) as err:
        check(student)
    text = f"{err.value.message.en} {err.value.hint.en if err.value.hint else ''}"
    for fragment in fragments:
        assert fragment in text, text
    assert err.value.message.pl and err.value.message.pl != err.value.message.en
    return err.value

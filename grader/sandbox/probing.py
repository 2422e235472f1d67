"""The probe runtime: how a lab's probe is called on the student's objects, and whose fault it is.

A probe is our code; it calls student code. An exception is the student's when it comes out
of :func:`student_code` (or shows a frame of a student cell in its traceback), or when a probe
rejects what the student's code returned with :func:`reject`; anything else is the probe's bug
and becomes ``grader_error``, never charged to the student.

:func:`call_probe` is the one place a probe is called: by the worker (definitions mode), by the
kernel bridge (execute mode, :mod:`grader.sandbox.kernel_side`) and by the in-process harness of
lab tests (:mod:`grader.testing`). It runs next to student code, so it imports only the
framework-neutral helpers.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from types import ModuleType

import numpy as np

from ..seeding import seed_everything
from .convert import split_plain

TRACEBACK_CHARS = 4000  # of a traceback kept in a reply
DESCRIPTION_CHARS = 600  # of an exception's "Type: message" kept in a reply


class StudentFault(Exception):
    """An exception raised by, or caused by, the student's code."""

    def __init__(self, original: BaseException):
        super().__init__(str(original))
        self.original = original


@contextmanager
def student_code():
    """Run the block as the student's code: whatever it raises is charged to the student."""
    try:
        yield
    except StudentFault:
        raise
    except BaseException as exc:  # SystemExit from student code included
        raise StudentFault(exc) from exc


def reject(message: str) -> None:
    """The student's code returned something unusable (None, a string...): say what."""
    raise StudentFault(TypeError(message))


class Namespace:
    """A snapshot's globals as a probe sees them (its ``ns`` argument), with the graded object's name."""

    def __init__(self, globals_: dict, name: str | None):
        self.globals = globals_
        self.name = name

    @property
    def student(self):
        """The graded object (function, class or value) the judge resolved."""
        if self.name not in self.globals:
            raise StudentFault(NameError(f"name {self.name!r} is not defined (its definition failed)"))
        return self.globals[self.name]

    def get(self, name: str, default=None):
        """Another global of the student's notebook (or of the template), or ``default``."""
        return self.globals.get(name, default)

    def provide(self, name: str, value, *functions) -> None:
        """Set a template global where the student's code reads it: in each function's
        ``__globals__`` (the dict they actually close over), and in the snapshot."""
        self.globals[name] = value
        for fn in functions:
            fn = getattr(fn, "python_function", fn)  # a @tf.function wraps the student's function
            target = getattr(fn, "__globals__", None)
            if target is not None:
                target[name] = value


def call_probe(
    probes: ModuleType,
    probe: str,
    namespace: Namespace,
    seed: int,
    args: dict,
    arrays: dict[str, np.ndarray] | None = None,
    around: Callable[[], AbstractContextManager] = nullcontext,
) -> tuple[dict, dict[str, np.ndarray]]:
    """Seed every framework, call ``probes.<probe>(namespace, **args, **arrays)`` inside
    ``around()``, and return the reply in the wire's format: ``({"ok": True, "value": plain},
    arrays)``, or ``(error_reply(exc), {})`` when anything raised (the fault mapped)."""
    try:
        fn = getattr(probes, probe)
        seed_everything(seed)
        with around():
            result = fn(namespace, **args, **(arrays or {}))
        plain, out = split_plain(result or {})
    except BaseException as exc:  # noqa: BLE001 - the student's code may raise anything
        return error_reply(exc), {}
    return {"ok": True, "value": plain}, out


def error_reply(exc: BaseException) -> dict:
    """Classify an exception: the student's (their code raised or returned garbage) or the
    probe's own bug (no student frame and not wrapped by ``student_code``)."""
    blamed = isinstance(exc, StudentFault)
    original = exc.original if isinstance(exc, StudentFault) else exc
    has_student_frame = bool(_student_frames(original))
    if isinstance(original, NotImplementedError):
        kind = "not_implemented"
    elif blamed or has_student_frame:
        kind = "student"
    else:
        kind = "probe_bug"
    traceback_text = (
        student_traceback(original)
        if kind != "probe_bug"
        else "".join(traceback.format_exception(type(original), original, original.__traceback__))[-TRACEBACK_CHARS:]
    )
    return {"ok": False, "kind": kind, "error": describe_exception(original), "traceback": traceback_text}


def is_student_file(filename: str) -> bool:
    """A student cell's code: ``<cell N>`` (definitions mode) or the kernel's cell files
    (execute mode: ipykernel compiles cells to ``.../ipykernel_<pid>/<hash>.py``)."""
    return filename.startswith(("<cell ", "<ipython-input-")) or "/ipykernel_" in filename


def _student_frames(exc: BaseException) -> list:
    return [f for f in traceback.extract_tb(exc.__traceback__) if is_student_file(f.filename)]


def describe_exception(exc: BaseException) -> str:
    """``Type: message``, cut to a length a report can show."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS] + "..."


def student_traceback(exc: BaseException, limit: int = TRACEBACK_CHARS) -> str:
    """The traceback with only the student's cells in it (library frames are noise to them)."""
    lines = traceback.format_list(_student_frames(exc)) + traceback.format_exception_only(type(exc), exc)
    text = "".join(lines)
    return text[-limit:]


def import_file(name: str, path: Path) -> ModuleType:
    """Import the lab file ``path`` as the module ``name`` (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: Python cannot import this file as {name!r}; it must be a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

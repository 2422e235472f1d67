"""What a lab's probes (sandbox side) use to say whose fault an exception is.

A probe is our code; it calls student code. An exception is the student's when it comes out
of :func:`student_code` (or shows a frame of a student cell in its traceback), or when a probe
rejects what the student's code returned with :func:`reject`; anything else is the probe's bug
and becomes ``grader_error``, never charged to the student.
"""
from __future__ import annotations

from contextlib import contextmanager


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
    except BaseException as exc:  # noqa: BLE001 - SystemExit from student code included
        raise StudentFault(exc) from exc


def reject(message: str) -> None:
    """The student's code returned something unusable (None, a string...): say what."""
    raise StudentFault(TypeError(message))

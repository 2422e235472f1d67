"""What a call into the sandbox can end with, other than a reply: the ``SandboxError`` family.

Raised by :class:`grader.sandbox.supervisor.Sandbox`; caught by the judge, which maps each to an
outcome, and by lab checks (re-exported by :mod:`grader.checks`: ``StudentCodeError`` when a
check tries the student's code on an input it may reject). It imports nothing.
"""

from __future__ import annotations

__all__ = ["KernelLost", "ProbeBug", "ProbeTimeout", "SandboxError", "StudentCodeError", "WorkerDied"]


class SandboxError(Exception):
    """Base of what a call into the sandbox can end with, other than a reply."""


class StudentCodeError(SandboxError):
    """The student's code raised; ``traceback`` shows only their cells."""

    def __init__(self, error: str, traceback: str = "", not_implemented: bool = False, message_text=None):
        super().__init__(error)
        self.error, self.traceback, self.not_implemented = error, traceback, not_implemented
        self.message_text = message_text  # a bilingual Text when the judge phrased it


class KernelLost(SandboxError):
    """Execute mode: the notebook's kernel went with a worker that was killed."""


class ProbeTimeout(SandboxError):
    """No reply within the call's deadline: the worker was killed and the next call starts a fresh one."""

    def __init__(self, seconds: float):
        super().__init__(f"no reply within {seconds:g} s")
        self.seconds = seconds


class WorkerDied(SandboxError):
    """The worker exited, was killed (memory, a signal) or answered garbage; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProbeBug(SandboxError):
    """A probe (our code) failed in a way that is not the student's: a grader error."""

"""Errors the grader raises to its user (the instructor or the student at the terminal).

The library raises these; only the CLI catches them, prints the message once and exits with
the class's ``exit_code``. Each message names the file, the problem and the fix.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of every error meant for the user, not a bug of the grader."""

    exit_code = 2


class RubricError(GraderError):
    """A rubric YAML is invalid: the message names the file, the item and the fix."""

    exit_code = 3


class LabNotFound(GraderError):
    """``--lab`` names no lab that is installed."""

    exit_code = 4


class NoSubmissions(GraderError):
    """The paths given to ``grader grade`` hold no notebook."""

    exit_code = 5


class SettingsError(GraderError):
    """A setting (flag, environment variable or ``[tool.grader]``) has a bad value."""

    exit_code = 6


class SchedulerUnreachable(GraderError):
    """``grader grade --scheduler ADDRESS``: no Dask scheduler answers at that address."""

    exit_code = 7


class ClusterError(GraderError):
    """A cluster worker cannot grade the lab as the submitter would (another rubric version).

    Raised on the worker; the submitter records it as that submission's ``grader_error``."""

    exit_code = 8


class HandoutError(GraderError):
    """``grader handout`` would overwrite files already in the folder (without ``--force``), or its
    self-check bundle failed its verification (a leak, an import it lacks, a different verdict)."""

    exit_code = 9


class SelfCheckError(GraderError):
    """``grader.check()`` cannot tell which notebook, or which lab, to check: the message says
    which argument to pass."""

    exit_code = 10


class ManualScoreError(GraderError):
    """A manual score names no item of the rubric, or its points are outside the item's range."""

    exit_code = 11


class NotGraded(GraderError):
    """A submission the gradebook holds no kept result for (it was never graded, or under another lab)."""

    exit_code = 12


class DownloadError(GraderError):
    """An LMS download cannot be read: not a zip nor a folder, a corrupt or truncated zip, more
    files than the limit, or a file that changed after it was read."""

    exit_code = 13


class CourseError(GraderError):
    """An assignment, roster or late policy that cannot be used: a worksheet or gradebook CSV from
    another assignment, a roster that does not match the download, a due date without a time zone."""

    exit_code = 14


class ExportError(GraderError):
    """An LMS export cannot be written or sent: the worksheet it writes back is missing a column the
    LMS's importer needs, or the LMS's API refused a request."""

    exit_code = 15


class AccountError(GraderError):
    """An account command that cannot be done: an unknown role or person, a name taken."""

    exit_code = 16


class GradingConflict(GraderError):
    """Someone else saved this answer's grade since the grader opened it: nothing was written.
    ``current`` is the grade now stored (a :class:`grader.manual.answers.ManualGrade`)."""

    exit_code = 17

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current

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

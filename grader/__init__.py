"""grader: grades ML lab notebooks against reference implementations, in a sandbox.

Data flow (docs/architecture.md): discover -> notebook -> extract -> sandbox/judge -> score ->
gradebook -> reports. The public surface is small: the CLI (``grader``), ``check()`` for a
student's self-check inside a notebook, and the pure ``score()``. Front ends (a web page, an LMS
adapter) call :mod:`grader.service`.
"""

from __future__ import annotations

from ._version import __version__

__all__ = ["check", "score", "__version__"]

# check() and score() import their modules when called, not here: the sandbox's inside imports
# grader.sandbox.*, which runs this file first, and must not load the judge's side next to student code.


def check(item: str | None = None, notebook=None, lab: str | None = None, lang: str | None = None) -> None:
    """Self-check the current notebook (public checks only); see :func:`grader.selfcheck.check`."""
    from .selfcheck import check as _check

    _check(item, notebook=notebook, lab=lab, lang=lang)


def score(result, rubric, manual=None, rubric_hash: str = ""):
    """Points from a judge's result and a rubric; see :func:`grader.scoring.score`."""
    from .scoring import score as _score

    return _score(result, rubric, manual, rubric_hash)

"""Students' self-check: the public checks of a lab on one notebook, as a terminal table.

``grader check my.ipynb --lab generative-tf`` in a terminal, or ``grader.check("3.data")`` in a
notebook cell (the notebook must be saved: the saved file is what is checked, as it is what
will be submitted). Hidden checks are neither run nor listed; points are not shown for them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from .discover import Submission
from .errors import SelfCheckError
from .i18n import Text
from .judge import judge_submission
from .labs import find_lab
from .notebook import decode_lenient
from .outcomes import Outcome
from .scoring import score
from .settings import Settings, load_settings

SYMBOLS = {
    Outcome.PASSED: "OK",
    Outcome.FAILED: "FAIL",
    Outcome.ERRORED: "ERROR",
    Outcome.TIMED_OUT: "TIMEOUT",
    Outcome.MISSING: "MISSING",
    Outcome.MANUAL: "MANUAL",
    Outcome.GRADER_ERROR: "GRADER-ERROR",
}
HEADER = Text(
    "Samosprawdzenie (tylko testy publiczne; ocena końcowa może się różnić)",
    "Self-check (public checks only; the final grade may differ)",
)


def run_self_check(notebook: Path, lab_name: str, settings: Settings, items: set[str] | None = None) -> str:
    """Grade ``notebook`` with the public checks only and render the result as text."""
    lab = find_lab(lab_name, settings)
    if settings.pool == "auto":  # one notebook: a warm parent would import the frameworks for one fork
        settings = replace(settings, pool="cold")
    data = notebook.read_bytes() if notebook.is_file() else b""
    submission = Submission(notebook.stem, notebook, hashlib.sha256(data).hexdigest(), len(data))
    result = judge_submission(submission, lab, settings, only_items=items, public_only=True)
    grade = score(result, lab.rubric)
    return render_table(grade, settings.lang, lab.title(settings.lang))


def render_table(grade, lang: str, title: str) -> str:
    lines = [f"{title}", HEADER(lang), ""]
    if grade.error is not None:
        lines.append(f"!! {grade.error(lang)}")
    lines += [f"!! {notice(lang)}" for notice in grade.result.notices]  # e.g. cells read from bytes that were not UTF-8
    for item in grade.items:
        if item.result.item_id not in {r.item_id for r in grade.result.items}:
            continue
        lines.append(f"{item.id:9} {SYMBOLS[item.status]:12} {item.points:g}/{item.max_points:g}  {item.title(lang)}")
        if item.result.message is not None:
            lines.append(f"{'':22}{item.result.message(lang)}")
        for check in item.result.checks:
            if check.status is Outcome.PASSED:
                continue
            lines.append(f"{'':22}- {check.title(lang)}: {SYMBOLS[check.status]}")
            for text in (check.message, check.hint):
                if text is not None:
                    lines.append(f"{'':24}{text(lang)}")
            if check.expected is not None or check.got is not None:
                lines.append(f"{'':24}expected: {check.expected}  got: {check.got}")
    return "\n".join(lines)


def check(
    item: str | None = None, notebook: str | os.PathLike | None = None, lab: str | None = None, lang: str | None = None
) -> None:
    """Self-check from inside a notebook: ``grader.check("3.data")`` (save the notebook first).

    The notebook is found from ``notebook=``, else from the kernel's ``__session__`` /
    ``JPY_SESSION_NAME`` (set by Jupyter and VS Code); the lab from ``lab=``, else from the
    notebook's metadata ``{"grader": {"lab": ...}}``.
    """
    path = Path(notebook) if notebook else _current_notebook()
    lab = lab or _lab_from_metadata(path)
    settings = load_settings({"lang": lang})
    print(run_self_check(path, lab, settings, {item} if item else None))


def _current_notebook() -> Path:
    candidates = [os.environ.get("JPY_SESSION_NAME")]
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            candidates.insert(0, shell.user_ns.get("__session__"))
    except ImportError:
        pass
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise SelfCheckError(
        "grader.check() cannot tell which notebook this is (neither Jupyter's __session__ nor "
        "JPY_SESSION_NAME names a saved file). Fix: save the notebook and call "
        "grader.check(item, notebook='my.ipynb')."
    )


def _lab_from_metadata(path: Path) -> str:
    try:
        # read as the grader reads it: a stray cp1250 byte must not hide the lab
        lab = json.loads(decode_lenient(path.read_bytes())[0]).get("metadata", {}).get("grader", {}).get("lab")
    except (OSError, ValueError):
        lab = None
    if not lab:
        raise SelfCheckError(
            f'{path}: no lab in the notebook\'s metadata ({{"grader": {{"lab": ...}}}}). '
            "Fix: name the lab, grader.check(item, lab='LAB') (`grader labs` lists the names)."
        )
    return lab

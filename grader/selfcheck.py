"""Students' self-check: the public checks of a lab on one notebook, as a terminal table.

``grader check my.ipynb --lab generative-tf`` in a terminal, or ``grader.check("3.data")`` in a
notebook cell (the notebook must be saved: the saved file is what is checked, as it is what
will be submitted). Hidden checks are neither run nor listed; points are not shown for them.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
import tempfile
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


# Where the sandbox is proven to work (tests/test_portability.py, the CI's unprivileged run):
# Linux, as root or as an ordinary user. Elsewhere the self-check stops and names what works.
TRY_ANYWAY = "GRADER_TRY_UNSUPPORTED_PLATFORM"
UNSUPPORTED = Text(
    pl="Samosprawdzenie działa na Linuksie (także w Colab i WSL2), a {platform} nie jest sprawdzony. "
    "Użyj Colab, WSL2 albo samosprawdzenia w przeglądarce (link od prowadzącego). "
    "Aby mimo to spróbować z podstawową izolacją: ustaw {variable}=1.",
    en="The self-check runs on Linux (Colab and WSL2 included); {platform} is not tested. "
    "Use Colab, WSL2 or the course's web self-check (a link from your instructor). "
    "To try anyway with the basic isolation only: set {variable}=1.",
)


def supported_platform(platform: str | None = None) -> bool:
    """True where the self-check's sandbox is tested (Linux), or when the student asked to try."""
    return (platform or sys.platform).startswith("linux") or os.environ.get(TRY_ANYWAY) == "1"


def run_self_check(notebook: Path, lab_name: str, settings: Settings, items: set[str] | None = None) -> str:
    """Grade ``notebook`` with the public checks only and render the result as text.

    Raises :class:`SelfCheckError` on a platform where the sandbox is not tested (macOS: no
    namespaces or cgroups; Windows: none of its process primitives), naming what to use instead."""
    if not supported_platform():
        raise SelfCheckError(UNSUPPORTED.format(platform=sys.platform, variable=TRY_ANYWAY)(settings.lang))
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
    lab = lab or lab_from_metadata(path)
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
    colab = _colab_notebook()
    if colab is not None:
        return colab
    raise SelfCheckError(
        "grader.check() cannot tell which notebook this is (neither Jupyter's __session__ nor "
        "JPY_SESSION_NAME names a saved file). Fix: save the notebook and call "
        "grader.check(item, notebook='my.ipynb')."
    )


def _colab_notebook() -> Path | None:
    """On Colab the notebook has no file on the runtime's disk: ask the editor for what it shows
    (``get_ipynb``, the request Colab's own tools use; not a public API, so any failure just means
    "not Colab") and keep it in a temporary file. None elsewhere."""
    message = sys.modules.get("google.colab._message")
    if message is None:
        try:
            message = importlib.import_module("google.colab._message")
        except ImportError:
            return None
    try:
        reply = message.blocking_request("get_ipynb", timeout_sec=30)
        notebook = reply["ipynb"]
    except Exception:  # noqa: BLE001 - a private API: whatever it raises, this is not a usable Colab
        return None
    folder = Path(tempfile.mkdtemp(prefix="grader-colab-"))
    path = folder / "colab-notebook.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def lab_from_metadata(path: Path) -> str:
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

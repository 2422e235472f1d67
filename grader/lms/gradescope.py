"""Gradescope: an autograder zip whose run grades one submission and writes Gradescope's ``results.json``.

Gradescope's contract (``gradescope/autograder_samples``: ``docs/specs.md``, ``docs/tech.md``,
``docs/troubleshooting.md``, ``docs/python3_issues.md``; ../shared/research/lms-formats.md section 6):

- the zip holds ``setup.sh`` (run once, as root, when the image is built) and ``run_autograder``
  (executable, a ``#!`` line; copied to ``/autograder/run_autograder``) at its root; the rest of the
  zip is unpacked into ``/autograder/source``;
- the submission is in ``/autograder/submission``; the run must write ``/autograder/results/results.json``;
  a missing or malformed file is "The autograder failed to execute correctly", so :func:`run` writes
  one whatever happens (no notebook, a crash of ours) and exits 0;
- the harness itself uses the system ``python3``: ``setup.sh`` never replaces it, it makes a venv
  of its own Python >= 3.11 in ``/autograder/venv``.

:func:`results_json` converts a :class:`~grader.outcomes.Grade`: one test per check (its share of
the item's automatic points; hidden checks ``after_published``), one test per item decided without
checks, and one test with score 0 per part that awaits a person (Gradescope has no pending state:
the instructor scores those parts in Gradescope's own manually graded questions). The tests' scores
sum to the top-level ``score``, the grade's total. Student text never reaches an output unescaped:
the tests' outputs are ``text`` (not rendered), the top-level output is ``md`` with every value
backslash-escaped.

``GRADER_AUTOGRADER_ROOT`` (default ``/autograder``) moves the whole layout, so a test can lay out a
temporary folder like ``/autograder``; ``GRADER_AUTOGRADER_PYTHON`` is the interpreter
``run_autograder`` runs (default ``ROOT/venv/bin/python``, which ``setup.sh`` makes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Collection, Iterable
from pathlib import Path, PurePosixPath

from .. import service
from .._version import __version__
from ..errors import ExportError
from ..i18n import OUTCOME_LABELS, Text
from ..labs import Lab, find_lab, registered_packs
from ..outcomes import CheckResult, Grade, ItemGrade, Outcome
from ..rubric import Item, Rubric
from ..settings import PROJECT_ROOT, load_settings
from .moodle import choose_notebook

ROOT_VARIABLE = "GRADER_AUTOGRADER_ROOT"
PYTHON_VARIABLE = "GRADER_AUTOGRADER_PYTHON"
DEFAULT_ROOT = "/autograder"
ROUND = 6
# a test's output is shown in a collapsed <pre>: enough for a traceback, not a whole log
OUTPUT_LIMIT = 4000
# a fixed time for every zip member (the DOS epoch): the same inputs give the same zip bytes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
WHEEL_DIR = "wheels"
LAB_DIR = "lab"
# what a wheel is built from: the project's packaging files and the packages pyproject.toml lists
_WHEEL_SOURCES = ("pyproject.toml", "README.md", "grader", "reference", "rubrics")
_SKIPPED = ("__pycache__", "*.pyc", ".ipynb_checkpoints", "build", "*.egg-info", ".*")

# ---------------------------------------------------------------------------------------------
# What students read (both languages)
# ---------------------------------------------------------------------------------------------

AWAITING = Text(pl="Czeka na ocenę prowadzącego.", en="Awaiting manual grading.")
MANUAL_PART = Text(pl="ocena ręczna", en="manual grading")
MANUAL_QUESTIONS = Text(
    pl="Prowadzący oceni tę część w Gradescope (Manually Graded Questions); punkty dojdą do oceny.",
    en="The instructor scores this part in Gradescope (Manually Graded Questions); the points will be added.",
)
GRADER_ERROR_PART = Text(
    pl="Błąd oceniarki (nie Twój): tę część oceni prowadzący.",
    en="A grader error (not yours): the instructor scores this part.",
)
SCORED_BY_PERSON = Text(pl="Ocenione przez prowadzącego.", en="Scored by the instructor.")
LATE_PENALTY = Text(pl="Kara za spóźnienie", en="Late penalty")
LATE_TEXT = Text(
    pl="Oddano po terminie: {points} pkt kary.",
    en="Submitted late: a penalty of {points} points.",
)
EXPECTED = Text(pl="oczekiwano", en="expected")
GOT = Text(pl="otrzymano", en="got")
SUMMARY = Text(
    pl="**{lab}**: {total} / {auto_max} pkt ocenionych automatycznie (maksimum zadania: {max}).",
    en="**{lab}**: {total} / {auto_max} points graded automatically (the lab's maximum: {max}).",
)
FILE_LINE = Text(pl="Oceniony plik: {file}", en="File graded: {file}")
PENDING_SUMMARY = Text(
    pl="{count} {items} ({points}) {wait} na ocenę prowadzącego w Gradescope (Manually Graded Questions): "
    "{ids}. Ocena zmieni się, gdy prowadzący je oceni.",
    en="{count} {items} ({points}) {wait} manual grading in Gradescope's Manually Graded Questions: "
    "{ids}. The grade will change when the instructor scores them.",
)
# (noun, verb) for 1, for 2-4 (Polish "few"), for the rest
ITEM_WORDS = {
    "pl": (("zadanie", "czeka"), ("zadania", "czekają"), ("zadań", "czeka")),
    "en": (("item", "awaits"), ("items", "await"), ("items", "await")),
}
HIDDEN_SUMMARY = Text(
    pl="Część testów zobaczysz dopiero po opublikowaniu ocen przez prowadzącego.",
    en="Some checks are shown only once the instructor publishes the grades.",
)
ERROR_LINE = Text(pl="Problem z plikiem: {error}", en="A problem with the file: {error}")
NO_NOTEBOOK = Text(
    pl="W przesłanym zgłoszeniu nie ma notatnika (.ipynb): nie ma czego ocenić (0 pkt). "
    "Prześlij plik .ipynb z rozwiązaniem jeszcze raz.",
    en="Your submission holds no notebook (.ipynb): there is nothing to grade (0 points). "
    "Submit your .ipynb file again.",
)
CRASHED = Text(
    pl="Oceniarka nie mogła ocenić zgłoszenia ({error}). To nie jest ocena Twojej pracy: "
    "powiadom prowadzącego (tell your instructor).",
    en="The grader could not grade this submission ({error}). This is not a grade of your work: tell your instructor.",
)
CHOSEN = Text(pl="Oceniono {file} ({why}).", en="Graded {file} ({why}).")


def _fmt(value: float) -> str:
    """``0.25 -> "0.25"``, ``3.0 -> "3"``: points as people write them."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(value: float, lang: str) -> str:
    """``1.5 -> "1.5 points"`` / ``"1.5 pkt"``; one point is singular in English."""
    if lang != "en":
        return f"{_fmt(value)} pkt"
    return f"{_fmt(value)} point" if value == 1 else f"{_fmt(value)} points"


def _plural(count: int, lang: str) -> tuple[str, str]:
    """The (noun, verb) of ``count`` items in ``lang``: Polish has a form for 2-4 (but 12-14)."""
    one, few, many = ITEM_WORDS["en" if lang == "en" else "pl"]
    if count == 1:
        return one
    if lang != "en" and count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


# ---------------------------------------------------------------------------------------------
# Escaping: every string that reaches Gradescope passes one of these
# ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but \t and \n (\r is made \n first)
# CommonMark: "Any ASCII punctuation character may be backslash-escaped" (spec section 2.4); an
# escaped character is literal text, so no emphasis, code, link, list, heading, table, math or raw
# HTML can start from it. Only these are escaped (a ':' or ',' needs none), so a renderer that
# knows fewer escapes shows few stray backslashes.
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~$=^])")


def plain(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """Text for a ``text`` field: Unix line endings (docs/specs.md asks for ``\\n``), no control
    characters (an ANSI escape stays inert), at most ``limit`` characters."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md_escape(text: str) -> str:
    """A value inside ``md`` output: one line, every ASCII punctuation character backslash-escaped."""
    one_line = " ".join(plain(text, 1000).split())
    return _MD_PUNCTUATION.sub(r"\\\1", one_line)


# ---------------------------------------------------------------------------------------------
# results.json
# ---------------------------------------------------------------------------------------------


def hidden_checks(rubric: Rubric) -> frozenset[str]:
    """The ids of the rubric's checks marked ``public: false`` (run from ``hidden_checks:``)."""
    return frozenset(spec.id for item in rubric.items for spec in item.checks if not spec.public)


def _decided(check: CheckResult) -> bool:
    """Whether a check decided its share of the points (as :func:`grader.scoring.score` counts it)."""
    return check.status.charged and check.status is not Outcome.MANUAL


def _test(
    name: str, score: float, max_score: float, passed: bool, output: str, visibility: str, tags: list[str]
) -> dict:
    """One Gradescope test (docs/specs.md): plain text name and output, explicit status."""
    return {
        "score": round(score, ROUND),
        "max_score": round(max_score, ROUND),
        "status": "passed" if passed else "failed",
        "name": plain(name, 300),
        "name_format": "text",
        "output": plain(output),
        "output_format": "text",
        "tags": tags,
        "visibility": visibility,
    }


def _check_output(check: CheckResult, hidden: bool, lang: str) -> str:
    """What a check's test says: its title, verdict and message; a public check also its hint,
    expected/got and traceback (a hidden check's values may give the answer away, as in the report)."""
    lines = [check.title(lang), f"{OUTCOME_LABELS[check.status.value](lang)}"]
    if check.message is not None:
        lines.append(check.message(lang))
    if not hidden:
        if check.hint is not None:
            lines.append(check.hint(lang))
        if check.expected is not None:
            lines.append(f"{EXPECTED(lang)}: {check.expected}")
        if check.got is not None:
            lines.append(f"{GOT(lang)}: {check.got}")
        if check.traceback:
            lines.append(check.traceback)
    return "\n".join(lines)


def _item_tests(item: ItemGrade, lang: str, hidden_ids: Collection[str]) -> list[dict]:
    """The tests of one item; their scores sum to ``item.points``."""
    title = f"{item.id} {item.title(lang)}"
    tag = [item.id]
    result = item.result
    status_line = OUTCOME_LABELS[item.status.value](lang)
    if item.manual_points is not None:  # a person's score replaces the item's computed points
        return [
            _test(
                title,
                item.points,
                item.max_points,
                item.points >= item.max_points,
                SCORED_BY_PERSON(lang),
                "visible",
                tag,
            )
        ]
    tests: list[dict] = []
    checks = result.checks
    if checks:
        shares = _shares(item.auto_max, checks)
        for check, share in zip(checks, shares):
            hidden = (not check.public) or check.id in hidden_ids
            passed = check.status is Outcome.PASSED
            tests.append(
                _test(
                    f"{title}: {check.id}",
                    share if passed else 0.0,
                    share,
                    passed,
                    _check_output(check, hidden, lang),
                    "after_published" if hidden else "visible",
                    [*tag, "hidden" if hidden else "public"],
                )
            )
        _absorb_rounding(tests, item.auto_points)
    elif item.auto_max > 0:  # decided before any check ran (missing, errored, an empty answer)
        message = result.message(lang) if result.message is not None else ""
        tests.append(
            _test(
                title,
                item.auto_points,
                item.auto_max,
                item.auto_points >= item.auto_max,
                f"{status_line}\n{message}".strip(),
                "visible",
                tag,
            )
        )
    if item.manual_max > 0:  # the part a person scores: Gradescope's manual questions
        grader_error = item.status is Outcome.GRADER_ERROR or any(c.status is Outcome.GRADER_ERROR for c in checks)
        said = [AWAITING(lang), MANUAL_QUESTIONS(lang)]
        if grader_error:
            said.insert(0, GRADER_ERROR_PART(lang))
        name = title if not checks and item.auto_max == 0 else f"{title}: {MANUAL_PART(lang)}"
        tests.append(_test(name, 0.0, item.manual_max, False, "\n".join(said), "visible", [*tag, "manual"]))
    return tests


def _shares(auto_max: float, checks: tuple[CheckResult, ...]) -> list[float]:
    """Each check's share of the item's automatic points (``auto_max`` by weight among the checks
    that decided; 0 for the others), rounded, the last decided share taking the rounding's rest."""
    decided = [c for c in checks if _decided(c)]
    weight = sum(c.weight for c in decided)
    shares = [round(auto_max * c.weight / weight, ROUND) if _decided(c) and weight else 0.0 for c in checks]
    last = max((i for i, c in enumerate(checks) if _decided(c)), default=None)
    if last is not None:
        shares[last] = round(auto_max - sum(s for i, s in enumerate(shares) if i != last), ROUND)
    return shares


def _absorb_rounding(tests: list[dict], points: float) -> None:
    """Make the rounded check shares of an item sum to its rounded points (the last scoring test takes the rest)."""
    scoring = [t for t in tests if t["score"] > 0]
    if scoring:
        rest = round(points - sum(t["score"] for t in scoring[:-1]), ROUND)
        if abs(rest - scoring[-1]["score"]) < 1e-4:  # rounding only; anything larger would be a bug shown as it is
            scoring[-1]["score"] = rest


def results_json(grade: Grade, rubric: Rubric, lang: str, hidden_check_ids: Collection[str] = ()) -> dict:
    """Gradescope's ``results.json`` (docs/specs.md, "Output format") for ``grade``, in ``lang``.

    ``hidden_check_ids`` (default: none beyond the checks' own ``public`` flags; :func:`hidden_checks`
    gives the rubric's) are shown ``after_published``. The top-level ``score`` is ``grade.total``
    (a late deduction, ``grade.late_deduction``, is a test of its own, negative), and the tests'
    scores sum to it."""
    tests = [test for item in grade.items for test in _item_tests(item, lang, hidden_check_ids)]
    if grade.late_deduction > 0:  # score() took it off the total: a test of its own keeps the sum
        said = LATE_TEXT.format(points=_fmt(grade.late_deduction))(lang)
        tests.append(_test(LATE_PENALTY(lang), -grade.late_deduction, 0.0, False, said, "visible", ["late"]))
    pending = [i for i in grade.items if i.manual_points is None and i.manual_max > 0]
    pending_points = round(sum(i.manual_max for i in pending), ROUND)
    auto_max = round(sum(i.auto_max for i in grade.items if i.manual_points is None and not i.bonus), ROUND)
    hidden_shown = any(t["visibility"] == "after_published" for t in tests)
    lines = [
        SUMMARY.format(
            lab=md_escape(rubric.title.text()(lang)),
            total=_fmt(grade.total),
            auto_max=_fmt(auto_max),
            max=_fmt(grade.max),
        )(lang),
        FILE_LINE.format(file=md_escape(Path(grade.file).name))(lang),
    ]
    if grade.error is not None:
        lines.append(ERROR_LINE.format(error=md_escape(grade.error(lang)))(lang))
    lines += [md_escape(notice(lang)) for notice in grade.result.notices]
    if pending:
        lines.append(
            PENDING_SUMMARY.format(
                count=len(pending),
                items=_plural(len(pending), lang)[0],
                wait=_plural(len(pending), lang)[1],
                points=_points(pending_points, lang),
                ids=", ".join(md_escape(i.id) for i in pending),
            )(lang)
        )
    if grade.late_deduction > 0:
        lines.append(LATE_TEXT.format(points=_fmt(grade.late_deduction))(lang))
    if hidden_shown:
        lines.append(HIDDEN_SUMMARY(lang))
    return {
        "score": round(grade.total, ROUND),
        "execution_time": int(math.ceil(grade.result.duration_s)),
        "output": "\n\n".join(lines),
        "output_format": "md",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",  # the grader's log: for the instructor
        "extra_data": {
            "lab": grade.lab,
            "grader_version": __version__,
            "lang": lang,
            "file": Path(grade.file).name,
            "sha256": grade.sha256,
            "rubric_hash": grade.rubric_hash,
            "status": grade.status,
            "max": grade.max,
            "automatic_max": auto_max,
            "pending_items": [i.id for i in pending],
            "pending_points": pending_points,
        },
        "tests": tests,
    }


def failure_json(text: Text, lang: str, extra: dict | None = None) -> dict:
    """A ``results.json`` of score 0 that says ``text``: no notebook, or a failure of ours."""
    return {
        "score": 0.0,
        "output": plain(text(lang)),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "extra_data": {"grader_version": __version__, "lang": lang, **(extra or {})},
        "tests": [],
    }


def write_results(path: Path, document: dict) -> Path:
    """Write ``document`` to ``path`` atomically (a sibling temporary file, then a rename): the
    harness never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------------------------
# The run: one submission in /autograder/submission -> /autograder/results/results.json
# ---------------------------------------------------------------------------------------------


def autograder_root() -> Path:
    """``GRADER_AUTOGRADER_ROOT``, else ``/autograder`` (docs/specs.md, "File hierarchy")."""
    return Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)


def find_notebook(submission_dir: Path, template_name: str) -> tuple[Path | None, str]:
    """The notebook graded among the submitted files and why (the rule of
    :func:`grader.lms.moodle.choose_notebook`: the only one; of several, the one named like the
    template, else the newest); ``(None, reason)`` when there is none."""
    files = {
        PurePosixPath(p.relative_to(submission_dir).as_posix()): p
        for p in sorted(submission_dir.rglob("*"))
        if p.is_file()
    }
    mtimes = {rel: path.stat().st_mtime for rel, path in files.items()}
    chosen, why = choose_notebook(files, template_name, mtimes)
    return (files[chosen] if chosen is not None else None), why


def _lab(name: str, source_dir: Path, settings) -> Lab:
    """A lab id, or a lab folder shipped in the zip (a path relative to ``/autograder/source``)."""
    shipped = source_dir / name
    return find_lab(str(shipped) if not Path(name).is_absolute() and shipped.exists() else name, settings)


def run(lab_name: str, lang: str, root: Path | None = None) -> dict:
    """Grade the submission under ``root`` (default :func:`autograder_root`) and write
    ``root/results/results.json``; return what was written. Never raises for a submission: no
    notebook and any failure of ours are results of score 0 that say so."""
    root = root or autograder_root()
    out = root / "results" / "results.json"
    started = time.monotonic()
    try:
        settings = load_settings({"lang": lang, "jobs": 1, "pool": "cold"})
        lab = _lab(lab_name, root / "source", settings)
        notebook, why = find_notebook(root / "submission", lab.rubric.template)
        if notebook is None:
            document = failure_json(NO_NOTEBOOK, lang, {"lab": lab.name, "reason": why})
        else:
            print(f"grading {notebook} ({why})", flush=True)
            with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as work:
                batch = service.grade([notebook], lab, settings, Path(work) / "out")
                document = results_json(batch.grades[0], lab.rubric, lang, hidden_checks(lab.rubric))
            document["execution_time"] = int(math.ceil(time.monotonic() - started))
            document["extra_data"]["chosen"] = why
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, Gradescope must get a results.json
        traceback.print_exc()  # stdout/stderr: shown to the instructor only
        error = f"{type(exc).__name__}: {exc}"
        document = failure_json(CRASHED.format(error=error), lang, {"error": error})
    write_results(out, document)
    return document


# ---------------------------------------------------------------------------------------------
# The autograder zip
# ---------------------------------------------------------------------------------------------

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (docs/specs.md).
# It never touches the system python3 (Gradescope's harness runs on it: docs/python3_issues.md):
# the grader gets a venv of its own Python >= 3.11 in /autograder/venv.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
ROOT="${GRADER_AUTOGRADER_ROOT:-/autograder}"
apt-get update
# bubblewrap: the sandbox's namespaces where the container allows them (`grader doctor` says which)
apt-get install -y --no-install-recommends ca-certificates bubblewrap
PY=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  # Ubuntu 22.04's python3 is 3.10: its universe has python3.11; else the deadsnakes PPA
  if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv python3.11-dev; then
    apt-get install -y --no-install-recommends software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv python3.11-dev
  fi
  PY=python3.11
fi
if ! "$PY" -m venv "$ROOT/venv"; then
  apt-get install -y --no-install-recommends "$PY-venv"
  "$PY" -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --upgrade pip
# torch's CPU build first (PyPI's default build is the CUDA one, gigabytes the autograder never uses)
TORCH="$(grep -i '^torch==' constraints.txt || true)"
if [ -n "$TORCH" ]; then
  "$ROOT/venv/bin/python" -m pip install "$TORCH" --index-url https://download.pytorch.org/whl/cpu \\
    || "$ROOT/venv/bin/python" -m pip install "$TORCH"
fi
"$ROOT/venv/bin/python" -m pip install -c constraints.txt wheels/*.whl
"$ROOT/venv/bin/python" -m grader doctor || true
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (copied to /autograder/run_autograder; docs/specs.md).
# It must leave /autograder/results/results.json, whatever happens, and exit 0.
set -uo pipefail
ROOT="${{GRADER_AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{GRADER_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
export GRADER_AUTOGRADER_ROOT="$ROOT" MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2
mkdir -p "$ROOT/results"
if cd "$ROOT/source"; then
  "$PYTHON" -m grader.lms.gradescope run --lab {lab} --lang {lang}
fi
if [ ! -s "$ROOT/results/results.json" ]; then
  # the interpreter itself did not start: still a results.json, for the student and the instructor
  cat > "$ROOT/results/results.json" <<'JSON'
{fallback}
JSON
fi
exit 0
"""


def _fallback_json(lang: str) -> str:
    error = Text(pl="nie uruchomiono Pythona oceniarki", en="the grader's Python did not start")
    return json.dumps(failure_json(CRASHED.format(error=error), lang), ensure_ascii=False)


def build_wheel(out_dir: Path, project_root: Path = PROJECT_ROOT) -> Path:
    """Build the grader's wheel (``pip wheel --no-deps``) from a copy of ``project_root``'s sources
    (so the checkout gets no ``build/``), with ``SOURCE_DATE_EPOCH`` fixed; return its path.

    Raises :class:`~grader.errors.ExportError` when ``project_root`` is no source checkout or pip fails."""
    if not (project_root / "pyproject.toml").is_file():
        raise ExportError(
            f"{project_root}: no pyproject.toml, so no wheel can be built (the grader runs from an installed copy). "
            "Fix: pass a grader wheel (`--wheel grader-*.whl`), or run from a checkout."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-wheel-") as work:
        source = Path(work) / "src"
        source.mkdir()
        for name in _WHEEL_SOURCES:
            path = project_root / name
            if path.is_dir():
                shutil.copytree(path, source / name, ignore=shutil.ignore_patterns(*_SKIPPED))
            elif path.is_file():
                shutil.copy2(path, source / name)
        command = [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(source),
            "-w",
            str(out_dir),
        ]
        env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wheels = sorted(out_dir.glob("grader-*.whl"))
    if done.returncode != 0 or not wheels:
        raise ExportError(
            f"building the grader's wheel from {project_root} failed ({' '.join(command[2:5])}): "
            f"{(done.stderr or done.stdout).strip()[-800:]}. Fix: build one yourself "
            "(`pip wheel --no-deps . -w dist`) and pass it with --wheel."
        )
    return wheels[-1]


def manual_part(item: Item) -> float:
    """The points of ``item`` a person scores: a prose item's, a code item's without checks, a code
    item's ``manual_points`` (its conclusions); what Gradescope's manually graded questions carry."""
    if item.kind == "prose" or not item.checks:
        return item.points
    return item.manual_points


def _lab_reference(lab: Lab) -> tuple[str, Path | None]:
    """How the zip names the lab: a registered lab id (the wheel carries the pack), or the lab's
    folder shipped under ``lab/`` (a course's own lab) and its rubric's path in it."""
    if lab.name in registered_packs() and lab.pack_dir is not None:
        return lab.name, None
    rubric = lab.rubric_path.resolve().relative_to(lab.root.resolve())
    return f"{LAB_DIR}/{rubric.as_posix()}", lab.root


def _tree(folder: Path, prefix: str) -> Iterable[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        skipped = any(part.startswith(".") or part in ("__pycache__", ".ipynb_checkpoints") for part in rel.parts)
        if path.is_file() and not skipped and path.suffix != ".pyc":
            yield f"{prefix}/{rel.as_posix()}", path


def _member(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix: the mode bits below are read
    info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
    archive.writestr(info, data)


def build_autograder(lab: Lab, out_zip: Path, *, lang: str = "pl", wheel: Path | None = None) -> list[str]:
    """Write Gradescope's autograder zip for ``lab`` to ``out_zip``; return its member names (sorted).

    Members: ``setup.sh`` and ``run_autograder`` (executable) at the root, ``config.json`` (lab,
    language, grader version, the automatic and manual points to set in the assignment's outline),
    ``constraints.txt`` (the pinned dependencies), ``wheels/<grader wheel>`` (``wheel``, else built
    with :func:`build_wheel`) and, for a lab that is no registered pack, its folder under ``lab/``.
    Deterministic: sorted members, fixed timestamps and modes."""
    if lang not in ("pl", "en"):
        raise ExportError(f"{out_zip}: language {lang!r} is not pl or en. Fix: pass --lang pl or --lang en.")
    lab_name, lab_folder = _lab_reference(lab)
    constraints = PROJECT_ROOT / "constraints.txt"
    with tempfile.TemporaryDirectory(prefix="grader-autograder-") as work:
        if wheel is None:
            wheel = build_wheel(Path(work))
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise ExportError(
                f"{wheel}: not a wheel file. Fix: pass the grader's .whl (`pip wheel --no-deps . -w dist`)."
            )
        manual = [
            {"item": item.id, "title": item.title.text()(lang), "points": manual_part(item)}
            for item in lab.rubric.items
            if manual_part(item) > 0
        ]
        config = {
            "lab": lab_name,
            "lang": lang,
            "grader_version": __version__,
            "autograder_points": round(
                sum(item.points - manual_part(item) for item in lab.rubric.items if not item.bonus), ROUND
            ),
            "manual_questions": manual,
            "total_points": lab.rubric.max_points,
        }
        members: dict[str, tuple[bytes, bool]] = {
            "setup.sh": (SETUP_SH.encode(), True),
            "run_autograder": (
                RUN_AUTOGRADER.format(
                    lab=shlex.quote(lab_name), lang=shlex.quote(lang), fallback=_fallback_json(lang)
                ).encode(),
                True,
            ),
            "config.json": ((json.dumps(config, indent=2, ensure_ascii=False) + "\n").encode(), False),
            f"{WHEEL_DIR}/{wheel.name}": (wheel.read_bytes(), False),
        }
        if constraints.is_file():
            members["constraints.txt"] = (constraints.read_bytes(), False)
        else:  # an installed grader: the pins travel with the wheel's own requirements
            members["constraints.txt"] = (b"", False)
        if lab_folder is not None:
            for name, path in _tree(lab_folder, LAB_DIR):
                members[name] = (path.read_bytes(), False)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_zip.with_name(f".{out_zip.name}.part")
    with zipfile.ZipFile(temporary, "w") as archive:
        for name in sorted(members):
            data, executable = members[name]
            _member(archive, name, data, executable)
    os.replace(temporary, out_zip)
    return sorted(members)


# ---------------------------------------------------------------------------------------------
# python -m grader.lms.gradescope run --lab LAB --lang LANG
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.lms.gradescope",
        description="Gradescope's run_autograder entry: grade the submission, write results/results.json.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help=f"grade $({ROOT_VARIABLE}:-/autograder)/submission")
    run_parser.add_argument("--lab", required=True, help="the lab id, or the lab's rubric shipped in the zip")
    run_parser.add_argument("--lang", choices=("pl", "en"), default="pl")
    run_parser.add_argument(
        "--root", type=Path, help=f"the /autograder folder (default: ${ROOT_VARIABLE} or /autograder)"
    )
    args = parser.parse_args(argv)
    document = run(args.lab, args.lang, args.root)
    print(f"results.json written: score {document['score']}, {len(document.get('tests', []))} tests", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

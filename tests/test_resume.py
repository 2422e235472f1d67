"""Nothing lost: a batch killed mid-way (SIGKILL) and run again completes with results identical
to an uninterrupted run, no duplicate rows; unchanged files are not judged again; --regrade
judges them; manual scores survive."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.cli import main
from grader.gradebook import Gradebook
from tests.factories import without_timings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["solution", "blank", "bez_probkowania", "skala_relu", "srednia_relu", "beta_calosc"]


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "submissions" / "vae-pyro" / f"{name}.ipynb", folder)
    return folder


def _grade(folder: Path, out: Path, *extra: str) -> dict:
    assert (
        main(
            [
                "grade",
                str(folder),
                "--lab",
                "vae-pyro",
                "--out",
                str(out),
                "--lang",
                "en",
                "--quiet",
                "--jobs",
                "1",
                *extra,
            ]
        )
        == 0
    )
    return json.loads((out / "results.json").read_text())


def _rows(out: Path) -> list[str]:
    with sqlite3.connect(out / "gradebook.db") as db:
        try:
            return [r[0] for r in db.execute("SELECT student FROM submissions ORDER BY student")]
        except sqlite3.OperationalError as error:  # polled while the grader is still creating the schema
            if "no such table" in str(error):
                return []
            raise


def test_killed_batch_resumes_to_the_same_results_without_duplicates(folder, tmp_path):
    out = tmp_path / "killed"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grader",
            "grade",
            str(folder),
            "--lab",
            "vae-pyro",
            "--out",
            str(out),
            "--lang",
            "en",
            "--quiet",
            "--jobs",
            "1",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # kill it once some, not all, submissions are recorded
            if (out / "gradebook.db").exists() and 2 <= len(_rows(out)) < len(SAMPLES):
                break
            time.sleep(0.2)
    finally:  # even when polling fails, no grader is left running into the next test
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    done_before = _rows(out)
    assert 2 <= len(done_before) < len(SAMPLES), done_before
    assert not (out / "results.json").exists()  # it died before the end

    resumed = _grade(folder, out)
    assert _rows(out) == sorted(SAMPLES)  # every submission once: no duplicates, none lost
    assert resumed["meta"]["reused"] == len(done_before)  # those were not judged again
    uninterrupted = _grade(folder, tmp_path / "uninterrupted")
    assert without_timings(resumed) == without_timings(uninterrupted)


def test_rerun_skips_unchanged_files_and_regrade_forces(folder, tmp_path):
    out = tmp_path / "out"
    first = _grade(folder, out)
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as book:  # an instructor scores a prose item
        book.set_manual_score("vae-pyro", "solution", "1b", 1.25)
    nb = json.loads((folder / "blank.ipynb").read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "zmiana"})
    (folder / "blank.ipynb").write_text(json.dumps(nb))  # one file changed

    second = _grade(folder, out)
    assert second["meta"]["reused"] == len(SAMPLES) - 1  # only the changed file is judged again
    solution = next(s for s in second["submissions"] if s["student"] == "solution")
    assert next(i for i in solution["items"] if i["id"] == "1b")["points"] == 1.25  # the manual score is applied
    assert solution["total"] == next(s for s in first["submissions"] if s["student"] == "solution")["total"] + 1.25

    third = _grade(folder, out, "--regrade")
    assert third["meta"]["reused"] == 0
    assert without_timings(third)["submissions"] == without_timings(second)["submissions"]
    assert _rows(out) == sorted(SAMPLES)


def test_other_settings_are_not_reused(folder, tmp_path):
    out = tmp_path / "out"
    _grade(folder, out)
    assert _grade(folder, out, "--seed", "1")["meta"]["reused"] == 0  # a seed can change a verdict

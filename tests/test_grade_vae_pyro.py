"""End to end through the real sandbox: the sample submissions of vae-pyro graded by the CLI.

What each sample scores is declared in reference/vae_pyro/build/samples.py (LOSES) and tested
for every lab in tests/test_every_lab.py; here, what is particular to this lab: the bonus, the
reference downstream table in the report, and no torchvision: the sandbox serves
``torchvision.datasets.MNIST`` from the grader's stand-in.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import unsafe_markup

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "vae-pyro"


@pytest.fixture(scope="module")
def graded(graded_samples):
    """The samples graded once per session (tests/conftest.py), shared with tests/test_every_lab.py."""
    return graded_samples("vae-pyro")


def _items(doc: dict) -> dict:
    return {s["student"]: {i["id"]: i for i in s["items"]} for s in doc["submissions"]}


def test_reference_gets_full_marks_including_the_bonus(graded):
    solution = next(s for s in graded[1]["submissions"] if s["student"] == "solution")
    items = {i["id"]: i for i in solution["items"]}
    assert items["3"]["bonus"] and items["3"]["points"] == 2.0
    # 1a (1.5) + the automatic half of 2 (1.0) + the bonus (2.0); 1b and 2's conclusions await a person
    assert solution["total"] == 4.5 and solution["max"] == 5.0
    assert items["1b"]["status"] == "manual" and items["1b"]["answer"]
    assert (
        items["2"]["manual_max"] == 1.0 and items["2"]["answer"] and "scored by the instructor" in items["2"]["message"]
    )
    # a class scoring every manual point reaches 5 + 2: the bonus adds to the total, not to the maximum
    assert sum(i["max_points"] for i in solution["items"] if not i["bonus"]) == solution["max"]


def test_reference_downstream_result_is_in_the_report(graded):
    out, doc = graded
    item = _items(doc)["solution"]["2"]
    (table,) = item["tables"]
    assert table["columns"] == ["input", "accuracy", "F1 (macro)", "features"]
    assert [row[3] for row in table["rows"]] == ["784", "10"] and all(float(row[1]) > 0.2 for row in table["rows"])
    html = (out / "students" / "solution.html").read_text()
    assert "Reference downstream result" in html and "not scored" in html and not unsafe_markup(html)


def test_sandbox_ran_without_torchvision(graded):
    solution = next(s for s in graded[1]["submissions"] if s["student"] == "solution")
    assert "grader shim" in solution["environment"]["torchvision"]


def test_grader_check_on_a_machine_without_torchvision():
    """The student's self-check (`grader check`), in a fresh process: public checks only."""
    assert subprocess.run([sys.executable, "-c", "import torchvision"], capture_output=True).returncode != 0
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "check",
            str(SAMPLES / "bez_probkowania.ipynb"),
            "--lab",
            "vae-pyro",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert "no sampling" in run.stdout and "public checks only" in run.stdout
    assert "Trace_ELBO" not in run.stdout  # check_vae_elbo_trains is hidden: not run, not listed

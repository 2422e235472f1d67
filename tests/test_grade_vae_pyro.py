"""End to end through the real sandbox: the sample submissions of vae-pyro graded by the CLI.

The table below is the one in docs/labs/vae-pyro.md: each sample's automatic points on the code
items and a fragment of the message naming its fault. No torchvision is installed here: the
sandbox serves ``torchvision.datasets.MNIST`` from the grader's stand-in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from tests.browser import unsafe_markup
from tests.factories import without_timings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "vae-pyro"
CODE_ITEMS = ("1a.encoder", "1a.decoder", "1a.vae", "2", "3")
FULL = {"1a.encoder": 0.5, "1a.decoder": 0.5, "1a.vae": 0.5, "2": 1.0, "3": 2.0}  # "2": its automatic half
NO_BONUS = {"3": (0, "missing", "left as the template defined it")}
# sample -> item -> (automatic points, status, fragment of the message). Unlisted items: FULL, passed.
LOSSES = {
    "solution": {},
    "styl_logvar": {},
    "styl_sekwencyjny": NO_BONUS,
    "brak_beta": NO_BONUS,
    "blank": {
        **{i: (0, "missing", "left as the template defined it") for i in ("1a.encoder", "1a.decoder", "1a.vae", "3")},
        "2": (0, "missing", "The code of section 2 is the template's"),
    },
    # its VAE is graded with the stand-in VEncoder (grader.independence): the encoder's fault costs 1a.encoder only
    "skala_relu": {
        "1a.encoder": (0.25, "failed", "drops to 0 (or below) when the layers' pre-activations are negative")
    },
    "bez_probkowania": {"1a.vae": (0.25, "failed", "no sampling")},
    "dekoder_bez_sigmoidy": {"1a.decoder": (0.25, "failed", "the final sigmoid is missing")},
    "skala_jako_wariancja": {"1a.vae": (0.25, "failed", "z_scale is treated as a variance")},
    "srednia_relu": {"1a.encoder": (0.375, "failed", "z_loc is never negative")},
    "beta_na_rekonstrukcji": {"3": (0.666667, "failed", "β multiplies the reconstruction term instead of the KL")},
    "beta_calosc": {"3": (0.666667, "failed", "β multiplies the whole loss")},
    "downstream_nietkniety": {"2": (0, "missing", "The code of section 2 is the template's")},
    "downstream_tylko_piksele": {"2": (0.25, "failed", "no classifier is trained on: AE codes, VAE codes")},
}


def _grade(paths: list[Path], out: Path, *extra: str) -> dict:
    code = main(["grade", *map(str, paths), "--lab", "vae-pyro", "--out", str(out), "--lang", "en", "--quiet", *extra])
    assert code == 0
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    return out, _grade([SAMPLES], out)


def _items(doc: dict) -> dict:
    return {s["student"]: {i["id"]: i for i in s["items"]} for s in doc["submissions"]}


def test_every_sample_is_graded(graded):
    assert sorted(s["student"] for s in graded[1]["submissions"]) == sorted(LOSSES)


@pytest.mark.parametrize("sample", sorted(LOSSES))
def test_sample_loses_exactly_the_items_its_bugs_touch(graded, sample):
    items = _items(graded[1])[sample]
    for item_id in CODE_ITEMS:
        item = items[item_id]
        if item_id not in LOSSES[sample]:
            assert (item["auto_points"], item["status"]) == (FULL[item_id], "passed"), (item_id, item)
            continue
        points, status, fragment = LOSSES[sample][item_id]
        assert (round(item["auto_points"], 6), item["status"]) == (points, status), (item_id, item)
        texts = " ".join(filter(None, [item["message"], *(c["message"] or "" for c in item["checks"])]))
        assert fragment in texts, (item_id, texts)


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


def test_blank_template_scores_zero_without_grader_errors(graded):
    blank = next(s for s in graded[1]["submissions"] if s["student"] == "blank")
    assert blank["total"] == 0
    statuses = {i["status"] for i in blank["items"]} | {c["status"] for i in blank["items"] for c in i["checks"]}
    assert statuses == {"missing"}
    assert all(i["manual_max"] == 0 for i in blank["items"])  # nothing left for a person to score


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


def test_grading_twice_gives_identical_results(graded, tmp_path):
    again = _grade([SAMPLES / "solution.ipynb", SAMPLES / "skala_relu.ipynb"], tmp_path / "again")
    first = {s["student"]: s for s in without_timings(graded[1])["submissions"]}
    for sub in without_timings(again)["submissions"]:
        assert sub == first[sub["student"]]


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

"""End to end through the real sandbox: the sample submissions of generative-tf graded by the CLI.

The table below is the one in docs/labs/generative-tf.md: each sample's points on the items
with automatic checks, and a fragment of the message that names its fault.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from grader.cli import main
from tests.browser import unsafe_markup
from tests.factories import without_timings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "generative-tf"
CODE_ITEMS = ("1.2", "1.plot", "2.plot", "2.5", "3.data", "3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")
CORRECT = (
    "solution",
    "kl_helper_style",
    "styl_podklasy",
    "styl_sequential",
    "styl_wlasne_nazwy",
    "styl_keras2",
    "trening_200_epok",
    "seed000_uklad",
    "seed001_poprawiony",
    "seed001_uklad_kl_seed000",
)
# sample -> the code items it loses: item -> (points, status, fragment of the message naming the fault).
# Every code item not listed gets its full points. The same table is docs/labs/generative-tf-samples.md.
LOSSES = {
    "blank": {i: (0, "missing", "left as the template defined it") for i in CODE_ITEMS},
    "kl_plus_logvar": {
        "2.5": (0, "failed", "wrong sign of logvar (+logvar instead of -logvar) and is added on top of the Monte-Carlo")
    },
    "kl_znak_minus": {"2.5": (0, "failed", "the KL is subtracted from the loss")},
    "kl_logvar_kwadrat": {"2.5": (0, "failed", "logvar**2 instead of exp(logvar)")},
    "conditioned_wrong_loop": {"3.data": (0, "failed", "works for one image but fails for several")},
    "pozycje_niezgodne": {"3.data": (0.1, "failed", "do not match the cell holding the digit")},
    "koder_relu": {"3.model": (0.416667, "failed", "its last layer has an activation (ReLU)")},
    "strata_cond_bez_warunku": {"3.loss": (0, "errored", "decode was called without the condition")},
    "generator_concatenate_seed001": {
        "4.gen": (0, "failed", "Concatenate is called with two arguments instead of a list")
    },
    "generator_bez_tanh": {"4.gen": (0.083333, "failed", "the final tanh is missing")},
    "warunek_ignorowany": {
        "4.gen": (0.166667, "failed", "does not depend on the condition"),
        "4.disc": (0.166667, "failed", "does not depend on the condition"),
    },
    "dyskryminator_sigmoid": {"4.disc": (0.083333, "failed", "it ends in a sigmoid")},
    "blad_skladni": {"4.disc": (0, "errored", "has a syntax error (line 13)")},
    "discriminator_swapped_labels": {"4.loss": (0, "failed", "the labels are swapped")},
    "discriminator_no_fake": {"4.loss": (0, "failed", "(fake_output) is missing")},
    "sigmoid_przed_strata": {"4.loss": (0, "failed", "a sigmoid is applied to the discriminator's output")},
    "literowka_nazwy": {"4.loss": (0, "missing", "Did you mean: `discriminator_los`")},
    "train_step_zla_tasma": {"4.step": (0.166667, "failed", "the discriminator's update does not raise D(real)")},
    # laid out like the seeds' own notebooks (reference/generative_tf/build/real_layouts.py)
    "seed000_wariancja_na_wykresie": {"2.plot": (0.125, "failed", "the deviations drawn are exp(logvar)")},
    "seed001_jak_napisano": {
        "2.5": (
            0,
            "failed",
            "wrong sign of logvar (+logvar instead of -logvar) and is added on top of the Monte-Carlo",
        ),
        "3.data": (0, "failed", "works for one image but fails for several"),
        "4.gen": (0, "failed", "Concatenate is called with two arguments instead of a list"),
    },
    **{name: {} for name in CORRECT},
}


PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _grade(paths: list[Path], out: Path, *extra: str) -> dict:
    code = main(
        ["grade", *map(str, paths), "--lab", "generative-tf", "--out", str(out), "--lang", "en", "--quiet", *extra]
    )
    assert code == 0
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    return out, _grade([SAMPLES], out)


def _items(doc: dict) -> dict:
    return {s["student"]: {i["id"]: i for i in s["items"]} for s in doc["submissions"]}


def test_every_sample_is_graded(graded):
    _, doc = graded
    assert sorted(s["student"] for s in doc["submissions"]) == sorted(LOSSES)
    assert all(s["status"] == "graded" for s in doc["submissions"])


@pytest.mark.parametrize("sample", sorted(LOSSES))
def test_sample_loses_exactly_the_items_its_bugs_touch(graded, sample):
    items = _items(graded[1])[sample]
    for item_id in CODE_ITEMS:
        item = items[item_id]
        if item_id not in LOSSES[sample]:
            assert (item["points"], item["status"]) == (item["max_points"], "passed"), (item_id, item)
            continue
        points, status, fragment = LOSSES[sample][item_id]
        assert (round(item["points"], 6), item["status"]) == (points, status), (item_id, item)
        texts = " ".join(filter(None, [item["message"], *(c["message"] or "" for c in item["checks"])]))
        assert fragment in texts, (item_id, texts)


def test_a_notebook_with_200_epochs_of_training_and_while_true_grades_like_the_others(graded):
    sub = next(s for s in graded[1]["submissions"] if s["student"] == "trening_200_epok")
    assert sub["total"] == next(s for s in graded[1]["submissions"] if s["student"] == "solution")["total"]
    assert sub["duration_s"] < 60  # the training loop and `while True` never ran


def test_reference_solution_full_on_every_automatic_item_and_prose_awaits_manual(graded):
    items = _items(graded[1])["solution"]
    for item in items.values():
        if item["kind"] == "code" and item["checks"]:
            assert item["points"] == item["max_points"], item
        if item["kind"] == "code" and not item["checks"]:  # answered; a person scores it
            assert item["status"] == "manual" and item["object_name"], item
        if item["kind"] == "prose":
            assert item["status"] == "manual" and item["answer"], item


def test_blank_template_scores_zero_without_grader_errors(graded):
    blank = next(s for s in graded[1]["submissions"] if s["student"] == "blank")
    assert blank["total"] == 0
    statuses = {i["status"] for i in blank["items"]}
    assert "grader_error" not in statuses and "errored" not in statuses
    prose = [i for i in blank["items"] if i["kind"] == "prose"]
    assert prose and all(i["status"] == "missing" for i in prose)


def test_outputs_written(graded):
    out, doc = graded
    assert doc["schema_version"] == 1 and doc["lab"] == "generative-tf"
    with (out / "grades.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["student"] for r in rows} == set(LOSSES) and "3.data" in rows[0]
    assert (out / "index.html").is_file() and (out / "gradebook.db").is_file()
    assert len(list((out / "students").glob("*.html"))) == len(LOSSES)


def test_grading_twice_gives_identical_results(graded, tmp_path):
    again = _grade([SAMPLES], tmp_path / "again")
    assert without_timings(again) == without_timings(graded[1])


def test_mixed_folder_with_broken_files_and_hostile_markdown_is_graded_to_the_end(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(SAMPLES / "blank.ipynb", folder / "ok_blank.ipynb")
    (folder / "empty.ipynb").write_bytes(b"")
    (folder / "truncated.ipynb").write_text(SAMPLES.joinpath("solution.ipynb").read_text()[:5000])
    nb = nbformat.read(SAMPLES / "solution.ipynb", as_version=4)
    heading = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("#### Zadanie 1.1")
    )
    nb.cells[heading + 1].source = "<script>alert('x')</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))"
    q13 = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("#### Zadanie 1.3")
    )
    figure_cell = next(c for c in nb.cells[q13:] if c.cell_type == "code")  # a figure of the prose item 1.3
    figure_cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG_1X1})]
    nbformat.write(nb, folder / "hostile.ipynb")
    doc = _grade([folder], tmp_path / "out")
    by_student = {s["student"]: s for s in doc["submissions"]}
    assert set(by_student) == {"ok_blank", "empty", "truncated", "hostile"}
    assert by_student["empty"]["status"] == "error" and "empty" in by_student["empty"]["error"]
    assert by_student["truncated"]["status"] == "error" and "not valid JSON" in by_student["truncated"]["error"]
    assert by_student["hostile"]["status"] == "graded"
    html = (tmp_path / "out" / "students" / "hostile.html").read_text()
    assert not unsafe_markup(html)
    assert "&lt;script&gt;" in html  # shown to the instructor as text, not run
    # the section's stored figure is shown beside the answer, marked as not re-run
    assert f"data:image/png;base64,{PNG_1X1}" in html and "not re-run" in html
    item_13 = next(i for i in by_student["hostile"]["items"] if i["id"] == "1.3")
    assert item_13["status"] == "manual" and item_13["answer"]


def test_a_sentence_saved_in_cp1250_costs_nothing_and_is_said(tmp_path):
    """One markdown sentence of the solution saved by a Windows editor (cp1250, not UTF-8): the
    notebook is graded like the solution, and the results and the report name the cell."""
    sentence = "Na tych zajęciach zbudujemy i porównamy cztery modele generatywne uczone na zbiorze MNIST:"
    data = (SAMPLES / "solution.ipynb").read_bytes()
    assert data.count(sentence.encode()) == 1
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "solution.ipynb").write_bytes(data)
    (folder / "windows.ipynb").write_bytes(data.replace(sentence.encode(), sentence.encode("cp1250")))
    number = (
        next(
            i
            for i, c in enumerate(nbformat.read(SAMPLES / "solution.ipynb", as_version=4).cells)
            if sentence in c.source
        )
        + 1
    )
    doc = _grade([folder], tmp_path / "out")
    by_student = {s["student"]: s for s in doc["submissions"]}
    windows, solution = by_student["windows"], by_student["solution"]
    assert windows["status"] == "graded" and windows["total"] == solution["total"]
    items, reference = _items(doc)["windows"], _items(doc)["solution"]
    assert all(items[i]["points"] == items[i]["max_points"] for i in CODE_ITEMS)
    assert {i: (v["points"], v["status"]) for i, v in items.items()} == {
        i: (v["points"], v["status"]) for i, v in reference.items()
    }
    assert solution["notices"] == []
    (notice,) = windows["notices"]
    assert f"in: cell {number}." in notice and "cp1250" in notice and "save the notebook as UTF-8" in notice
    html = (tmp_path / "out" / "students" / "windows.html").read_text()
    assert "Note: File windows.ipynb holds bytes that are not valid UTF-8" in html and f"in: cell {number}." in html
    assert "Note: File" not in (tmp_path / "out" / "students" / "solution.html").read_text()


def test_self_check_prints_public_checks_only(capsys):
    assert main(["check", str(SAMPLES / "conditioned_wrong_loop.ipynb"), "--lab", "generative-tf", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "public checks only" in out and "wrong loop" in out
    assert "28x28" not in out  # check_conditioned_any_size is hidden: not run, not listed


def test_labs_lists_generative_tf(capsys):
    assert main(["labs"]) == 0
    assert "generative-tf" in capsys.readouterr().out


def test_grader_check_inside_a_notebook_reads_the_lab_from_metadata(capsys):
    import grader

    grader.check("4.loss", notebook=SAMPLES / "discriminator_swapped_labels.ipynb", lang="pl")
    out = capsys.readouterr().out
    assert "4.loss" in out and "zamienione" in out  # the Polish message names the swapped labels
    assert "3.data" not in out  # only the item asked for

"""End to end through the real sandbox: the sample submissions of generative-tf graded by the CLI.

What each sample scores is declared in reference/generative_tf/build/samples.py (LOSES) and
tested for every lab in tests/test_every_lab.py; here, what is particular to this lab: the
outputs written, a notebook that trains for 200 epochs, broken and hostile files in a class
folder, a sentence saved in cp1250, the student's self-check.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from grader.cli import main
from reference.generative_tf.build.samples import LOSES
from tests.browser import unsafe_markup

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "generative-tf"
CODE_ITEMS = ("1.2", "1.plot", "2.plot", "2.5", "3.data", "3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")

PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _grade(paths: list[Path], out: Path, *extra: str) -> dict:
    code = main(
        ["grade", *map(str, paths), "--lab", "generative-tf", "--out", str(out), "--lang", "en", "--quiet", *extra]
    )
    assert code == 0
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def graded(graded_samples):
    """The samples graded once per session (tests/conftest.py), shared with tests/test_every_lab.py."""
    return graded_samples("generative-tf")


def _items(doc: dict) -> dict:
    return {s["student"]: {i["id"]: i for i in s["items"]} for s in doc["submissions"]}


def test_a_notebook_with_200_epochs_of_training_and_while_true_grades_like_the_others(graded):
    sub = next(s for s in graded[1]["submissions"] if s["student"] == "trening_200_epok")
    assert sub["total"] == next(s for s in graded[1]["submissions"] if s["student"] == "solution")["total"]
    assert sub["duration_s"] < 60  # the training loop and `while True` never ran


def test_outputs_written(graded):
    out, doc = graded
    assert doc["schema_version"] == 1 and doc["lab"] == "generative-tf"
    with (out / "grades.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["student"] for r in rows} == set(LOSES) and "3.data" in rows[0]
    assert (out / "index.html").is_file() and (out / "gradebook.db").is_file()
    assert len(list((out / "students").glob("*.html"))) == len(LOSES)


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
    assert by_student["hostile"]["status"] in ("graded", "awaiting")
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
    assert windows["status"] == solution["status"] == "awaiting" and windows["total"] == solution["total"]
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

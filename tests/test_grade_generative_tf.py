"""End to end through the real sandbox: the sample submissions of generative-tf graded by the CLI.

The table below is the one in docs/labs/generative-tf.md: each sample's points on the items
with automatic checks, and a fragment of the message that names its fault.
"""
from __future__ import annotations

import csv
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from grader.cli import main
from tests.factories import without_timings

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "generative-tf"
AUTOMATIC = ("2.5", "3.data", "4.loss")

# sample -> item -> (points, status, message fragment or None)
EXPECTED = {
    "solution": {"2.5": (0.5, "passed", None), "3.data": (0.5, "passed", None), "4.loss": (0.25, "passed", None)},
    "blank": {"2.5": (0, "missing", "left as the template"), "3.data": (0, "missing", "left as the template"),
              "4.loss": (0, "missing", "left as the template")},
    "kl_plus_logvar": {"2.5": (0, "failed", "wrong sign of logvar"), "3.data": (0.5, "passed", None),
                       "4.loss": (0.25, "passed", None)},
    "kl_helper_style": {"2.5": (0.5, "passed", None), "3.data": (0.5, "passed", None), "4.loss": (0.25, "passed", None)},
    "conditioned_wrong_loop": {"2.5": (0.5, "passed", None), "3.data": (0, "failed", "wrong loop"),
                               "4.loss": (0.25, "passed", None)},
    "discriminator_swapped_labels": {"2.5": (0.5, "passed", None), "3.data": (0.5, "passed", None),
                                     "4.loss": (0, "failed", "labels are swapped")},
    "discriminator_no_fake": {"2.5": (0.5, "passed", None), "3.data": (0.5, "passed", None),
                              "4.loss": (0, "failed", "(fake_output) is missing")},
}


def _grade(paths: list[Path], out: Path, *extra: str) -> dict:
    code = main(["grade", *map(str, paths), "--lab", "generative-tf", "--out", str(out), "--lang", "en", "--quiet", *extra])
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
    assert sorted(s["student"] for s in doc["submissions"]) == sorted(EXPECTED)
    assert all(s["status"] == "graded" for s in doc["submissions"])


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_scores_and_messages_match_the_table(graded, sample):
    items = _items(graded[1])[sample]
    for item_id, (points, status, fragment) in EXPECTED[sample].items():
        item = items[item_id]
        assert (item["points"], item["status"]) == (points, status), (item_id, item)
        if fragment:
            texts = " ".join(filter(None, [item["message"], *(c["message"] or "" for c in item["checks"])]))
            assert fragment in texts, (item_id, texts)


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
    assert {r["student"] for r in rows} == set(EXPECTED) and "3.data" in rows[0]
    assert (out / "index.html").is_file() and (out / "gradebook.db").is_file()
    assert len(list((out / "students").glob("*.html"))) == len(EXPECTED)


def test_grading_twice_gives_identical_results(graded, tmp_path):
    again = _grade([SAMPLES], tmp_path / "again", "--jobs", "1")
    assert without_timings(again) == without_timings(graded[1])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_mixed_folder_with_broken_files_and_hostile_markdown_is_graded_to_the_end(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(SAMPLES / "blank.ipynb", folder / "ok_blank.ipynb")
    (folder / "empty.ipynb").write_bytes(b"")
    (folder / "truncated.ipynb").write_text(SAMPLES.joinpath("solution.ipynb").read_text()[:5000])
    nb = nbformat.read(SAMPLES / "solution.ipynb", as_version=4)
    heading = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("#### Zadanie 1.1"))
    nb.cells[heading + 1].source = "<script>alert('x')</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))"
    nbformat.write(nb, folder / "hostile.ipynb")
    doc = _grade([folder], tmp_path / "out")
    by_student = {s["student"]: s for s in doc["submissions"]}
    assert set(by_student) == {"ok_blank", "empty", "truncated", "hostile"}
    assert by_student["empty"]["status"] == "error" and "empty" in by_student["empty"]["error"]
    assert by_student["truncated"]["status"] == "error" and "not valid JSON" in by_student["truncated"]["error"]
    assert by_student["hostile"]["status"] == "graded"
    html = (tmp_path / "out" / "students" / "hostile.html").read_text()
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "iframe" not in parser.tags
    assert not [a for a in parser.attrs if a[0].startswith("on") or "javascript:" in (a[1] or "")]
    assert "&lt;script&gt;" in html  # shown to the instructor as text, not run


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

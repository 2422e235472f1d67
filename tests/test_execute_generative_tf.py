"""Execute mode on a real lab: seed-style generative-tf notebook with 200-epoch training cells
and a `while True` cell, run top to bottom in the sandbox's kernel within its time budget."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from grader.cli import main

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parent.parent / "submissions" / "generative-tf" / "trening_200_epok.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("executed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADER_CELL_TIMEOUT_S", "45")  # the longest real cell takes ~18 s here
        assert (
            main(
                [
                    "grade",
                    str(SAMPLE),
                    "--lab",
                    "generative-tf",
                    "--mode",
                    "execute",
                    "--out",
                    str(out),
                    "--lang",
                    "en",
                    "--quiet",
                ]
            )
            == 0
        )
    return out, json.loads((out / "results.json").read_text())["submissions"][0]


def test_the_notebook_runs_to_the_end_and_only_the_endless_cell_is_cut(executed):
    _, sub = executed
    nb = nbformat.read(SAMPLE, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    assert [c["cell"] for c in sub["cells"]] == code_cells  # every code cell ran, in order
    cut = [c for c in sub["cells"] if c["status"] == "timed_out"]
    assert len(cut) == 1 and "while True" in nb.cells[cut[0]["cell"]].source and cut[0]["error"] == "cut after 45 s"
    assert all(c["status"] == "ok" for c in sub["cells"] if c not in cut)
    assert sub["duration_s"] < 600  # the submission's budget


def test_training_was_capped(executed):
    _, sub = executed
    assert sub["environment"]["mode"] == "execute"
    caps = sub["environment"]["kernel"]["caps"]
    assert "EPOCHS: 200 -> 1" in caps and "n_epochs: 50 -> 1" in caps


def test_items_graded_on_what_the_run_built(executed):
    _, sub = executed
    code = [i for i in sub["items"] if i["kind"] == "code"]
    assert all(i["points"] == i["max_points"] and i["status"] == "passed" for i in code), [
        (i["id"], i["status"]) for i in code if i["status"] != "passed"
    ]


def test_report_shows_the_run_and_the_figures_it_drew(executed):
    out, _ = executed
    html = (out / "students" / "trening_200_epok.html").read_text()
    assert "The grader&#39;s run of the notebook" in html and "cut (time limit)" in html
    assert "drawn when the grader ran the notebook" in html and "stored output" not in html
    assert html.count("<img ") >= 3


def test_report_with_executed_figures_renders_in_chromium(executed):
    from tests.browser import open_pages

    out, _ = executed
    (page,) = open_pages([out / "students" / "trening_200_epok.html"])
    assert page.clean, (page.console_errors, page.page_errors, page.broken_images)
    assert not [r for r in page.requests if not r.startswith(("file:", "data:"))]  # nothing fetched

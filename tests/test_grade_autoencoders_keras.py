"""End to end, execute mode: the autoencoders-keras samples run top to bottom in the sandbox's
kernel and are graded on the models they built. The table is docs/labs/autoencoders-keras.md's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cli import main
from tests.browser import open_pages, unsafe_markup

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parent.parent / "submissions" / "autoencoders-keras"
ITEMS = ("2.1", "2.2", "3.1", "4.1", "5.1")
# sample -> item -> (automatic points, fragment of the failing check's message); others: 0.5, passed
LOSSES = {
    "solution": {},
    "styl_funkcyjny": {},
    "blank": {i: (0, "left as the template defined it") for i in ITEMS},
    "baza_2_1": {"2.1": (0.166667, "the activations are not swapped")},
    "baza_3_1": {"3.1": (0.166667, "not larger than the base network's")},
    "baza_4_1": {"4.1": (0.3, "noise_factor was not changed")},
    "baza_5_1": {"5.1": (0.166667, "the decoder layers still use relu, as in the base network")},
    "zle_2_1_tylko_koder": {"2.1": (0.166667, "only the encoder's activation was changed")},
    "zle_2_2_rozne": {"2.2": (0.166667, "different activations: encoder tanh, decoder relu")},
    "zle_3_1_l2": {"3.1": (0.166667, "an L2 penalty")},
    "zle_4_1_bez_clip": {"4.1": (0.4, "the clipping np.clip(..., 0., 1.) is missing")},
    "zle_4_1_niespojny": {"4.1": (0.3, "not made noisy with noise_factor")},
    "zle_5_1_koder": {"5.1": (0.166667, "the encoder's activations were changed, not the decoder's")},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    assert (
        main(
            [
                "grade",
                str(SAMPLES),
                "--lab",
                "autoencoders-keras",
                "--out",
                str(out),
                "--lang",
                "en",
                "--quiet",
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    return out, {s["student"]: s for s in json.loads((out / "results.json").read_text())["submissions"]}


def test_every_sample_is_graded_as_the_table_says(graded):
    _, subs = graded
    assert sorted(subs) == sorted(LOSSES)
    for student, losses in LOSSES.items():
        items = {i["id"]: i for i in subs[student]["items"]}
        for item_id in ITEMS:
            item = items[item_id]
            if item_id not in losses:
                assert (item["auto_points"], item["status"]) == (0.5, "passed"), (student, item_id, item)
                continue
            points, fragment = losses[item_id]
            assert round(item["auto_points"], 6) == points, (student, item_id, item)
            texts = " ".join(filter(None, [item["message"], *(c["message"] or "" for c in item["checks"])]))
            assert fragment in texts, (student, item_id, texts)


def test_every_answered_notebook_ran_top_to_bottom(graded):
    _, subs = graded
    for student, sub in subs.items():
        if student == "blank":  # nothing to grade: the notebook is not run at all
            assert sub["cells"] == [] and sub["total"] == 0
            continue
        assert sub["environment"]["mode"] == "execute"
        assert sub["cells"] and all(c["status"] == "ok" for c in sub["cells"]), (student, sub["cells"])
        assert "subsample: 2000 train, 500 test" in sub["environment"]["kernel"]["environment"]["mnist"]


def test_report_shows_the_students_figures_beside_the_reference_and_the_run(graded):
    out, _ = graded
    html = (out / "students" / "baza_2_1.html").read_text()
    assert html.count('class="figure-executed"') >= 5 and html.count('class="figure-reference"') >= 5
    assert "reference solution, same section" in html and "The grader&#39;s run of the notebook" in html
    assert not unsafe_markup(html)
    pages = open_pages([out / "students" / "baza_2_1.html", out / "students" / "solution.html", out / "index.html"])
    for page in pages:  # headless Chromium: every image decodes, nothing logged, nothing fetched
        assert page.clean, (page.path, page.console_errors, page.page_errors, page.broken_images)

"""End to end, execute mode: the autoencoders-keras samples run top to bottom in the sandbox's
kernel and are graded on the models they built. What each sample scores is declared in
reference/autoencoders_keras/build/samples.py (LOSES) and tested for every lab in tests/test_every_lab.py."""

from __future__ import annotations

import pytest

from tests.browser import open_pages, unsafe_markup

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(graded_samples):
    """The samples graded once per session (tests/conftest.py), shared with tests/test_every_lab.py."""
    out, doc = graded_samples("autoencoders-keras")
    return out, {s["student"]: s for s in doc["submissions"]}


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

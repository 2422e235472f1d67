"""Issue 15's end-to-end promise on the demo: every prose answer of the demo's Moodle class is
graded in the web app (HTTP, as a browser sends it), the instructor releases, and the reports,
grades.csv, results.json and the Moodle export all carry complete totals."""

from __future__ import annotations

import csv
import json
import re

import pytest

from grader import service
from grader.cli import main
from grader.labs import find_lab
from grader.manual import accounts
from grader.manual.answers import gradable_items
from grader.serve.app import create_app
from grader.settings import load_settings
from tests.serve_class import SAME, client
from tests.test_lms_moodle_worksheet import moodle_import
from tests.test_lms_roundtrip import PARTICIPANTS, WORKSHEET, graded  # noqa: F401 - the graded demo class, a fixture

pytestmark = pytest.mark.slow
ASSIGNMENT = "ML Lab 3 2024"


def test_grading_every_prose_answer_in_the_app_makes_every_export_complete(graded):  # noqa: F811
    lab = find_lab("generative-tf", load_settings())
    gradebook = service.open_gradebook(graded)
    accounts.add_user(gradebook, "boss", accounts.INSTRUCTOR)
    app = create_app(gradebook, allowed_hosts=["127.0.0.1"], lang="en", out_dir=graded)
    c = client(app)
    assert c.post("/login", data={"token": accounts.login_link(gradebook, "boss")}, headers=SAME).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1)
    saved = 0
    for item in gradable_items(lab):
        queue = f"/a/{ASSIGNMENT.replace(' ', '%20')}/{item.id}/"
        assert c.post(queue + "auto-zero", data={"csrf": csrf}, headers=SAME).status_code == 303
        where = c.post(queue + "next", data={"csrf": csrf}, headers=SAME).headers["location"]
        while where.rstrip("/") != queue.rstrip("/"):
            page = c.get(where).text
            first = re.search(r'name="criterion" value="([^"]+)"', page).group(1)
            response = c.post(
                where + "/save",
                data={"csrf": csrf, "version": "0", "criterion": first, "comment": "**Good**, see the lecture."},
                headers=SAME,
            )
            assert response.status_code == 303, response.text[:400]
            saved += 1
            where = response.headers["location"]
    assert saved >= 4 * 8  # four notebooks, eight prose items of generative-tf at least
    released = c.post(f"/a/{ASSIGNMENT.replace(' ', '%20')}/release", data={"csrf": csrf}, headers=SAME)
    assert released.status_code == 200 and 'id="complete"' in released.text, released.text[:600]
    gradebook.close()

    with (graded / "grades.csv").open(encoding="utf-8") as handle:
        statuses = {r["student"]: r["status"] for r in csv.DictReader(handle)}
    assert sorted(statuses.values()) == ["graded"] * 4 + ["no notebook", "not submitted"]
    results = json.loads((graded / "results.json").read_text(encoding="utf-8"))
    assert all(s["status"] == "graded" and s["awaiting"] is None for s in results["submissions"])
    feedback = [i["feedback"] for s in results["submissions"] for i in s["items"] if i["feedback"]]
    assert feedback and all(f["comment"] == "**Good**, see the lecture." for f in feedback if f["comment"])
    for report in (graded / "students").glob("*.html"):
        html = report.read_text(encoding="utf-8")
        assert "awaiting scoring" not in html and "<strong>Good</strong>, see the lecture." in html, report
    assert (
        main(
            ["export", "moodle", "--lab", "generative-tf", "--assignment", ASSIGNMENT, "--worksheet", str(WORKSHEET)]
            + ["--out", str(graded), "--lang", "en"]
        )
        == 0
    )
    imported = moodle_import((graded / "lms" / "moodle-grading-worksheet.csv").read_bytes(), "en", PARTICIPANTS, 5.5)
    # every participant gets a grade now (before the app, only the two without a notebook did)
    assert sorted(imported) == sorted(PARTICIPANTS)
    totals = {s["student"]: s["total"] for s in results["submissions"]}
    assert sorted(grade for grade, _ in imported.values()) == pytest.approx(
        sorted([*totals.values(), 0.0, 0.0]), abs=0.005
    )

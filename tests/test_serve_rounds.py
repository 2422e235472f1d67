"""Groups of similar answers, calibration rounds, overrides and release, through the web app's
HTTP interface (Starlette's test client)."""

from __future__ import annotations

import json
import re

import pytest

from grader.manual import accounts, audit, calibration
from grader.manual.answers import manual_grades
from grader.serve.app import create_app
from tests.serve_class import SAME, client, make_class

QUEUE = "/a/generative-tf/1.1/"


@pytest.fixture
def setup(tmp_path):
    book = make_class(f"sqlite:///{tmp_path}/g.db", 18)
    app = create_app(book, allowed_hosts=["127.0.0.1"], lang="en", out_dir=tmp_path / "out")
    yield book, app, tmp_path / "out"
    book.close()


def login(app, book, name, role):
    if accounts.find_user(book, name) is None:
        accounts.add_user(book, name, role)
    c = client(app)
    assert c.post("/login", data={"token": accounts.login_link(book, name)}, headers=SAME).status_code == 303
    return c, re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1)


def test_a_group_is_graded_at_once_except_the_answers_unticked(setup):
    book, app, _ = setup
    c, csrf = login(app, book, "ta1", "ta")
    page = c.get(QUEUE + "groups").text
    forms = re.findall(r'name="group" value="([^"]+)">(.*?)</form>', page, re.S)
    assert forms, "the generated class repeats phrasings: there are groups"
    group_id, body = max(forms, key=lambda f: f[1].count('name="member"'))
    members = re.findall(r'name="member" value="([^"]+)"', body)
    assert len(members) >= 2
    kept = members[:-1]  # the last one is unticked: it stays ungraded
    response = c.post(
        QUEUE + "groups",
        data={"csrf": csrf, "group": group_id, "member": kept, "criterion": ["range"], "comment": "same as the others"},
        headers=SAME,
    )
    assert response.status_code == 200 and f"Graded {len(kept)} answers" in response.text
    saves = audit.entries(book, action="grade.save", item_id="1.1")
    assert len(saves) == len(kept) and {e.via for e in saves} == {f"group:{group_id}"}
    grades = manual_grades(book, "generative-tf", "1.1")
    assert len(grades) == len(kept) and all(g.via == f"group:{group_id}" for g in grades.values())


def test_a_calibration_round_is_graded_blind_first_and_measured(setup):
    book, app, _ = setup
    boss, boss_csrf = login(app, book, "boss", "instructor")
    page = boss.get(QUEUE + "calibration").text
    choices = re.findall(r'name="member" value="([^"]+)"', page)[:3]
    assert (
        boss.post(QUEUE + "calibration", data={"csrf": boss_csrf, "member": choices}, headers=SAME).status_code == 303
    )
    assert len(calibration.chosen(book, "generative-tf", "1.1")) == 3
    picks = {"ta1": ["range", "loss"], "ta2": ["range"]}
    for name, criteria in picks.items():
        c, csrf = login(app, book, name, "ta")
        # "grade next" sends a grader to the round first
        where = c.post(QUEUE + "next", data={"csrf": csrf}, headers=SAME).headers["location"]
        graded = 0
        while "/calibration/" in where:
            page = c.get(where).text
            assert "Now:" not in page and "History of this answer" not in page  # blind
            where = c.post(where, data={"csrf": csrf, "criterion": criteria}, headers=SAME).headers["location"]
            graded += 1
        assert graded == 3 and where.endswith("/calibration")
        # the round does not count for the students
        assert not manual_grades(book, "generative-tf", "1.1")
        # and afterwards "next" gives the class
        after = c.post(QUEUE + "next", data={"csrf": csrf}, headers=SAME).headers["location"]
        assert "/calibration" not in after
    result = calibration.agreement(book, "generative-tf", "1.1")
    assert result.graders == ("ta1", "ta2") and result.answers == 3 and result.exact == 0.0
    assert len(result.disagreements) == 3
    page = boss.get(QUEUE + "calibration").text
    assert "exact agreement 0.00" in page


def test_an_instructor_overrides_an_item_with_a_reason_and_releases(setup):
    book, app, out = setup
    boss, csrf = login(app, book, "boss", "instructor")
    page = boss.get("/a/generative-tf/").text
    alias = re.search(r'href="/a/generative-tf/s/([A-Z]+)"', page).group(1)
    form = {"csrf": csrf, "item": "1.2", "version": "0", "points": "0.1"}
    refused = boss.post(f"/a/generative-tf/s/{alias}/override", data={**form, "reason": ""}, headers=SAME)
    assert refused.status_code == 400 and "needs a reason" in refused.text
    done = boss.post(f"/a/generative-tf/s/{alias}/override", data={**form, "reason": "regrade #2"}, headers=SAME)
    assert done.status_code == 303
    assert "override by boss" in boss.get(f"/a/generative-tf/s/{alias}").text
    ta, ta_csrf = login(app, book, "ta1", "ta")
    assert (
        ta.post(
            f"/a/generative-tf/s/{alias}/override", data={**form, "csrf": ta_csrf, "reason": "x"}, headers=SAME
        ).status_code
        == 403
    )
    assert ta.post("/a/generative-tf/release", data={"csrf": ta_csrf}, headers=SAME).status_code == 403
    released = boss.post("/a/generative-tf/release", data={"csrf": csrf}, headers=SAME)
    assert released.status_code == 200 and 'id="still-awaiting"' in released.text
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    overridden = [i for s in results["submissions"] for i in s["items"] if i["id"] == "1.2" and i["points"] == 0.1]
    assert len(overridden) == 1
    assert all(s["status"] == "awaiting" for s in results["submissions"] if s["awaiting"])
    assert (out / "grades.csv").exists() and (out / "index.html").exists()
    [entry] = audit.entries(book, action="release")
    assert entry.actor == "boss" and entry.after["reports"] == 18

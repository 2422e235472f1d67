"""The web app at the HTTP level (Starlette's test client, in process): every refusal of
grader/serve/security.py, roles, login links and sessions, and an audit row for every write."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from grader.manual import accounts, audit
from grader.manual.answers import manual_grades
from grader.serve.app import create_app
from grader.serve.security import CSP
from tests.serve_class import SAME, client, lab, make_class

QUEUE = "/a/generative-tf/1.1/"


@pytest.fixture
def gradebook(tmp_path):
    book = make_class(f"sqlite:///{tmp_path}/g.db", 8)
    yield book
    book.close()


@pytest.fixture
def app(gradebook):
    return create_app(gradebook, allowed_hosts=["127.0.0.1"])


def logged_in(app, gradebook, name="ta1", role="ta") -> tuple[TestClient, str]:
    if accounts.find_user(gradebook, name) is None:
        accounts.add_user(gradebook, name, role)
    c = client(app)
    token = accounts.login_link(gradebook, name)
    response = c.post("/login", data={"token": token}, headers=SAME)
    assert response.status_code == 303, response.text
    return c, csrf_of(c.get("/").text)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def first_answer(c: TestClient, csrf: str) -> str:
    response = c.post(QUEUE + "next", data={"csrf": csrf}, headers=SAME)
    assert response.status_code == 303
    return response.headers["location"]


def test_a_login_link_works_once(app, gradebook):
    accounts.add_user(gradebook, "ta1", "ta")
    token = accounts.login_link(gradebook, "ta1")
    c = client(app)
    # opening the link (a GET, as a mail client's preview does) uses nothing
    assert c.get(f"/login/{token}").status_code == 200
    assert c.post("/login", data={"token": token}, headers=SAME).status_code == 303
    assert client(app).post("/login", data={"token": token}, headers=SAME).status_code == 403
    assert client(app).post("/login", data={"token": "forged"}, headers=SAME).status_code == 403


def test_pages_need_a_session(app):
    for path in ("/", QUEUE, QUEUE + "criteria"):
        response = client(app).get(path)
        assert response.status_code == 401 and "login link" in response.text


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    answer = first_answer(c, csrf)
    before = len(audit.entries(gradebook))
    for data in ({}, {"csrf": "wrong"}, {"csrf": ""}):
        response = c.post(answer + "/save", data={**data, "version": "0", "criterion": "range"}, headers=SAME)
        assert response.status_code == 403 and "security token" in response.text
    assert len(audit.entries(gradebook)) == before and not manual_grades(gradebook, "generative-tf", "1.1")


def test_a_post_with_a_foreign_or_missing_origin_is_refused(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    answer = first_answer(c, csrf)
    data = {"csrf": csrf, "version": "0", "criterion": "range"}
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"}, {"origin": "http://127.0.0.1:9"}, {}):
        response = c.post(answer + "/save", data=data, headers=headers)
        assert response.status_code == 403 and "Origin" in response.text, headers
    assert not manual_grades(gradebook, "generative-tf", "1.1")
    # the very same request from the app's own page is accepted (so the refusals above are the Origin's)
    assert c.post(answer + "/save", data=data, headers=SAME).status_code == 303


def test_a_spoofed_host_is_refused_before_any_route(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    for host in ("evil.example", "127.0.0.1.evil.example", "attacker:8000"):
        assert c.get("/", headers={"host": host}).status_code == 400
        response = c.post(QUEUE + "next", data={"csrf": csrf}, headers={"host": host, "origin": f"http://{host}"})
        assert response.status_code == 400
    assert c.get("/").status_code == 200


def test_the_login_form_is_rate_limited(app, gradebook):
    c = client(app)
    codes = [c.post("/login", data={"token": f"guess{n}"}, headers=SAME).status_code for n in range(12)]
    assert codes[:10] == [403] * 10 and codes[10:] == [429, 429]


def test_every_page_carries_the_security_headers(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    answer = first_answer(c, csrf)
    for path in ("/", QUEUE, answer):
        headers = c.get(path).headers
        assert headers["content-security-policy"] == CSP and "unsafe-inline" not in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        assert headers["x-frame-options"] == "DENY"
    page = c.get(answer).text
    assert "<script>" not in page and " on" not in re.sub(r"<script src=[^>]+>", "", page).split("<body>")[0]


def test_the_session_cookie_is_httponly_and_samesite_strict(app, gradebook):
    accounts.add_user(gradebook, "ta1", "ta")
    token = accounts.login_link(gradebook, "ta1")
    response = client(app).post("/login", data={"token": token}, headers=SAME)
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie


def test_a_ta_cannot_reach_instructor_actions(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    answer = first_answer(c, csrf)
    assert c.get(QUEUE + "criteria").status_code == 403
    form = {"csrf": csrf, "version": "1", "id": ["range"], "points": ["1"], "pl": ["x"], "en": ["x"], "apply": "1"}
    assert c.post(QUEUE + "criteria", data=form, headers=SAME).status_code == 403
    assert c.post(answer + "/reveal", data={"csrf": csrf}, headers=SAME).status_code == 403
    assert c.post(QUEUE + "assign", data={"csrf": csrf, "grader": ["ta1"]}, headers=SAME).status_code == 403
    assert "Reveal" not in c.get(answer).text and "Edit criteria" not in c.get(QUEUE).text
    assert not audit.entries(gradebook, action="criteria.edit") and not audit.entries(
        gradebook, action="identity.reveal"
    )


def test_an_instructor_reveals_a_name_and_the_reveal_is_logged(app, gradebook):
    c, csrf = logged_in(app, gradebook, "boss", "instructor")
    answer = first_answer(c, csrf)
    assert 'id="student-name"' not in c.get(answer).text
    assert c.post(answer + "/reveal", data={"csrf": csrf}, headers=SAME).status_code == 303
    [entry] = audit.entries(gradebook, action="identity.reveal")
    assert entry.actor == "boss" and f'id="student-name">{entry.student}<' in c.get(answer).text


def test_every_write_leaves_an_audit_row_and_gets_change_nothing(app, gradebook):
    c, csrf = logged_in(app, gradebook, "boss", "instructor")
    answer = first_answer(c, csrf)
    pages = ["/", QUEUE, answer, QUEUE + "criteria", "/static/keys.js"]
    rows = len(audit.entries(gradebook))
    grades = manual_grades(gradebook, "generative-tf", "1.1")
    for path in pages * 2:
        assert c.get(path).status_code == 200, path
    assert len(audit.entries(gradebook)) == rows and manual_grades(gradebook, "generative-tf", "1.1") == grades
    writes = [
        (answer + "/save", {"version": "0", "criterion": "range", "comment": "ok"}, "grade.save"),
        (answer + "/flag", {"on": "1", "note": "look again"}, "answer.flag"),
        (answer + "/flag", {"on": "0"}, "answer.unflag"),
        (answer + "/reveal", {}, "identity.reveal"),
        (QUEUE + "auto-zero", {}, "grade.save"),
        (QUEUE + "assign", {"grader": ["boss"]}, "answers.assign"),
        (
            QUEUE + "criteria",
            {
                "version": "1",
                "id": ["range", "loss"],
                "points": ["0.2", "0.05"],
                "pl": ["a", "b"],
                "en": ["a", "b"],
                "apply": "1",
            },
            "criteria.edit",
        ),
    ]
    for path, data, action in writes:
        before = len(audit.entries(gradebook, action=action))
        response = c.post(path, data={"csrf": csrf, **data}, headers=SAME)
        assert response.status_code == 303, (path, response.text[:500])
        assert len(audit.entries(gradebook, action=action)) > before, path
    # logout is a write too
    c.post("/logout", data={"csrf": csrf}, headers=SAME)
    assert audit.entries(gradebook, action="session.logout")


def test_every_state_changing_route_checks_the_csrf_token(app, gradebook):
    """No POST route may skip the token: each one answers 403 without it (the login form, which
    has no session yet, answers 403 to a bad token and is rate-limited instead; a student's
    self-check upload has no session either: its link's token is the credential)."""
    c, csrf = logged_in(app, gradebook, "boss", "instructor")
    answer = first_answer(c, csrf)
    alias = answer.rsplit("/", 1)[1]
    posts = [r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert len(posts) >= 8
    for path in posts:
        if path in ("/login", "/check/{token}"):
            continue  # no session: the link's own token is the credential (tests/test_serve_selfcheck.py)
        url = path.replace("{assignment}", "generative-tf").replace("{item}", "1.1").replace("{alias}", alias)
        response = c.post(url, data={"version": "0"}, headers=SAME)
        assert response.status_code == 403 and "security token" in response.text, path


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, gradebook):
    c, csrf = logged_in(app, gradebook)
    token = c.cookies.get("grader_session")
    assert c.post("/logout", data={"csrf": csrf}, headers=SAME).status_code == 200
    assert c.get("/").status_code == 401
    replay = client(app)
    replay.cookies.set("grader_session", token)
    assert replay.get(QUEUE).status_code == 401


def test_a_conflict_answers_409_with_both_grades(app, gradebook):
    a, csrf_a = logged_in(app, gradebook, "ta1")
    b, csrf_b = logged_in(app, gradebook, "ta2")
    answer = first_answer(a, csrf_a)
    assert (
        a.post(answer + "/save", data={"csrf": csrf_a, "version": "0", "criterion": "range"}, headers=SAME).status_code
        == 303
    )
    response = b.post(
        answer + "/save", data={"csrf": csrf_b, "version": "0", "criterion": "loss", "comment": "mine"}, headers=SAME
    )
    assert response.status_code == 409 and 'id="conflict"' in response.text
    assert "0.15 points by ta1" in response.text and "mine" in response.text
    [conflict] = audit.entries(gradebook, action="grade.conflict")
    assert conflict.actor == "ta2" and conflict.after["criteria"] == ["loss"]  # what ta2 meant is kept


def test_student_text_is_escaped_on_the_grading_screen(tmp_path):
    from dataclasses import replace

    from grader import export
    from grader.scoring import score

    book = make_class(f"sqlite:///{tmp_path}/g.db", 2)
    student, (_key, kept) = next(iter(book.kept_results("generative-tf").items()))
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    result = replace(kept, items=tuple(replace(r, answer=hostile) if r.item_id == "1.1" else r for r in kept.items))
    grade = score(result, lab().rubric)
    book.record(
        grade, export.submission_document(grade, "pl"), export.grader_version(), "k1", assignment="generative-tf"
    )
    app = create_app(book, allowed_hosts=["127.0.0.1"])
    c, csrf = logged_in(app, book)
    pages = []
    for _ in range(2):
        answer = first_answer(c, csrf)
        pages.append(c.get(answer).text)
        c.post(answer + "/save", data={"csrf": csrf, "version": "0", "criterion": "range"}, headers=SAME)
    page = next(p for p in pages if "alert(1)" in p)
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as the text the student typed
    book.close()


def test_only_digests_of_link_and_session_tokens_are_stored(app, gradebook):
    """A copy of the gradebook logs nobody in: neither token is in any table, only its SHA-256."""
    accounts.add_user(gradebook, "ta1", "ta")
    link = accounts.login_link(gradebook, "ta1")
    c = client(app)
    c.post("/login", data={"token": link}, headers=SAME)
    session = c.cookies.get("grader_session")
    dump = "\n".join(gradebook.engine.raw_connection().driver_connection.iterdump())
    assert link not in dump and session not in dump
    assert accounts.digest(link) in dump and accounts.digest(session) in dump

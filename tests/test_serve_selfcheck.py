"""The students' web self-check of ``grader serve`` (grader/serve/selfcheck_web.py,
grader/manual/student_links.py): links issued per student and refused when unknown, expired or
revoked; an upload checked with the public checks only, the same table as ``grader check``; only
the last result kept; the limits per student and for the server; a foreign link's refusal; the
upload's size cap and garbage; and one run in chromium under the app's CSP."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from grader.cli import main
from grader.course import NOT_SUBMITTED, Delivery, Person
from grader.discover import Submission
from grader.judge import judge_submission
from grader.manual import audit, student_links
from grader.scoring import score
from grader.selfcheck import render_table, run_self_check
from grader.serve import selfcheck_web
from grader.serve.app import create_app
from grader.serve.selfcheck_web import MAX_UPLOAD, RUNS_PER_WINDOW, RunLimit
from grader.settings import Settings
from grader.tables import selfcheck_results_table
from tests.serve_class import SAME, client, lab, make_class

ASSIGNMENT = "generative-tf"
SAMPLES = Path(__file__).resolve().parent.parent / "submissions" / "generative-tf"
BLANK = SAMPLES / "blank.ipynb"
HIDDEN_TITLE = "28x28"  # check_conditioned_any_size, public: false
PUBLIC_TITLE = "autoencoder is compiled with a loss suited to data in [0, 1]"


@pytest.fixture
def gradebook(tmp_path):
    book = make_class(f"sqlite:///{tmp_path}/g.db", 4)
    yield book
    book.close()


@pytest.fixture
def app(gradebook):
    return create_app(gradebook, allowed_hosts=["127.0.0.1"], lang="en")


def upload(c: TestClient, token: str, data: bytes, name: str = "my notebook.ipynb", lang: str = "en"):
    return c.post(
        f"/check/{token}",
        files={"notebook": (name, data, "application/x-ipynb+json")},
        data={"lang": lang},
        headers=SAME,
    )


def result_rows(gradebook) -> int:
    with gradebook.reading() as conn:
        return conn.execute(select(func.count()).select_from(selfcheck_results_table)).scalar_one()


# --- links ---------------------------------------------------------------------------------------


def test_a_link_opens_its_students_page_and_unknown_links_are_refused_in_both_languages(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    page = client(app).get(f"/check/{token}")
    assert page.status_code == 200
    assert lab().title("en") in page.text and 'enctype="multipart/form-data"' in page.text
    assert "No result yet" in page.text and page.headers["cache-control"] == "no-store"
    for forged in ("forged", token[:-1] + ("A" if token[-1] != "A" else "B")):
        refused = client(app).get(f"/check/{forged}")
        assert refused.status_code == 404
        assert "Poproś prowadzącego o nowy" in refused.text and "Ask your instructor for a new one" in refused.text
        assert upload(client(app), forged, BLANK.read_bytes()).status_code == 404


def test_only_the_digest_is_stored_and_an_expired_link_is_refused(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001", lifetime=timedelta(seconds=-1))
    with gradebook.reading() as conn:
        stored = " ".join(str(v) for row in conn.exec_driver_sql("SELECT * FROM student_links") for v in row)
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    assert student_links.find(gradebook, token) is None
    assert client(app).get(f"/check/{token}").status_code == 404


def test_reissuing_revokes_the_older_link_and_every_issue_is_an_audit_row(app, gradebook):
    old = student_links.issue(gradebook, ASSIGNMENT, "student001")
    new = student_links.issue(gradebook, ASSIGNMENT, "student001")
    assert client(app).get(f"/check/{old}").status_code == 404
    assert client(app).get(f"/check/{new}").status_code == 200
    rows = audit.entries(gradebook, action=student_links.ISSUE_ACTION, student="student001")
    assert [r.before for r in rows] == [{"links_revoked": 0}, {"links_revoked": 1}]
    assert all(r.assignment == ASSIGNMENT and r.actor == "cli" for r in rows)


def test_the_command_writes_one_link_per_graded_student_as_csv(gradebook, tmp_path):
    out = tmp_path / "links.csv"
    args = ["users", "student-links", "--assignment", ASSIGNMENT, "--db", gradebook.url, "--csv", str(out)]
    assert main([*args, "--url", "https://grader.example.org/", "--days", "3"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["student"] for r in rows] == [f"student{n:03d}" for n in range(4)]
    assert out.stat().st_mode & 0o077 == 0  # the links are credentials
    for row in rows:
        assert row["link"].startswith("https://grader.example.org/check/")
        link = student_links.find(gradebook, row["link"].rsplit("/", 1)[1])
        assert link is not None and link.student == row["student"] and link.assignment == ASSIGNMENT
    assert len(audit.entries(gradebook, action=student_links.ISSUE_ACTION)) == 4


def test_the_roster_decides_who_gets_a_link_when_there_is_one(gradebook, capsys):
    late = Person(key="late-student", display_name="Late Student")
    gradebook.save_roster(
        ASSIGNMENT, [Delivery(late, NOT_SUBMITTED), Delivery(Person("=cmd", "Formula"), NOT_SUBMITTED)]
    )
    assert main(["users", "student-links", "--assignment", ASSIGNMENT, "--db", gradebook.url]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # the roster's people (who has not handed in yet too), a formula-like key written as text
    assert [r["student"] for r in rows] == ["'=cmd", "late-student"]


def test_an_assignment_without_students_is_refused(gradebook, capsys):
    assert main(["users", "student-links", "--assignment", "no-such", "--db", gradebook.url]) != 0
    assert "holds no roster and no graded student of 'no-such'" in capsys.readouterr().err


# --- running the check ---------------------------------------------------------------------------


def test_the_blank_notebook_gets_the_public_table_and_never_a_hidden_check(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    response = upload(client(app), token, BLANK.read_bytes())
    assert response.status_code == 200, response.text
    assert '<pre id="result"' in response.text and "Public checks only" in response.text
    assert PUBLIC_TITLE in response.text and HIDDEN_TITLE not in response.text
    # the instructor's full run of the same file does list the hidden check: the assertion can fail
    the_lab = lab()
    data = BLANK.read_bytes()
    full = judge_submission(
        Submission("blank", BLANK, hashlib.sha256(data).hexdigest(), len(data)), the_lab, Settings(lang="en")
    )
    assert HIDDEN_TITLE in render_table(score(full, the_lab.rubric), "en", the_lab.title("en"))
    # the result stays: the next GET shows it as the last result
    again = client(app).get(f"/check/{token}")
    assert "Last result" in again.text and PUBLIC_TITLE in again.text


def test_the_table_is_the_one_in_polish_when_asked(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    response = upload(client(app), token, BLANK.read_bytes(), lang="pl")
    assert (
        "tylko testy publiczne" in response.text
        and "Public checks only; the final" not in response.text.split("<pre")[1]
    )


@pytest.mark.slow
def test_a_real_notebook_gets_exactly_the_table_of_grader_check(app, gradebook, tmp_path):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    response = upload(client(app), token, (SAMPLES / "solution.ipynb").read_bytes())
    assert response.status_code == 200
    local = tmp_path / selfcheck_web.UPLOAD_NAME
    shutil.copy(SAMPLES / "solution.ipynb", local)
    expected = run_self_check(local, ASSIGNMENT, Settings(lang="en"))
    stored = student_links.last_result(gradebook, ASSIGNMENT, "student001")
    assert stored is not None and stored.table == expected
    assert "OK" in expected and HIDDEN_TITLE not in expected


def test_garbage_and_non_utf8_uploads_get_the_graders_error_table(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    for data in (b"\xff\xfe\x00 not a notebook {", b"", b"\x89PNG\r\n\x1a\n" + bytes(range(256))):
        response = upload(client(app), token, data, name="../../etc/passwd")
        assert response.status_code == 200, response.text
        # the browser's file name is never used: the sandbox saw the fixed name
        assert f"File {selfcheck_web.UPLOAD_NAME}" in response.text and "passwd" not in response.text


def test_a_form_without_a_file_is_refused_in_both_languages(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    response = client(app).post(f"/check/{token}", data={"lang": "en"}, headers=SAME)
    assert response.status_code == 400 and "Nie wybrano pliku" in response.text and "No file chosen" in response.text


def test_only_the_last_result_is_kept(app, gradebook):
    first = student_links.issue(gradebook, ASSIGNMENT, "student001")
    other = student_links.issue(gradebook, ASSIGNMENT, "student002")
    upload(client(app), first, b"garbage")
    upload(client(app), first, BLANK.read_bytes())
    upload(client(app), other, b"garbage")
    assert result_rows(gradebook) == 2
    mine = student_links.last_result(gradebook, ASSIGNMENT, "student001")
    assert mine is not None and mine.notebook_sha256 == hashlib.sha256(BLANK.read_bytes()).hexdigest()
    assert "not valid JSON" not in mine.table


def test_a_student_sees_only_their_own_result_and_an_assignments_link_reads_only_it(app, gradebook):
    mine = student_links.issue(gradebook, ASSIGNMENT, "student001")
    theirs = student_links.issue(gradebook, ASSIGNMENT, "student002")
    elsewhere = student_links.issue(gradebook, "other-assignment", "student001")
    student_links.save_result(gradebook, ASSIGNMENT, "student002", "THEIR-RESULT", "0" * 64)
    student_links.save_result(gradebook, "other-assignment", "student001", "OTHER-ASSIGNMENT-RESULT", "1" * 64)
    page = client(app).get(f"/check/{mine}").text
    assert "THEIR-RESULT" not in page and "OTHER-ASSIGNMENT-RESULT" not in page and "No result yet" in page
    assert "THEIR-RESULT" in client(app).get(f"/check/{theirs}").text
    link = student_links.find(gradebook, elsewhere)
    assert link is not None and link.assignment == "other-assignment"
    # another student's run does not touch mine
    upload(client(app), theirs, BLANK.read_bytes())
    assert student_links.last_result(gradebook, ASSIGNMENT, "student001") is None


def test_the_result_is_escaped(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    student_links.save_result(gradebook, ASSIGNMENT, "student001", "<script>alert(1)</script>", "0" * 64)
    page = client(app).get(f"/check/{token}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


# --- limits and refusals -------------------------------------------------------------------------


def test_the_sixth_run_in_an_hour_is_refused_with_when_to_retry(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    for _ in range(RUNS_PER_WINDOW):
        assert upload(client(app), token, b"{}").status_code == 200
    refused = upload(client(app), token, b"{}")
    assert refused.status_code == 429
    assert "Spróbuj ponownie za 60 min" in refused.text and "Try again in 60 min" in refused.text
    assert 3500 < int(refused.headers["retry-after"]) <= 3600
    # per student, not per address: a classmate on the same address still runs
    classmate = student_links.issue(gradebook, ASSIGNMENT, "student002")
    assert upload(client(app), classmate, b"{}").status_code == 200
    # and a re-issued link does not reset the student's quota
    assert upload(client(app), student_links.issue(gradebook, ASSIGNMENT, "student001"), b"{}").status_code == 429


def test_the_quota_frees_up_as_the_window_moves():
    now = [0.0]
    limit = RunLimit(runs=2, window=100.0, clock=lambda: now[0])
    key = ("a", "s")
    limit.count(key)
    now[0] = 30.0
    limit.count(key)
    assert limit.wait_before_next(key) == pytest.approx(70.0)
    now[0] = 100.0
    assert limit.wait_before_next(key) == 0.0


def test_one_run_at_a_time_per_student_and_a_busy_server_refuse_with_429(app, gradebook):
    web = next(r.endpoint.__self__ for r in app.routes if getattr(r, "path", "") == "/check/{token}")
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    assert web.limit.begin((ASSIGNMENT, "student001"))  # as if a run of theirs were in progress
    refused = upload(client(app), token, b"{}")
    assert refused.status_code == 429 and "still running" in refused.text and "jeszcze trwa" in refused.text
    web.limit.end((ASSIGNMENT, "student001"))
    # every sandbox slot taken by other students' runs: a new run waits, then is told to retry
    held = [web.slots.acquire(blocking=False) for _ in range(selfcheck_web.CONCURRENT_RUNS)]
    assert all(held) and not web.slots.acquire(blocking=False)
    original, selfcheck_web.SLOT_WAIT = selfcheck_web.SLOT_WAIT, 0.05
    try:
        busy = upload(client(app), token, b"{}")
    finally:
        selfcheck_web.SLOT_WAIT = original
        for _ in held:
            web.slots.release()
    assert busy.status_code == 429 and busy.headers["retry-after"] == str(selfcheck_web.BUSY_RETRY)
    assert "The server is checking other people" in busy.text and result_rows(gradebook) == 0
    assert upload(client(app), token, b"{}").status_code == 200


def test_an_upload_over_10_mb_is_refused_with_413_while_it_is_read(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    big = b"{" + b" " * MAX_UPLOAD + b"}"
    refused = upload(client(app), token, big)
    assert refused.status_code == 413 and "najwyżej 10 MB" in refused.text and "at most 10 MB" in refused.text

    # a body without a Content-Length (chunked) is cut off as it streams in, too
    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="notebook"; filename="x.ipynb"\r\n\r\n'
        for _ in range(11):
            yield b" " * (1024 * 1024)

    streamed = client(app).post(
        f"/check/{token}", content=chunks(), headers={**SAME, "content-type": "multipart/form-data; boundary=b"}
    )
    assert streamed.status_code == 413
    assert result_rows(gradebook) == 0
    # exactly at the cap it is checked (the table says it is no notebook, but it ran)
    assert upload(client(app), token, b" " * MAX_UPLOAD).status_code == 200


def test_the_post_needs_the_apps_own_origin(app, gradebook):
    token = student_links.issue(gradebook, ASSIGNMENT, "student001")
    for headers in ({}, {"origin": "https://evil.example"}):
        response = client(app).post(
            f"/check/{token}", files={"notebook": ("n.ipynb", BLANK.read_bytes())}, headers=headers
        )
        assert response.status_code == 403
    assert result_rows(gradebook) == 0


# --- in a browser --------------------------------------------------------------------------------


def test_a_student_checks_the_blank_notebook_in_chromium(gradebook):
    from tests.browser import CHROMIUM, FLAGS, require_chromium
    from tests.serve_server import serving

    sync_api = require_chromium()
    problems: list[str] = []
    with serving(gradebook, lang="en") as running, sync_api.sync_playwright() as p:
        token = student_links.issue(gradebook, ASSIGNMENT, "student001")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{running.base_url}/check/{token}")
            assert lab().title("en") in page.inner_text("#lab-title")
            page.set_input_files("#notebook", str(BLANK))
            with page.expect_navigation():
                page.click("#check")
            table = page.inner_text("#result")
            assert PUBLIC_TITLE in table and HIDDEN_TITLE not in table and "MISSING" in table
            assert page.evaluate("document.scripts.length") == 0
        finally:
            browser.close()
    assert problems == []  # a CSP violation would be a console error

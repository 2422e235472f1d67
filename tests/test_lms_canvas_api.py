"""The Canvas upload against the contract double of tests/canvas_server.py (the documented endpoints
the uploader uses, on 127.0.0.1): grades, comments and report files arrive; a dry run changes
nothing; a re-run, even after the uploader was killed half-way, posts each student exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course import Person
from grader.errors import ExportError
from grader.lms import canvas_api
from grader.lms.canvas_api import (
    ALREADY_POSTED,
    FAILED,
    NO_CANVAS_ID,
    PENDING,
    POSTED,
    WOULD_POST,
    html_to_text,
    upload,
)
from grader.lms.marks import GRADED, Mark
from tests.canvas_server import CanvasDouble, serve

TOKEN = "secret-token-7"
REPO = Path(__file__).resolve().parents[1]


def person(user_id: str) -> Person:
    return Person(f"S_{user_id}", f"Student {user_id}", lms_user_id=user_id)


def graded(user_id: str, points: float, report: str | None = "<html>report</html>") -> Mark:
    feedback = f"<p><strong>{points:g} / 10</strong></p><ul><li>q1 Łatwe &amp; krótkie: {points:g} / 10</li></ul>"
    return Mark(person(user_id), GRADED, points, 10.0, feedback_html=feedback, report_html=report)


STUDENTS = ("101", "102", "103", "104")


@pytest.fixture
def canvas() -> Iterator[CanvasDouble]:
    double = CanvasDouble(TOKEN, "12", "345", 10.0, {u: None for u in STUDENTS} | {"104": 4.0})
    server, thread = serve(double)
    yield double
    double.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def send(double: CanvasDouble, marks: list[Mark], state: Path, **options: object):
    settings = dict(base_url=double.base_url, token=TOKEN, course_id="12", assignment_id="345", state_path=state)
    return upload(marks, **(settings | options))  # type: ignore[arg-type]


def test_grades_comments_and_reports_arrive(canvas: CanvasDouble, tmp_path: Path):
    report = send(canvas, [graded("101", 8.5), graded("102", 10)], tmp_path / "state.json", lang="en")
    assert [(s.user_id, s.action, s.grade_from, s.grade_to) for s in report.students] == [
        ("101", POSTED, None, "8.5"),
        ("102", POSTED, None, "10"),
    ]
    assert canvas.scores["101"] == 8.5 and canvas.scores["102"] == 10.0
    (comment,) = canvas.comments["101"]
    text = comment["comment"]
    assert text.startswith(
        "8.5 / 10\n- q1 Łatwe & krótkie: 8.5 / 10\n\nThe full report is attached: report.html.\n\n[grader "
    )
    assert [a["display_name"] for a in comment["attachments"]] == ["report.html"]
    assert canvas.files[comment["attachments"][0]["id"]]["content"] == "<html>report</html>"
    # the documented flow: the comment-files POST, the upload without the token, the confirm step, one PUT
    flow = [(r.method, r.path.split("/")[-1], r.authorization is not None) for r in canvas.requests[:7]]
    assert flow == [
        ("GET", "12", True),
        ("GET", "345", True),
        ("GET", "101", True),
        ("POST", "files", True),
        ("POST", flow[4][1], False),
        ("GET", "create_success", False),
        ("PUT", "101", True),
    ]


def test_the_state_records_digests_and_never_the_token(canvas: CanvasDouble, tmp_path: Path):
    state = tmp_path / "state.json"
    send(canvas, [graded("101", 8.5)], state)
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert list(recorded) == ["101"] and set(recorded["101"]) == {"digest", "grade", "at"}
    assert TOKEN not in state.read_text(encoding="utf-8")


def test_the_comment_is_polish_by_default(canvas: CanvasDouble, tmp_path: Path):
    send(canvas, [graded("101", 8.5)], tmp_path / "state.json")
    assert "Pełny raport w załączniku: raport.html." in canvas.comments["101"][0]["comment"]
    assert canvas.comments["101"][0]["attachments"][0]["display_name"] == "raport.html"


def test_without_the_report_the_comment_has_no_file(canvas: CanvasDouble, tmp_path: Path):
    send(canvas, [graded("101", 8.5)], tmp_path / "state.json", attach_report=False)
    assert canvas.comments["101"][0]["attachments"] == []
    assert not any(r.path.endswith("/comments/files") for r in canvas.requests)


def test_a_dry_run_changes_nothing_and_lists_grade_from_to(canvas: CanvasDouble, tmp_path: Path):
    state = tmp_path / "state.json"
    report = send(canvas, [graded("101", 8.5), graded("104", 6)], state, dry_run=True)
    assert [(s.user_id, s.action, s.grade_from, s.grade_to) for s in report.students] == [
        ("101", WOULD_POST, None, "8.5"),
        ("104", WOULD_POST, "4", "6"),
    ]
    assert report.dry_run
    assert canvas.changing() == []
    assert canvas.scores["104"] == 4.0 and not state.exists()


def test_a_re_run_posts_nothing_twice(canvas: CanvasDouble, tmp_path: Path):
    state = tmp_path / "state.json"
    marks = [graded(u, 7) for u in STUDENTS]
    send(canvas, marks, state)
    seen = len(canvas.requests)
    again = send(canvas, marks, state)
    assert {s.action for s in again.students} == {ALREADY_POSTED}
    assert canvas.changing()[-1].method == "PUT" and len(canvas.puts()) == 4
    assert [r.method for r in canvas.requests[seen:]] == ["GET", "GET"]  # the course and the assignment only


def test_a_changed_grade_is_sent_once_more(canvas: CanvasDouble, tmp_path: Path):
    state = tmp_path / "state.json"
    send(canvas, [graded("101", 7)], state)
    report = send(canvas, [graded("101", 9)], state)
    assert [(s.action, s.grade_from, s.grade_to) for s in report.students] == [(POSTED, "7", "9")]
    assert len(canvas.puts("101")) == 2 and canvas.scores["101"] == 9.0


def test_a_lost_state_file_is_recovered_from_the_markers_on_canvas(canvas: CanvasDouble, tmp_path: Path):
    marks = [graded("101", 7), graded("102", 8)]
    send(canvas, marks, tmp_path / "state.json")
    report = send(canvas, marks, tmp_path / "new-state.json")
    assert [(s.action, s.detail) for s in report.students] == [(ALREADY_POSTED, "its marker is on Canvas")] * 2
    assert len(canvas.puts()) == 2
    assert set(json.loads((tmp_path / "new-state.json").read_text(encoding="utf-8"))) == {"101", "102"}


def test_a_connection_dropped_after_the_put_is_retried_and_not_posted_twice(canvas: CanvasDouble, tmp_path: Path):
    canvas.drop_after_puts = 2
    delays: list[float] = []
    report = send(canvas, [graded(u, 6) for u in STUDENTS], tmp_path / "state.json", sleep=delays.append)
    assert [s.action for s in report.students] == [POSTED, ALREADY_POSTED, POSTED, POSTED]
    assert delays == [1.0]
    assert [len(canvas.puts(u)) for u in STUDENTS] == [1, 1, 1, 1]
    assert [len(canvas.comments[u]) for u in STUDENTS] == [1, 1, 1, 1]


def test_an_upload_killed_half_way_and_run_again_posts_each_student_exactly_once(canvas: CanvasDouble, tmp_path: Path):
    # the 2nd PUT is applied on Canvas, its answer held, and the uploader killed before it hears it
    canvas.hold_after_puts = 2
    state = tmp_path / "state.json"
    program = (
        "import sys; from pathlib import Path; from tests.test_lms_canvas_api import graded, STUDENTS, TOKEN;"
        "from grader.lms.canvas_api import upload;"
        "upload([graded(u, 6) for u in STUDENTS], base_url=sys.argv[1], token=TOKEN, course_id='12',"
        " assignment_id='345', state_path=Path(sys.argv[2]))"
    )
    env = os.environ | {"PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", program, canvas.base_url, str(state)], cwd=REPO, env=env)
    try:
        assert canvas.held.wait(60), "the uploader never reached the 2nd student"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        canvas.release.set()
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert list(json.loads(state.read_text(encoding="utf-8"))) == ["101"]  # the 2nd was never recorded
    report = send(canvas, [graded(u, 6) for u in STUDENTS], state)
    assert [s.action for s in report.students] == [ALREADY_POSTED, ALREADY_POSTED, POSTED, POSTED]
    assert [len(canvas.puts(u)) for u in STUDENTS] == [1, 1, 1, 1]
    assert all(canvas.scores[u] == 6.0 for u in STUDENTS)


def test_a_bad_token_is_an_export_error_naming_the_url_and_the_fix(canvas: CanvasDouble, tmp_path: Path):
    with pytest.raises(ExportError) as raised:
        upload(
            [graded("101", 5)],
            base_url=canvas.base_url,
            token="wrong",
            course_id="12",
            assignment_id="345",
            state_path=tmp_path / "s.json",
        )
    message = str(raised.value)
    assert message.startswith(f"{canvas.base_url}/api/v1/courses/12: Canvas refused the token (")
    assert message.endswith("Fix: create a new token in Canvas (Account > Settings > New Access Token) and pass it.")
    assert "wrong" not in message and canvas.changing() == []


def test_a_missing_course_and_a_missing_assignment(canvas: CanvasDouble, tmp_path: Path):
    with pytest.raises(ExportError, match="Canvas has no course 99 this token can see"):
        send(canvas, [graded("101", 5)], tmp_path / "s.json", course_id="99")
    with pytest.raises(ExportError) as raised:
        send(canvas, [graded("101", 5)], tmp_path / "s.json", assignment_id="999")
    assert str(raised.value) == (
        f"{canvas.base_url}/api/v1/courses/12/assignments/999: course 12 has no assignment 999. "
        "Fix: give the number after /assignments/ in the assignment's address."
    )


def test_pending_marks_and_people_without_a_canvas_id_are_not_sent(canvas: CanvasDouble, tmp_path: Path):
    waiting = Mark(person("101"), "pending", None, 10.0, ("q3", "q4"))
    nobody = Mark(Person("X", "X"), GRADED, 5.0, 10.0)
    report = send(canvas, [waiting, nobody, graded("102", 5)], tmp_path / "s.json")
    assert [(s.action, s.detail) for s in report.students][:2] == [
        (PENDING, "q3, q4"),
        (NO_CANVAS_ID, "the roster gives no Canvas user id"),
    ]
    assert report.having(POSTED)[0].user_id == "102"
    assert canvas.puts("101") == [] and len(canvas.puts()) == 1


def test_a_4xx_for_one_student_does_not_stop_the_others(canvas: CanvasDouble, tmp_path: Path):
    canvas.refuse["102"] = (403, "user not authorized to perform that action")
    report = send(canvas, [graded(u, 5) for u in ("101", "102", "103")], tmp_path / "s.json")
    assert [s.action for s in report.students] == [POSTED, FAILED, POSTED]
    assert "user not authorized" in report.having(FAILED)[0].detail
    assert set(json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))) == {"101", "103"}


def test_a_student_canvas_does_not_have_is_failed_not_fatal(canvas: CanvasDouble, tmp_path: Path):
    report = send(canvas, [graded("555", 5), graded("101", 5)], tmp_path / "s.json")
    assert [s.action for s in report.students] == [FAILED, POSTED]


def test_network_errors_are_retried_then_recorded_for_that_student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    double = CanvasDouble(TOKEN, "12", "345", 10.0, {"101": None})
    server, thread = serve(double)
    try:
        delays: list[float] = []
        calls = []

        def dropping(*args: object, **kwargs: object):
            calls.append(1)
            raise canvas_api.requests.ConnectionError("connection refused")

        monkeypatch.setattr(canvas_api, "_send", dropping)
        report = send(double, [graded("101", 5)], tmp_path / "s.json", sleep=delays.append)
        assert delays == [1.0, 4.0, 15.0] and len(calls) == 4
        assert report.students[0].action == FAILED and report.students[0].detail == "network error: connection refused"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_an_address_that_is_not_https_is_refused_before_the_token_is_sent(tmp_path: Path):
    with pytest.raises(ExportError) as raised:
        upload(
            [],
            base_url="http://canvas.example.edu",
            token=TOKEN,
            course_id="1",
            assignment_id="2",
            state_path=tmp_path / "s",
        )
    assert str(raised.value) == (
        "http://canvas.example.edu: is not an https:// address, so the token would travel unencrypted. "
        "Fix: give Canvas's https:// address, as in your browser."
    )


def test_an_address_ending_in_the_api_path_is_refused(tmp_path: Path):
    with pytest.raises(ExportError, match="ends in /api/v1"):
        upload(
            [],
            base_url="https://c.edu/api/v1",
            token=TOKEN,
            course_id="1",
            assignment_id="2",
            state_path=tmp_path / "s",
        )


def test_a_broken_state_file_is_refused(canvas: CanvasDouble, tmp_path: Path):
    state = tmp_path / "s.json"
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match="the upload state cannot be read"):
        send(canvas, [graded("101", 5)], state)


def test_comment_html_becomes_plain_text():
    assert html_to_text("<p><strong>8 / 10</strong></p><ul><li>q1 A &lt;b&gt;: 1</li><li>q2:  2</li></ul>") == (
        "8 / 10\n- q1 A <b>: 1\n- q2: 2"
    )

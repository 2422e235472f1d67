"""Send marks to Canvas through its REST API (with ``canvasapi``): each student's grade, a plain-text
comment and the report as a file on that comment. Resumable and idempotent.

Per student with points and a Canvas user id, one
``PUT /api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id`` carries
``submission[posted_grade]``, ``comment[text_comment]`` and ``comment[file_ids][]``, the report
uploaded first through Canvas's file upload flow (``POST .../submissions/:user_id/comments/files``,
the file POSTed to the ``upload_url`` it returns without the token, then the confirm step)
(app/controllers/submissions_api_controller.rb, submission_comments_api_controller.rb;
../shared/research/lms-formats.md, section 5). canvasapi's ``Submission.upload_comment`` would
make the file a second comment through a second PUT; one PUT keeps grade, text and report one
comment that is sent whole or not at all, which is what makes a re-run safe.

What was sent is recorded in ``state_path`` (JSON: user id -> digest of grade, comment and report,
and when), rewritten atomically after each student, never with the token. A re-run skips a student
whose recorded digest is the digest of what would be sent now. Each comment ends with a marker
holding the digest (``[grader 1a2b3c4d]``): before a PUT the student's submission is read with its
comments, and a marker already there (a crash between the PUT and the state's write, a response
lost on the network) is recorded, not sent again. A different grade or comment is a different
digest, so it is sent, once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from canvasapi import Canvas
from canvasapi.exceptions import (
    CanvasException,
    InvalidAccessToken,
    RateLimitExceeded,
    ResourceDoesNotExist,
    Unauthorized,
)
from canvasapi.upload import Uploader

from ..errors import ExportError
from ..i18n import Text
from .canvas import canvas_number
from .marks import Mark

POSTED = "posted"
ALREADY_POSTED = "already posted"  # the state file or the marker on Canvas says so
WOULD_POST = "would post"  # dry run
PENDING = "pending"  # items await a person: nothing sent
NO_CANVAS_ID = "no canvas id"  # the person has no Canvas user id: nothing sent
FAILED = "failed"  # Canvas refused this student (a 4xx): said, the batch went on
ACTIONS = (POSTED, ALREADY_POSTED, WOULD_POST, PENDING, NO_CANVAS_ID, FAILED)

REPORT_ATTACHED = Text(pl="Pełny raport w załączniku: {name}.", en="The full report is attached: {name}.")
REPORT_FILE = Text(pl="raport.html", en="report.html")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_TOKEN_FIX = "create a new token in Canvas (Account > Settings > New Access Token) and pass it"
RETRY_DELAYS = (1.0, 4.0, 15.0)  # seconds before each retry of a student after a network error


@dataclass(frozen=True)
class StudentUpload:
    """What happened to one mark: ``action`` is one of ACTIONS; the grade Canvas had and the one sent."""

    key: str
    user_id: str
    action: str
    grade_from: str | None = None
    grade_to: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class UploadReport:
    """Every mark's outcome, in the marks' order; ``dry_run``: nothing was changed on Canvas."""

    students: tuple[StudentUpload, ...]
    dry_run: bool

    def having(self, action: str) -> tuple[StudentUpload, ...]:
        """The students whose outcome is ``action``."""
        return tuple(s for s in self.students if s.action == action)


@dataclass(frozen=True)
class _Sending:
    grade: str
    comment: str  # without the marker
    report: bytes | None
    digest: str

    @property
    def marker(self) -> str:
        return f"[grader {self.digest[:8]}]"


def upload(
    marks: Sequence[Mark],
    *,
    base_url: str,
    token: str,
    course_id: str,
    assignment_id: str,
    state_path: Path,
    dry_run: bool = False,
    attach_report: bool = True,
    lang: str = "pl",
    retry_delays: Sequence[float] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> UploadReport:
    """Send each mark with points and a Canvas user id to the assignment (see the module's docstring).

    ``dry_run`` sends nothing that changes anything (it reads the current grades) and writes no
    state: the report lists each grade from -> to. Raises :class:`ExportError` for a refused token,
    a course or assignment Canvas does not have, a ``base_url`` that is not https (the token would
    travel in clear; only a loopback address may be http) and a state file that cannot be used; a
    student Canvas refuses is said in the report and the others are sent. A network error is
    retried ``len(retry_delays)`` times, the marker read again before each retry.
    """
    _check_url(base_url)
    state = _read_state(state_path)
    with warnings.catch_warnings():  # canvasapi warns on http://, which _check_url allowed only for loopback
        warnings.simplefilter("ignore", UserWarning)
        canvas = Canvas(base_url.rstrip("/"), token)
    assignment = _assignment(canvas, base_url, course_id, assignment_id)
    results = []
    for mark in marks:
        result = _one(mark, assignment, state, state_path, dry_run, attach_report, lang, retry_delays, sleep, base_url)
        results.append(result)
    return UploadReport(tuple(results), dry_run)


def _one(
    mark: Mark,
    assignment: Any,
    state: dict[str, Any],
    state_path: Path,
    dry_run: bool,
    attach_report: bool,
    lang: str,
    retry_delays: Sequence[float],
    sleep: Callable[[float], None],
    base_url: str,
) -> StudentUpload:
    key, user_id = mark.person.key, mark.person.lms_user_id
    if mark.points is None:
        return StudentUpload(key, user_id, PENDING, detail=", ".join(mark.pending))
    if not user_id:
        return StudentUpload(key, user_id, NO_CANVAS_ID, detail="the roster gives no Canvas user id")
    sending = _sending(mark, attach_report, lang)
    if state.get(user_id, {}).get("digest") == sending.digest:
        return StudentUpload(key, user_id, ALREADY_POSTED, grade_to=sending.grade, detail="recorded in the state file")
    for attempt in range(len(retry_delays) + 1):
        try:
            return _send(mark, sending, assignment, state, state_path, dry_run, lang)
        except (requests.ConnectionError, requests.Timeout, RateLimitExceeded) as exc:
            if attempt == len(retry_delays):
                return StudentUpload(key, user_id, FAILED, grade_to=sending.grade, detail=f"network error: {exc}")
            sleep(retry_delays[attempt])
        except (InvalidAccessToken, Unauthorized) as exc:
            raise ExportError(f"{base_url}: Canvas refused the token ({_said(exc)}). Fix: {_TOKEN_FIX}.") from exc
        except CanvasException as exc:
            return StudentUpload(key, user_id, FAILED, grade_to=sending.grade, detail=_said(exc))
    raise AssertionError("unreachable")  # the loop returns on its last attempt


def _send(
    mark: Mark, sending: _Sending, assignment: Any, state: dict[str, Any], state_path: Path, dry_run: bool, lang: str
) -> StudentUpload:
    key, user_id = mark.person.key, mark.person.lms_user_id
    submission = assignment.get_submission(user_id, include=["submission_comments"])
    before = _grade_of(submission)
    comments = getattr(submission, "submission_comments", None) or []
    if any(sending.marker in str(c.get("comment", "")) for c in comments):
        if not dry_run:
            _record(state, state_path, user_id, sending)
        return StudentUpload(key, user_id, ALREADY_POSTED, before, sending.grade, "its marker is on Canvas")
    if dry_run:
        return StudentUpload(key, user_id, WOULD_POST, before, sending.grade)
    comment: dict[str, Any] = {"text_comment": f"{sending.comment}\n\n{sending.marker}".strip()}
    if sending.report is not None:
        comment["file_ids"] = [_upload_report(submission, sending.report, lang)]
    submission.edit(submission={"posted_grade": sending.grade}, comment=comment)
    _record(state, state_path, user_id, sending)
    return StudentUpload(key, user_id, POSTED, before, sending.grade)


def _upload_report(submission: Any, report: bytes, lang: str) -> int:
    """The file id of the report uploaded for a comment (Canvas's three steps, canvasapi's Uploader)."""
    with tempfile.TemporaryDirectory(prefix="grader-canvas-") as folder:
        path = Path(folder) / REPORT_FILE(lang)
        path.write_bytes(report)
        url = f"courses/{submission.course_id}/assignments/{submission.assignment_id}/submissions/{submission.user_id}"
        done, answer = Uploader(submission._requester, f"{url}/comments/files", str(path)).start()
    if not done or "id" not in answer:
        raise CanvasException(f"the report's upload was not confirmed: {answer}")
    return int(answer["id"])


def _sending(mark: Mark, attach_report: bool, lang: str) -> _Sending:
    report = mark.report_html.encode("utf-8") if attach_report and mark.report_html is not None else None
    comment = html_to_text(mark.feedback_html)
    if report is not None:
        comment = f"{comment}\n\n{REPORT_ATTACHED(lang).format(name=REPORT_FILE(lang))}".strip()
    grade = canvas_number(mark.points or 0.0)
    digest = hashlib.sha256(
        json.dumps([mark.person.lms_user_id, grade, comment, hashlib.sha256(report or b"").hexdigest()]).encode()
    ).hexdigest()
    return _Sending(grade, comment, report, digest)


def _grade_of(submission: Any) -> str | None:
    score = getattr(submission, "score", None)
    return None if score is None else canvas_number(float(score))


def _said(exc: CanvasException) -> str:
    return str(exc.message if hasattr(exc, "message") else exc)[:300]


def _check_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    if "/api/v1" in parts.path:
        raise ExportError(
            f"{base_url}: ends in /api/v1. Fix: give the address of Canvas itself, https://canvas.example.edu."
        )
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise ExportError(
        f"{base_url}: is not an https:// address, so the token would travel unencrypted. "
        "Fix: give Canvas's https:// address, as in your browser."
    )


def _assignment(canvas: Canvas, base_url: str, course_id: str, assignment_id: str) -> Any:
    where = f"{base_url.rstrip('/')}/api/v1/courses/{course_id}"
    try:
        course = canvas.get_course(course_id)
    except (InvalidAccessToken, Unauthorized) as exc:
        raise ExportError(f"{where}: Canvas refused the token ({_said(exc)}). Fix: {_TOKEN_FIX}.") from exc
    except ResourceDoesNotExist as exc:
        raise ExportError(
            f"{where}: Canvas has no course {course_id} this token can see. Fix: give the number after /courses/ in "
            "the course's address, with a token of a teacher of that course."
        ) from exc
    except requests.RequestException as exc:
        raise ExportError(
            f"{where}: Canvas cannot be reached ({exc}). Fix: check the address and the network."
        ) from exc
    try:
        return course.get_assignment(assignment_id)
    except ResourceDoesNotExist as exc:
        raise ExportError(
            f"{where}/assignments/{assignment_id}: course {course_id} has no assignment {assignment_id}. "
            "Fix: give the number after /assignments/ in the assignment's address."
        ) from exc


def _read_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(
            f"{path}: the upload state cannot be read ({exc}). Fix: restore it, or move it away to re-check every "
            "student against Canvas (the markers on Canvas keep anything from being sent twice)."
        ) from exc
    if not isinstance(state, dict) or not all(isinstance(v, dict) for v in state.values()):
        raise ExportError(f"{path}: is not an upload state file. Fix: give the state file of this assignment's upload.")
    return state


def _record(state: dict[str, Any], path: Path, user_id: str, sending: _Sending) -> None:
    state[user_id] = {"digest": sending.digest, "grade": sending.grade, "at": datetime.now(UTC).isoformat()}
    data = json.dumps(state, indent=1, sort_keys=True)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise ExportError(
            f"{path}: the upload state cannot be written ({exc.strerror}). Fix: choose a writable folder."
        ) from exc


class _TextOf(HTMLParser):
    """The text of a comment's HTML: paragraphs and breaks as new lines, list items as "- " lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in ("p", "br", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Canvas shows a comment as plain text: the markup of ``html`` removed, its entities decoded."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line).strip()

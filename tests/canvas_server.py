"""A contract test double of the Canvas REST API: exactly the documented endpoints that
:func:`grader.lms.canvas_api.upload` uses, with their documented request and response shapes,
on 127.0.0.1 (a ``ThreadingHTTPServer`` in a thread, port 0). It is not Canvas: it checks that the
uploader speaks Canvas's contract, and records every request so a test can count them.

Endpoints (Canvas API docs, https://canvas.instructure.com/doc/api/, and instructure/canvas-lms):

- ``GET /api/v1/courses/:id``: the Course object (courses.html#method.courses.show).
- ``GET /api/v1/courses/:course_id/assignments/:id``: the Assignment object
  (assignments.html#method.assignments_api.show).
- ``GET /api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id``, with
  ``include[]=submission_comments``: the Submission with its comments, each ``{id, author_id,
  comment, created_at, attachments}`` (submissions.html#method.submissions_api.show).
- ``PUT`` the same path, form-encoded ``submission[posted_grade]``, ``comment[text_comment]``,
  ``comment[file_ids][]``: sets the score, adds one comment holding the text and the files, returns
  the Submission (submissions.html#method.submissions_api.update,
  app/controllers/submissions_api_controller.rb).
- ``POST .../submissions/:user_id/comments/files`` with ``name`` and ``size``: step 1 of the file
  upload flow, answering ``{upload_url, upload_params, file_param}``
  (submission_comments.html#method.submission_comments_api.create_file, file.file_uploads.html);
  ``upload_params`` is never empty (canvasapi's Uploader refuses an empty one).
- ``POST <upload_url>``: step 2, multipart with ``upload_params`` and the file, sent **without** the
  token (file.file_uploads.html: the upload URL is pre-authorised); answered ``303`` to the
  confirm URL.
- ``GET /api/v1/files/:id/create_success?uuid=...``: step 3, the confirm step, authorised by the
  uuid in the address (files_controller#api_create_success): the Attachment JSON, ``id`` and ``url``.

Every ``/api/v1`` request but the confirm step must carry ``Authorization: Bearer <token>``; a
wrong one gets Canvas's ``401`` with ``WWW-Authenticate`` (what canvasapi reads as
InvalidAccessToken). An unknown course, assignment or student is Canvas's ``404``
``{"errors": [{"message": "The specified resource does not exist."}]}``.

Failures a test can ask for: ``refuse`` (user id -> (status, message)) for that student's requests;
``drop_after_puts = k``: the k-th PUT is applied and the connection closed without an answer;
``hold_after_puts = k``: the k-th PUT is applied and its answer held until ``release`` is set
(a test kills the client meanwhile; ``held`` is set when it is).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    authorization: str | None
    status: int = 0


@dataclass
class CanvasDouble:
    """The state behind the server: one course, one assignment, its students' submissions."""

    token: str
    course_id: str
    assignment_id: str
    points_possible: float
    scores: dict[str, float | None]  # user id -> score; every key is a student of the course
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    drop_after_puts: int | None = None
    hold_after_puts: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def puts(self, user_id: str | None = None) -> list[Recorded]:
        """The PUTs that reached a submission (of ``user_id``), in order."""
        return [r for r in self.requests if r.method == "PUT" and (user_id is None or r.path.endswith(f"/{user_id}"))]

    def changing(self) -> list[Recorded]:
        """Every request that could change something (all but GETs)."""
        return [r for r in self.requests if r.method != "GET"]

    def submission(self, user_id: str, with_comments: bool) -> dict[str, Any]:
        score = self.scores[user_id]
        shown = {
            "id": int(user_id) * 10,
            "user_id": int(user_id),
            "assignment_id": int(self.assignment_id),
            "score": score,
            "grade": None if score is None else f"{score:g}",
            "workflow_state": "graded" if score is not None else "unsubmitted",
        }
        if with_comments:
            shown["submission_comments"] = self.comments.get(user_id, [])
        return shown


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the test reads ``requests``
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        double = self.server.double
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form = self._form(body)
        record = Recorded(method, parts.path, parse_qsl(parts.query), form, self.headers.get("Authorization"))
        with double.lock:
            double.requests.append(record)
            status, answer, headers = self._route(double, method, parts.path.strip("/").split("/"), record, body)
        record.status = status
        if status == -1:  # drop: applied, never answered
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if status == -2:
            double.held.set()
            double.release.wait(30)
            status = 200
        self._answer(status, answer, headers)

    def _form(self, body: bytes) -> list[tuple[str, str]]:
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            return parse_qsl(body.decode(), keep_blank_values=True)
        if kind.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
            fields = []
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                fields.append((str(name), payload.decode("utf-8", "replace")))
            return fields
        return []

    def _answer(self, status: int, answer: Any, headers: dict[str, str]) -> None:
        data = b"" if answer is None else json.dumps(answer).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client was killed while the answer was held
            pass

    def _route(
        self, d: CanvasDouble, method: str, path: list[str], record: Recorded, body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if path[:1] == ["files_api"] and method == "POST":
            return self._stored(d, path, record)
        if path[:2] != ["api", "v1"]:
            return 404, _NOT_FOUND, {}
        rest = path[2:]
        if rest[:1] == ["files"] and rest[2:] == ["create_success"] and method == "GET":
            return self._confirmed(d, rest[1], dict(record.query).get("uuid", ""))
        if record.authorization != f"Bearer {d.token}":
            return (
                401,
                {"errors": [{"message": "Invalid access token."}]},
                {"WWW-Authenticate": 'Bearer realm="canvas-lms"'},
            )
        if rest[:2] != ["courses", d.course_id]:
            return 404, _NOT_FOUND, {}
        if rest[2:] == [] and method == "GET":
            return 200, {"id": int(d.course_id), "name": "Course", "course_code": "C"}, {}
        if rest[2:4] != ["assignments", d.assignment_id]:
            return 404, _NOT_FOUND, {}
        if rest[4:] == [] and method == "GET":
            assignment = {
                "id": int(d.assignment_id),
                "course_id": int(d.course_id),
                "name": "Lab",
                "points_possible": d.points_possible,
            }
            return 200, assignment, {}
        if rest[4:5] != ["submissions"] or len(rest) < 6 or rest[5] not in d.scores:
            return 404, _NOT_FOUND, {}
        user_id = rest[5]
        if user_id in d.refuse:
            status, message = d.refuse[user_id]
            return status, {"errors": [{"message": message}]}, {}
        if rest[6:] == ["comments", "files"] and method == "POST":
            return self._upload_started(d, user_id, record)
        if rest[6:] == [] and method == "GET":
            wanted = ("include[]", "submission_comments") in record.query
            return 200, d.submission(user_id, wanted), {}
        if rest[6:] == [] and method == "PUT":
            return self._graded(d, user_id, record)
        return 404, _NOT_FOUND, {}

    def _graded(self, d: CanvasDouble, user_id: str, record: Recorded) -> tuple[int, Any, dict[str, str]]:
        form = record.form
        grade = dict(form).get("submission[posted_grade]")
        if grade is not None:
            d.scores[user_id] = float(grade)
        text = dict(form).get("comment[text_comment]")
        file_ids = [int(v) for k, v in form if k == "comment[file_ids][]"]
        unknown = [i for i in file_ids if i not in d.files]
        if unknown:
            return 400, {"errors": [{"message": f"unknown file ids {unknown}"}]}, {}
        if text is not None or file_ids:
            comments = d.comments.setdefault(user_id, [])
            attachments = [{k: d.files[i][k] for k in ("id", "display_name", "size")} for i in file_ids]
            comments.append(
                {"id": len(comments) + 1, "author_id": 1, "comment": text or "", "attachments": attachments}
            )
        count = len(d.puts())
        if count == d.drop_after_puts:
            return -1, None, {}
        if count == d.hold_after_puts:
            return -2, d.submission(user_id, True), {}
        return 200, d.submission(user_id, True), {}

    def _upload_started(self, d: CanvasDouble, user_id: str, record: Recorded) -> tuple[int, Any, dict[str, str]]:
        given = dict(record.form)
        if not given.get("name") or not given.get("size", "").isdigit():
            return 400, {"errors": [{"message": "name and size are required"}]}, {}
        file_id = 1000 + len(d.files)
        key = uuid.uuid4().hex
        d.files[file_id] = {
            "id": file_id,
            "uuid": key,
            "display_name": given["name"],
            "size": int(given["size"]),
            "state": "pending",
        }
        upload = {"filename": given["name"], "content_type": "text/html"}
        return (
            200,
            {"upload_url": f"{d.base_url}/files_api/{file_id}/{key}", "upload_params": upload, "file_param": "file"},
            {},
        )

    def _stored(self, d: CanvasDouble, path: list[str], record: Recorded) -> tuple[int, Any, dict[str, str]]:
        if record.authorization is not None:  # the token must not travel to the file store
            return 400, {"errors": [{"message": "the upload URL takes no Authorization header"}]}, {}
        file_id = int(path[1])
        known = d.files.get(file_id)
        fields = dict(record.form)
        if (
            known is None
            or known["uuid"] != path[2]
            or "file" not in fields
            or fields.get("filename") != known["display_name"]
        ):
            return 400, {"errors": [{"message": "bad upload"}]}, {}
        known.update(state="uploaded", content=fields["file"])
        location = f"{d.base_url}/api/v1/files/{file_id}/create_success?uuid={known['uuid']}"
        return 303, None, {"Location": location}

    def _confirmed(self, d: CanvasDouble, file_id: str, key: str) -> tuple[int, Any, dict[str, str]]:
        known = d.files.get(int(file_id)) if file_id.isdigit() else None
        if known is None or known["uuid"] != key or known["state"] != "uploaded":
            return 400, {"errors": [{"message": "the upload was not completed"}]}, {}
        known["state"] = "available"
        shown = {k: v for k, v in known.items() if k not in ("content", "uuid", "state")}
        return 200, {**shown, "url": f"{d.base_url}/files/{file_id}/download"}, {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    double: CanvasDouble


def serve(double: CanvasDouble) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the double on 127.0.0.1 on a free port; ``double.base_url`` is set to its address."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.double = double
    double.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread

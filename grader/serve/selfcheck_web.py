"""The web self-check for students who cannot run ``grader check`` themselves (Windows, a
Chromebook...): ``GET /check/<token>`` shows the lab, an upload form and the student's own last
result; ``POST /check/<token>`` runs :func:`grader.selfcheck.run_self_check` (public checks
only, in the sandbox) on the uploaded notebook and shows its table, the same text the student's
terminal would print.

The token in the URL is the credential (:mod:`grader.manual.student_links`): there is no session,
so no CSRF token either; the POST still passes the Origin check of
:class:`~grader.serve.security.SecurityHeaders`, so another site cannot submit the form. What keeps
a class from exhausting the server, per student and not per address (a class often shares one):

* at most :data:`RUNS_PER_WINDOW` runs per :data:`RUN_WINDOW` seconds per student (in memory);
* one run at a time per student;
* at most :data:`CONCURRENT_RUNS` sandbox runs at once in the whole app; a run waits up to
  :data:`SLOT_WAIT` seconds for a free one, then is refused (429, retry in :data:`BUSY_RETRY` s).

An upload is read at most :data:`MAX_UPLOAD` bytes far (413 beyond), saved under a fixed name
in a temporary folder deleted after the run (the browser's file name is never a path), and
whatever its bytes are, the grader's normal table says what is wrong with it. Every message of
these pages is in Polish and English: a student may arrive before choosing a language.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

from ..errors import GraderError
from ..gradebook import Gradebook
from ..i18n import Text
from ..manual import student_links
from ..selfcheck import run_self_check
from ..settings import Settings

MAX_UPLOAD = 10 * 1024 * 1024  # bytes of the notebook itself
MULTIPART_SLACK = 64 * 1024  # the form's own bytes around the file (boundaries, headers, lang)
RUNS_PER_WINDOW = 5
RUN_WINDOW = 3600.0  # seconds
CONCURRENT_RUNS = 2
SLOT_WAIT = 20.0  # seconds a run waits for a free sandbox
BUSY_RETRY = 60  # seconds: what a refused run is told when the server is busy
UPLOAD_NAME = "notebook.ipynb"  # what the sandbox sees, whatever the browser called the file
LANGS = ("pl", "en")

UNKNOWN_LINK = Text(
    "Ten link do samosprawdzenia jest nieznany, wygasł albo został zastąpiony nowszym. Poproś prowadzącego o nowy.",
    "This self-check link is unknown, expired or replaced by a newer one. Ask your instructor for a new one.",
)
TOO_MANY = Text(
    "Limit: {runs} sprawdzeń na godzinę. Spróbuj ponownie za {minutes} min.",
    "Limit: {runs} checks per hour. Try again in {minutes} min.",
)
ALREADY_RUNNING = Text(
    "Twoje poprzednie sprawdzenie jeszcze trwa. Poczekaj na jego wynik i spróbuj ponownie za minutę.",
    "Your previous check is still running. Wait for its result and try again in a minute.",
)
SERVER_BUSY = Text(
    "Serwer sprawdza teraz notatniki innych osób. Spróbuj ponownie za {seconds} s.",
    "The server is checking other people's notebooks. Try again in {seconds} s.",
)
TOO_LARGE = Text(
    "Plik jest za duży: najwyżej {mb} MB. Wyczyść wyniki komórek (Clear all outputs), zapisz i wyślij ponownie.",
    "The file is too large: at most {mb} MB. Clear all outputs, save the notebook and send it again.",
)
NO_FILE = Text(
    "Nie wybrano pliku. Wybierz swój notatnik .ipynb i wyślij formularz.",
    "No file chosen. Choose your .ipynb notebook and send the form.",
)


class Host(Protocol):
    """What this module uses of the app's state (:class:`grader.serve.app.GradingApp`)."""

    gradebook: Gradebook
    settings: Settings
    lang: str

    def course(self, assignment: str) -> Any: ...
    def page(self, request: Request, template: str, session: None, status: int = 200, **context: Any) -> Response: ...


class TooLarge(Exception):
    """The request's body went past the cap while it was read."""


class RunLimit:
    """At most ``runs`` per ``window`` seconds per key (a student of an assignment), in memory,
    and one run at a time per key."""

    def __init__(self, runs: int = RUNS_PER_WINDOW, window: float = RUN_WINDOW, clock=time.monotonic):
        self.runs, self.window, self.clock = runs, window, clock
        self._started: dict[tuple[str, str], deque[float]] = {}
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def wait_before_next(self, key: tuple[str, str]) -> float:
        """Seconds until ``key`` may run again; 0 when it may now."""
        with self._lock:
            started = self._forget_old(key)
            return 0.0 if len(started) < self.runs else self.window - (self.clock() - started[0])

    def begin(self, key: tuple[str, str]) -> bool:
        """Mark ``key`` running; False when it already is."""
        with self._lock:
            if key in self._running:
                return False
            self._running.add(key)
            return True

    def count(self, key: tuple[str, str]) -> None:
        """One run of ``key`` started (what the hourly quota counts)."""
        with self._lock:
            self._forget_old(key).append(self.clock())

    def end(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._running.discard(key)

    def _forget_old(self, key: tuple[str, str]) -> deque[float]:
        started = self._started.setdefault(key, deque())
        while started and self.clock() - started[0] >= self.window:
            started.popleft()
        return started


class WebSelfCheck:
    """The two routes of ``/check/{token}`` and what they share: the limits and the sandbox slots."""

    def __init__(self, host: Host, limit: RunLimit | None = None, concurrent: int = CONCURRENT_RUNS):
        self.host = host
        self.limit = limit or RunLimit()
        self.slots = threading.BoundedSemaphore(concurrent)

    # --- pages ---------------------------------------------------------------------------------

    def _lang(self, request: Request, form_lang: object = None) -> str:
        for asked in (form_lang, request.query_params.get("lang")):
            if asked in LANGS:
                return str(asked)
        return self.host.lang

    def _refusal(self, request: Request, status: int, message: Text, lang: str, **extra: Any) -> Response:
        response = self.host.page(
            request, "selfcheck_error.html", None, status=status, lang=lang, pl=message("pl"), en=message("en")
        )
        for key, value in extra.items():
            response.headers[key] = value
        return response

    def _page(self, request: Request, link: student_links.StudentLink, lang: str, **context: Any) -> Response:
        lab = self.host.course(link.assignment).lab
        return self.host.page(
            request,
            "selfcheck.html",
            None,
            lang=lang,
            token=request.path_params["token"],
            title_pl=lab.title("pl"),
            title_en=lab.title("en"),
            max_mb=MAX_UPLOAD // (1024 * 1024),
            runs=self.limit.runs,
            **context,
        )

    async def show(self, request: Request) -> Response:
        lang = self._lang(request)
        link = await run_in_threadpool(student_links.find, self.host.gradebook, request.path_params["token"])
        if link is None:
            return self._refusal(request, 404, UNKNOWN_LINK, lang)
        last = await run_in_threadpool(student_links.last_result, self.host.gradebook, link.assignment, link.student)
        return await run_in_threadpool(self._page, request, link, lang, result=last)

    async def run(self, request: Request) -> Response:
        lang = self._lang(request)
        link = await run_in_threadpool(student_links.find, self.host.gradebook, request.path_params["token"])
        if link is None:
            return self._refusal(request, 404, UNKNOWN_LINK, lang)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD + MULTIPART_SLACK:
            return self._refusal(request, 413, TOO_LARGE.format(mb=MAX_UPLOAD // (1024 * 1024)), lang)
        key = (link.assignment, link.student)
        wait = self.limit.wait_before_next(key)
        if wait > 0:
            minutes = max(1, int(-(-wait // 60)))
            return self._refusal(
                request,
                429,
                TOO_MANY.format(runs=self.limit.runs, minutes=minutes),
                lang,
                **{"retry-after": str(int(-(-wait // 1)))},
            )
        if not self.limit.begin(key):
            return self._refusal(request, 429, ALREADY_RUNNING, lang, **{"retry-after": "60"})
        try:
            try:
                data, form_lang = await self._read_upload(request)
            except TooLarge:
                return self._refusal(request, 413, TOO_LARGE.format(mb=MAX_UPLOAD // (1024 * 1024)), lang)
            except MultiPartException:
                return self._refusal(request, 400, NO_FILE, lang)
            lang = self._lang(request, form_lang)
            if data is None:
                return self._refusal(request, 400, NO_FILE, lang)
            outcome = await run_in_threadpool(self._check, link, data, lang)
        finally:
            self.limit.end(key)
        if outcome is None:
            return self._refusal(
                request, 429, SERVER_BUSY.format(seconds=BUSY_RETRY), lang, **{"retry-after": str(BUSY_RETRY)}
            )
        if isinstance(outcome, GraderError):  # e.g. the lab is not installed here
            return self._refusal(request, 400, Text(str(outcome), str(outcome)), lang)
        return await run_in_threadpool(self._page, request, link, lang, result=outcome, fresh=True)

    # --- the upload and the run --------------------------------------------------------------

    async def _read_upload(self, request: Request) -> tuple[bytes | None, object]:
        """The notebook's bytes (None when the form has no file) and the form's ``lang``; raises
        :class:`TooLarge` as soon as the body passes the cap, before the rest is read."""
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise MultiPartException("not a multipart form")

        async def capped() -> AsyncGenerator[bytes, None]:
            seen = 0
            async for chunk in request.stream():
                seen += len(chunk)
                if seen > MAX_UPLOAD + MULTIPART_SLACK:
                    raise TooLarge
                yield chunk

        form = await MultiPartParser(request.headers, capped(), max_files=1, max_fields=4).parse()
        try:
            upload = form.get("notebook")
            if not isinstance(upload, UploadFile):
                return None, form.get("lang")
            data = await upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise TooLarge
            return data, form.get("lang")
        finally:
            await form.close()

    def _check(self, link: student_links.StudentLink, data: bytes, lang: str):
        """Run the self-check in a free sandbox slot and keep its table as the student's last
        result; None when no slot came free within :data:`SLOT_WAIT` seconds."""
        if not self.slots.acquire(timeout=SLOT_WAIT):
            return None
        try:
            self.limit.count((link.assignment, link.student))
            lab = self.host.course(link.assignment).lab
            settings = replace(self.host.settings, lang=lang)
            with tempfile.TemporaryDirectory(prefix="grader-webcheck-") as folder:
                notebook = Path(folder) / UPLOAD_NAME
                notebook.write_bytes(data)
                try:
                    table = run_self_check(notebook, lab.name, settings)
                except GraderError as exc:
                    return exc
        finally:
            self.slots.release()
        return student_links.save_result(
            self.host.gradebook, link.assignment, link.student, table, hashlib.sha256(data).hexdigest()
        )

"""The routes of ``grader serve`` and what holds them together (:func:`create_app`).

URLs name students only by alias (``/a/<assignment>/<item>/<alias>``), so names never reach
a URL, a browser history or a log. Every handler that changes state is wrapped by
:meth:`GradingApp.post`, which checks the session's CSRF token before the handler runs (the
Origin check is :class:`~grader.serve.security.SecurityHeaders`'s); GET handlers only read.
Database work runs in Starlette's thread pool, so one slow query does not stall the others.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import GraderError, GradingConflict, LabNotFound
from ..gradebook import Gradebook
from ..labs import Lab, find_lab
from ..manual import accounts, audit, calibration, grading
from ..manual.accounts import Session, User
from ..manual.answers import NEEDS_REVIEW, AnswerView, ClassAnswers, alias, gradable_items
from ..manual.criteria import item_rubric
from ..report.files import safe_filename
from ..report.sanitize import markdown_with_math_to_safe_html, png_data_uri
from ..settings import Settings
from ..tables import submissions_table
from . import instructor, rounds, selfcheck_web, views
from .security import RateLimit, SecurityHeaders, token_matches

HERE = Path(__file__).parent
COOKIE = "grader_session"
Handler = Callable[[Request, Session, FormData], Awaitable[Response]]


@dataclass(frozen=True)
class Course:
    """One assignment the gradebook holds, with its lab and its answers in memory."""

    assignment: str
    lab: Lab
    answers: ClassAnswers


class GradingApp:
    """The app's state: the gradebook, the courses found in it, the login rate limit."""

    def __init__(
        self,
        gradebook: Gradebook,
        settings: Settings,
        *,
        secure_cookies: bool = False,
        lang: str = "pl",
        out_dir: Path | None = None,
    ):
        self.gradebook, self.settings, self.lang, self.out_dir = gradebook, settings, lang, out_dir
        self.secure_cookies = secure_cookies
        self.login_limit = RateLimit()
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["markdown"] = markdown_with_math_to_safe_html
        self.templates.env.filters["png"] = png_data_uri
        self.templates.env.filters["q"] = lambda value: quote(str(value), safe="")
        self._courses: dict[str, Course] = {}
        self._lock = threading.Lock()

    # --- plumbing --------------------------------------------------------------------------

    def session(self, request: Request) -> Session | None:
        token = request.cookies.get(COOKIE)
        return accounts.session(self.gradebook, token) if token else None

    def page(self, request: Request, template: str, session: Session | None, status: int = 200, **context) -> Response:
        return self.templates.TemplateResponse(
            request,
            template,
            {"session": session, "user": session.user if session else None, "lang": self.lang, **context},
            status_code=status,
        )

    def get(self, handler: Callable[[Request, Session], Awaitable[Response]]):
        """A page for a logged-in person (else the login help page, 401)."""

        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            session = await run_in_threadpool(self.session, request)
            if session is None:
                return self.page(request, "login_help.html", None, status=401)
            return await self._guarded(request, session, lambda: handler(request, session))

        return endpoint

    def post(self, handler: Handler):
        """A state-changing request: a live session and its CSRF token in the form, or 403."""

        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            session = await run_in_threadpool(self.session, request)
            if session is None:
                return self.page(request, "login_help.html", None, status=401)
            form = await request.form()
            if not token_matches(session.csrf_token, form.get("csrf")):  # type: ignore[arg-type]
                return self.page(
                    request,
                    "error.html",
                    session,
                    status=403,
                    message="The form's security token is missing or stale. Reload the page and send it again.",
                )
            return await self._guarded(request, session, lambda: handler(request, session, form))

        return endpoint

    async def _guarded(self, request: Request, session: Session, call) -> Response:
        try:
            return await call()
        except GraderError as exc:
            return self.page(request, "error.html", session, status=400, message=str(exc))

    def course(self, assignment: str) -> Course:
        with self._lock:
            if assignment not in self._courses:
                lab_name = self._lab_of(assignment)
                try:
                    lab = find_lab(lab_name, self.settings)
                except LabNotFound:
                    raise HTTPException(404, f"lab {lab_name} of {assignment} is not installed here") from None
                self._courses[assignment] = Course(assignment, lab, ClassAnswers(self.gradebook, lab, assignment))
            return self._courses[assignment]

    def _lab_of(self, assignment: str) -> str:
        saved = self.gradebook.assignment(assignment)
        if saved is not None:
            return saved.lab
        t = submissions_table
        with self.gradebook.reading() as conn:
            lab = conn.execute(select(t.c.lab).where(t.c.assignment == assignment).limit(1)).scalar()
        if lab is None:
            raise HTTPException(404, f"the gradebook holds no assignment {assignment!r}")
        return lab

    def assignments(self) -> list[str]:
        t = submissions_table
        with self.gradebook.reading() as conn:
            return sorted(row[0] for row in conn.execute(select(t.c.assignment).distinct()))

    def item(self, course: Course, item_id: str):
        found = next((i for i in gradable_items(course.lab) if i.id == item_id), None)
        if found is None:
            raise HTTPException(404, f"{course.assignment} has no item {item_id!r} graded by a person")
        return found

    def answer(self, course: Course, item, alias: str) -> AnswerView:
        version = item_rubric(self.gradebook, course.assignment, item).version
        view = next((v for v in course.answers.answers(item, version) if v.alias == alias), None)
        if view is None:
            raise HTTPException(404, "no such answer (its file may have been regraded under a new alias)")
        return view

    def redirect(self, *parts: str) -> Response:
        return RedirectResponse("/" + "/".join(quote(p, safe="") for p in parts), status_code=303)

    # --- logging in and out ------------------------------------------------------------------

    async def home(self, request: Request, session: Session) -> Response:
        def build():
            rows = []
            for assignment in self.assignments():
                course = self.course(assignment)
                items = []
                for item in gradable_items(course.lab):
                    version = item_rubric(self.gradebook, assignment, item).version
                    answers = course.answers.answers(item, version)
                    items.append((item, views.progress(answers, [], 0)))
                rows.append((course, items))
            return rows

        return self.page(request, "home.html", session, courses=await run_in_threadpool(build))

    async def login_page(self, request: Request) -> Response:
        # GET shows a button; only the POST uses the token (a link preview or prefetch logs nobody in)
        return self.page(request, "login.html", None, token=request.path_params["token"])

    async def login(self, request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        if not self.login_limit.allow(client):
            return self.page(
                request, "error.html", None, status=429, message="Too many login attempts. Wait a minute and try again."
            )
        form = await request.form()
        redeemed = await run_in_threadpool(accounts.redeem, self.gradebook, str(form.get("token", "")))
        if redeemed is None:
            return self.page(
                request,
                "error.html",
                None,
                status=403,
                message="This login link is unknown, used or expired. Ask an instructor for a new one "
                "(`grader users link NAME`).",
            )
        token, session = redeemed
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=self.secure_cookies,
            max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        )
        return response

    async def logout(self, request: Request, session: Session, form: FormData) -> Response:
        await run_in_threadpool(accounts.end_session, self.gradebook, request.cookies.get(COOKIE, ""))
        response = self.page(request, "logged_out.html", None)
        response.delete_cookie(COOKIE)
        return response

    # --- one item across the class -----------------------------------------------------------

    async def queue(self, request: Request, session: Session) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])

        def build():
            rubric = item_rubric(self.gradebook, course.assignment, item)
            answers = course.answers.answers(item, rubric.version)
            saves = audit.entries(self.gradebook, assignment=course.assignment, item_id=item.id, action="grade.save")
            conflicts = len(
                audit.entries(self.gradebook, assignment=course.assignment, item_id=item.id, action="grade.conflict")
            )
            return {
                "course": course,
                "item": item,
                "rubric": rubric,
                "answers": answers,
                "progress": views.progress(answers, saves, conflicts),
                "stats": views.grader_stats(answers) if session.user.is_instructor else [],
                "held": Counter(grading.live_claims(self.gradebook, course.assignment, item.id).values()),
                "people": accounts.users(self.gradebook) if session.user.is_instructor else [],
            }

        return self.page(request, "queue.html", session, **await run_in_threadpool(build))

    async def next(self, request: Request, session: Session, form: FormData) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        after = int(str(form.get("after") or 0))
        skip = [s for s in str(form.get("skip") or "").split(",") if s]
        pending = await run_in_threadpool(
            calibration.still_to_calibrate, self.gradebook, course.assignment, item.id, session.user.name
        )
        if pending:  # a calibration round is open: its answers come first, graded blind
            first = await run_in_threadpool(self.alias_of, course, pending[0])
            return self.redirect("a", course.assignment, item.id, "calibration", first)
        view = await run_in_threadpool(grading.next_answer, course.answers, item, session.user, after, skip)
        if view is None:
            return self.redirect("a", course.assignment, item.id)
        return self.redirect("a", course.assignment, item.id, view.alias)

    async def answer_page(self, request: Request, session: Session) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        return self.page(
            request,
            "answer.html",
            session,
            **await run_in_threadpool(self.answer_context, course, item, request.path_params["alias"], session.user),
        )

    def answer_context(self, course: Course, item, alias: str, user: User, **extra) -> dict:
        rubric = item_rubric(self.gradebook, course.assignment, item)
        answers = course.answers.answers(item, rubric.version)
        view = next((v for v in answers if v.alias == alias), None)
        if view is None:
            raise HTTPException(404, "no such answer (its file may have been regraded under a new alias)")
        index = answers.index(view)
        results = course.answers.refresh()  # what answers() just read: no second query
        usage: dict[str, int] = {}
        comments: dict[str, None] = {}
        for other in answers:
            if other.grade:
                for criterion in other.grade.criteria:
                    usage[criterion] = usage.get(criterion, 0) + 1
                if other.grade.comment:
                    comments.setdefault(other.grade.comment, None)
        revealed = user.is_instructor and bool(
            audit.entries(
                self.gradebook,
                assignment=course.assignment,
                student=view.student,
                actor=user.name,
                action="identity.reveal",
            )
        )
        figures = [f for f in view.result.figures if f.source != "reference"]
        reference = [f for f in view.result.figures if f.source == "reference"]
        return {
            "course": course,
            "item": item,
            "rubric": rubric,
            "view": view,
            "total": len(answers),
            "previous": answers[index - 1].alias if index > 0 else None,
            "following": answers[index + 1].alias if index + 1 < len(answers) else None,
            "question": views.question_text(course.lab, item),
            "figures": figures,
            "reference": reference,
            "related": views.related_checks(course.lab, item, results[view.student], self.lang),
            "usage": usage,
            "comments": list(comments)[:50],
            "revealed": revealed,
            "history": audit.entries(
                self.gradebook, assignment=course.assignment, student=view.student, item_id=item.id
            ),
            # a needs-review answer shows what changed since it was graded
            "diff": grading.answer_diff(self.gradebook, course.assignment, view.student, item.id, view.answer)
            if view.state == NEEDS_REVIEW
            else [],
            **extra,
        }

    async def save(self, request: Request, session: Session, form: FormData) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        alias = request.path_params["alias"]
        criteria = [str(c) for c in form.getlist("criterion")]
        comment = str(form.get("comment") or "")
        try:
            adjustment = float(str(form.get("adjustment") or 0).replace(",", "."))
            expected = int(str(form.get("version") or 0))
        except ValueError:
            return self.page(request, "error.html", session, status=400, message="The adjustment must be a number.")

        def work():
            view = self.answer(course, item, alias)
            try:
                grading.save_grade(
                    self.gradebook,
                    course.lab,
                    course.assignment,
                    item,
                    view,
                    session.user,
                    criteria,
                    adjustment,
                    comment,
                    expected,
                    via=str(form.get("via") or ""),
                    lang=self.lang,
                )
            except GradingConflict as conflict:
                with self.gradebook.writing() as conn:
                    audit.log(
                        conn,
                        session.user.name,
                        "grade.conflict",
                        assignment=course.assignment,
                        student=view.student,
                        item_id=item.id,
                        before=conflict.current.as_dict() if conflict.current else None,
                        after={"criteria": criteria, "adjustment": adjustment, "comment": comment},
                        reason="not saved: the answer was graded meanwhile",
                    )
                return ("conflict", view, conflict)
            following = grading.next_answer(course.answers, item, session.user, view.position)
            return ("saved", view, following)

        outcome, view, extra = await run_in_threadpool(work)
        if outcome == "conflict":
            context = await run_in_threadpool(
                self.answer_context,
                course,
                item,
                alias,
                session.user,
                conflict=extra,
                mine={"criteria": criteria, "adjustment": adjustment, "comment": comment},
            )
            return self.page(request, "conflict.html", session, status=409, **context)
        if extra is None:
            return self.redirect("a", course.assignment, item.id)
        return self.redirect("a", course.assignment, item.id, extra.alias)

    async def flag(self, request: Request, session: Session, form: FormData) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        alias = request.path_params["alias"]
        on = str(form.get("on") or "1") == "1"

        def work():
            view = self.answer(course, item, alias)
            grading.set_flag(
                self.gradebook, course.assignment, item.id, view.student, session.user, str(form.get("note") or ""), on
            )

        await run_in_threadpool(work)
        return self.redirect("a", course.assignment, item.id, alias)

    async def reveal(self, request: Request, session: Session, form: FormData) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        alias = request.path_params["alias"]
        if not session.user.is_instructor:
            return self.forbidden(request, session)

        def work():
            view = self.answer(course, item, alias)
            grading.reveal(self.gradebook, course.assignment, item.id, view.student, session.user)

        await run_in_threadpool(work)
        return self.redirect("a", course.assignment, item.id, alias)

    async def confirm_auto_zero(self, request: Request, session: Session, form: FormData) -> Response:
        course = self.course(request.path_params["assignment"])
        item = self.item(course, request.path_params["item"])
        await run_in_threadpool(grading.confirm_auto_zero, course.answers, item, session.user)
        return self.redirect("a", course.assignment, item.id)

    # --- instructors ---------------------------------------------------------------------------

    def release_dir(self, assignment: str) -> Path:
        """Where ``assignment`` is released: ``--out`` itself when the gradebook holds one
        assignment (where its batch wrote), else a folder per assignment under it."""
        assert self.out_dir is not None
        if self.assignments() == [assignment]:
            return self.out_dir
        return self.out_dir / safe_filename(assignment)

    def alias_of(self, course: Course, student: str) -> str:
        return alias(course.answers.refresh()[student].sha256, student)

    def student_of(self, course: Course, alias_: str) -> str:
        for student, result in course.answers.refresh().items():
            if alias(result.sha256, student) == alias_:
                return student
        raise HTTPException(404, "no such student (the file may have been regraded under a new alias)")

    def forbidden(self, request: Request, session: Session) -> Response:
        return self.page(request, "error.html", session, status=403, message="Only an instructor can do this.")


def create_app(
    gradebook: Gradebook,
    settings: Settings | None = None,
    *,
    allowed_hosts: list[str] | None = None,
    secure_cookies: bool = False,
    lang: str = "pl",
    out_dir: Path | None = None,
) -> Starlette:
    """The ASGI app over ``gradebook``; ``allowed_hosts``: the Host names it answers to;
    ``out_dir``: where a release writes the reports and exports (none: no release)."""
    state = GradingApp(gradebook, settings or Settings(), secure_cookies=secure_cookies, lang=lang, out_dir=out_dir)
    get, post = state.get, state.post
    item = "/a/{assignment}/{item}"
    answer = item + "/{alias}"
    routes = [
        Route("/", get(state.home)),
        Route("/login/{token}", state.login_page),
        Route("/login", state.login, methods=["POST"]),
        Route("/logout", post(state.logout), methods=["POST"]),
        Route("/a/{assignment}/", get(partial(instructor.assignment_page, state))),
        Route("/a/{assignment}/release", post(partial(instructor.release, state)), methods=["POST"]),
        Route("/a/{assignment}/s/{alias}", get(partial(instructor.student_page, state))),
        Route("/a/{assignment}/s/{alias}/override", post(partial(instructor.override, state)), methods=["POST"]),
        Route(item + "/", get(state.queue)),
        Route(item + "/next", post(state.next), methods=["POST"]),
        Route(item + "/auto-zero", post(state.confirm_auto_zero), methods=["POST"]),
        Route(item + "/assign", post(partial(instructor.assign, state)), methods=["POST"]),
        Route(item + "/criteria", get(partial(instructor.criteria_page, state))),
        Route(item + "/criteria", post(partial(instructor.criteria_post, state)), methods=["POST"]),
        Route(item + "/groups", get(partial(rounds.groups_page, state))),
        Route(item + "/groups", post(partial(rounds.grade_group, state)), methods=["POST"]),
        Route(item + "/calibration", get(partial(rounds.calibration_page, state))),
        Route(item + "/calibration", post(partial(rounds.choose, state)), methods=["POST"]),
        Route(item + "/calibration/{alias}", get(partial(rounds.calibrate_answer, state))),
        Route(item + "/calibration/{alias}", post(partial(rounds.save_calibration, state)), methods=["POST"]),
        Route(answer, get(state.answer_page)),
        Route(answer + "/save", post(state.save), methods=["POST"]),
        Route(answer + "/flag", post(state.flag), methods=["POST"]),
        Route(answer + "/reveal", post(state.reveal), methods=["POST"]),
        Route("/check/{token}", (web := selfcheck_web.WebSelfCheck(state)).show),
        Route("/check/{token}", web.run, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost"]),
        Middleware(SecurityHeaders),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.grading = state
    return app

"""The instructors' pages: an assignment's overview (items, flags, students), one student's items
with overrides, release, and the criteria editor with its preview. Each refuses a TA (403)
before it reads or writes anything."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from .. import service
from ..errors import GraderError
from ..i18n import Text
from ..manual import audit, grading
from ..manual.accounts import Session
from ..manual.answers import alias, gradable_items
from ..manual.criteria import Criterion, edited, item_rubric
from . import views
from .base import Pages


async def assignment_page(state: Pages, request: Request, session: Session) -> Response:
    course = state.course(request.path_params["assignment"])

    def build():
        items = []
        flagged = []
        for item in gradable_items(course.lab):
            version = item_rubric(state.gradebook, course.assignment, item).version
            answers = course.answers.answers(item, version)
            items.append((item, views.progress(answers, [], 0)))
            flagged += [(item, v) for v in answers if v.flag is not None]
        grades = service.current_grades(state.gradebook, course.lab, course.assignment)
        students = sorted(
            ((alias(r.sha256, s), grades[s]) for s, r in course.answers.refresh().items() if s in grades),
            key=lambda pair: pair[0],
        )
        return {"course": course, "items": items, "flagged": flagged, "students": students}

    return state.page(request, "assignment.html", session, **await run_in_threadpool(build))


async def student_page(state: Pages, request: Request, session: Session) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    alias_ = request.path_params["alias"]

    def build():
        student = state.student_of(course, alias_)
        grade = service.current_grades(state.gradebook, course.lab, course.assignment)[student]
        stored = {
            i.id: grading.stored_grade(state.gradebook, course.assignment, student, i.id)
            for i in course.lab.rubric.items
        }
        return {"course": course, "alias": alias_, "grade": grade, "stored": stored}

    return state.page(request, "student.html", session, **await run_in_threadpool(build))


async def override(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    alias_ = request.path_params["alias"]
    item_id = str(form.get("item") or "")
    the_item = next((i for i in course.lab.rubric.items if i.id == item_id), None)
    if the_item is None:
        raise GraderError(f"{course.assignment} has no item {item_id!r}.")
    try:
        points = float(str(form.get("points") or "").replace(",", "."))
        expected = int(str(form.get("version") or 0))
    except ValueError:
        raise GraderError("The points must be a number.") from None

    def work():
        student = state.student_of(course, alias_)
        grading.override(
            state.gradebook,
            course.lab,
            course.assignment,
            the_item,
            student,
            points,
            str(form.get("reason") or ""),
            session.user,
            expected,
            state.lang,
        )

    await run_in_threadpool(work)
    return state.redirect("a", course.assignment, "s", alias_)


async def release(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    if state.out_dir is None:
        raise GraderError("this server was started without --out, so there is no folder to release into.")
    out_dir = await run_in_threadpool(state.release_dir, course.assignment)

    def work():
        done = service.release(
            state.gradebook, course.lab, out_dir, state.lang, course.assignment, {"released_by": session.user.name}
        )
        with state.gradebook.writing() as conn:
            audit.log(
                conn,
                session.user.name,
                "release",
                assignment=course.assignment,
                after={"reports": done.reports, "awaiting": len(done.awaiting), "out": str(out_dir)},
            )
        return done

    done = await run_in_threadpool(work)
    return state.page(request, "released.html", session, course=course, done=done)


async def criteria_page(state: Pages, request: Request, session: Session) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    item = state.item(course, request.path_params["item"])
    rubric = await run_in_threadpool(item_rubric, state.gradebook, course.assignment, item)
    return state.page(request, "criteria.html", session, course=course, item=item, rubric=rubric, preview=None)


async def criteria_post(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    item = state.item(course, request.path_params["item"])
    criteria = parse_criteria(form)
    scoring = str(form.get("scoring") or "") or None
    expected = int(str(form.get("version") or 0))
    if form.get("apply") == "1":
        await run_in_threadpool(
            grading.edit_criteria,
            state.gradebook,
            course.lab,
            course.assignment,
            item,
            criteria,
            session.user,
            expected,
            scoring,
            state.lang,
        )
        return state.redirect("a", course.assignment, item.id)
    rubric = await run_in_threadpool(item_rubric, state.gradebook, course.assignment, item)
    preview = await run_in_threadpool(grading.preview_edit, state.gradebook, course.assignment, item, criteria, scoring)
    proposed = edited(rubric, criteria, scoring)
    return state.page(
        request,
        "criteria.html",
        session,
        course=course,
        item=item,
        rubric=rubric,
        preview=preview,
        proposed=proposed,
    )


def parse_criteria(form: FormData) -> list[Criterion]:
    """The criteria rows of the edit form (``id``, ``points``, ``pl``, ``en`` lists; an empty id
    drops a row)."""
    rows = zip(form.getlist("id"), form.getlist("points"), form.getlist("pl"), form.getlist("en"), strict=False)
    criteria = []
    for criterion_id, points, pl, en in rows:
        criterion_id = str(criterion_id).strip()
        if not criterion_id:
            continue
        try:
            value = float(str(points).replace(",", "."))
        except ValueError:
            raise GraderError(f"criterion {criterion_id}: points {points!r} is not a number.") from None
        criteria.append(Criterion(criterion_id, value, Text(str(pl).strip(), str(en).strip() or str(pl).strip())))
    return criteria


async def assign(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    """Split an item's answers still to grade among the graders ticked (each gets its share first)."""
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course = state.course(request.path_params["assignment"])
    item = state.item(course, request.path_params["item"])
    graders = [str(g) for g in form.getlist("grader")]
    await run_in_threadpool(grading.assign_graders, course.answers, item, graders, session.user)
    return state.redirect("a", course.assignment, item.id, "")

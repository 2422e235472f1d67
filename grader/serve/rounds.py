"""The pages that grade more than one answer at a time: groups of similar answers (one grade
given to a group, with per-answer exclusion, each grade logged "via group") and calibration
rounds (every grader scores the same few answers blind before the class)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..answer_groups import group_answers
from ..errors import GradingConflict
from ..manual import calibration, grading
from ..manual.accounts import Session
from ..manual.answers import TO_GRADE
from ..manual.criteria import item_rubric
from . import views
from .base import Pages

GROUP_THRESHOLD = 0.6


def _place(state: Pages, request: Request):
    course = state.course(request.path_params["assignment"])
    return course, state.item(course, request.path_params["item"])


async def groups_page(state: Pages, request: Request, session: Session) -> Response:
    course, item = _place(state, request)

    def build():
        rubric = item_rubric(state.gradebook, course.assignment, item)
        answers = [v for v in course.answers.answers(item, rubric.version) if v.state in TO_GRADE and v.answer.strip()]
        by_student = {v.student: v for v in answers}
        template = views.question_text(course.lab, item)
        groups = group_answers({v.student: v.answer for v in answers}, template=template, threshold=GROUP_THRESHOLD)
        shown = [(group, by_student[group.representative], [by_student[s] for s in group.members]) for group in groups]
        return {
            "course": course,
            "item": item,
            "rubric": rubric,
            "groups": shown,
            "ungrouped": len(answers) - sum(len(g.members) for g in groups),
        }

    return state.page(request, "groups.html", session, **await run_in_threadpool(build))


async def grade_group(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    course, item = _place(state, request)
    members = {str(a) for a in form.getlist("member")}
    criteria = [str(c) for c in form.getlist("criterion")]
    comment = str(form.get("comment") or "")
    group_id = str(form.get("group") or "")

    def work():
        rubric = item_rubric(state.gradebook, course.assignment, item)
        saved, conflicts = [], []
        for view in course.answers.answers(item, rubric.version):
            if view.alias not in members:
                continue
            try:
                grading.save_grade(
                    state.gradebook,
                    course.lab,
                    course.assignment,
                    item,
                    view,
                    session.user,
                    criteria,
                    0.0,
                    comment,
                    view.grade.version if view.grade else 0,
                    via=f"group:{group_id}",
                    lang=state.lang,
                )
                saved.append(view.alias)
            except GradingConflict:
                conflicts.append(view.alias)
        return saved, conflicts

    saved, conflicts = await run_in_threadpool(work)
    return state.page(request, "group_saved.html", session, course=course, item=item, saved=saved, conflicts=conflicts)


async def calibration_page(state: Pages, request: Request, session: Session) -> Response:
    course, item = _place(state, request)

    def build():
        rubric = item_rubric(state.gradebook, course.assignment, item)
        answers = course.answers.answers(item, rubric.version)
        picked = set(calibration.chosen(state.gradebook, course.assignment, item.id))
        mine = set(calibration.still_to_calibrate(state.gradebook, course.assignment, item.id, session.user.name))
        return {
            "course": course,
            "item": item,
            "answers": [v for v in answers if v.answer.strip()],
            "picked": picked,
            "pending": [v for v in answers if v.student in mine],
            "agreement": calibration.agreement(state.gradebook, course.assignment, item.id)
            if session.user.is_instructor
            else None,
            "aliases": {v.student: v.alias for v in answers},
        }

    return state.page(request, "calibration.html", session, **await run_in_threadpool(build))


async def choose(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    if not session.user.is_instructor:
        return state.forbidden(request, session)
    course, item = _place(state, request)
    aliases = {str(a) for a in form.getlist("member")}

    def work():
        rubric = item_rubric(state.gradebook, course.assignment, item)
        students = [v.student for v in course.answers.answers(item, rubric.version) if v.alias in aliases]
        calibration.choose(state.gradebook, course.assignment, item.id, students, session.user)

    await run_in_threadpool(work)
    return state.redirect("a", course.assignment, item.id, "calibration")


async def calibrate_answer(state: Pages, request: Request, session: Session) -> Response:
    course, item = _place(state, request)
    alias = request.path_params["alias"]

    def build():
        context = state.answer_context(course, item, alias, session.user)
        # blind: neither the stored grade, nor its history, nor the usage counts
        view = context["view"]
        if view.student not in calibration.chosen(state.gradebook, course.assignment, item.id):
            raise HTTPException(404, "this answer is not in the calibration round")
        return {**context, "history": [], "usage": {}, "comments": [], "diff": []}

    return state.page(request, "calibrate.html", session, **await run_in_threadpool(build))


async def save_calibration(state: Pages, request: Request, session: Session, form: FormData) -> Response:
    course, item = _place(state, request)
    alias = request.path_params["alias"]
    criteria = [str(c) for c in form.getlist("criterion")]

    def work():
        view = state.answer(course, item, alias)
        calibration.grade_blind(state.gradebook, course.assignment, item, view.student, session.user, criteria)
        left = calibration.still_to_calibrate(state.gradebook, course.assignment, item.id, session.user.name)
        if not left:
            return None
        rubric = item_rubric(state.gradebook, course.assignment, item)
        return next(v.alias for v in course.answers.answers(item, rubric.version) if v.student == left[0])

    following = await run_in_threadpool(work)
    if following is None:
        return state.redirect("a", course.assignment, item.id, "calibration")
    return state.redirect("a", course.assignment, item.id, "calibration", following)

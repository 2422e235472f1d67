"""Writing a person's grades: every write checks the version it was based on (optimistic
concurrency), leaves an audit row in the same transaction, and re-scores the student.

* :func:`save_grade`: a grader's points for one answer (criteria applied + an adjustment that needs
  a comment). ``expected_version`` is the version the grader saw (0: none yet); if the stored grade
  moved on meanwhile nothing is written and :class:`~grader.errors.GradingConflict` carries the
  grade now stored, for the conflict screen.
* :func:`next_answer`: the next answer to grade, claimed softly for ``CLAIM_TIME`` so two graders
  on one item are given different answers; a claim only steers "next", it locks nothing.
* :func:`override`: an instructor's points for any item (a regrade request), with a reason.
* :func:`set_flag`, :func:`confirm_auto_zero`, :func:`edit_criteria`, :func:`reveal`.

Manual scores live in the gradebook's ``manual_scores``: a batch never touches them, so they
survive every regrade; an answer whose text changed shows as ``needs-review``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import service
from ..errors import GradingConflict, ManualScoreError
from ..gradebook import Gradebook, lock_key
from ..labs import Lab
from ..rubric import Item
from ..tables import OVERRIDE, PART, claims_table, flags_table, manual_scores_table
from . import audit
from .accounts import User
from .answers import AUTO_ZERO, TO_GRADE, AnswerView, ClassAnswers, ManualGrade, grade_from_row
from .criteria import Criterion, ItemRubric, Preview, edited, item_rubric, preview, save

CLAIM_TIME = timedelta(minutes=10)
ASSIGNMENT_TIME = timedelta(days=14)  # an instructor's assignment of answers to a grader
COMMENT_LIMIT = 5000


def _key(assignment: str, student: str, item_id: str):
    t = manual_scores_table
    return and_(t.c.assignment == assignment, t.c.student == student, t.c.item_id == item_id)


def stored_grade(gradebook: Gradebook, assignment: str, student: str, item_id: str) -> ManualGrade | None:
    with gradebook.reading() as conn:
        row = conn.execute(select(manual_scores_table).where(_key(assignment, student, item_id))).first()
    return grade_from_row(row) if row else None


def _write_versioned(
    gradebook: Gradebook,
    assignment: str,
    student: str,
    item_id: str,
    values: dict,
    expected_version: int,
    actor: str,
    action: str,
    reason: str,
    via: str = "",
    answer: str | None = None,
) -> ManualGrade:
    """Insert (``expected_version`` 0) or update the grade iff its version is still the expected
    one, with the audit row, in one transaction. Raises GradingConflict otherwise. ``answer``:
    the text graded, kept in the audit row (what a later change of the answer is diffed against)."""
    t = manual_scores_table
    key = _key(assignment, student, item_id)
    try:
        with gradebook.writing() as conn:
            lock_key(conn, "manual_scores", assignment, student, item_id)
            row = conn.execute(select(t).where(key)).first()
            before = grade_from_row(row) if row else None
            if (before.version if before else 0) != expected_version:
                raise GradingConflict(_conflict_message(before), before)
            if before is None:
                conn.execute(
                    insert(t).values(assignment=assignment, student=student, item_id=item_id, version=1, **values)
                )
            else:
                # the version in the WHERE makes the check and the write one step on every database
                changed = conn.execute(
                    update(t)
                    .where(and_(key, t.c.version == expected_version))
                    .values(version=expected_version + 1, **values)
                )
                if changed.rowcount != 1:
                    raise GradingConflict(_conflict_message(before), before)
            after_row = conn.execute(select(t).where(key)).one()
            after = grade_from_row(after_row)
            audit.log(
                conn,
                actor,
                action,
                assignment=assignment,
                student=student,
                item_id=item_id,
                before=before.as_dict() if before else None,
                after=after.as_dict() | ({"answer": answer} if answer is not None else {}),
                reason=reason,
                via=via,
            )
            conn.execute(
                delete(claims_table).where(
                    and_(
                        claims_table.c.assignment == assignment,
                        claims_table.c.item_id == item_id,
                        claims_table.c.student == student,
                    )
                )
            )
    except IntegrityError:  # another writer inserted the first grade between our read and insert
        current = stored_grade(gradebook, assignment, student, item_id)
        raise GradingConflict(_conflict_message(current), current) from None
    return after


def _conflict_message(current: ManualGrade | None) -> str:
    if current is None:
        return "the grade you started from was removed meanwhile. Fix: open the answer again."
    return (
        f"{current.graded_by or 'someone'} saved this answer ({current.points:g} points) at {current.updated_at} "
        f"since you opened it. Fix: keep theirs, or save yours again over it."
    )


def save_grade(
    gradebook: Gradebook,
    lab: Lab,
    assignment: str,
    item: Item,
    view: AnswerView,
    grader: User,
    criteria: Sequence[str],
    adjustment: float,
    comment: str,
    expected_version: int,
    *,
    via: str = "",
    lang: str = "pl",
) -> ManualGrade:
    """Save ``grader``'s grade of ``view`` (the answer as they saw it) and re-score the student."""
    rubric = item_rubric(gradebook, assignment, item)
    known = {c.id for c in rubric.criteria}
    unknown = [c for c in criteria if c not in known]
    if unknown:
        raise ManualScoreError(f"item {item.id} has no criterion {', '.join(unknown)}. Fix: reload the page.")
    if not criteria and adjustment == 0:
        raise ManualScoreError(f"item {item.id}: apply at least one criterion (or an adjustment with a comment).")
    if adjustment and not comment.strip():
        raise ManualScoreError(f"item {item.id}: a point adjustment needs a comment saying why.")
    if abs(adjustment) > rubric.share:
        raise ManualScoreError(f"item {item.id}: an adjustment is at most ±{rubric.share:g} points.")
    if len(comment) > COMMENT_LIMIT:
        raise ManualScoreError(f"item {item.id}: a comment is at most {COMMENT_LIMIT} characters.")
    values = {
        "points": rubric.points(criteria, adjustment),
        "comment": comment.strip(),
        "updated_at": audit.now(),
        "kind": PART,
        "graded_by": grader.name,
        "criteria_json": json.dumps(sorted(set(criteria))),
        "adjustment": float(adjustment),
        "answer_sha256": view.answer_sha256,
        "rubric_version": rubric.version,
        "via": via,
    }
    saved = _write_versioned(
        gradebook,
        assignment,
        view.student,
        item.id,
        values,
        expected_version,
        grader.name,
        "grade.save",
        comment,
        via,
        answer=view.answer,
    )
    service.rescore(gradebook, lab, view.student, lang, assignment)
    return saved


def override(
    gradebook: Gradebook,
    lab: Lab,
    assignment: str,
    item: Item,
    student: str,
    points: float,
    reason: str,
    instructor: User,
    expected_version: int,
    lang: str = "pl",
) -> ManualGrade:
    """An instructor's points for ``item`` of ``student`` in place of its computed ones (a regrade
    request): ``reason`` is required and shown in the audit log."""
    if not instructor.is_instructor:
        raise ManualScoreError("only an instructor overrides an item's points.")
    if not reason.strip():
        raise ManualScoreError(f"item {item.id}: an override needs a reason (e.g. the regrade request).")
    if not 0 <= points <= item.points:
        raise ManualScoreError(f"item {item.id}: {points:g} is outside 0..{item.points:g}.")
    values = {
        "points": float(points),
        "comment": reason.strip(),
        "updated_at": audit.now(),
        "kind": OVERRIDE,
        "graded_by": instructor.name,
        "criteria_json": "[]",
        "adjustment": 0.0,
        "answer_sha256": "",
        "rubric_version": 0,
        "via": "override",
    }
    saved = _write_versioned(
        gradebook, assignment, student, item.id, values, expected_version, instructor.name, "grade.override", reason
    )
    service.rescore(gradebook, lab, student, lang, assignment)
    return saved


def next_answer(
    answers: ClassAnswers, item: Item, grader: User, after: int = 0, skip: Iterable[str] = ()
) -> AnswerView | None:
    """The next answer for ``grader`` to grade after position ``after`` (wrapping round): one to
    grade, not claimed by another grader, not in ``skip``; those assigned to ``grader`` first
    (PrairieLearn's rule); claimed for ``grader``."""
    gradebook, assignment = answers.gradebook, answers.assignment
    version = item_rubric(gradebook, assignment, item).version
    views = answers.answers(item, version)
    claims = live_claims(gradebook, assignment, item.id)
    skipped = set(skip)
    candidates = [
        v
        for v in views
        if v.state in TO_GRADE and claims.get(v.student, grader.name) == grader.name and v.student not in skipped
    ]
    candidates.sort(key=lambda v: (v.student not in claims, v.position <= after, v.position))
    for view in candidates:
        if _claim(gradebook, assignment, item.id, view.student, grader.name):
            return view
    return None


def live_claims(gradebook: Gradebook, assignment: str, item_id: str) -> dict[str, str]:
    """student -> the grader holding a live claim on their answer to ``item_id``."""
    t = claims_table
    query = select(t.c.student, t.c.grader).where(
        and_(t.c.assignment == assignment, t.c.item_id == item_id, t.c.until > audit.now())
    )
    with gradebook.reading() as conn:
        return {row.student: row.grader for row in conn.execute(query)}


def _claim(gradebook: Gradebook, assignment: str, item_id: str, student: str, grader: str, lasting=CLAIM_TIME) -> bool:
    """Claim the answer for ``grader`` until ``lasting`` from now (an own longer claim, an
    assignment, is kept); False when another grader holds a live claim on it."""
    t = claims_table
    now = audit.now()
    until = audit.timestamp(datetime.now(UTC) + lasting)
    key = and_(t.c.assignment == assignment, t.c.item_id == item_id, t.c.student == student)
    try:
        with gradebook.writing() as conn:
            lock_key(conn, "claims", assignment, item_id, student)
            row = conn.execute(select(t.c.grader, t.c.until).where(key)).first()
            if row is None:
                conn.execute(
                    insert(t).values(
                        assignment=assignment, item_id=item_id, student=student, grader=grader, until=until
                    )
                )
            elif row.grader == grader or row.until <= now:
                later = max(until, row.until) if row.grader == grader else until
                conn.execute(update(t).where(key).values(grader=grader, until=later))
            else:
                return False  # someone else's live claim
            return True
    except IntegrityError:  # claimed by another grader in the same instant
        return False


def assign_graders(
    answers: ClassAnswers, item: Item, graders: Sequence[str], instructor: User, lasting: timedelta = ASSIGNMENT_TIME
) -> dict[str, int]:
    """Split ``item``'s answers still to grade, and not held by someone, among ``graders`` in
    turn (in the item's pseudo-random order, so each gets a fair sample): each assigned answer is
    a claim lasting ``lasting``, which "next" gives its grader first and nobody else. Returns how
    many each grader got."""
    if not instructor.is_instructor:
        raise ManualScoreError("only an instructor assigns graders.")
    names = sorted(set(graders))
    if not names:
        raise ManualScoreError(f"item {item.id}: choose at least one grader.")
    gradebook, assignment = answers.gradebook, answers.assignment
    views = answers.answers(item, item_rubric(gradebook, assignment, item).version)
    claims = live_claims(gradebook, assignment, item.id)
    free = [v for v in views if v.state in TO_GRADE and v.student not in claims]
    given = dict.fromkeys(names, 0)
    for n, view in enumerate(free):
        name = names[n % len(names)]
        if _claim(gradebook, assignment, item.id, view.student, name, lasting):
            given[name] += 1
    with gradebook.writing() as conn:
        audit.log(conn, instructor.name, "answers.assign", assignment=assignment, item_id=item.id, after=given)
    return given


def set_flag(gradebook: Gradebook, assignment: str, item_id: str, student: str, by: User, note: str, on: bool) -> None:
    """Flag an answer for a second look (``on``), or clear the flag; audited."""
    t = flags_table
    key = and_(t.c.assignment == assignment, t.c.student == student, t.c.item_id == item_id)
    with gradebook.writing() as conn:
        lock_key(conn, "flags", assignment, student, item_id)
        existed = conn.execute(select(t.c.note).where(key)).first()
        conn.execute(delete(t).where(key))
        if on:
            conn.execute(
                insert(t).values(
                    assignment=assignment,
                    student=student,
                    item_id=item_id,
                    flagged_by=by.name,
                    note=note.strip(),
                    at=audit.now(),
                )
            )
        audit.log(
            conn,
            by.name,
            "answer.flag" if on else "answer.unflag",
            assignment=assignment,
            student=student,
            item_id=item_id,
            before={"note": existed.note} if existed else None,
            after={"note": note.strip()} if on else None,
            reason=note.strip(),
        )


def confirm_auto_zero(answers: ClassAnswers, item: Item, by: User) -> int:
    """Record that a person saw every ``auto-0`` answer of ``item`` (empty or a placeholder): each
    gets a grade of 0 by ``by``, so it counts as graded. Returns how many."""
    rubric = item_rubric(answers.gradebook, answers.assignment, item)
    count = 0
    for view in answers.answers(item, rubric.version):
        if view.state != AUTO_ZERO:
            continue
        values = {
            "points": 0.0,
            "comment": "",
            "updated_at": audit.now(),
            "kind": PART,
            "graded_by": by.name,
            "criteria_json": "[]",
            "adjustment": 0.0,
            "answer_sha256": view.answer_sha256,
            "rubric_version": rubric.version,
            "via": "auto-0",
        }
        try:
            _write_versioned(
                answers.gradebook,
                answers.assignment,
                view.student,
                item.id,
                values,
                0,
                by.name,
                "grade.save",
                "",
                "auto-0",
            )
            count += 1
        except GradingConflict:
            continue  # graded by someone meanwhile: theirs stands
    return count


def graded_parts(
    gradebook: Gradebook, assignment: str, item_id: str
) -> dict[str, tuple[tuple[str, ...], float, float]]:
    """student -> (criteria, adjustment, points) of the item's graders' grades (not overrides)."""
    t = manual_scores_table
    query = select(t).where(
        and_(t.c.assignment == assignment, t.c.item_id == item_id, t.c.kind == PART, t.c.via != "auto-0")
    )
    with gradebook.reading() as conn:
        rows = conn.execute(query).all()
    return {row.student: (tuple(json.loads(row.criteria_json)), row.adjustment, row.points) for row in rows}


def preview_edit(
    gradebook: Gradebook, assignment: str, item: Item, criteria: Sequence[Criterion], scoring: str | None = None
) -> Preview:
    """What :func:`edit_criteria` would change, nothing written."""
    old = item_rubric(gradebook, assignment, item)
    return preview(old, edited(old, criteria, scoring), graded_parts(gradebook, assignment, item.id))


def edit_criteria(
    gradebook: Gradebook,
    lab: Lab,
    assignment: str,
    item: Item,
    criteria: Sequence[Criterion],
    instructor: User,
    expected_version: int,
    scoring: str | None = None,
    lang: str = "pl",
) -> Preview:
    """Replace ``item``'s criteria (an instructor's edit) and re-score every grade that used them:
    a grade whose points change keeps its old rubric version (so it shows as ``needs-review``),
    one that does not is brought to the new version. Returns what changed."""
    if not instructor.is_instructor:
        raise ManualScoreError("only an instructor edits criteria.")
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids) or not ids:
        raise ManualScoreError(f"item {item.id}: criteria need distinct ids, and at least one.")
    old = item_rubric(gradebook, assignment, item)
    if old.version != expected_version:
        raise GradingConflict(
            f"item {item.id}'s criteria were edited meanwhile (version {old.version}). Fix: reload and edit again."
        )
    new = edited(old, criteria, scoring)
    parts = graded_parts(gradebook, assignment, item.id)
    result = preview(old, new, parts)
    changed = {student for student, _before, _after in result.changes}
    t = manual_scores_table
    with gradebook.writing() as conn:
        lock_key(conn, "item_rubrics", assignment, item.id)
        save(conn, assignment, new)
        audit.log(
            conn,
            instructor.name,
            "criteria.edit",
            assignment=assignment,
            item_id=item.id,
            before=_rubric_dict(old),
            after=_rubric_dict(new),
        )
        for student, (applied, adjustment, points) in parts.items():
            key = and_(_key(assignment, student, item.id), t.c.kind == PART)
            if student in changed:
                after = new.points(applied, adjustment)
                conn.execute(update(t).where(key).values(points=after, version=t.c.version + 1))
                audit.log(
                    conn,
                    instructor.name,
                    "grade.recompute",
                    assignment=assignment,
                    student=student,
                    item_id=item.id,
                    before={"points": points},
                    after={"points": after},
                    reason=f"criteria edited (version {new.version})",
                )
            else:
                conn.execute(update(t).where(key).values(rubric_version=new.version))
    for student in sorted(changed):
        service.rescore(gradebook, lab, student, lang, assignment)
    return result


def _rubric_dict(rubric: ItemRubric) -> dict:
    return {
        "version": rubric.version,
        "scoring": rubric.scoring,
        "criteria": [{"id": c.id, "points": c.points, "pl": c.text.pl, "en": c.text.en} for c in rubric.criteria],
    }


def answer_diff(gradebook: Gradebook, assignment: str, student: str, item_id: str, now: str) -> list[str]:
    """How the answer ``now`` differs from the one last graded (a unified diff, line by line;
    empty when it is the same or no graded text is on record): what a ``needs-review`` answer
    shows, so the grader sees what changed instead of reading it all again."""
    saves = audit.entries(gradebook, assignment=assignment, student=student, item_id=item_id, action="grade.save")
    graded = next((e.after["answer"] for e in reversed(saves) if e.after and "answer" in e.after), None)
    if graded is None or graded == now:
        return []
    lines = difflib.unified_diff(graded.splitlines(), now.splitlines(), "graded", "now", lineterm="", n=1)
    return list(lines)[2:]  # without the ---/+++ header


def reveal(gradebook: Gradebook, assignment: str, item_id: str, student: str, instructor: User) -> None:
    """Log that an instructor saw who wrote an answer (graders see aliases)."""
    if not instructor.is_instructor:
        raise ManualScoreError("only an instructor reveals who wrote an answer.")
    with gradebook.writing() as conn:
        audit.log(conn, instructor.name, "identity.reveal", assignment=assignment, student=student, item_id=item_id)

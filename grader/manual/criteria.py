"""An item's criteria (rubric lines a person applies to an answer) and the points they give.

Declared in the rubric YAML (``criteria:`` of an item, docs/rubrics.md), copied into the
gradebook on first use, then edited there by instructors: the copy is what every grade of the
assignment uses, and each edit bumps the item's rubric version. An item without declared
criteria gets three: full, half and no credit.

Points: ``positive`` scoring starts an answer at 0 and adds the applied criteria; ``negative``
starts at the person's share of the item and takes off. Either way, plus the adjustment,
clamped to [0, share]. Editing a criterion's points changes every grade that applied it
(PrairieLearn's rule); :func:`preview` says how many before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import and_, delete, insert, select, update

from ..gradebook import Gradebook, lock_key
from ..i18n import Text
from ..outcomes import Feedback
from ..rubric import Item
from ..tables import criteria_table, item_rubrics_table, manual_scores_table
from . import audit

ROUND = 6


@dataclass(frozen=True)
class Criterion:
    id: str
    points: float
    text: Text


@dataclass(frozen=True)
class ItemRubric:
    """What a person applies to one item's answers: ``share`` is the item's points a person gives."""

    item_id: str
    share: float
    scoring: str
    criteria: tuple[Criterion, ...]
    version: int

    def points(self, applied: Iterable[str], adjustment: float = 0.0) -> float:
        """The answer's points with ``applied`` criteria (ids; unknown ones count nothing)."""
        chosen = set(applied)
        start = self.share if self.scoring == "negative" else 0.0
        total = start + sum(c.points for c in self.criteria if c.id in chosen) + adjustment
        return round(min(max(total, 0.0), self.share), ROUND)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


def share(item: Item) -> float:
    """The points of ``item`` a person gives: all of a prose item, the manual part of a code item."""
    return item.points if item.kind == "prose" else item.manual_points


def declared(item: Item) -> ItemRubric:
    """The item's criteria as the rubric YAML declares them (or full / half / none)."""
    points = share(item)
    if item.criteria:
        criteria = tuple(Criterion(c.id, c.points, c.text.text()) for c in item.criteria)
    else:
        criteria = (
            Criterion("full", points, Text("Pełna odpowiedź", "Full credit")),
            Criterion("half", round(points / 2, ROUND), Text("Odpowiedź częściowa", "Partial credit")),
            Criterion("none", 0.0, Text("Brak punktów", "No credit")),
        )
    return ItemRubric(item.id, points, item.scoring, criteria, 1)


def item_rubric(gradebook: Gradebook, assignment: str, item: Item) -> ItemRubric:
    """The item's criteria for ``assignment`` as instructors left them (the declared ones until
    someone edits them; first use writes them to the gradebook)."""
    saved = _load(gradebook, assignment, item)
    if saved is not None:
        return saved
    rubric = declared(item)
    with gradebook.writing() as conn:
        lock_key(conn, "item_rubrics", assignment, item.id)
        exists = conn.execute(
            select(item_rubrics_table.c.version).where(
                and_(item_rubrics_table.c.assignment == assignment, item_rubrics_table.c.item_id == item.id)
            )
        ).first()
        if exists is None:  # another request may have seeded it meanwhile
            _write(conn, assignment, rubric)
    return _load(gradebook, assignment, item) or rubric


def _load(gradebook: Gradebook, assignment: str, item: Item) -> ItemRubric | None:
    r, c = item_rubrics_table, criteria_table
    with gradebook.reading() as conn:
        head = conn.execute(select(r).where(and_(r.c.assignment == assignment, r.c.item_id == item.id))).first()
        if head is None:
            return None
        rows = conn.execute(
            select(c)
            .where(and_(c.c.assignment == assignment, c.c.item_id == item.id, c.c.deleted.is_(False)))
            .order_by(c.c.position, c.c.criterion_id)
        ).all()
    criteria = tuple(Criterion(row.criterion_id, row.points, Text(row.text_pl, row.text_en)) for row in rows)
    return ItemRubric(item.id, share(item), head.scoring, criteria, head.version)


def _write(conn, assignment: str, rubric: ItemRubric) -> None:
    r, c = item_rubrics_table, criteria_table
    conn.execute(delete(r).where(and_(r.c.assignment == assignment, r.c.item_id == rubric.item_id)))
    conn.execute(
        insert(r).values(
            assignment=assignment,
            item_id=rubric.item_id,
            version=rubric.version,
            scoring=rubric.scoring,
            updated_at=audit.now(),
        )
    )
    live = {criterion.id for criterion in rubric.criteria}
    existing = {
        row.criterion_id
        for row in conn.execute(
            select(c.c.criterion_id).where(and_(c.c.assignment == assignment, c.c.item_id == rubric.item_id))
        )
    }
    for position, criterion in enumerate(rubric.criteria):
        values = {
            "position": position,
            "points": criterion.points,
            "text_pl": criterion.text.pl,
            "text_en": criterion.text.en,
            "deleted": False,
        }
        if criterion.id in existing:
            conn.execute(
                update(c)
                .where(
                    and_(c.c.assignment == assignment, c.c.item_id == rubric.item_id, c.c.criterion_id == criterion.id)
                )
                .values(**values)
            )
        else:
            conn.execute(
                insert(c).values(assignment=assignment, item_id=rubric.item_id, criterion_id=criterion.id, **values)
            )
    # a removed criterion is kept (soft-deleted): old grades and the audit log still name it
    for gone in existing - live:
        conn.execute(
            update(c)
            .where(and_(c.c.assignment == assignment, c.c.item_id == rubric.item_id, c.c.criterion_id == gone))
            .values(deleted=True)
        )


@dataclass(frozen=True)
class Preview:
    """What an edit would change: graded answers whose points change, students whose totals change."""

    answers_changed: int
    students_changed: int
    changes: tuple[tuple[str, float, float], ...]  # (student, points before, points after)


def preview(old: ItemRubric, new: ItemRubric, grades: Mapping[str, tuple[tuple[str, ...], float, float]]) -> Preview:
    """``grades``: student -> (criteria applied, adjustment, points now) of the item's graded answers.

    A student's total changes exactly when this item's points do (the other items stay as they
    are), so the two counts differ only for answers whose points were overridden."""
    changes = []
    for student, (applied, adjustment, now_points) in sorted(grades.items()):
        after = new.points(applied, adjustment)
        if abs(after - old.points(applied, adjustment)) > 10**-ROUND:
            changes.append((student, now_points, after))
    changed = tuple(changes)
    return Preview(len(changed), len({s for s, before, after in changed if abs(before - after) > 10**-ROUND}), changed)


def edited(rubric: ItemRubric, criteria: Iterable[Criterion], scoring: str | None = None) -> ItemRubric:
    """``rubric`` with new criteria (and scoring), one version later."""
    return replace(rubric, criteria=tuple(criteria), scoring=scoring or rubric.scoring, version=rubric.version + 1)


def save(conn, assignment: str, rubric: ItemRubric) -> None:
    """Write ``rubric`` (an :func:`edited` one) on the caller's transaction."""
    _write(conn, assignment, rubric)


def feedback_for(gradebook: Gradebook, assignment: str, items: Iterable[Item], student: str) -> dict[str, Feedback]:
    """What people told ``student`` about each item (criteria applied with their texts, comment):
    what the report and the exports show beside the points. Reads only."""
    t = manual_scores_table
    with gradebook.reading() as conn:
        rows = conn.execute(select(t).where(and_(t.c.assignment == assignment, t.c.student == student))).all()
    by_id = {item.id: item for item in items}
    found = {}
    for row in rows:
        item = by_id.get(row.item_id)
        if item is None:
            continue
        applied = set(json.loads(row.criteria_json))
        rubric = _load(gradebook, assignment, item) or declared(item) if applied else None
        criteria = tuple((c.id, c.points, c.text) for c in rubric.criteria if c.id in applied) if rubric else ()
        if criteria or row.comment:
            found[row.item_id] = Feedback(criteria, row.comment, row.adjustment)
    return found

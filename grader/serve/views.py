"""What the pages show, computed from the gradebook's records (pure functions, no HTTP): an
item's progress and ETA, per-grader statistics, the question's text, related code checks."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..labs import Lab
from ..manual.answers import AUTO_ZERO, FLAGGED, GRADED, NEEDS_REVIEW, UNGRADED, AnswerView
from ..manual.audit import Entry
from ..outcomes import SubmissionResult
from ..rubric import Item

# a gap longer than this between two saves is a break, not grading time
BREAK = 600.0


@dataclass(frozen=True)
class Progress:
    total: int
    graded: int
    ungraded: int
    needs_review: int
    flagged: int
    auto_zero: int
    conflicts: int
    eta_seconds: float | None

    @property
    def done(self) -> int:
        return self.graded + self.auto_zero

    @property
    def eta(self) -> str:
        if self.eta_seconds is None:
            return "unknown yet"
        minutes = round(self.eta_seconds / 60)
        return "under a minute" if minutes < 1 else f"about {minutes} min"


def progress(answers: Sequence[AnswerView], saves: Iterable[Entry], conflicts: int) -> Progress:
    """``saves``: the item's audit rows of saved grades (for the pace), oldest first."""
    counts = {state: 0 for state in (GRADED, UNGRADED, NEEDS_REVIEW, FLAGGED, AUTO_ZERO)}
    for view in answers:
        counts[view.state] += 1
    left = counts[UNGRADED] + counts[NEEDS_REVIEW]
    pace = seconds_per_answer(saves)
    return Progress(
        len(answers),
        counts[GRADED],
        counts[UNGRADED],
        counts[NEEDS_REVIEW],
        counts[FLAGGED],
        counts[AUTO_ZERO],
        conflicts,
        None if pace is None else pace * left,
    )


def seconds_per_answer(saves: Iterable[Entry]) -> float | None:
    """The median time between one grader's consecutive saves, breaks left out."""
    last: dict[str, datetime] = {}
    gaps = []
    for entry in saves:
        moment = datetime.fromisoformat(entry.at)
        if entry.actor in last:
            gap = (moment - last[entry.actor]).total_seconds()
            if 0 < gap <= BREAK:
                gaps.append(gap)
        last[entry.actor] = moment
    return statistics.median(gaps) if gaps else None


@dataclass(frozen=True)
class GraderStats:
    grader: str
    count: int
    mean: float
    class_mean: float
    first_half_mean: float
    second_half_mean: float

    @property
    def drift(self) -> float:
        """How the grader's mean moved from their first half of answers to their second."""
        return self.second_half_mean - self.first_half_mean


def grader_stats(answers: Sequence[AnswerView]) -> list[GraderStats]:
    """Per grader of one item: how many, their mean against the class's, and drift with position
    (the mean of their later half of grades minus their earlier half, in the order they graded)."""
    graded = [v for v in answers if v.grade is not None and v.grade.graded_by and v.grade.via != "auto-0"]
    if not graded:
        return []
    class_mean = statistics.fmean(v.grade.points for v in graded if v.grade)
    by_grader: dict[str, list[AnswerView]] = {}
    for view in graded:
        assert view.grade is not None
        by_grader.setdefault(view.grade.graded_by, []).append(view)
    stats = []
    for grader, views in sorted(by_grader.items()):
        points = [v.grade.points for v in sorted(views, key=lambda v: v.grade.updated_at if v.grade else "") if v.grade]
        half = max(1, len(points) // 2)
        stats.append(
            GraderStats(
                grader,
                len(points),
                statistics.fmean(points),
                class_mean,
                statistics.fmean(points[:half]),
                statistics.fmean(points[half:] or points[:half]),
            )
        )
    return stats


def question_text(lab: Lab, item: Item) -> str:
    """The markdown of the template's section for ``item`` (what the student was asked)."""
    span = lab.template_sections.get(item.section)
    if span is None:
        return ""
    cells = lab.template.cells[span.start : span.end]
    return "\n\n".join(c.source for c in cells if c.kind == "markdown")


@dataclass(frozen=True)
class Related:
    item_id: str
    title: str
    status: str
    checks: tuple[tuple[str, str], ...]  # (check id, status)


def related_checks(lab: Lab, item: Item, result: SubmissionResult, lang: str) -> list[Related]:
    """The item's own checks (a code item with a manual part) and the code items of the same task:
    what the student's code did, next to what they wrote about it."""
    task = item.section.split(".")[0]
    wanted = [i for i in lab.rubric.items if i.kind == "code" and (i.id == item.id or i.section.split(".")[0] == task)]
    by_id = {r.item_id: r for r in result.items}
    related = []
    for other in wanted:
        found = by_id.get(other.id)
        if found is None:
            continue
        related.append(
            Related(
                other.id,
                other.title.text()(lang),
                found.status.value,
                tuple((c.id, c.status.value) for c in found.checks),
            )
        )
    return related

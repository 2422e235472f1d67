"""score(): a pure function from verdicts and rubric to points."""

from __future__ import annotations

from grader.i18n import Text
from grader.outcomes import CheckResult, ItemResult, Outcome, SubmissionResult
from grader.rubric import Rubric
from grader.scoring import score

T = {"pl": "t", "en": "t"}
RUBRIC = Rubric.model_validate(
    {
        "schema_version": 1,
        "lab": "t",
        "title": T,
        "framework": "none",
        "template": "t.ipynb",
        "checks": "tests.test_scoring",
        "public_dir": ".",
        "total": 2.0,
        "sections": {"s": "x"},
        "items": [
            {
                "id": "code",
                "title": T,
                "kind": "code",
                "points": 1.0,
                "section": "s",
                "object": "f",
                "checks": [{"id": "check_a", "weight": 1}, {"id": "check_b", "weight": 3}],
            },
            {"id": "prose", "title": T, "kind": "prose", "points": 1.0, "section": "s"},
            {
                "id": "bonus",
                "title": T,
                "kind": "code",
                "points": 0.5,
                "section": "s",
                "object": "g",
                "bonus": True,
                "checks": [{"id": "check_a"}],
            },
        ],
    }
)


def _check(cid, status, weight):
    return CheckResult(cid, Text("t", "t"), status, weight)


def _result(code_checks, prose=Outcome.MANUAL, bonus=Outcome.PASSED):
    items = (
        ItemResult("code", Outcome.FAILED, tuple(code_checks)),
        ItemResult("prose", prose),
        ItemResult("bonus", bonus, (_check("check_a", bonus, 1),)),
    )
    return SubmissionResult("s", "s.ipynb", "h", items)


def test_partial_credit_by_weight_and_bonus_outside_max():
    g = score(_result([_check("check_a", Outcome.PASSED, 1), _check("check_b", Outcome.FAILED, 3)]), RUBRIC)
    code = g.items[0]
    assert (code.points, code.auto_points, code.auto_max, code.manual_max) == (0.25, 0.25, 1.0, 0.0)
    assert g.max == 2.0 and g.total == 0.25 + 0.5  # bonus adds, max does not grow


def test_grader_error_is_never_charged_its_share_awaits_the_instructor():
    g = score(_result([_check("check_a", Outcome.PASSED, 1), _check("check_b", Outcome.GRADER_ERROR, 3)]), RUBRIC)
    code = g.items[0]
    assert code.points == 0.25 and code.auto_max == 0.25 and code.manual_max == 0.75


def test_prose_awaits_manual_score_and_empty_answer_is_an_automatic_zero():
    waiting = score(_result([]), RUBRIC).items[1]
    assert (waiting.points, waiting.auto_max, waiting.manual_max) == (0.0, 0.0, 1.0)
    empty = score(_result([], prose=Outcome.MISSING), RUBRIC).items[1]
    assert (empty.points, empty.auto_max, empty.manual_max) == (0.0, 1.0, 0.0)


def test_manual_scores_override_and_are_clamped():
    g = score(
        _result([_check("check_a", Outcome.FAILED, 1), _check("check_b", Outcome.FAILED, 3)]),
        RUBRIC,
        manual={"prose": 0.75, "code": 5.0},
    )
    assert g.items[1].points == 0.75 and g.items[0].points == 1.0 and g.total == 2.25


def test_same_inputs_same_grade():
    r = _result([_check("check_a", Outcome.PASSED, 1), _check("check_b", Outcome.PASSED, 3)])
    assert score(r, RUBRIC) == score(r, RUBRIC)


def check_a(student):
    """Toy check a (referenced by the rubric above)."""


def check_b(student):
    """Toy check b."""


MIXED = Rubric.model_validate(
    {
        "schema_version": 1,
        "lab": "t",
        "title": T,
        "framework": "none",
        "template": "t.ipynb",
        "checks": "tests.test_scoring",
        "public_dir": ".",
        "total": 2.0,
        "sections": {"s": "x"},
        "items": [
            {
                "id": "mixed",
                "title": T,
                "kind": "code",
                "points": 2.0,
                "manual_points": 1.0,
                "section": "s",
                "target": "section",
                "checks": [{"id": "check_a", "weight": 1}, {"id": "check_b", "weight": 3}],
            }
        ],
    }
)


def _mixed(status, checks, answer=None):
    return SubmissionResult("s", "s.ipynb", "h", (ItemResult("mixed", status, tuple(checks), answer=answer),))


def test_an_item_with_a_manual_part_gets_only_the_rest_from_its_checks():
    g = score(
        _mixed(Outcome.FAILED, [_check("check_a", Outcome.PASSED, 1), _check("check_b", Outcome.FAILED, 3)]), MIXED
    )
    item = g.items[0]
    assert (item.points, item.auto_points, item.auto_max, item.manual_max) == (0.25, 0.25, 1.0, 1.0)
    scored = score(_mixed(Outcome.PASSED, [_check("check_a", Outcome.PASSED, 1)]), MIXED, manual={"mixed": 1.8}).items[
        0
    ]
    assert scored.points == 1.8  # the instructor's score is the item's (checks' part included)


def test_a_missing_item_with_a_manual_part_is_all_decided_unless_it_has_an_answer():
    unrun = [_check("check_a", Outcome.MISSING, 1), _check("check_b", Outcome.MISSING, 3)]
    nothing = score(_mixed(Outcome.MISSING, unrun), MIXED).items[0]
    assert (nothing.points, nothing.auto_max, nothing.manual_max) == (0.0, 2.0, 0.0)
    prose_only = score(_mixed(Outcome.MISSING, unrun, answer="Wnioski bez kodu."), MIXED).items[0]
    assert (prose_only.points, prose_only.auto_max, prose_only.manual_max) == (0.0, 1.0, 1.0)

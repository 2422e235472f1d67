"""Gradescope: results.json from synthetic grades against a JSON Schema of Gradescope's documented
format (tests/fixtures/gradescope_results.schema.json), the autograder zip, and one slow run of
``run_autograder`` against a temporary folder laid out like ``/autograder``."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader.course import Lateness
from grader.errors import ExportError
from grader.i18n import Text
from grader.labs import find_lab
from grader.lms import gradescope
from grader.lms.gradescope import (
    AWAITING,
    CRASHED,
    GRADER_ERROR_PART,
    NO_NOTEBOOK,
    SCORED_BY_PERSON,
    build_autograder,
    build_wheel,
    find_notebook,
    hidden_checks,
    main,
    manual_part,
    md_escape,
    results_json,
    run,
    write_results,
)
from grader.outcomes import CheckResult, Grade, ItemResult, Outcome, SubmissionResult, item_status
from grader.rubric import Rubric
from grader.scoring import score
from grader.settings import load_settings
from tests.factories import make_grade

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "gradescope_results.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SAMPLE = ROOT / "submissions" / "generative-tf" / "styl_sequential.ipynb"  # full marks (LOSES in build/samples.py)

RUBRIC = Rubric.model_validate(
    {
        "schema_version": 1,
        "lab": "t",
        "title": {"pl": "Laboratorium <b>*t*</b>", "en": "Lab <b>*t*</b>"},
        "framework": "none",
        "template": "t.ipynb",
        "checks": "tests.test_lms_gradescope",
        "public_dir": ".",
        "total": 4,
        "sections": {"1": r"^# 1", "2": r"^# 2", "3": r"^# 3"},
        "items": [
            {
                "id": "1.enc",
                "title": {"pl": "Koder", "en": "Encoder"},
                "kind": "code",
                "points": 2,
                "section": "1",
                "object": "encoder",
                "checks": [{"id": "check_shape", "weight": 1}, {"id": "check_secret", "weight": 3, "public": False}],
            },
            {"id": "1.q", "title": {"pl": "Pytanie", "en": "Question"}, "kind": "prose", "points": 1, "section": "1"},
            {
                "id": "2.plot",
                "title": {"pl": "Wykres", "en": "Plot"},
                "kind": "code",
                "points": 1,
                "section": "2",
                "object": "plot",
                "manual_points": 0.5,
                "checks": [{"id": "check_a"}, {"id": "check_b"}, {"id": "check_c"}],
            },
        ],
    }
)


def check(check_id: str, status: Outcome = Outcome.PASSED, public: bool = True, weight: float = 1.0, **extra):
    failed = status is not Outcome.PASSED
    return CheckResult(
        check_id,
        Text(f"tytuł {check_id}", f"title {check_id}"),
        status,
        weight,
        public,
        message=Text("Zły kształt", "Wrong shape") if failed else None,
        hint=Text("Sprawdź stride", "Check the stride") if failed else None,
        **extra,
    )


def graded(
    enc=(Outcome.PASSED, Outcome.PASSED),
    plot=(Outcome.PASSED, Outcome.PASSED, Outcome.PASSED),
    answer="Gładka przestrzeń.",
    manual=None,
    error=None,
    notices=(),
    file="s1.ipynb",
    enc_checks=None,
) -> Grade:
    """A grade of RUBRIC computed by the real score() from check verdicts."""
    enc_checks = enc_checks or (
        check("check_shape", enc[0], expected="(1, 2)", got="(2, 1)"),
        check("check_secret", enc[1], public=False, weight=3, expected="42", got="41"),
    )
    plot_checks = tuple(check(f"check_{c}", s) for c, s in zip("abc", plot))
    items = (
        ItemResult("1.enc", Outcome.PASSED, enc_checks),
        ItemResult("1.q", Outcome.MANUAL if answer else Outcome.MISSING, answer=answer),
        ItemResult("2.plot", Outcome.PASSED, plot_checks, answer="wnioski"),
    )
    items = tuple(
        ItemResult(i.item_id, _status(i), i.checks, i.message, answer=i.answer) if i.checks else i for i in items
    )
    result = SubmissionResult("s1", file, "ab" * 32, items, error=error, duration_s=1.2, notices=notices)
    return score(result, RUBRIC, manual or {}, "r1")


def _status(item: ItemResult) -> Outcome:
    return item_status(item.checks)


def valid(document: dict) -> dict:
    errors = sorted(VALIDATOR.iter_errors(document), key=str)
    assert not errors, [e.message for e in errors]
    return document


def by_name(document: dict) -> dict[str, dict]:
    return {t["name"]: t for t in document["tests"]}


def total_of_tests(document: dict) -> float:
    return sum(t["score"] for t in document["tests"])


# ---------------------------------------------------------------------------------------------
# The schema itself: it refuses what Gradescope does not document
# ---------------------------------------------------------------------------------------------


def test_the_schema_refuses_an_unknown_field_a_bad_visibility_and_no_score():
    good = {"score": 1, "tests": [{"score": 1, "max_score": 1, "status": "passed", "name": "x"}]}
    VALIDATOR.validate(good)
    for bad in (
        {**good, "scores": 1},
        {**good, "tests": [{"score": 1, "status": "pending"}]},
        {**good, "tests": [{"score": 1, "visibility": "after_publish"}]},
        {"tests": [{"name": "informational only"}]},
        {**good, "output_format": "markdown"},
    ):
        assert not VALIDATOR.is_valid(bad), bad


# ---------------------------------------------------------------------------------------------
# results_json
# ---------------------------------------------------------------------------------------------


def test_full_marks_one_test_per_check_and_the_scores_sum_to_the_total():
    grade = graded()
    document = valid(results_json(grade, RUBRIC, "en", hidden_checks(RUBRIC)))
    tests = by_name(document)
    assert list(tests) == [
        "1.enc Encoder: check_shape",
        "1.enc Encoder: check_secret",
        "1.q Question",
        "2.plot Plot: check_a",
        "2.plot Plot: check_b",
        "2.plot Plot: check_c",
        "2.plot Plot: manual grading",
    ]
    assert (tests["1.enc Encoder: check_shape"]["score"], tests["1.enc Encoder: check_shape"]["max_score"]) == (
        0.5,
        0.5,
    )
    assert (tests["1.enc Encoder: check_secret"]["score"], tests["1.enc Encoder: check_secret"]["max_score"]) == (
        1.5,
        1.5,
    )
    assert document["score"] == grade.total == 2.5
    assert total_of_tests(document) == pytest.approx(document["score"], abs=1e-9)
    assert all(t["status"] == "passed" for n, t in tests.items() if "check_" in n)


def test_thirds_are_rounded_so_that_the_tests_still_sum_to_the_item():
    grade = graded(plot=(Outcome.PASSED, Outcome.PASSED, Outcome.FAILED))
    document = valid(results_json(grade, RUBRIC, "en"))
    plot = [t for t in document["tests"] if t["name"].startswith("2.plot") and "check_" in t["name"]]
    assert sum(t["score"] for t in plot) == pytest.approx(grade.items[2].points, abs=1e-9)
    assert sum(t["max_score"] for t in plot) == pytest.approx(0.5, abs=1e-6)
    assert round(total_of_tests(document), 6) == document["score"]


def test_a_failed_check_scores_zero_of_its_share_and_says_why():
    grade = graded(enc=(Outcome.FAILED, Outcome.PASSED))
    document = valid(results_json(grade, RUBRIC, "en", hidden_checks(RUBRIC)))
    shape = by_name(document)["1.enc Encoder: check_shape"]
    assert (shape["score"], shape["max_score"], shape["status"]) == (0.0, 0.5, "failed")
    assert shape["output"] == "title check_shape\nfailed\nWrong shape\nCheck the stride\nexpected: (1, 2)\ngot: (2, 1)"
    assert document["score"] == 2.0 == pytest.approx(total_of_tests(document))  # 1.5 + the plot's 0.5


def test_hidden_checks_are_shown_after_publishing_without_their_values():
    grade = graded(enc=(Outcome.PASSED, Outcome.FAILED))
    document = valid(results_json(grade, RUBRIC, "en", hidden_checks(RUBRIC)))
    tests = by_name(document)
    secret, shape = tests["1.enc Encoder: check_secret"], tests["1.enc Encoder: check_shape"]
    assert secret["visibility"] == "after_published" and "hidden" in secret["tags"]
    assert shape["visibility"] == "visible"
    assert secret["output"] == "title check_secret\nfailed\nWrong shape"  # no hint, expected or got
    assert "41" not in secret["output"] and "Check the stride" not in secret["output"]
    assert "Some checks are shown only once the instructor publishes the grades." in document["output"]


def test_a_check_named_in_hidden_check_ids_is_hidden_even_when_its_result_says_public():
    grade = graded(enc_checks=(check("check_shape"), check("check_secret", public=True, weight=3)))
    assert by_name(results_json(grade, RUBRIC, "en"))["1.enc Encoder: check_secret"]["visibility"] == "visible"
    document = results_json(grade, RUBRIC, "en", {"check_secret"})
    assert by_name(document)["1.enc Encoder: check_secret"]["visibility"] == "after_published"
    assert hidden_checks(RUBRIC) == {"check_secret"}


def test_prose_and_manual_parts_are_zero_point_tests_awaiting_gradescopes_manual_questions():
    document = valid(results_json(graded(), RUBRIC, "en"))
    tests = by_name(document)
    prose, part = tests["1.q Question"], tests["2.plot Plot: manual grading"]
    assert (prose["score"], prose["max_score"]) == (0.0, 1.0)
    assert (part["score"], part["max_score"]) == (0.0, 0.5)
    assert prose["output"].startswith(AWAITING("en")) and "Manually Graded Questions" in prose["output"]
    assert (
        "2 items (1.5 points) await manual grading in Gradescope's Manually Graded Questions: 1\\.q, 2\\.plot."
        in document["output"]
    )
    assert document["extra_data"]["pending_items"] == ["1.q", "2.plot"]
    assert document["extra_data"]["pending_points"] == 1.5


def test_an_empty_prose_answer_is_decided_zero_not_pending():
    document = valid(results_json(graded(answer=None), RUBRIC, "en"))
    prose = by_name(document)["1.q Question"]
    assert (prose["score"], prose["max_score"], prose["status"]) == (0.0, 1.0, "failed")
    assert "Awaiting" not in prose["output"]
    assert document["extra_data"]["pending_items"] == ["2.plot"]


def test_an_item_that_failed_before_any_check_ran_is_one_test_of_the_whole_item():
    missing = Text("Nie znaleziono `encoder`.", "No definition of `encoder` found.")
    grade = graded(enc_checks=())
    items = list(grade.result.items)
    items[0] = ItemResult("1.enc", Outcome.MISSING, (), missing)
    grade = score(SubmissionResult("s1", "s1.ipynb", "ab" * 32, tuple(items)), RUBRIC)
    document = valid(results_json(grade, RUBRIC, "en"))
    whole = by_name(document)["1.enc Encoder"]
    assert (whole["score"], whole["max_score"], whole["status"]) == (0.0, 2.0, "failed")
    assert whole["output"] == "missing\nNo definition of `encoder` found."
    assert not any(t["name"].startswith("1.enc Encoder:") for t in document["tests"])


def test_a_grader_error_is_never_charged_its_share_awaits_the_instructor():
    grade = graded(enc=(Outcome.PASSED, Outcome.GRADER_ERROR))
    document = valid(results_json(grade, RUBRIC, "en", hidden_checks(RUBRIC)))
    tests = by_name(document)
    assert (tests["1.enc Encoder: check_secret"]["score"], tests["1.enc Encoder: check_secret"]["max_score"]) == (0, 0)
    # the shape check decided 1 of the 4 weights: 0.5 points; the other 1.5 await the instructor
    assert (tests["1.enc Encoder: check_shape"]["score"], tests["1.enc Encoder: check_shape"]["max_score"]) == (
        0.5,
        0.5,
    )
    held = tests["1.enc Encoder: manual grading"]
    assert (held["score"], held["max_score"]) == (0.0, 1.5)
    assert held["output"].startswith(GRADER_ERROR_PART("en"))
    assert document["score"] == pytest.approx(total_of_tests(document))


def test_a_score_set_by_a_person_is_one_test_of_the_item():
    document = valid(results_json(graded(manual={"2.plot": 0.75}), RUBRIC, "en"))
    plot = [t for t in document["tests"] if t["name"].startswith("2.plot")]
    assert [(t["name"], t["score"], t["max_score"], t["output"]) for t in plot] == [
        ("2.plot Plot", 0.75, 1.0, SCORED_BY_PERSON("en"))
    ]
    assert document["score"] == 2.75 == pytest.approx(total_of_tests(document))


def test_the_factories_grade_converts_too():
    grade = make_grade(code_status=Outcome.FAILED)
    rubric = RUBRIC.model_copy(update={"title": RUBRIC.title})
    document = valid(results_json(grade, rubric, "pl"))
    assert document["score"] == 0.0 == total_of_tests(document)
    assert [t["name"] for t in document["tests"]] == ["encoder Koder: check_encoder_output_shape", "q1 Pytanie 1"]


def test_a_late_deduction_is_a_negative_test_and_the_sum_still_holds():
    late = Lateness("2024-10-15T10:00:00+00:00", "2024-10-14T23:59:00+00:00", 36060.0, 1, "day", 0.1)
    late_grade = score(graded().result, RUBRIC, {}, "r1", lateness=late)
    document = valid(results_json(late_grade, RUBRIC, "en"))
    penalty = by_name(document)["Late penalty"]
    assert (penalty["score"], penalty["max_score"]) == (-0.4, 0.0)  # 10 % of the maximum, 4
    assert document["score"] == 2.1 == pytest.approx(total_of_tests(document))
    assert "Submitted late: a penalty of 0.4 points." in document["output"]
    on_time = score(graded().result, RUBRIC, {}, "r1", lateness=Lateness("a", "b", 0.0, 0, "day", 0.0))
    assert "Late penalty" not in by_name(results_json(on_time, RUBRIC, "en"))


HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) \x1b[31mred\r\n# heading"


def test_student_text_is_escaped_in_the_markdown_summary_and_inert_in_test_outputs():
    error = Text.same(HOSTILE)
    grade = graded(error=error, notices=(Text.same(HOSTILE),), file=f"{HOSTILE}.ipynb")
    grade_checks = (
        check("check_shape", Outcome.FAILED, expected=HOSTILE, got="<img src=x onerror=alert(1)>"),
        check("check_secret", public=False, weight=3),
    )
    hostile = graded(enc_checks=grade_checks)
    for document in (results_json(grade, RUBRIC, "en"), results_json(hostile, RUBRIC, "en")):
        valid(document)
        summary = document["output"]
        assert document["output_format"] == "md"
        assert re.search(r"(?<!\\)[<>\[\]`]", summary) is None, summary  # none unescaped
        for raw in ("**bold**", "\x1b", "\r", "\n# heading"):
            assert raw not in summary, raw
        for test in document["tests"]:
            assert test["output_format"] == test["name_format"] == "text"
            assert "\x1b" not in test["output"] and "\r" not in test["output"]
    assert "\\<script\\>alert\\(1\\)\\</script\\> \\*\\*bold\\*\\*" in results_json(grade, RUBRIC, "en")["output"]
    assert "Lab \\<b\\>\\*t\\*\\</b\\>" in results_json(grade, RUBRIC, "en")["output"]


def test_md_escape_escapes_every_markdown_and_html_character():
    assert md_escape("a_b*c`d<e>&f[g](h)#!|~\\") == "a\\_b\\*c\\`d\\<e\\>\\&f\\[g\\]\\(h\\)\\#\\!\\|\\~\\\\"
    assert md_escape("two\nlines\r\n  here") == "two lines here"
    assert md_escape("zażółć: 3, 2/4 'x' \"y\"") == "zażółć: 3, 2/4 'x' \"y\""  # nothing to escape there
    assert md_escape("1. item") == "1\\. item" and md_escape("- item") == "\\- item"


@pytest.mark.parametrize(
    ("pending", "lang", "said"),
    [
        (1, "en", "1 item (1 point) awaits manual grading"),
        (2, "en", "2 items (2 points) await manual grading"),
        (1, "pl", "1 zadanie (1 pkt) czeka na ocenę"),
        (3, "pl", "3 zadania (3 pkt) czekają na ocenę"),
        (5, "pl", "5 zadań (5 pkt) czeka na ocenę"),
        (12, "pl", "12 zadań (12 pkt) czeka na ocenę"),
        (22, "pl", "22 zadania (22 pkt) czekają na ocenę"),
    ],
)
def test_the_pending_sentence_agrees_with_its_count(pending, lang, said):
    items = [
        {"id": f"q{n}", "title": {"pl": "p", "en": "q"}, "kind": "prose", "points": 1, "section": "1"}
        for n in range(pending)
    ]
    rubric = Rubric.model_validate({**RUBRIC.model_dump(), "items": items, "total": pending})
    result = SubmissionResult("s", "s.ipynb", "", tuple(ItemResult(i["id"], Outcome.MANUAL, answer="a") for i in items))
    assert said in results_json(score(result, rubric), rubric, lang)["output"]


def test_both_languages():
    grade = graded()
    pl, en = results_json(grade, RUBRIC, "pl"), results_json(grade, RUBRIC, "en")
    assert by_name(pl)["1.q Pytanie"]["output"].startswith("Czeka na ocenę prowadzącego.")
    assert by_name(en)["1.q Question"]["output"].startswith("Awaiting manual grading.")
    assert "2.plot Wykres: ocena ręczna" in by_name(pl)
    assert pl["output"].startswith("**Laboratorium \\<b\\>\\*t\\*\\</b\\>**: 2.5 / 2.5 pkt ocenionych automatycznie")
    assert en["output"].startswith("**Lab \\<b\\>\\*t\\*\\</b\\>**: 2.5 / 2.5 points graded automatically")
    assert "2 zadania (1.5 pkt) czekają na ocenę prowadzącego" in pl["output"]
    assert pl["extra_data"]["lang"] == "pl" and en["extra_data"]["lang"] == "en"


# ---------------------------------------------------------------------------------------------
# The run: finding the notebook, never crashing, writing atomically
# ---------------------------------------------------------------------------------------------


def test_find_notebook_takes_the_templates_name_else_the_newest(tmp_path):
    sub = tmp_path / "submission"
    (sub / ".ipynb_checkpoints").mkdir(parents=True)
    (sub / ".ipynb_checkpoints" / "template-checkpoint.ipynb").write_text("{}")
    (sub / "helper.py").write_text("")
    assert find_notebook(sub, "public/template.ipynb") == (None, "no notebook submitted")
    (sub / "old.ipynb").write_text("{}")
    assert find_notebook(sub, "public/template.ipynb")[0] == sub / "old.ipynb"
    (sub / "new.ipynb").write_text("{}")
    os.utime(sub / "old.ipynb", (1_000_000, 1_000_000))
    chosen, why = find_notebook(sub, "public/template.ipynb")
    assert chosen == sub / "new.ipynb" and why.endswith("took the newest")
    (sub / "Template.ipynb").write_text("{}")
    os.utime(sub / "Template.ipynb", (1_000, 1_000))
    assert find_notebook(sub, "public/template.ipynb")[0] == sub / "Template.ipynb"


def _layout(tmp_path: Path) -> Path:
    for folder in ("source", "submission", "results"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    return tmp_path


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_notebook_is_a_zero_with_a_clear_output(tmp_path, lang):
    root = _layout(tmp_path)
    (root / "submission" / "answers.pdf").write_bytes(b"%PDF")
    document = run("generative-tf", lang, root)
    written = valid(json.loads((root / "results" / "results.json").read_text()))
    assert written == document
    assert (written["score"], written["tests"], written["output"]) == (0.0, [], NO_NOTEBOOK(lang))


def test_any_failure_of_ours_still_writes_results_and_exits_zero(tmp_path, monkeypatch, capsys):
    root = _layout(tmp_path)
    monkeypatch.setenv("GRADER_AUTOGRADER_ROOT", str(root))
    assert main(["run", "--lab", "no-such-lab", "--lang", "en"]) == 0
    written = valid(json.loads((root / "results" / "results.json").read_text()))
    assert written["score"] == 0.0
    assert written["output"].startswith("The grader could not grade this submission (LabNotFound: lab 'no-such-lab'")
    assert written["output"].endswith("This is not a grade of your work: tell your instructor.")
    assert "Traceback" in capsys.readouterr().err  # for the instructor's stdout log


def test_a_crash_while_grading_still_writes_results(tmp_path, monkeypatch):
    root = _layout(tmp_path)
    (root / "submission" / "lab.ipynb").write_text("{}")

    def boom(*args, **kwargs):
        raise RuntimeError("the sandbox could not start")

    monkeypatch.setattr(gradescope.service, "grade", boom)
    document = valid(run("generative-tf", "pl", root))
    assert document["output"] == CRASHED.format(error="RuntimeError: the sandbox could not start")("pl")
    assert "powiadom prowadzącego" in document["output"]


def test_results_are_written_atomically(tmp_path):
    path = tmp_path / "results" / "results.json"
    write_results(path, {"score": 1})
    write_results(path, {"score": 2})
    assert json.loads(path.read_text()) == {"score": 2}
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


# ---------------------------------------------------------------------------------------------
# The autograder zip
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab():
    return find_lab("generative-tf", load_settings())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The grader's real wheel, built once for this module (seconds)."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_the_gradescope_entry_and_the_lab_packs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/lms/gradescope.py" in names and "rubrics/generative-tf.yaml" in names
    assert not any(n.startswith(("submissions/", "tests/", "reference/build/")) for n in names)


def test_build_autograder_lists_scripts_at_the_root_executable_and_is_deterministic(tmp_path, lab, wheel):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    listing = build_autograder(lab, first, lang="en", wheel=wheel)
    build_autograder(lab, second, lang="en", wheel=wheel)
    assert listing == ["config.json", "constraints.txt", "run_autograder", "setup.sh", f"wheels/{wheel.name}"]
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        assert sorted(infos) == listing
        modes = {name: info.external_attr >> 16 for name, info in infos.items()}
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos.values())
        assert all(info.create_system == 3 for info in infos.values())  # Unix: unzip applies the modes
        script = archive.read("run_autograder").decode()
        setup = archive.read("setup.sh").decode()
        config = json.loads(archive.read("config.json"))
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not modes["config.json"] & stat.S_IXUSR
    assert script.startswith("#!/usr/bin/env bash\n") and setup.startswith("#!/usr/bin/env bash\n")
    assert "-m grader.lms.gradescope run --lab generative-tf --lang en" in script
    assert 'cd "$ROOT/source"' in script
    assert "wheels/*.whl" in setup and "python3.11" in setup and "update-alternatives" not in setup
    assert (config["lab"], config["lang"]) == ("generative-tf", "en")
    manual = sum(q["points"] for q in config["manual_questions"])
    assert config["autograder_points"] + manual == pytest.approx(lab.rubric.max_points)
    assert {q["item"] for q in config["manual_questions"]} == {i.id for i in lab.rubric.items if manual_part(i)}


def test_run_autograders_fallback_results_match_the_schema(tmp_path, lab, wheel):
    build_autograder(lab, tmp_path / "a.zip", lang="pl", wheel=wheel)
    script = zipfile.ZipFile(tmp_path / "a.zip").read("run_autograder").decode()
    fallback = script.split("<<'JSON'\n", 1)[1].split("\nJSON\n", 1)[0]
    document = valid(json.loads(fallback))
    assert document["score"] == 0 and "powiadom prowadzącego" in document["output"]


def test_run_autograder_writes_its_fallback_when_the_grader_cannot_start(tmp_path, lab, wheel):
    root = _layout(tmp_path / "autograder")
    build_autograder(lab, tmp_path / "ag.zip", lang="en", wheel=wheel)
    zipfile.ZipFile(tmp_path / "ag.zip").extract("run_autograder", root / "source")
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_AUTOGRADER_PYTHON": "/bin/false"}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0
    document = valid(json.loads((root / "results" / "results.json").read_text()))
    assert document["output"].startswith(
        "The grader could not grade this submission (the grader's Python did not start)"
    )


def test_build_autograder_refuses_a_bad_language_and_a_file_that_is_no_wheel(tmp_path, lab):
    with pytest.raises(ExportError, match=r"language 'de' is not pl or en\. Fix: pass --lang pl or --lang en\."):
        build_autograder(lab, tmp_path / "a.zip", lang="de", wheel=tmp_path / "x.whl")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(ExportError, match=r"notes\.txt: not a wheel file\. Fix: pass the grader's \.whl"):
        build_autograder(lab, tmp_path / "a.zip", wheel=tmp_path / "notes.txt")
    assert not (tmp_path / "a.zip").exists()


def test_build_wheel_refuses_a_folder_that_is_no_checkout(tmp_path):
    with pytest.raises(ExportError, match=r"no pyproject\.toml, so no wheel can be built.*Fix: pass a grader wheel"):
        build_wheel(tmp_path / "out", project_root=tmp_path)


# ---------------------------------------------------------------------------------------------
# The whole run, as Gradescope starts it
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_run_autograder_grades_a_sample_into_a_valid_results_json(tmp_path, lab, wheel):
    """``run_autograder`` (bash) against a folder laid out like /autograder. setup.sh is skipped:
    GRADER_AUTOGRADER_PYTHON points the script at this checkout's .venv interpreter, which has the
    grader installed, instead of the venv setup.sh would make."""
    root = _layout(tmp_path / "autograder")
    build_autograder(lab, tmp_path / "ag.zip", lang="en", wheel=wheel)
    zipfile.ZipFile(tmp_path / "ag.zip").extractall(root / "source")
    (root / "source" / "run_autograder").chmod(0o755)
    (root / "submission" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_AUTOGRADER_PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=540
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = valid(json.loads((root / "results" / "results.json").read_text()))
    automatic = sum(i.points - manual_part(i) for i in lab.rubric.items if not i.bonus)
    assert document["score"] == pytest.approx(automatic), document["output"]
    assert total_of_tests(document) == pytest.approx(document["score"])
    assert document["extra_data"]["pending_items"] == [i.id for i in lab.rubric.items if i.kind == "prose"]
    hidden = [t for t in document["tests"] if t["visibility"] == "after_published"]
    assert len(hidden) == len(hidden_checks(lab.rubric)) > 0
    assert all(t["status"] == "passed" for t in document["tests"] if t["max_score"] > 0 and "manual" not in t["tags"])

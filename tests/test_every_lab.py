"""One test over every registered lab (``grader.labs`` entry points): what each lab's samples
must score, that its generated notebooks are fresh, and that each of its checks has a mutant test.

A lab declares what its samples lose next to their code: ``LOSES`` in ``reference/<pack>/build/samples.py``
(sample -> item -> :class:`reference.build.common.Loss`; an item with checks that a sample's entry
does not list gets its full automatic points, passed). The grading tests below grade
``submissions/<lab>/`` once per session (the ``graded_samples`` fixture of conftest.py, which the
lab-specific tests share) and hold every sample to its declaration; the docs' tables of the
samples are held to the same declaration. A lab without a ``build/`` side (a course's private
lab) has no declaration and no generated notebooks: those tests skip and say why.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from grader.labs import Lab, list_labs, registered_packs
from grader.settings import load_settings
from reference.build.common import Loss
from tests.conftest import SUBMISSIONS, grade_folder
from tests.factories import without_timings

ROOT = Path(__file__).resolve().parent.parent
LABS = list_labs(load_settings({}, cwd=ROOT))
every_lab = pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])


# ---------------------------------------------------------------------------------------------
# What a lab declares
# ---------------------------------------------------------------------------------------------


def _build_side(lab: Lab, module: str) -> ModuleType:
    """``<pack>.build.<module>`` of the lab's pack; skips the test when the lab has no build side."""
    entry_point = registered_packs().get(lab.name)
    if lab.pack_dir is None or entry_point is None:
        pytest.skip(f"lab {lab.name} is not a registered pack: no build/ side declares its samples")
    pack = entry_point.value  # "reference.generative_tf"
    if importlib.util.find_spec(f"{pack}.build") is None:
        pytest.skip(f"lab pack {pack} has no build/ side (a course's private lab, or an installed wheel)")
    return importlib.import_module(f"{pack}.build.{module}")


def _declared(lab: Lab) -> dict:
    """The lab's ``LOSES``: sample -> item -> Loss(points, status, fragment)."""
    samples = _build_side(lab, "samples")
    if not hasattr(samples, "LOSES"):
        pytest.fail(
            f"{samples.__file__} has no LOSES. Fix: declare what each sample of submissions/{lab.name}/ "
            "loses: LOSES = {sample: {item: Loss(points, status, fragment)}} (reference/build/common.py)."
        )
    return samples.LOSES


def _scored_items(lab: Lab) -> set[str]:
    """The items the checks score (others are a person's)."""
    return {item.id for item in lab.rubric.items if item.checks}


def _full_auto_points(lab: Lab) -> dict[str, float]:
    """Item id -> its automatic points when every check passes (a person scores the rest)."""
    return {item.id: item.points - item.manual_points for item in lab.rubric.items if item.checks}


def _graded(graded_samples, lab: Lab) -> dict[str, dict]:
    """Student -> submission of the lab's samples, graded once per session."""
    if not (SUBMISSIONS / lab.name).is_dir():
        pytest.skip(f"lab {lab.name} has no sample submissions (submissions/{lab.name}/)")
    _, doc = graded_samples(lab.name)
    return {sub["student"]: sub for sub in doc["submissions"]}


def _messages(item: dict) -> str:
    return " ".join(filter(None, [item["message"], *(check["message"] or "" for check in item["checks"])]))


def _every_status(sub: dict) -> set[str]:
    return {item["status"] for item in sub["items"]} | {c["status"] for item in sub["items"] for c in item["checks"]}


def loss_mismatches(lab_items: set[str], declared: dict, sub: dict) -> list[str]:
    """How a graded submission differs from its sample's declaration (empty: as declared)."""
    if sub["status"] not in ("graded", "awaiting"):  # awaiting: prose a person still scores
        return [f"not graded: {sub['status']} ({sub['error']})"]
    items = {item["id"]: item for item in sub["items"]}
    found = []
    for item_id in sorted(set(declared) - lab_items):
        found.append(f"declares a loss on item {item_id}, which no check scores")
    for item_id in sorted(lab_items):
        item = items[item_id]
        got = (round(item["auto_points"], 6), item["status"])
        if item_id not in declared:
            if got != (round(item["auto_max"], 6), "passed"):
                found.append(f"{item_id}: got {got}, declared full points ({item['auto_max']}, passed)")
            continue
        loss = declared[item_id]
        if got != (round(loss.points, 6), loss.status):
            found.append(f"{item_id}: got {got}, declared {(loss.points, loss.status)}")
        if loss.fragment not in _messages(item):
            found.append(f"{item_id}: {loss.fragment!r} is not in its messages: {_messages(item)!r}")
    return found


def test_a_sample_graded_otherwise_than_declared_is_named():
    def item(item_id, points, status, message=None):
        return {
            "id": item_id,
            "auto_points": points,
            "auto_max": 0.5,
            "status": status,
            "message": message,
            "checks": [],
        }

    sub = {"status": "graded", "items": [item("2.1", 0.5, "passed"), item("2.2", 0.0, "failed", "wrong activation")]}
    assert loss_mismatches({"2.1", "2.2"}, {"2.2": Loss(0, "failed", "wrong activation")}, sub) == []
    assert loss_mismatches(
        {"2.1", "2.2"}, {"2.1": Loss(0.1, "failed", "sizes"), "9.9": Loss(0, "missing", "")}, sub
    ) == [
        "declares a loss on item 9.9, which no check scores",
        "2.1: got (0.5, 'passed'), declared (0.1, 'failed')",
        "2.1: 'sizes' is not in its messages: ''",
        "2.2: got (0.0, 'failed'), declared full points (0.5, passed)",
    ]


# ---------------------------------------------------------------------------------------------
# Grading the samples
# ---------------------------------------------------------------------------------------------


@every_lab
def test_every_sample_has_a_declaration_and_every_declaration_a_sample(lab):
    declared = _declared(lab)
    on_disk = {path.stem for path in (SUBMISSIONS / lab.name).glob("*.ipynb")}
    assert set(declared) == on_disk, (
        f"submissions/{lab.name}/ without an entry in LOSES: {sorted(on_disk - set(declared))}; "
        f"LOSES entries without a notebook: {sorted(set(declared) - on_disk)}. Fix: LOSES in the "
        f"lab's build/samples.py, or rebuild the samples"
    )


@pytest.mark.slow
@every_lab
def test_each_sample_loses_exactly_what_its_declaration_says(graded_samples, lab):
    declared = _declared(lab)
    subs = _graded(graded_samples, lab)
    assert set(subs) == set(declared), f"graded {sorted(subs)}, declared {sorted(declared)}"
    mismatches = [
        f"{student}: {problem}"
        for student in sorted(declared)
        for problem in loss_mismatches(_scored_items(lab), declared[student], subs[student])
    ]
    assert not mismatches, "samples graded otherwise than LOSES declares:\n" + "\n".join(mismatches)


@pytest.mark.slow
@every_lab
def test_reference_solution_gets_every_automatic_point_and_prose_awaits_a_person(graded_samples, lab):
    solution = _graded(graded_samples, lab)["solution"]
    # its prose awaits a person: the total is not final, and results.json says what is left
    assert solution["status"] == "awaiting", solution["error"]
    assert solution["awaiting"]["items"] == [
        i["id"] for i in solution["items"] if i["manual_max"] and i["manual_points"] is None
    ]
    for item in solution["items"]:
        if item["checks"]:
            assert (item["auto_points"], item["status"]) == (item["auto_max"], "passed"), item
        else:  # a prose answer, or code nothing checks: answered, a person scores it
            assert item["status"] == "manual" and (item["answer"] or item["object_name"]), item


@pytest.mark.slow
@every_lab
def test_blank_template_scores_zero_and_every_item_is_missing(graded_samples, lab):
    """Every item and check of the untouched template is ``missing``: no ``grader_error``, nothing
    ``errored``, and nothing left for a person to score."""
    blank = _graded(graded_samples, lab)["blank"]
    assert blank["status"] == "graded" and blank["total"] == 0, (blank["status"], blank["total"])
    assert _every_status(blank) == {"missing"}, [(i["id"], i["status"], i["message"]) for i in blank["items"]]
    assert all(item["manual_max"] == 0 for item in blank["items"]), blank["items"]


@pytest.mark.slow
@every_lab
def test_grading_twice_gives_identical_results(graded_samples, lab, tmp_path):
    """The solution, the blank template and one buggy sample, graded again: the same results."""
    declared = _declared(lab)
    subs = _graded(graded_samples, lab)
    buggy = next(name for name in sorted(declared) if declared[name] and name != "blank")
    again = grade_folder(
        [SUBMISSIONS / lab.name / f"{name}.ipynb" for name in ("solution", "blank", buggy)], lab.name, tmp_path
    )
    assert len(again["submissions"]) == 3
    for sub in without_timings(again)["submissions"]:
        assert sub == without_timings(subs[sub["student"]]), sub["student"]


# ---------------------------------------------------------------------------------------------
# Generated notebooks
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """``first_build(lab)`` -> (build module, root): the lab's notebooks built once per module."""
    done: dict[str, tuple[ModuleType, Path]] = {}

    def built(lab: Lab) -> tuple[ModuleType, Path]:
        if lab.name not in done:
            notebooks = _build_side(lab, "notebooks")
            root = tmp_path_factory.mktemp(f"build-{lab.name}")
            notebooks.build(root)
            done[lab.name] = (notebooks, root)
        return done[lab.name]

    return built


@every_lab
def test_generated_notebooks_are_fresh(first_build, lab):
    notebooks, root = first_build(lab)
    stale = [str(p) for p in notebooks.all_notebooks() if (ROOT / p).read_bytes() != (root / p).read_bytes()]
    assert not stale, f"stale notebooks: {stale}. Fix: python -m {notebooks.__name__}"


@every_lab
def test_building_twice_gives_the_same_bytes(first_build, lab, tmp_path):
    notebooks, root = first_build(lab)
    written = notebooks.build(tmp_path)
    assert written, f"{notebooks.__name__}.build wrote nothing"
    differ = [str(p) for p in written if p.read_bytes() != (root / p.relative_to(tmp_path)).read_bytes()]
    assert not differ, f"{notebooks.__name__}.build is not deterministic: {differ}"


# ---------------------------------------------------------------------------------------------
# Mutant tests
# ---------------------------------------------------------------------------------------------


# what asserts a check failing: grader.testing's, and the twin's helper (tests/case_sources.py),
# which asserts the twin failing and its public check passing on the same special-cased answer
ASSERTS_FAILING = ("assert_check_fails", "assert_only_the_twin_catches")


def checks_without_mutant_test(check_names: set[str], test_sources: dict[str, str]) -> set[str]:
    """The checks no test file both names and asserts failing (:data:`ASSERTS_FAILING`)."""
    asserting = [text for text in test_sources.values() if any(a in text for a in ASSERTS_FAILING)]
    return {name for name in check_names if not any(re.search(rf"\b{name}\b", text) for text in asserting)}


def test_the_mutant_scan_finds_a_check_no_test_fails():
    sources = {
        "a.py": "assert_check_fails(checks.check_one, mutant)",
        "b.py": "checks.check_two(student)",
        "c.py": "assert_only_the_twin_catches(PACK, rec, checks.check_three, checks.check_three_twin, ...)",
    }
    names = {"check_one", "check_two", "check_three", "check_three_twin"}
    assert checks_without_mutant_test(names, sources) == {"check_two"}


@every_lab
def test_every_check_has_a_mutant_test(lab):
    """Every check the rubric names is named by a test file that asserts a check failing on a mutant
    (``grader.testing.assert_check_fails``). Reports (``report_*``) are never scored: nothing to fail."""
    names = {spec.id.split("(")[0] for item in lab.rubric.items for spec in item.checks}
    sources = {str(p): p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py")}
    missing = checks_without_mutant_test(names, sources)
    assert not missing, (
        f"lab {lab.name}: no mutant test for {sorted(missing)}. Fix: in tests/test_checks_<lab>.py, a mutant "
        "student the check fails, asserted with grader.testing.assert_check_fails"
    )


# ---------------------------------------------------------------------------------------------
# The docs' tables of the samples
# ---------------------------------------------------------------------------------------------


def sample_tables(markdown: str) -> list[list[list[str]]]:
    """The markdown tables whose first column is ``sample``: rows of cells, header first."""
    tables, rows = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):  # the header's separator
                rows.append(cells)
            continue
        if rows and rows[0][0] == "sample":
            tables.append(rows)
        rows = []
    return tables


def table_mismatches(table: list[list[str]], full: dict[str, float], declared: dict) -> list[str]:
    """How a docs table of the samples differs from ``LOSES``: per item column (header ``<item id>
    ...``) the automatic points, rounded to 3 places, and any ``... total`` column their sum."""
    header, *rows = table
    columns = {i: cell.split()[0] for i, cell in enumerate(header) if cell and cell.split()[0] in full}
    totals = [i for i, cell in enumerate(header) if cell.endswith("total")]
    found = []
    names = {row[0].strip("`") for row in rows}
    if names != set(declared):
        found.append(
            f"samples {sorted(names - set(declared))} are not in LOSES, {sorted(set(declared) - names)} not here"
        )
    for row in rows:
        name = row[0].strip("`")
        if name not in declared or len(row) != len(header):
            continue
        expected = {item: declared[name][item].points if item in declared[name] else full[item] for item in full}
        cells = {i: expected[item] for i, item in columns.items()}
        cells |= {i: sum(expected.values()) for i in totals}
        for i, points in cells.items():
            written = row[i].replace("*", "")
            if abs(float(written) - round(points, 3)) > 1e-9:
                found.append(f"{name}, column {header[i]!r}: the docs say {written}, LOSES {round(points, 3)}")
    return found


def test_a_docs_table_that_drifted_from_the_declaration_is_named():
    markdown = "| sample | 2.1 | auto total |\n|---|---|---|\n| `solution` | 0.5 | 0.5 |\n| `bad` | 0.5 | 0.5 |\n"
    (table,) = sample_tables(markdown)
    declared = {"solution": {}, "bad": {"2.1": Loss(1 / 6, "failed", "wrong")}}
    assert table_mismatches(table, {"2.1": 0.5}, declared) == [
        "bad, column '2.1': the docs say 0.5, LOSES 0.167",
        "bad, column 'auto total': the docs say 0.5, LOSES 0.167",
    ]


@every_lab
def test_docs_tables_of_the_samples_agree_with_the_declaration(lab):
    declared = _declared(lab)
    docs = sorted((ROOT / "docs" / "labs").glob(f"{lab.name}*.md"))
    tables = [(path, table) for path in docs for table in sample_tables(path.read_text(encoding="utf-8"))]
    if not docs:
        pytest.skip(f"lab {lab.name} has no docs/labs/{lab.name}*.md")
    assert tables, f"{', '.join(map(str, docs))}: no table of the samples (first column `sample`) to hold to LOSES"
    mismatches = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path, table in tables
        for problem in table_mismatches(table, _full_auto_points(lab), declared)
    ]
    assert not mismatches, "\n".join(mismatches) + "\nFix: the docs' table, from LOSES in the lab's build/samples.py"

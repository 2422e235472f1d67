"""The attack catalogue (submissions/hostile, submissions/broken) graded in one batch.

Each case is contained: every code item it does not touch gets full marks; wrong code that
patches numpy, tf, unittest or prints fake results still fails; nothing outside the output
folder appears, changes or disappears (decoy files checked); no leak reaches any output; the
batch finishes; the reports contain nothing executable (parsed, and opened in Chromium).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from grader.cli import main
from grader.sandbox.isolation import detect
from tests.browser import open_pages, unsafe_markup
from tests.security.catalogue import BROKEN, HOSTILE, HOSTILE_BY_NAME

# results.json statuses of a notebook the grader read: graded, or graded with prose awaiting a person
GRADED = ("graded", "awaiting")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        detect().bwrap is None,
        reason=(
            "bubblewrap missing: apt-get install bubblewrap (./dev test installs it as root); the catalogue "
            "includes attacks that only the bubblewrap sandbox contains"
        ),
    ),
]
ROOT = Path(__file__).resolve().parents[2]  # the checkout: tests/security/ is two levels down
CODE_ITEMS = ("1.2", "1.plot", "2.plot", "2.5", "3.data", "3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")
#: cases whose graded code is WRONG (the attack tries to make it pass): these items must not pass
WRONG_CODE = {
    "monkeypatch_numpy": ("4.loss",),
    "monkeypatch_math_tf": ("2.5", "3.loss"),
    "monkeypatch_unittest": ("4.loss",),
    "patch_inside_graded": ("4.loss",),
    "print_fake_results": ("4.loss",),
}
DECOYS = ("results.json", "grades.csv", "gradebook.db", "secret_reference.py", "other_student.ipynb")


def _tree(root: Path, skip: Path | None = None) -> dict[str, str]:
    """path -> sha256 of every file under ``root`` (``skip``: a folder left out)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not (skip and (path == skip or skip in path.parents)):
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module", params=["auto", "cold"])
def batch(request, tmp_path_factory):
    """The catalogue graded once per way of starting sandboxes: warm (forked from the zygote,
    namespaces built by the forked child; the default here, as root) and cold (bubblewrap)."""
    base = tmp_path_factory.mktemp("attack")
    course, out = base / "course", base / "course" / "out"
    (course / "class").mkdir(parents=True)
    for folder in ("hostile", "broken"):
        for path in (ROOT / "submissions" / folder).iterdir():
            shutil.copy(path, course / "class" / path.name)
    for where in (base, course, course / "class"):  # decoys next to, above and above that
        for name in DECOYS:
            if where.name != "class" or not name.endswith((".ipynb", ".py")):  # not a submission
                (where / name).write_text(f"decoy {name} in {where.name}")
    before = {
        "base": _tree(base),
        "repo": _tree(ROOT / "reference") | _tree(ROOT / "rubrics") | _tree(ROOT / "submissions"),
        "tmp": set(os.listdir("/tmp")),
    }
    env = {"GRADER_PROBE_TIMEOUT_S": "20", "GRADER_SUBMISSION_TIMEOUT_S": "240"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert (
            main(
                [
                    "grade",
                    str(course / "class"),
                    "--lab",
                    "generative-tf",
                    "--out",
                    str(out),
                    "--lang",
                    "en",
                    "--quiet",
                    "--pool",
                    request.param,
                ]
            )
            == 0
        )
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    after = {
        "base": _tree(base, skip=out),
        "repo": _tree(ROOT / "reference") | _tree(ROOT / "rubrics") | _tree(ROOT / "submissions"),
        "tmp": set(os.listdir("/tmp")),
    }
    doc = json.loads((out / "results.json").read_text())
    return {
        "out": out,
        "doc": doc,
        "by": {s["student"]: s for s in doc["submissions"]},
        "before": before,
        "after": after,
        "pool": request.param,
    }


def _items(sub: dict) -> dict:
    return {i["id"]: i for i in sub["items"]}


def test_the_whole_catalogue_is_graded_to_the_end(batch):
    expected = {c.name for c in HOSTILE} | {Path(n).stem for n in BROKEN}
    assert set(batch["by"]) == expected
    assert len(HOSTILE) >= 20


@pytest.mark.parametrize("name", sorted(HOSTILE_BY_NAME))
def test_each_attack_costs_at_most_the_items_it_touches(batch, name):
    case, items = HOSTILE_BY_NAME[name], _items(batch["by"][name])
    assert batch["by"][name]["status"] in GRADED  # graded; its prose may await a person
    for item_id in CODE_ITEMS:
        if item_id not in case.touched:
            assert items[item_id]["points"] == items[item_id]["max_points"], (item_id, items[item_id])
        assert items[item_id]["status"] != "grader_error", (item_id, items[item_id])
    for item_id in WRONG_CODE.get(name, ()):
        assert items[item_id]["points"] < items[item_id]["max_points"], ("faked verdict", item_id, items[item_id])


def test_every_graded_submission_records_its_isolation_layers(batch):
    full = {"no-network", "hidden-grader-files", "read-only-system", "pid-namespace", "uid-65534", "disk-quota"}
    warm = batch["pool"] == "auto" and detect().namespaces
    for sub in batch["by"].values():
        if sub["status"] in GRADED and sub["environment"].get("isolation"):
            layers = set(sub["environment"]["isolation"])
            assert (
                full | ({"warm-fork", "forked-namespaces", "no-new-privileges"} if warm else {"bubblewrap"}) <= layers
            )
            assert sub["environment"]["worker"]["start"] == ("warm" if warm else "cold")
    assert sum(1 for s in batch["by"].values() if s["environment"].get("isolation")) >= len(HOSTILE) - 2


def test_nothing_outside_the_output_folder_appears_changes_or_disappears(batch):
    assert batch["after"]["base"] == batch["before"]["base"]  # decoys and submissions, byte for byte
    assert batch["after"]["repo"] == batch["before"]["repo"]  # reference, rubrics, sample submissions
    new_in_tmp = batch["after"]["tmp"] - batch["before"]["tmp"]
    assert not [n for n in new_in_tmp if "hack" in n or n in DECOYS], new_in_tmp


def test_no_leak_reaches_any_output(batch):
    for path in batch["out"].rglob("*"):
        if path.is_file() and path.suffix in (".json", ".csv", ".html"):
            assert "LEAK" not in path.read_text(errors="replace"), path


def test_forged_results_never_count(batch):
    doc = batch["doc"]
    assert doc["schema_version"] == 1 and len(doc["submissions"]) == len(batch["by"])
    elsewhere = [
        p
        for p in batch["out"].parent.parent.rglob("*")
        if p.name in ("results.json", "grades.csv", "gradebook.db") and batch["out"] not in p.parents
    ]
    assert elsewhere and all(p.read_text(errors="replace").startswith("decoy") for p in elsewhere), elsewhere


def test_broken_inputs_are_errors_naming_the_file_or_graded_as_far_as_they_go(batch):
    by = batch["by"]
    for name in ("truncated", "empty"):
        assert by[name]["status"] == "error" and f"{name}.ipynb" in by[name]["error"], by[name]["error"]
    cp1250 = by["invalid_utf8"]  # the solution saved in cp1250: read as cp1250 and graded, the cells named
    assert cp1250["status"] in GRADED and len(cp1250["notices"]) == 1 and "as cp1250" in cp1250["notices"][0]
    assert all(_items(cp1250)[i]["points"] == _items(cp1250)[i]["max_points"] for i in CODE_ITEMS)
    v3 = _items(by["nbformat_v3"])
    assert v3["3.data"]["points"] == 0.5 and v3["4.loss"]["points"] == 0.25
    for name in ("jupytext_export", "duplicated_cells", "deleted_cells"):
        items = _items(by[name])
        assert all(items[i]["points"] == items[i]["max_points"] for i in CODE_ITEMS), name
    assert _items(by["deleted_cells"])["4.1"]["status"] == "missing"
    changed = _items(by["changed_cell_types"])
    assert changed["4.loss"]["status"] == "missing"
    assert all(changed[i]["points"] == changed[i]["max_points"] for i in CODE_ITEMS if i != "4.loss")


def _reports(batch) -> list[Path]:
    return [batch["out"] / "index.html", *sorted((batch["out"] / "students").glob("*.html"))]


def test_reports_contain_no_executable_student_content(batch):
    for path in _reports(batch):
        assert not unsafe_markup(path.read_text()), path


def test_reports_run_no_student_script_in_chromium(batch):
    pages = open_pages(_reports(batch))
    dirty = [
        (p.path.name, p.dialogs, p.console_errors[:2], p.page_errors[:2], p.broken_images) for p in pages if not p.clean
    ]
    assert not dirty
    assert all(all(u.startswith(("file:", "data:")) for u in p.requests) for p in pages)  # nothing fetched

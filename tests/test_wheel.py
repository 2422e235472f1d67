"""The wheel works installed: built from the checkout, installed outside it, it lists every lab
and grades a few samples of each exactly as the checkout does (benchmarks/wheel_check.py grades
them all); its sandbox, which must see the venv's site-packages, still cannot read a pack's judge/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from benchmarks.wheel_check import CHECKOUT, build_wheel, grade, install_wheel, installed_location, registered_labs
from grader.sandbox.isolation import detect

pytestmark = pytest.mark.slow
LABS = ("autoencoders-keras", "generative-tf", "vae-pyro")
# per lab: the solution, the blank template and one buggy student
SUBSET = {"autoencoders-keras": "zle_3_1_l2", "generative-tf": "kl_znak_minus", "vae-pyro": "skala_relu"}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def wheel(work) -> Path:
    return build_wheel(work)


@pytest.fixture(scope="module")
def installed(wheel, work) -> Path:
    """The ``bin`` folder of a fresh venv (outside the checkout) holding only the wheel."""
    return install_wheel(wheel, work / "venv")


def test_the_wheel_ships_the_packs_and_rubrics_but_no_dev_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for lab in LABS:
        assert f"rubrics/{lab}.yaml" in names
        pack = f"reference/{lab.replace('-', '_')}"
        for part in (
            "__init__.py",
            "public/probes.py",
            "public/checks.py",
            "public/template.ipynb",
            "judge/solution.py",
            "judge/solution.ipynb",
        ):
            assert f"{pack}/{part}" in names, part
    assert "reference/generative_tf/judge/checks.py" in names and "reference/vae_pyro/judge/checks.py" in names
    assert "reference/vae_pyro/public/src/ae.py" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "[grader.labs]" in zipfile.ZipFile(wheel).read(entry_points).decode()
    dev = [
        n
        for n in names
        if "/build/" in n
        or "build_common" in n
        or "catalogue" in n
        or "hostile" in n
        or n.startswith(("tests/", "submissions/", "benchmarks/"))
        or "samples" in n
    ]
    assert dev == []


def test_the_installed_wheel_imports_from_its_own_venv(installed, work):
    for module in ("grader", "reference"):
        assert work / "venv" in installed_location(installed, module).parents, module
        assert CHECKOUT not in installed_location(installed, module).parents, module


def test_the_installed_grader_lists_every_lab(installed):
    assert registered_labs(installed / "grader") == sorted(LABS)


@pytest.mark.parametrize("lab", LABS)
def test_the_installed_grader_grades_like_the_checkout(installed, work, lab):
    files = [CHECKOUT / "submissions" / lab / f"{name}.ipynb" for name in ("solution", "blank", SUBSET[lab])]
    from_wheel = grade(installed / "grader", lab, files, work / "installed" / lab)
    from_checkout = grade(Path(sys.executable).parent / "grader", lab, files, work / "checkout" / lab)
    # the blank template has nothing left for a person; the others' prose awaits one
    assert sorted(s["status"] for s in from_wheel["submissions"]) == ["awaiting", "awaiting", "graded"]
    assert from_wheel == from_checkout


# run by the installed venv's python: a sandbox for the installed generative-tf lab, started as
# the grader starts it (sandbox_spec), whose snapshot reads the pack's private and public files
READ_IN_THE_SANDBOX = """
import json, sys
from grader.labs import find_lab
from grader.runtime import sandbox_spec
from grader.sandbox.supervisor import Sandbox
from grader.settings import load_settings

lab = find_lab("generative-tf", load_settings({}))
reads = {
    "judge": lab.pack_dir / "judge" / "solution.py",
    "other_judge": lab.pack_dir.parent / "vae_pyro" / "judge" / "solution.py",
    "rubric": lab.rubric_path,
    "probes": lab.public_dir / "probes.py",
}
report = {"root": str(lab.root), "judge_side": {k: p.is_file() for k, p in reads.items()}, "starts": {}}
for pool in ("auto", "cold"):
    statements = [
        {"cell": n, "line": 1, "source": f"open({str(p)!r}).read()", "binds": []} for n, p in enumerate(reads.values())
    ]
    with Sandbox(sandbox_spec(lab, load_settings({"pool": pool}))) as sb:
        failed = {f["cell"]: f["error"] for f in sb.load("s", statements, {}, 300)}
        report["starts"][pool] = {
            "start": sb.environment["worker"]["start"],
            "errors": {k: failed.get(n) for n, k in enumerate(reads)},
        }
json.dump(report, sys.stdout)
"""


@pytest.mark.skipif(detect().bwrap is None, reason="bubblewrap missing: apt-get install bubblewrap")
def test_the_installed_labs_judge_is_hidden_from_the_sandbox(installed, work):
    run = subprocess.run(
        [str(installed / "python"), "-c", READ_IN_THE_SANDBOX],
        cwd=work,  # outside the checkout: no pyproject.toml of its settings
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(report["root"]).name == "site-packages" and work / "venv" in Path(report["root"]).parents
    assert all(report["judge_side"].values()), report  # the files exist: the judge process reads them
    for pool, seen in report["starts"].items():
        errors = seen["errors"]
        for private in ("judge", "other_judge", "rubric"):
            assert errors[private] and errors[private].startswith("FileNotFoundError"), (pool, seen)
        assert errors["probes"] is None, (pool, seen)  # the probes stay readable
    if detect().namespaces:
        assert report["starts"]["auto"]["start"] == "warm"
    assert report["starts"]["cold"]["start"] == "cold"

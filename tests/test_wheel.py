"""The wheel works installed: built from the checkout, installed outside it, it lists every lab
and grades a few samples of each exactly as the checkout does (benchmarks/wheel_check.py grades
them all)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from benchmarks.wheel_check import CHECKOUT, build_wheel, grade, install_wheel, installed_location, registered_labs

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
    assert [s["status"] for s in from_wheel["submissions"]] == ["graded"] * 3
    assert from_wheel == from_checkout

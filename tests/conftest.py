"""Test-wide settings: no display, quiet TensorFlow (set before anything imports them), and the
session's one grading of each lab's sample submissions."""

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

from grader.cli import main  # noqa: E402 - after the environment above
from tests.postgres import fresh_postgres_url, postgres, postgres_url  # noqa: E402,F401 - one server per session

SUBMISSIONS = Path(__file__).resolve().parent.parent / "submissions"


def grade_folder(paths: list[Path], lab: str, out: Path) -> dict:
    """``grader grade PATHS --lab LAB --out OUT`` (English, quiet, two jobs); its results.json."""
    code = main(["grade", *map(str, paths), "--lab", lab, "--out", str(out), "--lang", "en", "--quiet", "--jobs", "2"])
    assert code == 0, f"grading {', '.join(map(str, paths))} as lab {lab} exited with {code}"
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="session")
def graded_samples(tmp_path_factory):
    """``graded_samples(lab)`` -> (output folder, results document) of ``submissions/<lab>/``,
    graded once per session however many test files ask (each lab's samples take minutes)."""
    done: dict[str, tuple[Path, dict]] = {}

    def graded(lab: str) -> tuple[Path, dict]:
        if lab not in done:
            out = tmp_path_factory.mktemp(f"graded-{lab}")
            done[lab] = (out, grade_folder([SUBMISSIONS / lab], lab, out))
        return done[lab]

    return graded

"""`grader grade --lms ...` and `grader export ...`: the course flags refused with a message naming
the flag and the fix, before anything is graded (exit code 14, docs/cli.md)."""

from __future__ import annotations

import pytest

from grader.cli import main
from reference.build.moodle_download import Participant, write_download

NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@pytest.fixture
def download(tmp_path):
    return write_download(tmp_path / "d.zip", [Participant("Jan Kowalski", 11, files={"template.ipynb": NB})])


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--grace", "soon"], "--grace 'soon': not a duration. Fix: write 15m, 2h or 1d."),
        (["--tz", "Mars/Olympus"], "--tz 'Mars/Olympus' is no time zone. Fix: use a name like Europe/Warsaw"),
        (["--due", "next friday"], "'next friday' is not an ISO 8601 date. Fix: write it as 2024-10-14T23:59."),
        (["--extension", "2024-10-16"], "--extension '2024-10-16': Fix: write STUDENT=2024-10-16T23:59"),
        (["--late-penalty", "10"], "late policy: penalty and cap are fractions"),
    ],
)
def test_bad_course_flags_are_refused_before_grading(download, tmp_path, capsys, flags, said):
    code = main(
        ["grade", str(download), "--lab", "generative-tf", "--lms", "moodle", "--out", str(tmp_path / "o"), *flags]
    )
    assert code == 14
    assert said in capsys.readouterr().err
    assert not (tmp_path / "o" / "results.json").exists()


def test_an_lms_download_is_one_path(download, tmp_path, capsys):
    code = main(
        ["grade", str(download), str(download), "--lab", "generative-tf", "--lms", "moodle", "--out", str(tmp_path)]
    )
    assert code == 14
    assert "--lms moodle: give the one download (zip or folder), not 2 paths." in capsys.readouterr().err


def test_the_canvas_api_export_needs_a_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CANVAS_TOKEN", raising=False)
    code = main(
        ["export", "canvas-api", "--lab", "generative-tf", "--url", "https://canvas.example.edu", "--course", "1"]
        + ["--assignment-id", "2", "--out", str(tmp_path)]
    )
    assert code == 15
    assert "$CANVAS_TOKEN is empty. Fix: make a token in Canvas (Account > Settings > New Access Token)" in (
        capsys.readouterr().err
    )

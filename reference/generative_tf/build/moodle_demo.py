"""Write the demo's Moodle download of lab ``generative-tf``: a "Download all submissions" zip of
some of the lab's sample notebooks and the assignment's grading worksheet, as Moodle 4.1 writes
them (reference/build/moodle_download.py), for ``./dev demo`` and the round-trip tests.

    python -m reference.generative_tf.build.moodle_demo [--root DIR]

writes ``submissions/moodle/generative-tf/`` under ``DIR`` (default: the repository root):
``download.zip`` and ``Grades-ML-Lab 3-991.csv``. The class: names with Polish letters, one with
an underscore (Moodle writes it as a space in the download), one late, one with a helper ``.py``
beside the notebook, one who uploaded a PDF and no notebook, one who submitted nothing. The
output is deterministic.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from ...build.common import REPO_ROOT
from ...build.moodle_download import Participant, write_download, write_worksheet_csv

NOTEBOOK = "template.ipynb"  # the name the students were given (the lab's template)
DUE = "2024-10-14T23:59+02:00"  # the due date the demo grades with (./dev demo)
OUT = Path("submissions") / "moodle" / "generative-tf"
WORKSHEET = "Grades-ML-Lab 3-991.csv"


def participants(samples: Path) -> list[Participant]:
    def notebook(name: str) -> bytes:
        return (samples / f"{name}.ipynb").read_bytes()

    on_time = datetime(2024, 10, 14, 21, 15)
    return [
        Participant("Zażółć Gęślą", 1000101, "zazolc@example.edu", {NOTEBOOK: notebook("solution")}, on_time),
        Participant("Anna_Maria Nowak", 1000102, "anna@example.edu", {NOTEBOOK: notebook("koder_relu")}, on_time),
        Participant(
            "Łukasz Wójcik",
            1000103,
            "lukasz@example.edu",
            {NOTEBOOK: notebook("kl_znak_minus")},
            datetime(2024, 10, 16, 9, 30),  # a day and a half late
        ),
        Participant(
            "Jan Kowalski",
            1000104,
            "jan@example.edu",
            {NOTEBOOK: notebook("styl_podklasy"), "helpers.py": b"def plot_grid(images):\n    pass\n"},
            on_time,
        ),
        Participant("Ewa Kamińska", 1000105, "ewa@example.edu", {"lab3.pdf": b"%PDF-1.4\n% not a notebook\n"}, on_time),
        Participant("Piotr Zieliński", 1000106, "piotr@example.edu"),
    ]


def build(root: Path = REPO_ROOT) -> list[Path]:
    people = participants(root / "submissions" / "generative-tf")
    out = root / OUT
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_download(out / "download.zip", people),
        write_worksheet_csv(out / WORKSHEET, people, max_grade=5.5),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    for path in build(parser.parse_args(argv).root):
        print(path)


if __name__ == "__main__":
    main()

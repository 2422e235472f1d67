"""The LMS round trip's own cost at the size of a large course: import and export of a generated
800-student Moodle download, without the grading in between (that is benchmarks/cohort.py).

    .venv/bin/python benchmarks/lms_roundtrip.py [--size 800] [--report-kb 20]

1. Build a Moodle >= 4.1 "Download all submissions" zip of ``--size`` participants (every tenth
   without a submission, names with Polish letters and underscores; each a ~60 kB notebook and a
   helper .py) and its grading worksheet (reference/build/moodle_download.py).
2. Import: read the zip safely (grader.lms.archive), match it to the worksheet, choose each
   notebook and copy it out (grader.lms.intake.moodle_intake).
3. Export: one Mark per person with a ``--report-kb`` report (what a graded batch hands over),
   the worksheet written back (grader.lms.moodle_worksheet) and the feedback-files zip
   (grader.lms.moodle_feedback).
Prints each step's wall time and the total; the target (issue 14) is under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.course import NO_NOTEBOOK, SUBMITTED, Assignment  # noqa: E402
from grader.lms.intake import moodle_intake  # noqa: E402
from grader.lms.marks import GRADED, NOT_SUBMITTED, Mark  # noqa: E402
from grader.lms.moodle_feedback import feedback_zip  # noqa: E402
from grader.lms.moodle_worksheet import write_worksheet  # noqa: E402
from reference.build.moodle_download import participants, write_download, write_worksheet_csv  # noqa: E402

NOTEBOOK = ROOT / "submissions" / "generative-tf" / "solution.ipynb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=800)
    parser.add_argument("--report-kb", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = {"template.ipynb": NOTEBOOK.read_bytes(), "helpers.py": b"def plot(x):\n    pass\n"}
        people = participants(args.size, files=files)
        started = time.perf_counter()
        download = write_download(work / "download.zip", people)
        worksheet = write_worksheet_csv(work / "Grades.csv", people, max_grade=5.5)
        built = time.perf_counter() - started
        size_mb = download.stat().st_size / 2**20

        started = time.perf_counter()
        assignment = Assignment("bench", "lab", "moodle")
        intake, sheet = moodle_intake(download, assignment, "template.ipynb", work / "out", worksheet_path=worksheet)
        imported = time.perf_counter() - started
        assert sheet is not None
        submitted = sum(1 for d in intake.deliveries if d.state == SUBMITTED)

        started = time.perf_counter()
        report = "<html>" + "x" * (args.report_kb * 1024) + "</html>"
        marks = [
            Mark(d.person, GRADED, 4.25, 5.5, feedback_html="<p>4.25 / 5.5</p>", report_html=report)
            if d.state == SUBMITTED
            else Mark(d.person, NOT_SUBMITTED if d.state != NO_NOTEBOOK else NO_NOTEBOOK, 0.0, 5.5)
            for d in intake.deliveries
        ]
        written = write_worksheet(sheet, marks, work / "out" / "worksheet.csv")
        folders = feedback_zip(marks, work / "out" / "feedback.zip")
        exported = time.perf_counter() - started

    print(
        f"participants: {args.size} ({submitted} with a notebook), download {size_mb:.1f} MiB (built in {built:.1f} s)"
    )
    print(f"import  (read zip, match worksheet, copy notebooks): {imported:6.2f} s")
    print(
        f"export  (worksheet: {len(written.written)} grades; feedback zip: {len(folders)} reports): {exported:6.2f} s"
    )
    print(f"round trip without grading: {imported + exported:.2f} s (target: under 30 s)")


if __name__ == "__main__":
    main()

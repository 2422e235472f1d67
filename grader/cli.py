"""The instructor's command line: ``grader grade``, ``grader export``, ``grader gradescope``,
``grader handout``, the web app's ``grader serve`` and ``grader users``
(:mod:`grader.serve.commands`), and the commands a student's install has too, ``grader check``,
``grader labs`` and ``grader doctor`` (:mod:`grader.student_cli`, defined there once).

:func:`grader.student_cli.run` is the only place that catches :class:`GraderError`: it prints
the message once and exits with the error's code (documented in docs/cli.md). Settings are
built from the arguments, once.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tqdm import tqdm

from . import service
from .bundle import default_notebooks, write_selfcheck_bundle
from .cluster import ClusterJudging
from .course import Assignment, Intake, LatePolicy
from .errors import CourseError, ExportError
from .handout import write_handout, write_install_note
from .labs import Lab, find_lab
from .lms import canvas, canvas_api, gradescope, moodle_feedback, moodle_worksheet
from .lms.intake import canvas_intake, moodle_intake
from .lms.marks import Mark
from .outcomes import Grade
from .serve.commands import add_commands as add_serve_commands
from .settings import load_settings
from .student_cli import LAB_HELP, add_common, run, settings_from
from .student_cli import add_commands as add_student_commands


def main(argv: list[str] | None = None) -> int:
    return run(_parser(), argv)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader", description="Grade ML lab notebooks against reference implementations."
    )
    sub = parser.add_subparsers(dest="command")

    grade = sub.add_parser("grade", help="grade a class: folders or files of notebooks")
    grade.add_argument("paths", nargs="+", type=Path, help=".ipynb / jupytext .py files or folders of them")
    grade.add_argument("--lab", required=True, help=LAB_HELP)
    grade.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    grade.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///OUT/gradebook.db)")
    add_common(grade)
    grade.add_argument("--jobs", type=int, help="submissions graded in parallel (default: one per core)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument(
        "--pool",
        choices=("auto", "cold"),
        help="auto (default): sandboxes forked from a warm parent where every isolation layer is kept; "
        "cold: a fresh interpreter per sandbox",
    )
    grade.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="judge on a Dask distributed cluster (workers need the grader installed; docs/cluster.md)",
    )
    grade.add_argument(
        "--regrade",
        action="store_true",
        help="judge every submission again, even those already graded with the same file, rubric and settings",
    )
    course = grade.add_argument_group(
        "LMS download and course (docs/lms.md)",
        "grade an LMS's bulk download (zip or folder) against its roster, under an assignment with a late policy",
    )
    course.add_argument(
        "--lms",
        choices=("moodle", "canvas"),
        help="the one PATH is this LMS's download: Moodle's 'Download all submissions' or Canvas's 'Download Submissions'",
    )
    course.add_argument(
        "--roster", type=Path, help="Moodle: the grading worksheet CSV; Canvas: the gradebook export CSV"
    )
    course.add_argument(
        "--assignment",
        help="the assignment's name in the gradebook (default: the lab's id): two courses grading one lab keep apart",
    )
    course.add_argument("--due", help="due date, ISO 8601 (2024-10-14T23:59; the zone is --tz unless given)")
    course.add_argument("--tz", help="time zone of --due and of Moodle's dates, e.g. Europe/Warsaw (default: UTC)")
    course.add_argument("--late-penalty", type=float, default=0.0, help="fraction of the maximum lost per late unit")
    course.add_argument("--late-per", choices=("day", "hour"), default="day", help="the late unit (default: day)")
    course.add_argument("--late-cap", type=float, default=1.0, help="most lateness can cost, a fraction (default 1)")
    course.add_argument("--grace", default="0", help="grace after the due date: 15m, 2h, 1d (default 0)")
    course.add_argument(
        "--extension",
        action="append",
        default=[],
        metavar="STUDENT=DATE",
        help="one student's own due date (repeatable)",
    )
    grade.set_defaults(run=_grade)

    export = sub.add_parser("export", help="send grades and feedback back to an LMS, from the gradebook")
    export_sub = export.add_subparsers(dest="target", required=True)
    moodle = export_sub.add_parser(
        "moodle", help="the grading worksheet written back (Grade, Feedback comments) and the feedback-files zip"
    )
    moodle.add_argument("--worksheet", type=Path, required=True, help="the grading worksheet downloaded from Moodle")
    moodle.add_argument("--scale", action="store_true", help="rescale points to the worksheet's maximum grade")
    canvas_csv = export_sub.add_parser("canvas", help="the CSV for Canvas's Grades > Import")
    canvas_csv.add_argument("--gradebook", type=Path, required=True, help="Canvas's gradebook export CSV")
    canvas_csv.add_argument("--column", required=True, help="the assignment's column: its title, or its Canvas id")
    api = export_sub.add_parser("canvas-api", help="grades, comments and reports sent through Canvas's REST API")
    api.add_argument("--url", required=True, help="the Canvas site, https://canvas.example.edu")
    api.add_argument("--course", required=True, help="the course id (the number in /courses/N)")
    api.add_argument("--assignment-id", required=True, help="the assignment id (the number in /assignments/N)")
    api.add_argument(
        "--token-env", default="CANVAS_TOKEN", help="environment variable holding the API token (default CANVAS_TOKEN)"
    )
    api.add_argument("--dry-run", action="store_true", help="list what would change; send nothing")
    api.add_argument("--no-report", action="store_true", help="do not attach the HTML report as a comment file")
    for target in (moodle, canvas_csv, api):
        target.add_argument("--lab", required=True, help=LAB_HELP)
        target.add_argument(
            "--out", type=Path, default=Path("reports"), help="the batch's output folder (default: reports)"
        )
        target.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///OUT/gradebook.db)")
        target.add_argument("--assignment", help="the assignment's name (default: the lab's id)")
        target.add_argument("--lang", choices=("pl", "en"), help="language of the feedback (default: pl)")
        target.add_argument(
            "--allow-pending",
            action="store_true",
            help="send the partial total of students with items still awaiting manual grading (default: leave them out)",
        )
        target.set_defaults(run=_export)

    scope = sub.add_parser("gradescope", help="build a Gradescope autograder zip for a lab")
    scope.add_argument("lab", help=LAB_HELP)
    scope.add_argument("--out", type=Path, help="the zip to write (default: ./<lab>-gradescope.zip)")
    scope.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of what students read")
    scope.add_argument("--wheel", type=Path, help="the grader's wheel to ship (default: built from this checkout)")
    scope.set_defaults(run=_gradescope)

    handout = sub.add_parser("handout", help="write what students get: the lab's template and the files it imports")
    handout.add_argument("lab", help=LAB_HELP)
    handout.add_argument("--out", type=Path, help="folder to write into (default: ./<lab>-handout)")
    handout.add_argument("--force", action="store_true", help="overwrite files already there")
    handout.add_argument(
        "--selfcheck",
        action="store_true",
        help="also the self-check bundle (OUT/selfcheck/: the engine's and the lab's wheels, no answers; "
        "docs/selfcheck.md), verified before it is written",
    )
    handout.add_argument(
        "--verify-with",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also verify the bundle on these notebooks or folders of them (repeatable; always: the "
        "template and the solution)",
    )
    handout.set_defaults(run=_handout)

    add_student_commands(sub)
    add_serve_commands(sub)
    return parser


def _grade(args) -> int:
    settings = settings_from(args)
    lab = find_lab(args.lab, settings)
    judging = ClusterJudging(args.scheduler) if args.scheduler else None
    intake = _intake(args, lab) if args.lms else None
    if intake is not None:
        for problem in intake.problems:
            print(f"grader: note: {problem}", file=sys.stderr)
    with tqdm(
        total=0, unit="nb", desc=f"grading {lab.name}", disable=args.quiet, file=sys.stderr, dynamic_ncols=True
    ) as bar:

        def graded(grade: Grade) -> None:
            bar.set_postfix_str(f"{grade.student}: {grade.total:g}/{grade.max:g}", refresh=False)
            bar.update()

        batch = service.grade(
            args.paths,
            lab,
            settings,
            args.out,
            db_url=args.db,
            regrade=args.regrade,
            judging=judging,
            on_start=bar.reset,
            on_graded=graded,
            intake=intake,
        )
    errors = sum(1 for g in batch.grades if g.status == "error")
    mean = sum(g.total for g in batch.grades) / max(len(batch.grades), 1)
    reused = f", {batch.meta['reused']} unchanged since the last run" if batch.meta.get("reused") else ""
    print(
        f"graded {len(batch.grades)} submissions of {lab.name} ({errors} unreadable{reused}), "
        f"mean {mean:.2f}/{lab.rubric.max_points:g}, in {batch.meta['duration_s']} s"
    )
    if intake is not None:
        absent = [d for d in intake.deliveries if d.state != "submitted"]
        print(f"  roster:    {len(intake.deliveries)} people, {len(absent)} without a notebook (listed, 0 points)")
    print(f"  dashboard: {args.out / 'index.html'}")
    print(f"  results:   {args.out / 'results.json'}, {args.out / 'grades.csv'}")
    print(f"  gradebook: {args.db or args.out / 'gradebook.db'}")
    return 0


def _intake(args, lab: Lab) -> Intake:
    if len(args.paths) != 1:
        raise CourseError(f"--lms {args.lms}: give the one download (zip or folder), not {len(args.paths)} paths.")
    zone = _zone(args.tz)
    assignment = Assignment(
        name=args.assignment or lab.name,
        lab=lab.name,
        lms=args.lms,
        late=LatePolicy(
            due=_moment(args.due, zone) if args.due else None,
            penalty=args.late_penalty,
            per=args.late_per,
            cap=args.late_cap,
            grace=_duration(args.grace),
            extensions=dict(_extension(e, zone) for e in args.extension),
        ),
    )
    template = lab.rubric.template
    if args.lms == "moodle":
        intake, _ = moodle_intake(args.paths[0], assignment, template, args.out, worksheet_path=args.roster, tz=zone)
    else:
        intake, _ = canvas_intake(args.paths[0], assignment, template, args.out, gradebook_path=args.roster)
    return intake


def _zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CourseError(f"--tz {name!r} is no time zone. Fix: use a name like Europe/Warsaw or UTC.") from exc


def _moment(text: str, zone: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CourseError(f"{text!r} is not an ISO 8601 date. Fix: write it as 2024-10-14T23:59.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhd]?)", text.strip())
    if not match:
        raise CourseError(f"--grace {text!r}: not a duration. Fix: write 15m, 2h or 1d.")
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    return timedelta(seconds=float(match[1]) * unit)


def _extension(text: str, zone: tzinfo) -> tuple[str, datetime]:
    student, sep, when = text.partition("=")
    if not sep or not student:
        raise CourseError(f"--extension {text!r}: Fix: write STUDENT=2024-10-16T23:59 (the student id of the report).")
    return student, _moment(when, zone)


def _export(args) -> int:
    settings = load_settings({"lang": args.lang})
    lab = find_lab(args.lab, settings)
    with service.open_gradebook(args.out, args.db) as gradebook:
        marks = service.marks(gradebook, lab, settings.lang, args.assignment, args.allow_pending)
    out = args.out / "lms"
    out.mkdir(parents=True, exist_ok=True)
    if args.target == "moodle":
        worksheet = moodle_worksheet.read_worksheet(args.worksheet)
        written = moodle_worksheet.write_worksheet(
            worksheet, marks, out / "moodle-grading-worksheet.csv", scale=args.scale
        )
        folders = moodle_feedback.feedback_zip(marks, out / "moodle-feedback-files.zip")
        print(
            f"wrote {written.path}: {len(written.written)} grades"
            + ("" if written.feedback else " (no Feedback comments column: grades only)")
        )
        print(f"wrote {out / 'moodle-feedback-files.zip'}: {len(folders)} reports")
        for person in written.not_in_worksheet:
            print(f"  not in the worksheet: {person.key}")
    elif args.target == "canvas":
        book = canvas.read_gradebook(args.gradebook)
        result = canvas.write_gradebook_import(book, args.column, marks, out / "canvas-import.csv")
        print(f"wrote {out / 'canvas-import.csv'}: {result}")
    else:
        token = os.environ.get(args.token_env, "")
        if not token:
            raise ExportError(
                f"${args.token_env} is empty. Fix: make a token in Canvas (Account > Settings > New Access Token) "
                f"and export {args.token_env}=... before running this."
            )
        report = canvas_api.upload(
            marks,
            base_url=args.url,
            token=token,
            course_id=args.course,
            assignment_id=args.assignment_id,
            state_path=out / f"canvas-upload-{args.course}-{args.assignment_id}.json",
            dry_run=args.dry_run,
            attach_report=not args.no_report,
            lang=settings.lang,
        )
        print(report)
    _say_pending(marks, args.allow_pending)
    return 0


def _say_pending(marks: list[Mark], allowed: bool) -> None:
    pending = [m for m in marks if m.pending]
    if not pending:
        return
    what = "sent with their partial total" if allowed else "left out (--allow-pending sends the partial total)"
    print(f"{len(pending)} students have items awaiting manual grading, {what}:")
    for mark in pending:
        print(f"  {mark.person.key}: {', '.join(mark.pending)}")


def _gradescope(args) -> int:
    lab = find_lab(args.lab, load_settings())
    out = args.out or Path(f"{lab.name}-gradescope.zip")
    members = gradescope.build_autograder(lab, out, lang=args.lang, wheel=args.wheel)
    print(f"wrote {out}: {len(members)} files; upload it in Gradescope: Configure Autograder > Zip file upload")
    return 0


def _handout(args) -> int:
    settings = load_settings()
    lab = find_lab(args.lab, settings)
    out = args.out or Path(f"{lab.name}-handout")
    for path in write_handout(lab, out, force=args.force):
        print(path)
    if args.selfcheck:
        extra = [p for path in args.verify_with for p in (sorted(path.glob("*.ipynb")) if path.is_dir() else [path])]
        bundle = write_selfcheck_bundle(
            lab, out / "selfcheck", settings, verify_with=[*default_notebooks(lab), *extra], force=args.force
        )
        for path in (bundle.engine_wheel, bundle.lab_wheel, write_install_note(lab, bundle)):
            print(path)
        print(f"verified on {len(extra) + len(default_notebooks(lab))} notebooks: the same table as `grader check`")
    return 0


if __name__ == "__main__":
    sys.exit(main())

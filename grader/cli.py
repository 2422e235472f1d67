"""The command line: ``grader grade``, ``grader check``, ``grader labs``, ``grader handout``, ``grader doctor``.

The only place that catches :class:`GraderError`: it prints the message once and exits with
the error's code (documented in docs/cli.md). Settings are built here, once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from . import service
from .cluster import ClusterJudging
from .doctor import doctor_report
from .errors import GraderError
from .handout import write_handout
from .labs import find_lab, list_labs
from .outcomes import Grade
from .selfcheck import run_self_check
from .settings import Settings, load_settings

LAB_HELP = (
    "a lab id (see `grader labs`), a rubric .yaml file, or a lab folder holding lab.yaml or "
    "rubrics/<lab>.yaml (a course's own lab, outside the grader)"
)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 1
    try:
        return args.run(args)
    except GraderError as exc:
        print(f"grader: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("grader: interrupted; what was graded is in the gradebook.", file=sys.stderr)
        return 130


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
    _common(grade)
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
    grade.set_defaults(run=_grade)

    check = sub.add_parser("check", help="a student's self-check: public checks, a table in the terminal")
    check.add_argument("notebook", type=Path)
    check.add_argument("--lab", required=True, help=LAB_HELP)
    check.add_argument("--item", action="append", help="only this item (repeatable), e.g. --item 3.data")
    _common(check)
    check.set_defaults(run=_check)

    handout = sub.add_parser("handout", help="write what students get: the lab's template and the files it imports")
    handout.add_argument("lab", help=LAB_HELP)
    handout.add_argument("--out", type=Path, help="folder to write into (default: ./<lab>-handout)")
    handout.add_argument("--force", action="store_true", help="overwrite files already there")
    handout.set_defaults(run=_handout)

    doctor = sub.add_parser(
        "doctor", help="which isolation layers this machine gives student code, and what is missing"
    )
    doctor.set_defaults(run=_doctor)

    labs = sub.add_parser("labs", help="list the registered labs (entry point group grader.labs): id, points, title")
    labs.add_argument("--lang", choices=("pl", "en"))
    labs.set_defaults(run=_labs)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("pl", "en"), help="language of messages and reports (default: pl)")
    p.add_argument("--seed", type=int, help="seed for every framework (default: 0)")
    p.add_argument("--keras", choices=("2", "3"), help="Keras of the sandbox (default: the lab's `keras:`)")
    p.add_argument(
        "--mode",
        choices=("definitions", "execute"),
        help="how every code item gets the student's objects (default: the rubric's `mode`)",
    )


def _settings(args) -> Settings:
    return load_settings(
        {
            "lang": args.lang,
            "seed": getattr(args, "seed", None),
            "jobs": getattr(args, "jobs", None),
            "keras": getattr(args, "keras", None),
            "mode": getattr(args, "mode", None),
            "pool": getattr(args, "pool", None),
        }
    )


def _grade(args) -> int:
    settings = _settings(args)
    lab = find_lab(args.lab, settings)
    judging = ClusterJudging(args.scheduler) if args.scheduler else None
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
        )
    errors = sum(1 for g in batch.grades if g.status == "error")
    mean = sum(g.total for g in batch.grades) / max(len(batch.grades), 1)
    reused = f", {batch.meta['reused']} unchanged since the last run" if batch.meta.get("reused") else ""
    print(
        f"graded {len(batch.grades)} submissions of {lab.name} ({errors} unreadable{reused}), "
        f"mean {mean:.2f}/{lab.rubric.max_points:g}, in {batch.meta['duration_s']} s"
    )
    print(f"  dashboard: {args.out / 'index.html'}")
    print(f"  results:   {args.out / 'results.json'}, {args.out / 'grades.csv'}")
    print(f"  gradebook: {args.db or args.out / 'gradebook.db'}")
    return 0


def _check(args) -> int:
    settings = _settings(args)
    print(run_self_check(args.notebook, args.lab, settings, set(args.item) if args.item else None))
    return 0


def _handout(args) -> int:
    lab = find_lab(args.lab, load_settings())
    out = args.out or Path(f"{lab.name}-handout")
    for path in write_handout(lab, out, force=args.force):
        print(path)
    return 0


def _doctor(args) -> int:
    print(doctor_report(load_settings().isolation))
    return 0


def _labs(args) -> int:
    settings = load_settings({"lang": args.lang})
    for lab in list_labs(settings):
        code = sum(1 for i in lab.rubric.items if i.kind == "code")
        print(
            f"{lab.name:24} {lab.rubric.max_points:g} pts, {len(lab.rubric.items)} items ({code} code)  "
            f"{lab.title(settings.lang)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The commands of a student's install (the self-check bundle's engine, ``grader-selfcheck``):
``grader check``, ``grader labs`` and ``grader doctor``, defined once here and attached to the
instructor's command line too (:mod:`grader.cli`), so both print the same table.

Only light modules are imported here and by what these commands run (numpy, pydantic, PyYAML,
nbformat): a student's install has no gradebook, web app or LMS client, and a self-check must
not spend seconds importing them (tests/test_selfcheck_bundle.py holds both to it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .doctor import doctor_report
from .errors import GraderError
from .labs import list_labs
from .selfcheck import lab_from_metadata, run_self_check
from .settings import Settings, load_settings

LAB_HELP = (
    "a lab id (see `grader labs`), a rubric .yaml file, or a lab folder holding lab.yaml or "
    "rubrics/<lab>.yaml (a course's own lab, outside the grader)"
)
INSTRUCTOR_ONLY = (
    "grade, export, gradescope, handout, serve and users are the instructor's commands; this is the "
    "self-check install (grader-selfcheck), which has check, labs and doctor"
)


def main(argv: list[str] | None = None) -> int:
    """The console script of the self-check install."""
    parser = argparse.ArgumentParser(
        prog="grader", description="A lab notebook's public checks, before submitting.", epilog=INSTRUCTOR_ONLY
    )
    add_commands(parser.add_subparsers(dest="command"))
    return run(parser, argv)


def run(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse and run; the one place that turns a :class:`GraderError` into a message and an exit code."""
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


def add_common(p: argparse.ArgumentParser) -> None:
    """What every command that judges notebooks accepts."""
    p.add_argument("--lang", choices=("pl", "en"), help="language of messages and reports (default: pl)")
    p.add_argument("--seed", type=int, help="seed for every framework (default: 0)")
    p.add_argument("--keras", choices=("2", "3"), help="Keras of the sandbox (default: the lab's `keras:`)")
    p.add_argument(
        "--mode",
        choices=("definitions", "execute"),
        help="how every code item gets the student's objects (default: the rubric's `mode`)",
    )


def settings_from(args) -> Settings:
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


def add_commands(sub) -> None:
    check = sub.add_parser("check", help="a student's self-check: public checks, a table in the terminal")
    check.add_argument("notebook", type=Path)
    check.add_argument("--lab", help=LAB_HELP + '; default: the notebook\'s metadata {"grader": {"lab": ...}}')
    check.add_argument("--item", action="append", help="only this item (repeatable), e.g. --item 3.data")
    add_common(check)
    check.set_defaults(run=_check)

    doctor = sub.add_parser(
        "doctor", help="which isolation layers this machine gives student code, and what is missing"
    )
    doctor.set_defaults(run=_doctor)

    labs = sub.add_parser("labs", help="list the registered labs (entry point group grader.labs): id, points, title")
    labs.add_argument("--lang", choices=("pl", "en"))
    labs.set_defaults(run=_labs)


def _check(args) -> int:
    settings = settings_from(args)
    lab = args.lab or lab_from_metadata(args.notebook)
    print(run_self_check(args.notebook, lab, settings, set(args.item) if args.item else None))
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

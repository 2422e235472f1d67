"""The command line of the web app: ``grader serve``, ``grader users add|link|list`` and
``grader users student-links`` (the students' web self-check links)
(attached to the main parser by :mod:`grader.cli`)."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from datetime import timedelta
from pathlib import Path

import uvicorn

from .. import service
from ..errors import GraderError
from ..manual import accounts, student_links
from ..settings import load_settings
from .app import create_app

DEFAULT_PORT = 8000


def add_commands(sub) -> None:
    serve = sub.add_parser("serve", help="the web app in which instructors and TAs grade prose answers")
    _gradebook_args(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the app answers to besides 127.0.0.1, localhost and --host (repeatable; "
        "e.g. the name a reverse proxy forwards)",
    )
    serve.add_argument(
        "--secure-cookies", action="store_true", help="mark the session cookie Secure (behind an https proxy)"
    )
    serve.add_argument("--lang", choices=("pl", "en"), help="language of criteria and reports (default: pl)")
    serve.set_defaults(run=_serve)

    users = sub.add_parser("users", help="accounts of the people who grade in `grader serve`")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", help="a new account; prints its one-time login link")
    add.add_argument("name")
    add.add_argument("--role", choices=accounts.ROLES, required=True)
    link = users_sub.add_parser("link", help="a new one-time login link for an account")
    link.add_argument("name")
    listing = users_sub.add_parser("list", help="the accounts")
    disable = users_sub.add_parser("disable", help="close an account: its sessions end, its links stop working")
    disable.add_argument("name")
    student_links_ = users_sub.add_parser(
        "student-links",
        help="a web self-check link per student of an assignment, as CSV (student,link); revokes older ones",
    )
    student_links_.add_argument("--assignment", required=True, metavar="NAME")
    student_links_.add_argument(
        "--days", type=int, default=student_links.LINK_LIFETIME.days, help="days the links work (default 30)"
    )
    student_links_.add_argument("--csv", type=Path, metavar="FILE", help="write the CSV here (default: stdout)")
    _gradebook_args(student_links_)
    student_links_.add_argument(
        "--url",
        default=f"http://127.0.0.1:{DEFAULT_PORT}",
        help="the app's address as students open it (default http://127.0.0.1:8000)",
    )
    student_links_.set_defaults(run=_student_links)
    for command in (add, link, listing, disable):
        _gradebook_args(command)
        command.add_argument(
            "--url",
            default=f"http://127.0.0.1:{DEFAULT_PORT}",
            help="the app's address as the person opens it (default http://127.0.0.1:8000)",
        )
        command.set_defaults(run=_users)


def _gradebook_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("reports"), help="the batch's output folder (default: reports)")
    p.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///OUT/gradebook.db)")


def _users(args) -> int:
    with service.open_gradebook(args.out, args.db) as gradebook:
        if args.action == "list":
            for user in accounts.users(gradebook):
                print(f"{user.name}\t{user.role}")
            return 0
        if args.action == "disable":
            accounts.disable_user(gradebook, args.name)
            print(f"{args.name}: account closed, sessions ended (their grades and audit rows stay)")
            return 0
        if args.action == "add":
            accounts.add_user(gradebook, args.name, args.role)
        token = accounts.login_link(gradebook, args.name)
    print(f"login link for {args.name} (works once, for {accounts.LINK_LIFETIME.days} days):")
    print(f"  {args.url.rstrip('/')}/login/{token}")
    return 0


def _student_links(args) -> int:
    if args.days < 1:
        raise GraderError(f"--days {args.days}: a link must work at least one day. Fix: --days 1 or more.")
    with service.open_gradebook(args.out, args.db) as gradebook:
        issued = student_links.issue_all(gradebook, args.assignment, lifetime=timedelta(days=args.days))
    base = args.url.rstrip("/")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["student", "link"])
    for student, token in issued:
        # a key a spreadsheet would read as a formula is written as text
        writer.writerow([("'" + student) if student[:1] in "=+-@" else student, f"{base}/check/{token}"])
    if args.csv is None:
        sys.stdout.write(text.getvalue())
    else:
        # the links are the students' credentials: readable by the instructor only
        descriptor = os.open(args.csv, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(text.getvalue())
    print(
        f"{len(issued)} self-check links for {args.assignment} (each works for {args.days} days; "
        "older links of these students no longer work)",
        file=sys.stderr,
    )
    return 0


def _serve(args) -> int:
    settings = load_settings({"lang": args.lang})
    if not (args.out / "gradebook.db").exists() and not args.db:
        raise GraderError(
            f"{args.out / 'gradebook.db'} does not exist. Fix: grade a class first (`grader grade ... --out {args.out}`), "
            "or give --db URL."
        )
    gradebook = service.open_gradebook(args.out, args.db)
    allowed = sorted({"127.0.0.1", "localhost", args.host, *args.allowed_host})
    app = create_app(
        gradebook,
        settings,
        allowed_hosts=allowed,
        secure_cookies=args.secure_cookies,
        lang=settings.lang,
        out_dir=args.out,
    )
    print(f"grader serve: http://{args.host}:{args.port}/ (answers to Host {', '.join(allowed)}); Ctrl-C stops it")
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    finally:
        gradebook.close()
    return 0

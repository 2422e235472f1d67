"""Canvas files for tests, written from Canvas's own rules (dev-only; not in the wheel).

- Member names of a "Download Submissions" zip: ``lib/content_zipper.rb`` (``get_filename``,
  ``sanitize_user_name``, ``sanitize_attachment_filename``), current (``_LATE_``) and older
  (``_late_``, all lower-cased) Canvas; the ``-N`` of ``Attachment.make_unique_filename``
  (app/models/attachment.rb).
- A gradebook export: ``lib/gradebook_exporter.rb``: the header, the "Manual Posting" row, the
  ``    Points Possible`` row with ``(read only)`` under the totals, a BOM and ``;`` on request,
  the test student last.

../shared/research/lms-formats.md, sections 3 and 4, quotes the code these follow.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TOTALS = (
    "Current Points",
    "Final Points",
    "Current Score",
    "Unposted Current Score",
    "Final Score",
    "Unposted Final Score",
)
_UNSAFE_IN_NAME = re.compile(r'[\x00/\\:*?"<>|]+')  # sanitize_attachment_filename
TEST_STUDENT_LOGIN = "3f786850e387550fdab836ed7e6dc881de23001b"  # hmac_sha1("Test Student_<id>") has this shape


def sanitize_user_name(sortable_name: str) -> str:
    """content_zipper's ``sanitize_user_name``: the ``_`` around digits removed, lower-cased."""
    name = re.sub(r"_(\d+)_", r"\1", sortable_name)
    return name.lower()


def sanitize_file_name(filename: str, *, old: bool = False) -> str:
    """``gsub(/[^[[:word:]]]/, "")``; older Canvas lower-cased it too (so ``LATE`` became ``late``)."""
    cleaned = re.sub(r"[^\w]", "", filename)
    return cleaned.lower() if old else cleaned


def member_prefix(
    sortable_name: str | None, user_id: str, *, late: bool = False, old: bool = False, anonymous_id: str = ""
) -> str:
    """``get_filename``: ``[name, "LATE", id].compact.join("_")``, sanitised; ``anon_<id>`` without a name."""
    who = f"anon_{anonymous_id}" if anonymous_id else user_id
    parts = [sanitize_user_name(sortable_name) if sortable_name is not None and not anonymous_id else None]
    parts += ["LATE" if late else None, who]
    return sanitize_file_name("_".join(p for p in parts if p is not None), old=old)


def file_member(prefix: str, attachment_id: str, display_name: str) -> str:
    """An online upload: ``<prefix>_<attachment id>_<display name>``, the display name's ``/\\:*?"<>|`` runs as ``_``."""
    return f"{prefix}_{attachment_id}_{_UNSAFE_IN_NAME.sub('_', display_name)}"


def page_member(prefix: str, kind: str = "text") -> str:
    """An online text entry (``text``) or URL (``link``)."""
    return f"{prefix}_{kind}.html"


def unique_filename(filename: str, existing: Iterable[str]) -> str:
    """``Attachment.make_unique_filename``: ``-1`` .. ``-7`` before the greedy multi-dot extension."""
    taken = set(existing)
    if filename not in taken:
        return filename
    found = re.search(r"(\.[A-Za-z][A-Za-z0-9]*)*(\.[A-Za-z0-9]*)$", filename)
    cut = found.start() if found else len(filename)
    for addition in range(1, 8):
        candidate = f"{filename[:cut]}-{addition}{filename[cut:]}"
        if candidate not in taken:
            return candidate
    raise ValueError("Canvas would use a uuid here; no fixture needs it")


def download_zip(path: Path, members: Mapping[str, bytes]) -> Path:
    """A zip as Canvas's ContentZipper writes it: flat, one member per file, UTF-8 names."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@dataclass(frozen=True)
class ExportStudent:
    """A row of the export: ``sortable_name`` as Canvas writes it ("Doe, Jane"), scores by assignment id."""

    sortable_name: str
    user_id: str
    sis_user_id: str = ""
    login: str = ""
    section: str = ""
    scores: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ExportAssignment:
    title: str
    id: str
    points_possible: float
    manual_posting: bool = False


def gradebook_csv(
    students: Sequence[ExportStudent],
    assignments: Sequence[ExportAssignment],
    *,
    include_sis_id: bool = True,
    integration_id: bool = False,
    bom: bool = False,
    delimiter: str = ",",
    test_student_id: str = "",
) -> bytes:
    """The bytes of Grades > Export > Export Entire Gradebook for these students (the test student,
    when ``test_student_id`` is given, last, as ``enrollments_for_csv`` orders it)."""
    header = ["Student", "ID"] + (["SIS User ID"] if include_sis_id else []) + ["SIS Login ID"]
    header += (["Integration ID"] if include_sis_id and integration_id else []) + ["Section"]
    identity = len(header)
    header += [f"{a.title} ({a.id})" for a in assignments] + list(TOTALS)
    rows: list[list[str]] = [header]
    if any(a.manual_posting for a in assignments):
        rows.append(
            [""] * identity + ["Manual Posting" if a.manual_posting else "" for a in assignments] + [""] * len(TOTALS)
        )
    points = ["    Points Possible"] + [""] * (identity - 1) + [_n(a.points_possible) for a in assignments]
    rows.append(points + ["(read only)"] * len(TOTALS))
    everyone = list(students)
    if test_student_id:
        everyone.append(
            ExportStudent(
                "Student, Test", test_student_id, "", TEST_STUDENT_LOGIN, students[0].section if students else ""
            )
        )
    for student in everyone:
        row = [_guarded(student.sortable_name), student.user_id] + ([student.sis_user_id] if include_sis_id else [])
        row += [student.login] + ([""] if include_sis_id and integration_id else []) + [student.section]
        row += [(student.scores or {}).get(a.id, "") for a in assignments] + ["0.00"] * len(TOTALS)
        rows.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def _n(number: float) -> str:
    return f"{number:.2f}"


def _guarded(name: str) -> str:
    # GradebookExporter#student_name: a name starting with "=" is written ="name"
    return f'="{name}"' if re.match(r"^\s*=", name) else name

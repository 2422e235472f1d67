"""The zip for Moodle's *Upload multiple feedback files in a zip*: each student's report, in a
folder Moodle's importer matches to exactly that student.

``feedback_zip(marks, out, file_name="grader-report.html") -> list[str]`` writes one member per
mark with a ``report_html``: ``<name>_<participant id>_assignsubmission_file/<file_name>``, the
folder name of a Moodle >= 4.1 download. The rule it is written for is
``assignfeedback_file_zip_importer::is_valid_filename_for_import()`` in ``moodle/moodle``
``mod/assign/feedback/file/importziplib.php`` (../shared/research/lms-formats.md, section 1.3):

- a file whose name starts with ``.`` or ``~`` is skipped;
- each part of the path is split with ``explode('_', $part, 5)``; the first with at least four
  fields whose ``info[1]`` is a participant id of the assignment decides the student, and
  ``info[2]``/``info[3]`` must name a plugin (``assignsubmission``/``file``).

So the name part may hold no ``_`` (each becomes a space, as Moodle's download does) and no ``/``;
the characters Moodle's ``clean_filename`` drops are dropped too. The zip is deterministic: sorted
members, fixed timestamps and permissions, so the same marks give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import ExportError
from .marks import Mark
from .moodle_worksheet import write_atomically

FOLDER_SUFFIX = "assignsubmission_file"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the same bytes on every run
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')  # what clean_filename (PARAM_FILE) strips


def folder_name(display_name: str, participant_id: str) -> str:
    """The feedback folder of one participant: their name made safe for the importer's split."""
    name = _UNSAFE.sub("", display_name.replace("_", " "))
    name = " ".join(name.split()).strip(".~ ") or "Participant"
    return f"{name}_{participant_id}_{FOLDER_SUFFIX}"


def feedback_zip(marks: Iterable[Mark], out: Path, *, file_name: str = "grader-report.html") -> list[str]:
    """Writes the feedback zip at ``out`` (atomically) and returns its member names, sorted."""
    if not file_name or file_name[0] in ".~" or _UNSAFE.search(file_name):
        raise ExportError(
            f"{out}: the report's file name {file_name!r} would be skipped or split by Moodle's importer. "
            "Fix: use a plain name such as grader-report.html (no leading '.' or '~', no '/')."
        )
    members: dict[str, bytes] = {}
    owners: dict[str, str] = {}
    for mark in marks:
        if mark.report_html is None:
            continue
        pid = mark.person.participant_id
        if not pid.isdigit():
            raise ExportError(
                f"{out}: {mark.person.key} has no Moodle participant id, so Moodle cannot match a feedback file "
                "to them. Fix: read the roster from the assignment's grading worksheet (read_worksheet)."
            )
        if pid in owners:
            raise ExportError(
                f"{out}: {owners[pid]} and {mark.person.key} share participant id {pid}. "
                "Fix: give each person one mark."
            )
        owners[pid] = mark.person.key
        members[f"{folder_name(mark.person.display_name, pid)}/{file_name}"] = mark.report_html.encode("utf-8")
    write_atomically(out, _zip_bytes(members))
    return sorted(members)


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine writes it
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()

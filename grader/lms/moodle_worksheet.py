"""Moodle's grading worksheet: the roster read from it, and the same file written back with grades.

``read_worksheet(path, columns=None) -> Worksheet`` reads the CSV of *View all submissions >
Grading action > Download grading worksheet* (``assignfeedback_offline``; the layout is in
../shared/research/lms-formats.md, section 2). ``match_download`` maps a "Download all submissions"
layout (:mod:`grader.lms.moodle`) onto it by participant id, and ``write_worksheet`` writes a copy
with ``Grade`` and ``Feedback comments`` filled, for *Upload grading worksheet*.

The contract, from Moodle's source (``moodle/moodle``):

- The file is UTF-8, a BOM or none (Spout's CSV writer adds one), comma separated, ``"`` quoted.
- ``Identifier`` is the first column in every language; its cell is ``hiddenuser`` + the
  participant id (``Participant 1234567``; ``col_recordid`` in ``mod/assign/gradingtable.php``).
  The importer strips ``strlen(get_string('hiddenuser'))`` characters from it
  (``mod/assign/feedback/offline/importgradeslib.php``), so the cell is never rewritten.
- The other columns are found by their header text, which is Moodle's string in the language the
  worksheet was downloaded in (English and Polish known here; any other language through
  ``columns``). The importer needs ``Identifier``, ``Grade`` and ``Last modified (grade)``, matched
  by exact text in the importing user's language; every other column it ignores.
- Written back, only the ``Grade`` and ``Feedback comments`` cells of the graded rows change: the
  header, the column order, every other cell, the quoting, the BOM and the line endings are the
  downloaded bytes, because the file is tokenised with each cell's place in it kept.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from ..course import Person, Roster, student_key
from ..errors import CourseError, ExportError
from .marks import Mark
from .moodle import MoodleDownload

ROLES = (
    "identifier",
    "full_name",
    "email",
    "id_number",
    "status",
    "grade",
    "max_grade",
    "modified_submission",
    "modified_grade",
    "feedback_comments",
    "group",
)
ROSTER_ROLES = ("identifier", "full_name")
WRITE_ROLES = ("grade", "modified_grade")  # with identifier: what Moodle's importer refuses without

# Moodle's own strings, by language: mod/assign/lang/en/assign.php (recordid, status, maxgrade,
# gradecanbechanged, lastmodifiedsubmission, lastmodifiedgrade), lang/en/moodle.php (fullname,
# email, idnumber, grade / gradenoun), mod/assign/feedback/comments/lang/en (pluginname). The
# English maxgrade is defined twice in assign.php, "Maximum grade" then "Maximum Grade": both kept.
HEADERS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "identifier": ("Identifier",),
        "full_name": ("Full name",),
        "email": ("Email address",),
        "id_number": ("ID number",),
        "status": ("Status",),
        "grade": ("Grade",),
        "max_grade": ("Maximum grade", "Maximum Grade"),
        "modified_submission": ("Last modified (submission)",),
        "modified_grade": ("Last modified (grade)",),
        "feedback_comments": ("Feedback comments",),
        "group": ("Group",),
    },
    "pl": {
        "identifier": ("Identyfikator",),
        "full_name": ("Imię i nazwisko",),
        "email": ("Adres e-mail",),
        "id_number": ("Numer ID",),
        "status": ("Stan",),
        "grade": ("Ocena",),
        "max_grade": ("Ocena maksymalna",),
        "modified_submission": ("Ostatnio modyfikowany (zgłoszenie)",),
        "modified_grade": ("Ostatnio modyfikowany (ocena)",),
        "feedback_comments": ("Komentarze zwrotne",),
        "group": ("Grupa",),
    },
}
SCALE_HEADERS = ("Scale", "Skala")  # instead of the maximum when the assignment is graded with a scale
NOT_SUBMITTED = ("", "-")
_AGAIN = (
    "download it again from Moodle (View all submissions > Grading action > Download grading worksheet) "
    "and do not open and save it in a spreadsheet program"
)
_OVERRIDE = "pass the header of each column as columns={'grade': '...', ...}"
_IDENTIFIER = re.compile(r"(?P<prefix>.*?)(?P<pid>\d+)")


@dataclass(frozen=True)
class _Record:
    """One CSV record: its cells and where each one's raw text lies in the file's text."""

    cells: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    end: int  # where the record's cells end (its line ending starts)


@dataclass(frozen=True)
class Worksheet:
    """A downloaded grading worksheet: its text as read, the columns found, the roster in it."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # every record after the header, raw cells
    columns: Mapping[str, int]  # role -> column index, for the roles found
    bom: bool
    newline: str  # the first record's line ending: "\r\n" or "\n"
    roster: Roster
    max_grade: float | None  # None: a scale (or no maximum column)
    scale: bool
    blind: bool  # no name column (anonymous submissions): names are the Identifier cells
    hiddenuser: str  # the Identifier cells' prefix, "Participant " in English
    problems: tuple[str, ...]
    _text: str = field(repr=False)
    _records: tuple[_Record, ...] = field(repr=False)
    _row_of: Mapping[str, int] = field(repr=False)  # participant id -> index in rows
    _submitted: Mapping[str, datetime | None] = field(repr=False)  # naive, as the cell says

    def submitted_at(self, participant_id: str, tz: tzinfo) -> datetime | None:
        """When ``participant_id`` last modified their submission, in ``tz`` (the worksheet gives
        no zone: it is the Moodle user's); None when not submitted or the date could not be read."""
        moment = self._submitted.get(participant_id)
        return moment.replace(tzinfo=tz) if moment else None

    def members(self, group: str) -> tuple[Person, ...]:
        """The people whose ``Group`` cell is ``group`` (a team submission's members), in file order;
        empty without a Group column (the worksheet of an assignment without teams)."""
        if "group" not in self.columns:
            return ()
        return tuple(p for p in self.roster.people if self.row(p.participant_id).get("group") == group)

    def row(self, participant_id: str) -> dict[str, str]:
        """The row of ``participant_id`` as role -> cell, for the roles found."""
        cells = self.rows[self._row_of[participant_id]]
        return {role: _cell(cells, index) for role, index in self.columns.items()}


@dataclass(frozen=True)
class WorksheetWritten:
    """What :func:`write_worksheet` did, person by person."""

    path: Path
    written: tuple[Person, ...]
    left_pending: tuple[Person, ...]  # points None: their rows are as downloaded
    not_in_worksheet: tuple[Person, ...]  # no row carries their participant id
    capped: tuple[Person, ...]  # points above the worksheet's maximum, written as the maximum
    feedback: bool  # False: the worksheet has no Feedback comments column, grades only


def read_worksheet(path: Path, columns: Mapping[str, str] | None = None) -> Worksheet:
    """The worksheet at ``path``; ``columns`` (role -> header text) names the columns of a language
    not known here. A CourseError when it is not UTF-8, not a worksheet, or lacks Identifier."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CourseError(f"{path}: is not UTF-8 (byte {exc.start}). Fix: {_AGAIN}.") from exc
    bom = text.startswith("\ufeff")
    records = _tokenise(text, 1 if bom else 0)
    if not records or not any(records[0].cells):
        raise CourseError(f"{path}: is empty. Fix: {_AGAIN}.")
    header = records[0].cells
    if len(header) == 1 and ";" in header[0]:
        raise CourseError(f"{path}: is separated by ';', as a spreadsheet program saves it. Fix: {_AGAIN}.")
    found = _find_columns(path, header, records[1:], columns)
    _require(path, header, found, ROSTER_ROLES[:1])
    return _worksheet(path, text, bom, records, found)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CourseError(f"{path}: cannot be read ({exc.strerror}). Fix: give the worksheet's path.") from exc


def _tokenise(text: str, start: int) -> tuple[_Record, ...]:
    """RFC 4180 records with each cell's span: quoted cells may hold commas, quotes and line breaks."""
    records: list[_Record] = []
    pos, size = start, len(text)
    while pos < size:
        cells: list[str] = []
        spans: list[tuple[int, int]] = []
        while True:
            begin = pos
            if pos < size and text[pos] == '"':
                value, pos = _quoted(text, pos)
            else:
                while pos < size and text[pos] not in ",\r\n":
                    pos += 1
                value = text[begin:pos]
            cells.append(value)
            spans.append((begin, pos))
            if pos < size and text[pos] == ",":
                pos += 1
                continue
            break
        records.append(_Record(tuple(cells), tuple(spans), pos))
        pos += 2 if text.startswith("\r\n", pos) else 1
    return tuple(records)


def _quoted(text: str, pos: int) -> tuple[str, int]:
    parts, pos = [], pos + 1
    while True:
        close = text.find('"', pos)
        if close < 0:  # unterminated: the rest of the file is the cell, as PHP's reader takes it
            parts.append(text[pos:])
            return "".join(parts), len(text)
        parts.append(text[pos:close])
        if text.startswith('""', close):
            parts.append('"')
            pos = close + 2
            continue
        pos = close + 1
        tail = pos
        while pos < len(text) and text[pos] not in ",\r\n":  # text after the closing quote is kept
            pos += 1
        parts.append(text[tail:pos])
        return "".join(parts), pos


def _find_columns(
    path: Path, header: tuple[str, ...], rows: tuple[_Record, ...], override: Mapping[str, str] | None
) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, wanted in (override or {}).items():
        if role not in ROLES:
            raise CourseError(f"{path}: columns names no role {role!r}. Fix: use one of {', '.join(ROLES)}.")
        if wanted not in header:
            raise CourseError(
                f"{path}: no column is headed {wanted!r} (columns[{role!r}]); its headers are {list(header)}. "
                f"Fix: {_OVERRIDE} with the headers as the file has them."
            )
        found[role] = header.index(wanted)
    for role in ROLES:
        for index, text in enumerate(header):
            if role not in found and any(text in strings[role] for strings in HEADERS.values()):
                found[role] = index
    if "identifier" not in found and header and _looks_like_identifiers(rows):
        found["identifier"] = 0  # the first column in every language (col_recordid)
    taken = set(found.values())
    if "full_name" not in found and len(header) > 1 and 1 not in taken and not _is_scale(header[1]):
        found["full_name"] = 1
    return found


def _looks_like_identifiers(rows: tuple[_Record, ...]) -> bool:
    cells = [r.cells[0] for r in rows if any(r.cells)]
    return bool(cells) and all(_IDENTIFIER.fullmatch(c) and not c.isdigit() for c in cells)


def _is_scale(text: str) -> bool:
    return text in SCALE_HEADERS


def _require(path: Path, header: tuple[str, ...], found: Mapping[str, int], roles: Iterable[str]) -> None:
    missing = [role for role in roles if role not in found]
    if missing:
        english = [HEADERS["en"][role][0] for role in missing]
        raise CourseError(
            f"{path}: no {', '.join(english)} column ({', '.join(missing)}); its headers are {list(header)}. "
            f"Fix: give the worksheet Moodle's Download grading worksheet wrote, or, in a language not known "
            f"here, {_OVERRIDE}."
        )


def _worksheet(path: Path, text: str, bom: bool, records: tuple[_Record, ...], found: dict[str, int]) -> Worksheet:
    problems: list[str] = []
    people: list[Person] = []
    row_of: dict[str, int] = {}
    submitted: dict[str, datetime | None] = {}
    prefixes: list[str] = []
    blind = "full_name" not in found
    rows = tuple(r.cells for r in records[1:])
    for number, cells in enumerate(rows):
        if not any(cells):
            continue
        identifier = _cell(cells, found["identifier"])
        match = _IDENTIFIER.fullmatch(identifier)
        if not match:
            problems.append(f"{path}: row {number + 2}: Identifier {identifier!r} carries no participant id; skipped")
            continue
        pid = match["pid"]
        if pid in row_of:
            raise CourseError(
                f"{path}: rows {row_of[pid] + 2} and {number + 2} are both {identifier!r}. Fix: {_AGAIN}."
            )
        row_of[pid] = number
        prefixes.append(match["prefix"])
        name = identifier if blind else _cell(cells, found["full_name"])
        key = student_key(match["prefix"].strip() if blind else name, pid)
        people.append(_person(key, name, pid, cells, found))
        submitted[pid] = _submission_time(path, number, cells, found, problems)
    hiddenuser = max(set(prefixes), key=prefixes.count) if prefixes else ""
    problems += [
        f"{path}: row {row_of[p.participant_id] + 2}: Identifier prefix {pre!r} differs from {hiddenuser!r}"
        for p, pre in zip(people, prefixes, strict=True)
        if pre != hiddenuser
    ]
    scale = any(_is_scale(h) for h in records[0].cells)
    max_grade = None if scale else _max_grade(path, rows, found, problems)
    return Worksheet(
        path=path,
        header=records[0].cells,
        rows=rows,
        columns=dict(found),
        bom=bom,
        newline=_newline(text, records),
        roster=Roster(tuple(people), str(path)),
        max_grade=max_grade,
        scale=scale,
        blind=blind,
        hiddenuser=hiddenuser,
        problems=tuple(problems),
        _text=text,
        _records=records,
        _row_of=row_of,
        _submitted=submitted,
    )


def _cell(cells: tuple[str, ...], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _person(key: str, name: str, pid: str, cells: tuple[str, ...], found: Mapping[str, int]) -> Person:
    def get(role: str) -> str:
        return _cell(cells, found[role]) if role in found else ""

    return Person(key, name, email=get("email"), sis_id=get("id_number"), participant_id=pid, lms_status=get("status"))


def _newline(text: str, records: tuple[_Record, ...]) -> str:
    return "\r\n" if text.startswith("\r\n", records[0].end) else "\n"


def _max_grade(
    path: Path, rows: tuple[tuple[str, ...], ...], found: Mapping[str, int], problems: list[str]
) -> float | None:
    if "max_grade" not in found:
        return None
    values = {_cell(r, found["max_grade"]) for r in rows if any(r)} - {""}
    parsed = {v: _number(v) for v in values}
    if not values or None in parsed.values() or len(set(parsed.values())) > 1:
        problems.append(f"{path}: Maximum grade cells {sorted(values)} do not give one maximum")
        return None
    return next(iter(parsed.values()))


def _number(cell: str) -> float | None:
    # format_float writes the language's decimal separator (a comma in Polish) and no thousands one
    try:
        return float(cell.strip().replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _submission_time(
    path: Path, number: int, cells: tuple[str, ...], found: Mapping[str, int], problems: list[str]
) -> datetime | None:
    if "modified_submission" not in found:
        return None
    cell = _cell(cells, found["modified_submission"]).strip()
    if cell in NOT_SUBMITTED:
        return None
    moment = parse_moodle_date(cell)
    if moment is None:
        problems.append(
            f"{path}: row {number + 2}: Last modified (submission) {cell!r} is not a date; taken as unknown"
        )
    return moment


# userdate() with strftimedaydatetime: "Monday, 14 October 2024, 10:03 AM" (en, %I without its
# leading zero), "poniedziałek, 14 października 2024, 10:03" (pl, genitive month names).
_DATE = re.compile(
    r"(?:[^\W\d]+,\s*)?(?P<day>\d{1,2})\s+(?P<month>[^\W\d]+)\s+(?P<year>\d{4}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<half>[AaPp]\.?[Mm]\.?))?"
)
_MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
        "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
    )
    for number, name in enumerate(names.split(), start=1)
}


def parse_moodle_date(cell: str) -> datetime | None:
    """A date as Moodle's userdate() writes it in English or Polish, without a zone; None if it is not one."""
    match = _DATE.fullmatch(cell.strip())
    month = _MONTHS.get(match["month"].lower()) if match else None
    if match is None or month is None:
        return None
    hour = int(match["hour"])
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"][0] in "Pp" else 0)
    try:
        return datetime(int(match["year"]), month, int(match["day"]), hour, int(match["minute"]))
    except ValueError:
        return None


def match_download(worksheet: Worksheet, download: MoodleDownload, download_name: str) -> dict[str, Person]:
    """Participant id -> person for every submission of ``download`` (named ``download_name`` in
    messages); a CourseError when a participant id of the download is not in the worksheet."""
    people = {p.participant_id: p for p in worksheet.roster.people}
    ids = [s.participant_id for s in download.submissions]
    unknown = [pid for pid in ids if pid not in people]
    if unknown:
        first = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        why = (
            "shares no participant id with it: Moodle numbers participants per assignment, so it is the "
            "worksheet of another assignment"
            if len(unknown) == len(ids)
            else f"has {len(unknown)} participant id(s) of {len(ids)} the worksheet lacks"
        )
        raise CourseError(
            f"{download_name}: {why} ({worksheet.path}; ids {first}). "
            "Fix: download the worksheet of the same assignment, after the last submission."
        )
    return {pid: people[pid] for pid in ids}


def write_worksheet(worksheet: Worksheet, marks: Iterable[Mark], out: Path, *, scale: bool = False) -> WorksheetWritten:
    """A copy of the downloaded worksheet at ``out`` with Grade (and Feedback comments) of every mark
    with points; ``scale`` rescales the lab's points to the worksheet's maximum when they differ."""
    path = worksheet.path
    _require(path, worksheet.header, worksheet.columns, WRITE_ROLES)
    if out.resolve() == path.resolve():
        raise ExportError(f"{out}: is the downloaded worksheet itself. Fix: write the copy to another file.")
    if worksheet.scale or worksheet.max_grade is None:
        raise ExportError(
            f"{path}: the assignment is graded with a scale or has no Maximum grade; Moodle imports a scale's "
            "item text, not points. Fix: set Grade > Type to Point in the assignment's settings and download "
            "the worksheet again."
        )
    top = worksheet.max_grade
    changes: dict[int, dict[int, str]] = {}
    written, pending, absent, capped = [], [], [], []
    for mark in marks:
        index = worksheet._row_of.get(mark.person.participant_id)
        if index is None:
            absent.append(mark.person)
            continue
        if mark.points is None:
            pending.append(mark.person)
            continue
        points = _to_worksheet_scale(path, mark, top, scale)
        grade, over = _grade_cell(points, top)
        cells = {worksheet.columns["grade"]: grade}
        if "feedback_comments" in worksheet.columns and mark.feedback_html:  # empty: a comment typed in Moodle stays
            cells[worksheet.columns["feedback_comments"]] = _quote(mark.feedback_html)
        changes[index + 1] = cells
        written.append(mark.person)
        capped += [mark.person] * over
    write_atomically(out, _with_changes(worksheet, changes).encode("utf-8"))
    return WorksheetWritten(
        out, tuple(written), tuple(pending), tuple(absent), tuple(capped), "feedback_comments" in worksheet.columns
    )


def _to_worksheet_scale(path: Path, mark: Mark, top: float, scale: bool) -> float:
    if abs(mark.max_points - top) <= 1e-9:
        return mark.points or 0.0
    if not scale:
        raise ExportError(
            f"{path}: the worksheet's Maximum grade is {top:g}, the lab's maximum {mark.max_points:g}. "
            "Fix: pass scale=True (--scale) to rescale the points proportionally, or set the maximum grade "
            f"to {mark.max_points:g} in the assignment's settings in Moodle and download the worksheet again."
        )
    return (mark.points or 0.0) * top / mark.max_points if mark.max_points else 0.0


def _grade_cell(points: float, top: float) -> tuple[str, bool]:
    """The grade as Moodle's unformat_float reads it in any language: "." and at most 2 decimals,
    within 0..top (the importer skips a row out of range); and whether it was capped."""
    cent = Decimal("0.01")
    ceiling = Decimal(repr(top)).quantize(cent, ROUND_DOWN)
    value = max(Decimal(0), Decimal(repr(points)).quantize(cent, ROUND_HALF_UP))
    over = value > ceiling
    text = format(min(value, ceiling), "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text), over


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _with_changes(worksheet: Worksheet, changes: Mapping[int, Mapping[int, str]]) -> str:
    """The worksheet's text with the given cells' raw text replaced; a cell past a short row's end
    is added after it (with empty cells between)."""
    text, pieces, pos = worksheet._text, [], 0
    for number in sorted(changes):
        record = worksheet._records[number]
        for index in sorted(i for i in changes[number] if i < len(record.spans)):
            begin, end = record.spans[index]
            pieces += [text[pos:begin], changes[number][index]]
            pos = end
        beyond = [i for i in changes[number] if i >= len(record.spans)]
        if beyond:
            pieces.append(text[pos : record.end])
            pieces += ["," + changes[number].get(i, "") for i in range(len(record.spans), max(beyond) + 1)]
            pos = record.end
    pieces.append(text[pos:])
    return "".join(pieces)


def write_atomically(out: Path, data: bytes) -> None:
    """``data`` at ``out`` through a temporary file beside it: a reader never sees half a file."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, out)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise ExportError(f"{out}: cannot be written ({exc.strerror}). Fix: choose a folder you can write to.") from exc

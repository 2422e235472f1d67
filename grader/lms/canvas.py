"""Canvas's files: the "Download Submissions" zip read from its member paths, the gradebook CSV
export read as the roster, and the CSV that Canvas's gradebook import takes back.

``canvas_submissions(paths) -> CanvasDownload`` over the member paths of the zip (or of its
unpacked folder); nothing is opened. Canvas writes one flat file per attachment
(instructure/canvas-lms ``lib/content_zipper.rb``; ../shared/research/lms-formats.md, sections 3
and 10):

- ``doejane_12345_67890_hw1.ipynb``: ``<name>_<user id>_<attachment id>_<file name>``
- ``doejane_LATE_12345_67891_hw1-1.ipynb``: late; older Canvas wrote ``_late_`` (either case is read)
- ``doejane_12345_text.html`` and ``doejane_12345_link.html``: an online text entry, a URL
- ``LATE_anon_aB3xQ_67892_hw1.ipynb``: anonymous grading: no name, Canvas's anonymous id

The name is the student's sortable name ("Doe, Jane"), lower-cased, every non-word character
removed; Canvas removes the ``_`` around any digits in it first, so the first all-digit ``_`` token
is the user id (Canvas's own re-upload rule, ``Assignment#infer_comment_context_from_filename``,
reads the same way). The ``-1`` before the extension (``Attachment.make_unique_filename``) is added
when the student's per-course Submissions folder already held a file of that name: that may be an
earlier attempt *or a file of another assignment*, so it is not a resubmission count; it is removed
to get the name the student gave, and the member path is kept. Every other path is kept in
``unrecognised``, never dropped.

``read_gradebook(path) -> CanvasGradebook`` reads Grades > Export > Export Entire Gradebook
(``lib/gradebook_exporter.rb``); ``write_gradebook_import`` writes the file for Grades > Import,
to the rules of ``app/models/gradebook_importer.rb`` (formerly ``lib/gradebook_importer.rb``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..course import Person, Roster, student_key
from ..errors import CourseError, ExportError
from .marks import Mark
from .moodle import choose_notebook

_LATE = r"(?P<late>(?i:late)_)?"
# Tried in this order: a file before a page ("doejane_1_2_text.html" is a file named text.html),
# the anonymous forms before the named ones (an anonymous id may be all digits).
_ANON_FILE = re.compile(_LATE + r"anon_(?P<uid>[A-Za-z0-9]+)_(?P<aid>\d+)_(?P<fname>.+)")
_ANON_PAGE = re.compile(_LATE + r"anon_(?P<uid>[A-Za-z0-9]+)_(?P<page>text|link)\.html")
_NAMED_FILE = re.compile(r"(?P<name>.*?)_" + _LATE + r"(?P<uid>\d+)_(?P<aid>\d+)_(?P<fname>.+)")
_NAMED_PAGE = re.compile(r"(?P<name>.*?)_" + _LATE + r"(?P<uid>\d+)_(?P<page>text|link)\.html")
# Attachment.make_unique_filename: the "extension" is this greedy multi-dot group; the number is
# 1-7, then a uuid (current), or any number (older Canvas, File.extname).
_EXTENSION = re.compile(r"(\.[A-Za-z][A-Za-z0-9]*)*(\.[A-Za-z0-9]*)$")
_UNIQUE_SUFFIX = re.compile(r"-(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


@dataclass(frozen=True)
class CanvasFile:
    """One attachment as the download holds it."""

    path: PurePosixPath  # the member path
    attachment_id: str
    given_name: str  # the name the student gave: Canvas's "-N" removed
    numbered: bool  # Canvas added "-N": a name already in their Submissions folder, not always a resubmission


@dataclass(frozen=True)
class CanvasSubmission:
    """One student's (or, anonymously graded, one anonymous id's) files in a download."""

    user_id: str  # Canvas's user id (the gradebook's ID); the anonymous id when ``anonymous``
    anonymous: bool
    name: str  # as in the download: "doejane"; "" when anonymous
    late: bool
    files: tuple[CanvasFile, ...]
    text_html: PurePosixPath | None  # the online text entry
    link_html: PurePosixPath | None  # the URL submitted

    @property
    def paths(self) -> tuple[PurePosixPath, ...]:
        """Every member path of theirs, pages included."""
        pages = tuple(p for p in (self.text_html, self.link_html) if p is not None)
        return tuple(sorted((*(f.path for f in self.files), *pages)))


@dataclass(frozen=True)
class CanvasDownload:
    """What a download holds: the submissions by user id, and the paths that are no one's."""

    submissions: tuple[CanvasSubmission, ...]
    unrecognised: tuple[PurePosixPath, ...]


@dataclass(frozen=True)
class _Member:
    path: PurePosixPath
    uid: str
    anonymous: bool
    name: str
    late: bool
    file: CanvasFile | None
    page: str | None


def canvas_submissions(paths: Iterable[PurePosixPath]) -> CanvasDownload:
    """The submissions of a Canvas download, named ones by user id (as numbers) then anonymous ones,
    and the paths that fit no form. A wrapping folder (an unpacked ``submissions/``) is allowed; a
    user id already seen under another name is unrecognised (the download is not one Canvas wrote)."""
    members: dict[tuple[bool, str], list[_Member]] = {}
    unrecognised = []
    for path in paths:
        member = _member(path)
        known = members.get((member.anonymous, member.uid)) if member else None
        if member is None or (known and known[0].name != member.name):
            unrecognised.append(path)
        else:
            members.setdefault((member.anonymous, member.uid), []).append(member)
    order = sorted(members, key=lambda k: (k[0], int(k[1]) if not k[0] else 0, k[1]))
    return CanvasDownload(tuple(_submission(members[k]) for k in order), tuple(sorted(unrecognised)))


def _member(path: PurePosixPath) -> _Member | None:
    if path.is_absolute() or ".." in path.parts or any(_hidden(part) for part in path.parts):
        return None
    for pattern, anonymous in ((_ANON_FILE, True), (_ANON_PAGE, True), (_NAMED_FILE, False), (_NAMED_PAGE, False)):
        match = pattern.fullmatch(path.name)
        if match:
            found = match.groupdict()
            name = "" if anonymous else found["name"]
            file = None
            if found.get("fname") is not None:
                given = given_name(found["fname"])
                file = CanvasFile(path, found["aid"], given, given != found["fname"])
            return _Member(path, found["uid"], anonymous, name, bool(found["late"]), file, found.get("page"))
    return None


def given_name(member_name: str) -> str:
    """The file name the student gave, Canvas's ``-N`` (or ``-<uuid>``) before the extension removed:
    ``lab-1.ipynb`` -> ``lab.ipynb``, ``a-1.b.c.pdf`` -> ``a.b.c.pdf``; any other name unchanged."""
    extension = _EXTENSION.search(member_name)
    cut = extension.start() if extension else len(member_name)
    base, ext = member_name[:cut], member_name[cut:]
    stripped = _UNIQUE_SUFFIX.sub("", base)
    return stripped + ext if stripped else member_name


def _submission(members: list[_Member]) -> CanvasSubmission:
    first = members[0]
    files = tuple(sorted((m.file for m in members if m.file), key=lambda f: str(f.path)))
    pages = {m.page: m.path for m in sorted(members, key=lambda m: str(m.path), reverse=True) if m.page}
    late = any(m.late for m in members)
    return CanvasSubmission(first.uid, first.anonymous, first.name, late, files, pages.get("text"), pages.get("link"))


def choose_canvas_notebook(
    submission: CanvasSubmission, template_name: str, mtimes: Mapping[PurePosixPath, float] | None = None
) -> tuple[PurePosixPath | None, str]:
    """The notebook graded among a submission's files and why: :func:`grader.lms.moodle.choose_notebook`'s
    rule, the template's name compared with the name the student gave (``lab-1.ipynb`` is ``lab.ipynb``)."""
    # one stand-in path per attachment: "<attachment id>/<given name>", so two files given one name stay two
    stand_ins = {PurePosixPath(f.attachment_id, f.given_name): f.path for f in submission.files}
    times = {s: mtimes[p] for s, p in stand_ins.items() if p in mtimes} if mtimes else None
    chosen, why = choose_notebook(stand_ins, template_name, times)
    return (stand_ins[chosen] if chosen else None), why


def _hidden(part: str) -> bool:
    return part.startswith(".") or part in ("__MACOSX", "__pycache__")


# The gradebook CSV ----------------------------------------------------------------------------------

POINTS_POSSIBLE = "Points Possible"
_TITLE_AND_ID = re.compile(r"(.*)\s\((\d+)\)", re.DOTALL)  # Assignment.title_and_id
# GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS, "Unposted" variants included by the search
_TOTALS = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|Override")
_POSTING_ROW = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)
_BLANK_LINE = re.compile(r"^[;, ]+$")
_HMAC_SHA1 = re.compile(r"[0-9a-f]{40}")
TEST_STUDENT_NAMES = ("Student, Test", "Test Student")  # Course#student_view_student, in English
_EXPORT_AGAIN = "export it again in Canvas: Grades > Export > Export Entire Gradebook"


@dataclass(frozen=True)
class GradebookColumn:
    """An assignment column of the export: ``Title (id)`` and its ``Points Possible`` cell as written."""

    index: int
    header: str
    title: str
    assignment_id: str
    points_possible: str


@dataclass(frozen=True)
class CanvasGradebook:
    """A gradebook export as read: every row kept as written (``rows``: the student rows, the test
    student's included), and the roster made from them (the test student left out)."""

    source: Path
    delimiter: str
    bom: bool
    header: tuple[str, ...]
    identity: int  # how many leading columns identify the student: Student .. Section
    points_row: tuple[str, ...]
    posting_row: tuple[str, ...] | None  # "Manual Posting" / "Muted" above Points Possible
    rows: tuple[tuple[str, ...], ...]
    assignments: tuple[GradebookColumn, ...]
    roster: Roster
    test_students: tuple[str, ...]  # the ID of each row recognised as Canvas's test student

    def column(self, assignment: str) -> GradebookColumn:
        """The column of ``assignment``: its id (``345``), its header (``Lab 3 (345)``) or its title."""
        wanted = assignment.strip()
        found = [c for c in self.assignments if wanted in (c.assignment_id, c.header)]
        found = found or [c for c in self.assignments if c.title == wanted]
        if len(found) == 1:
            return found[0]
        headers = ", ".join(repr(c.header) for c in self.assignments) or "none"
        if found:
            raise CourseError(
                f"{self.source}: {len(found)} assignment columns are titled {wanted!r} ({headers}). "
                "Fix: name the assignment by its id, the number in parentheses."
            )
        raise CourseError(
            f"{self.source}: no assignment column {wanted!r}; the assignment columns found: {headers}. Fix: give the "
            "assignment's id (the number in its Canvas address, .../assignments/345) or its title as in the header; "
            f"if it is not there, publish the assignment and {_EXPORT_AGAIN}."
        )


def read_gradebook(path: Path) -> CanvasGradebook:
    """The Canvas gradebook export at ``path`` (UTF-8 with or without a BOM, ``,`` or ``;``).

    The header must be Canvas's: ``Student``, ``ID``, then ``SIS Login ID`` or ``SIS User ID``,
    ``SIS Login ID`` [, ``Integration ID``] [, ``Root Account``], then ``Section``, the fixed
    positions Canvas's importer reads. A test student row (Student View's "Student, Test", whose
    login is a 40-hex-digit hash and who has no SIS User ID) is kept in ``rows``, out of the roster.
    """
    text, bom = _text(path)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    table = [(reader.line_num, row) for row in reader if not _blank(row, delimiter)]
    if not table:
        raise CourseError(f"{path}: is empty. Fix: {_EXPORT_AGAIN}.")
    header = tuple(cell.strip() for cell in table[0][1])
    identity = _identity_columns(path, header)
    points_row: tuple[str, ...] = ()
    posting_row = None
    rows, lines = [], []
    for line, row in table[1:]:
        cells = tuple(row) + ("",) * (len(header) - len(row))
        if POINTS_POSSIBLE in cells[0]:
            points_row = cells
        elif all(_POSTING_ROW.match(cell) for cell in cells):
            posting_row = cells
        else:
            rows.append(cells)
            lines.append(line)
    if not points_row:
        raise CourseError(f"{path}: has no '{POINTS_POSSIBLE}' row under the header. Fix: {_EXPORT_AGAIN}.")
    people, tests = _people(path, header, identity, rows, lines)
    assignments = tuple(_assignments(header, identity, points_row))
    roster = Roster(tuple(people), str(path))
    return CanvasGradebook(
        path, delimiter, bom, header, identity, points_row, posting_row, tuple(rows), assignments, roster, tests
    )


def _text(path: Path) -> tuple[str, bool]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CourseError(
            f"{path}: cannot be read ({exc.strerror}). Fix: give the gradebook CSV Canvas exported."
        ) from exc
    try:
        return raw.decode("utf-8-sig"), raw.startswith(b"\xef\xbb\xbf")
    except UnicodeDecodeError as exc:
        raise CourseError(
            f"{path}: is not UTF-8 (byte {exc.start}), so it is not the file Canvas exported (a spreadsheet may have "
            f"saved it again in another encoding). Fix: {_EXPORT_AGAIN}, and give that file as it came."
        ) from exc


def _delimiter(text: str) -> str:
    """GradebookImporter#identify_delimiter: of ``;`` and ``,``, the one giving every one of the first
    three lines the same number of fields, ``;`` only when it gives more."""
    lines = text.splitlines()[:3]
    counts = {}
    for separator in (";", ","):
        sizes = {len(next(csv.reader([line], delimiter=separator), [])) for line in lines}
        counts[separator] = sizes.pop() if len(sizes) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


def _blank(row: list[str], delimiter: str) -> bool:
    return not any(cell.strip() for cell in row) or bool(_BLANK_LINE.match(delimiter.join(row)))


def _identity_columns(path: Path, header: tuple[str, ...]) -> int:
    """GradebookImporter#update_column_count: the number of student columns, SIS columns only in
    their fixed positions, the last of them ``Section``."""
    if header[:2] == ("LastName", "FirstName"):
        raise CourseError(
            f"{path}: names are split into LastName and FirstName. Fix: turn off split student names in "
            f"Canvas's gradebook and {_EXPORT_AGAIN}."
        )
    if len(header) <= 3 or "Student" not in header[0] or "ID" not in header[1]:
        raise CourseError(
            f"{path}: the header starts {', '.join(header[:3])!r}, not Canvas's 'Student, ID, ...'; it is not a Canvas "
            f"gradebook export. Fix: {_EXPORT_AGAIN}."
        )
    count = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        count = 4
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        count = 5 + bool(re.search(r"Integration\s+ID", header[4]))
        count += bool(re.search(r"Root\s+Account", header[count - 1]))
    if "Section" not in header[count - 1]:
        raise CourseError(
            f"{path}: column {count} is {header[count - 1]!r} where Canvas puts 'Section' (after Student, ID and the SIS "
            f"columns); Canvas's importer refuses such a file. Fix: {_EXPORT_AGAIN} and do not reorder its columns."
        )
    return count


def _people(
    path: Path, header: tuple[str, ...], identity: int, rows: list[tuple[str, ...]], lines: list[int]
) -> tuple[list[Person], tuple[str, ...]]:
    """The roster of the student rows (``lines``: their line numbers in the file, for the messages)."""
    named = dict(zip(header[:identity], range(identity), strict=True))
    people: list[Person] = []
    tests: list[str] = []
    seen: dict[str, int] = {}
    for number, row in zip(lines, rows, strict=True):
        name, user_id = _unguard(row[0].strip()), row[1].strip()
        sis_id = row[named["SIS User ID"]].strip() if "SIS User ID" in named else ""
        login = row[named["SIS Login ID"]].strip() if "SIS Login ID" in named else ""
        if not user_id.isdigit():
            raise CourseError(
                f"{path}: line {number} ({name!r}) has ID {user_id!r}, not a Canvas user id. Fix: {_EXPORT_AGAIN}."
            )
        if user_id in seen:
            raise CourseError(
                f"{path}: ID {user_id} is on lines {seen[user_id]} and {number}; Canvas writes each student once. "
                f"Fix: {_EXPORT_AGAIN}."
            )
        seen[user_id] = number
        if is_test_student(name, sis_id, login):
            tests.append(user_id)
            continue
        section = row[identity - 1].strip()
        people.append(
            Person(
                student_key(name, user_id), name, lms_user_id=user_id, sis_id=sis_id, sis_login=login, section=section
            )
        )
    return people, tuple(tests)


def is_test_student(name: str, sis_id: str, login: str) -> bool:
    """Canvas's test student (Student View): named "Test Student" (sortable "Student, Test"; the name
    is translated in other languages), with no SIS User ID and, as its login, the 40-hex-digit
    ``hmac_sha1("Test Student_<id>")`` that ``Course#find_or_create_student_view_student`` gives it."""
    return not sis_id and (bool(_HMAC_SHA1.fullmatch(login)) or name in TEST_STUDENT_NAMES)


def _unguard(name: str) -> str:
    # GradebookExporter#student_name writes a name starting with "=" as ="name" (no formula in Excel)
    return name[2:-1] if name.startswith('="') and name.endswith('"') else name


def _assignments(header: tuple[str, ...], identity: int, points_row: tuple[str, ...]) -> Iterable[GradebookColumn]:
    for index in range(identity, len(header)):
        match = _TITLE_AND_ID.fullmatch(header[index])
        if match and not _TOTALS.search(header[index]):
            yield GradebookColumn(index, header[index], match[1], match[2], points_row[index].strip())


# The import CSV --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradebookImport:
    """What :func:`write_gradebook_import` wrote: the file, who got a grade, whose cell was left as
    exported because items await a person (key and the items)."""

    path: Path
    graded: tuple[str, ...]
    pending: tuple[tuple[str, tuple[str, ...]], ...]


def write_gradebook_import(
    gradebook: CanvasGradebook, assignment_column: GradebookColumn | str, marks: Sequence[Mark], out: Path
) -> GradebookImport:
    """Write to ``out`` the CSV for Canvas's Grades > Import: the student columns as exported
    (Student, ID, SIS columns, Section: the importer matches by ID, then SIS User ID, then SIS Login
    ID), the one assignment column, the Points Possible row; every other column left out (an unknown
    header would make Canvas create an assignment). Each mark with points fills its student's cell
    (matched by Canvas user id); a pending mark (points None) leaves the cell as exported, so Canvas
    changes nothing for them. Raises :class:`ExportError` for a grade over Points Possible or below 0,
    a mark for someone not in the gradebook, a read-only column, or ``out`` being the export itself.
    """
    column = (
        assignment_column if isinstance(assignment_column, GradebookColumn) else gradebook.column(assignment_column)
    )
    maximum = _points_possible(gradebook, column)
    by_id = {row[1].strip(): row for row in gradebook.rows}
    strangers = [m.person.display_name for m in marks if m.person.lms_user_id not in by_id]
    if strangers:
        raise ExportError(
            f"{gradebook.source}: {len(strangers)} marked people are not in this gradebook ({', '.join(strangers[:5])}). "
            "Fix: write the import from the gradebook export the roster was read from."
        )
    cells: dict[str, str] = {}
    pending = []
    for mark in marks:
        if mark.points is None:
            pending.append((mark.person.key, mark.pending))
            continue
        if not 0 <= mark.points <= maximum + 1e-9:
            raise ExportError(
                f"{out}: {mark.person.display_name} (ID {mark.person.lms_user_id}) would get {mark.points:g} points in "
                f"{column.header!r}, whose Points Possible is {maximum:g}. Fix: correct the grade, or the assignment's "
                "points in Canvas and export the gradebook again."
            )
        cells[mark.person.lms_user_id] = canvas_number(mark.points)
    kept = [*range(gradebook.identity), column.index]
    lines = [[gradebook.header[i] for i in kept]]
    if gradebook.posting_row is not None and gradebook.posting_row[column.index].strip():
        lines.append([gradebook.posting_row[i] for i in kept])
    lines.append([gradebook.points_row[i] for i in kept])
    for row in gradebook.rows:
        line = [row[i] for i in kept]
        line[-1] = cells.get(row[1].strip(), line[-1])
        lines.append(line)
    _write_atomically(gradebook, out, lines)
    return GradebookImport(out, tuple(m.person.key for m in marks if m.points is not None), tuple(pending))


def canvas_number(points: float) -> str:
    """Points as Canvas writes them: at most 2 decimals (its precision), no trailing zeros."""
    return f"{round(points, 2):.2f}".rstrip("0").rstrip(".")


def _points_possible(gradebook: CanvasGradebook, column: GradebookColumn) -> float:
    cell = column.points_possible
    if re.search(r"read\s+only", cell):
        raise ExportError(
            f"{gradebook.source}: column {column.header!r} is read-only in Canvas. Fix: choose an assignment column."
        )
    try:
        return float(cell.replace(",", "."))
    except ValueError:
        raise ExportError(
            f"{gradebook.source}: column {column.header!r} has Points Possible {cell!r}, not a number. Fix: {_EXPORT_AGAIN}."
        ) from None


def _write_atomically(gradebook: CanvasGradebook, out: Path, lines: list[list[str]]) -> None:
    if out.resolve() == gradebook.source.resolve():
        raise ExportError(
            f"{out}: is the gradebook export itself, which is never overwritten. Fix: write to another file."
        )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=gradebook.delimiter, lineterminator="\r\n").writerows(lines)
    data = ("\ufeff" if gradebook.bom else "") + buffer.getvalue()
    temporary = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(data)
        os.replace(temporary, out)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"{out}: cannot be written ({exc.strerror}). Fix: choose a folder you can write to.") from exc

"""Moodle downloads and grading worksheets built from their documented formats, for the tests, the
demo and the benchmark (dev only: reference/build/ is not in the wheel).

What is written follows ../shared/research/lms-formats.md: the "Download all submissions" layouts
of section 1.2 (Moodle >= 4.1 and 3.1-4.0, folders and flat, blind marking, team submissions,
online text) and the worksheet of section 2.1 (column order of ``mod/assign/gradingtable.php``,
UTF-8 with a BOM, cells quoted as PHP's fputcsv quotes them, dates as userdate() writes them).
Nothing here knows a lab: a participant is a name, a number and the files they gave.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

DEFAULT_TIME = datetime(2024, 10, 14, 10, 3)
ONLINE_TEXT_PAGE = '<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body>{}</body></html>'
_CLEAN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')  # what clean_filename drops


@dataclass(frozen=True)
class Participant:
    """One row of the worksheet and, with files, one submission of the download."""

    name: str
    participant_id: int
    email: str = ""
    files: Mapping[str, bytes] = field(default_factory=dict)  # path as the student gave it -> bytes
    submitted_at: datetime | None = None  # naive, the Moodle user's zone; the zip's member time
    id_number: str = ""
    online_text: str | None = None  # the body of an online-text submission
    group: str = ""  # team submissions: the group's name
    group_id: int = 0
    grade: str = ""  # the Grade cell as downloaded (a grade already given in Moodle)
    feedback: str = ""  # the Feedback comments cell as downloaded

    @property
    def submitted(self) -> bool:
        return bool(self.files) or self.online_text is not None


def download_members(
    participants: Iterable[Participant],
    *,
    version: Literal["4.1", "3.x"] = "4.1",
    layout: Literal["folders", "flat"] = "folders",
    blind: bool = False,
    team: bool = False,
    blind_name: str = "Participant",
) -> dict[str, tuple[bytes, datetime]]:
    """Member path -> (bytes, modification time) of the download Moodle would write."""
    members: dict[str, tuple[bytes, datetime]] = {}
    seen_groups: set[int] = set()
    for person in participants:
        if not person.submitted:
            continue
        if team and version == "4.1":
            if person.group_id in seen_groups:  # the downloader zips each group once
                continue
            seen_groups.add(person.group_id)
            prefix = _clean(f"{person.group.replace('_', ' ')}_{person.group_id}")
        else:
            name = blind_name if blind else person.name
            if team:  # 3.1-4.0: "<group>-<name>", one folder per member
                name = f"{person.group}-{name}"
            prefix = _clean(f"{name.replace('_', ' ')}_{person.participant_id}")
        when = person.submitted_at or DEFAULT_TIME
        for plugin, files in _plugin_files(person):
            for inner, data in sorted(files.items()):
                members[_member_path(prefix, plugin, inner, version, layout)] = (data, when)
    return members


def _plugin_files(person: Participant) -> list[tuple[str, Mapping[str, bytes]]]:
    found: list[tuple[str, Mapping[str, bytes]]] = [("file", person.files)] if person.files else []
    if person.online_text is not None:
        page = ONLINE_TEXT_PAGE.format(person.online_text).encode("utf-8")
        found.append(("onlinetext", {"onlinetext.html": page}))
    return found


def _member_path(prefix: str, plugin: str, inner: str, version: str, layout: str) -> str:
    folder = f"{prefix}_assignsubmission_{plugin}"
    if layout == "flat" and plugin == "file":
        return f"{folder}_{inner}"
    return f"{folder}{'_' if version == '3.x' else ''}/{inner}"


def _clean(name: str) -> str:
    return _CLEAN.sub("", name)


def write_download(
    out: Path,
    participants: Iterable[Participant],
    *,
    version: Literal["4.1", "3.x"] = "4.1",
    layout: Literal["folders", "flat"] = "folders",
    blind: bool = False,
    team: bool = False,
    as_zip: bool = True,
    blind_name: str = "Participant",
) -> Path:
    """The download at ``out``: a zip (members sorted, their times the submission times) or the
    folder it unpacks into (file times set likewise). Returns ``out``."""
    members = download_members(
        participants, version=version, layout=layout, blind=blind, team=team, blind_name=blind_name
    )
    if as_zip:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(zip_bytes(members))
        return out
    for name, (data, when) in sorted(members.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (when.timestamp(), when.timestamp()))
    return out


def zip_bytes(members: Mapping[str, tuple[bytes, datetime]]) -> bytes:
    """A zip of ``members`` as Moodle's archive writer streams it: deflated, UTF-8 names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, when) in sorted(members.items()):
            info = zipfile.ZipInfo(name, when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# The worksheet's strings per language (the grader's table lives in grader/lms/moodle_worksheet.py;
# these are written independently so a test of one is not a copy of the other).
WORKSHEET_STRINGS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "identifier": "Identifier",
        "hiddenuser": "Participant ",
        "full_name": "Full name",
        "email": "Email address",
        "id_number": "ID number",
        "status": "Status",
        "group": "Group",
        "grade": "Grade",
        "max_grade": "Maximum grade",
        "scale": "Scale",
        "grade_can_be_changed": "Grade can be changed",
        "modified_submission": "Last modified (submission)",
        "modified_grade": "Last modified (grade)",
        "feedback_comments": "Feedback comments",
        "submitted": "Submitted for grading",
        "not_submitted": "No submission",
        "yes": "Yes",
    },
    "pl": {
        "identifier": "Identyfikator",
        "hiddenuser": "Uczestnik ",
        "full_name": "Imię i nazwisko",
        "email": "Adres e-mail",
        "id_number": "Numer ID",
        "status": "Stan",
        "group": "Grupa",
        "grade": "Ocena",
        "max_grade": "Ocena maksymalna",
        "scale": "Skala",
        "grade_can_be_changed": "Ocena może zostać zmieniona",
        "modified_submission": "Ostatnio modyfikowany (zgłoszenie)",
        "modified_grade": "Ostatnio modyfikowany (ocena)",
        "feedback_comments": "Komentarze zwrotne",
        "submitted": "Przesłane do oceny",
        "not_submitted": "Brak przesłanych zadań",
        "yes": "Tak",
    },
}
_WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "pl": "poniedziałek wtorek środa czwartek piątek sobota niedziela".split(),
}
_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia".split(),
}


def userdate(moment: datetime, lang: str = "en") -> str:
    """``moment`` as Moodle's userdate() writes it with strftimedaydatetime (day and 12-hour
    clock without a leading zero in English)."""
    day = f"{_WEEKDAYS[lang][moment.weekday()]}, {moment.day} {_MONTHS[lang][moment.month - 1]} {moment.year}"
    if lang == "en":
        return f"{day}, {(moment.hour % 12) or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{day}, {moment.hour:02d}:{moment.minute:02d}"


def worksheet_rows(
    participants: Iterable[Participant],
    *,
    lang: Literal["en", "pl"] = "en",
    max_grade: float | None = 10.0,
    scale_items: Sequence[str] = ("Poor", "Good", "Excellent"),
    feedback_column: bool = True,
    identity: Sequence[str] = ("email",),
    blind: bool = False,
    team: bool = False,
    downloaded_at: datetime = DEFAULT_TIME,
) -> list[list[str]]:
    """The worksheet's header and rows in Moodle's column order; ``max_grade`` None: scale grading.
    ``blind``: the Identifier column only, as a marker who may not see names downloads it."""
    s = WORKSHEET_STRINGS[lang]
    header = [s["identifier"]] + ([] if blind else [s["full_name"], *(s[f] for f in identity)]) + [s["status"]]
    header += [s["group"]] * team + [s["grade"], s["max_grade"] if max_grade is not None else s["scale"]]
    header += [s["grade_can_be_changed"], s["modified_submission"], s["modified_grade"]]
    header += [s["feedback_comments"]] * feedback_column
    rows = [header]
    for person in participants:
        row = [f"{s['hiddenuser']}{person.participant_id}"]
        if not blind:
            row += [person.name] + [person.email if f == "email" else person.id_number for f in identity]
        row.append(s["submitted"] if person.submitted else s["not_submitted"])
        row += [person.group] * team + [person.grade, _maximum(max_grade, scale_items, lang), s["yes"]]
        when = person.submitted_at or DEFAULT_TIME
        row += [userdate(when, lang) if person.submitted else "-", userdate(downloaded_at, lang)]
        row += [person.feedback] * feedback_column
        rows.append(row)
    return rows


def _maximum(max_grade: float | None, scale_items: Sequence[str], lang: str) -> str:
    if max_grade is None:
        return "\n".join(scale_items)  # col_scale: one item a line
    text = f"{max_grade:.2f}"  # format_float(grade, 2) in the language's decimal separator
    return text.replace(".", ",") if lang == "pl" else text


def csv_text(rows: Iterable[Sequence[str]], newline: str = "\n") -> str:
    """Rows as PHP's fputcsv writes them: a cell quoted when it holds a space, comma, quote, tab or line break."""
    return "".join(",".join(_fputcsv_cell(cell) for cell in row) + newline for row in rows)


def _fputcsv_cell(cell: str) -> str:
    if any(c in cell for c in ' ,"\t\r\n\\'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_worksheet_csv(
    path: Path,
    participants: Iterable[Participant],
    *,
    lang: Literal["en", "pl"] = "en",
    max_grade: float | None = 10.0,
    feedback_column: bool = True,
    bom: bool = True,
    newline: str = "\n",
    identity: Sequence[str] = ("email",),
    blind: bool = False,
    team: bool = False,
    downloaded_at: datetime = DEFAULT_TIME,
) -> Path:
    """The worksheet at ``path`` (the columns as :func:`worksheet_rows` writes them), with a BOM
    as Moodle writes it unless ``bom`` is False. Returns ``path``."""
    rows = worksheet_rows(
        participants,
        lang=lang,
        max_grade=max_grade,
        feedback_column=feedback_column,
        identity=identity,
        blind=blind,
        team=team,
        downloaded_at=downloaded_at,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + csv_text(rows, newline).encode("utf-8"))
    return path


def participants(count: int, *, files: Mapping[str, bytes] | None = None, start_id: int = 1000001) -> list[Participant]:
    """``count`` generic participants (for the benchmark): names with Polish letters and an
    underscore, every tenth with no submission, submission times a minute apart."""
    given = files if files is not None else {"submission.ipynb": b"{}"}
    people = []
    for n in range(count):
        name = f"Zażółć_{n} Gęślą-Jaźń" if n % 7 == 3 else f"Student {n} Łukasiewicz"
        submitted = n % 10 != 9
        people.append(
            Participant(
                name=name,
                participant_id=start_id + n * 13,
                email=f"s{n}@example.edu",
                files=dict(given) if submitted else {},
                submitted_at=DEFAULT_TIME.replace(minute=n % 60, hour=8 + (n // 60) % 12) if submitted else None,
                group=f"Group {n % 5}",
                group_id=40 + n % 5,
            )
        )
    return people

"""Read a Moodle "Download all submissions" layout: whose files are which, from the paths alone.

``moodle_submissions(paths) -> MoodleDownload`` over the member paths of the zip (or of its
unpacked folder), relative POSIX paths; nothing is opened. A path is a participant's when one of its
parts is Moodle's prefix ``<name>_<number>_assignsubmission_<plugin>``, as every version since 3.1
writes it (../shared/research/lms-formats.md, sections 1.1, 1.2 and 10):

- folders, Moodle >= 4.1: ``Jane Doe_1234567_assignsubmission_file/lab.ipynb``
- folders, Moodle 3.1-4.0 (trailing ``_``): ``Jane Doe_1234567_assignsubmission_file_/lab.ipynb``
- flat (either version): ``Jane Doe_1234567_assignsubmission_file_lab.ipynb``

The number is the per-assignment participant id ("Participant 1234567" in the worksheet), or the
group id in a >= 4.1 team download. Moodle turns ``_`` in a name into a space, so the first ``_``
ends the name. Every other path is kept in ``unrecognised``, never dropped.

``choose_notebook(files, template_name, mtimes)`` picks the one notebook graded per participant.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

_PREFIX = re.compile(r"(?P<name>[^_/]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)(?:_(?P<flat>.*))?")
ONLINE_TEXT_PLUGIN = "onlinetext"
ONLINE_TEXT_FILE = "onlinetext.html"  # English; other language packs translate the file name
BLIND_NAMES = ("Participant",)  # get_string('participant', 'mod_assign') in English
NO_NOTEBOOK = "no notebook submitted"


@dataclass(frozen=True)
class MoodleSubmission:
    """One participant (or, in a >= 4.1 team download, one group) and the paths Moodle gave them."""

    participant_id: str
    display_name: str  # as in the download: "Participant" under blind marking
    blind: bool
    files: tuple[PurePosixPath, ...]  # every member path of theirs, the online text included
    online_text: PurePosixPath | None
    plugins: tuple[str, ...]  # the submission plugins seen: "file", "onlinetext", ...


@dataclass(frozen=True)
class MoodleDownload:
    """What a download holds: the submissions by participant id, and the paths that are no one's."""

    submissions: tuple[MoodleSubmission, ...]
    unrecognised: tuple[PurePosixPath, ...]


@dataclass(frozen=True)
class _Member:
    path: PurePosixPath
    name: str
    pid: str
    plugin: str
    inner: PurePosixPath | None  # the path the student gave the file; None for the folder itself


def moodle_submissions(paths: Iterable[PurePosixPath], blind_names: Collection[str] = BLIND_NAMES) -> MoodleDownload:
    """The submissions of a Moodle download, sorted by participant id, and the paths that fit no prefix.

    A path whose number was already seen under another name is unrecognised (the download is not
    one Moodle wrote). ``blind_names`` is the word Moodle writes instead of names under blind
    marking, in the language the download was made in.
    """
    members: dict[str, list[_Member]] = {}
    unrecognised = []
    for path in paths:
        member = _member(path)
        known = members.get(member.pid) if member else None
        if member is None or (known and known[0].name != member.name):
            unrecognised.append(path)
        else:
            members.setdefault(member.pid, []).append(member)
    submissions = (_submission(group, blind_names) for _, group in sorted(members.items(), key=lambda kv: int(kv[0])))
    return MoodleDownload(tuple(submissions), tuple(sorted(unrecognised)))


def _member(path: PurePosixPath) -> _Member | None:
    if path.is_absolute() or ".." in path.parts:
        return None
    for depth, part in enumerate(path.parts):
        match = _PREFIX.fullmatch(part)
        if match:
            rest = path.parts[depth + 1 :]
            flat = match["flat"]
            inner = PurePosixPath(flat, *rest) if flat else PurePosixPath(*rest) if rest else None
            return _Member(path, match["name"], match["pid"], match["plugin"], inner)
        if _hidden(part):  # __MACOSX/ and ._ copies are the archiver's, not the student's
            return None
    return None


def _submission(members: list[_Member], blind_names: Collection[str]) -> MoodleSubmission:
    first = members[0]
    files = tuple(sorted({m.path for m in members if m.inner is not None}))
    plugins = tuple(sorted({m.plugin for m in members}))
    return MoodleSubmission(first.pid, first.name, first.name in blind_names, files, _online_text(members), plugins)


def _online_text(members: list[_Member]) -> PurePosixPath | None:
    # the html at the top of the online-text folder; embedded images lie beside it
    pages = [
        m
        for m in members
        if m.plugin == ONLINE_TEXT_PLUGIN and m.inner and len(m.inner.parts) == 1 and m.inner.suffix == ".html"
    ]
    pages.sort(key=lambda m: (m.inner != PurePosixPath(ONLINE_TEXT_FILE), str(m.path)))
    return pages[0].path if pages else None


def choose_notebook(
    files: Iterable[PurePosixPath], template_name: str, mtimes: Mapping[PurePosixPath, float] | None = None
) -> tuple[PurePosixPath | None, str]:
    """The notebook graded among a participant's files, and why it was chosen (for the report).

    One ``.ipynb`` is it; of several, the one named like the template (``template_name``'s file
    name, case aside, Moodle's flat-mode prefix aside); else the newest by ``mtimes``; without them
    the last in lexicographic order, which the reason says. Hidden files and ``.ipynb_checkpoints``
    are not notebooks; every other file is an attachment.
    """
    notebooks = sorted((f for f in files if f.suffix.lower() == ".ipynb" and not any(map(_hidden, f.parts))), key=str)
    if not notebooks:
        return None, NO_NOTEBOOK
    if len(notebooks) == 1:
        return notebooks[0], "the only notebook submitted"
    wanted = PurePosixPath(template_name).name
    named = [f for f in notebooks if _given_name(f).lower() == wanted.lower()]
    if len(named) == 1:
        return named[0], f"{len(notebooks)} notebooks submitted: took the one named like the template ({wanted})"
    candidates = named or notebooks
    return _newest(candidates, mtimes, f"{len(notebooks)} notebooks submitted, {len(named)} named like the template")


def _newest(
    candidates: list[PurePosixPath], mtimes: Mapping[PurePosixPath, float] | None, why: str
) -> tuple[PurePosixPath, str]:
    if mtimes and all(f in mtimes for f in candidates):
        chosen = max(candidates, key=lambda f: (mtimes[f], str(f)))
        return chosen, f"{why}: took the newest"
    return candidates[-1], f"{why}: modification times unknown, took the last in name order"


def _given_name(path: PurePosixPath) -> str:
    match = _PREFIX.fullmatch(path.name)
    return match["flat"] if match and match["flat"] else path.name


def _hidden(part: str) -> bool:
    return part.startswith(".") or part in ("__MACOSX", "__pycache__")

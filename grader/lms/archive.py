"""Reading an LMS bulk download, a .zip or the folder it unpacks into, without trusting it.

A download holds names students chose: a member may climb out of the folder (``..``, ``/etc/x``,
``C:\\x``), be a symbolic link, lie about its size in its header, or come in a million copies.
Each bad member is refused and said in :attr:`Download.problems` while the rest are kept; nothing
is extracted, and the input is only ever opened for reading. What comes back is a list of
:class:`Entry` whose bytes are read on demand, never more than the member limit.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import DownloadError

MIB = 1024 * 1024
GIB = 1024 * MIB
_CHUNK = MIB
_UTF8_FLAG = 0x800  # general purpose bit 11: the name is UTF-8 (APPNOTE 4.4.4)
_DRIVE = re.compile(r"^[A-Za-z]:")
_AGAIN = "download it again from the LMS ('Download all submissions' in Moodle, 'Download Submissions' in Canvas)"
# A corrupt member's data: a bad CRC or deflate stream, an encrypted or unsupported member.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class Entry:
    """One file of a download: its path inside it, its size and modification time (the zip's, in
    local time without a zone, None where it is no date; or the file's); :meth:`read` gets its bytes."""

    path: PurePosixPath
    size: int
    modified: datetime | None
    _reader: Callable[[], bytes] = field(repr=False, compare=False)

    def read(self) -> bytes:
        """The file's bytes, read now from the download (a :class:`DownloadError` if it changed)."""
        return self._reader()


@dataclass(frozen=True)
class Download:
    """What a download holds: the files kept, and each one refused or renamed with why.

    A zip's entries share one read-only handle, opened at the first read and closed with the
    last entry."""

    source: Path
    entries: tuple[Entry, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Limits:
    members: int
    member_bytes: int
    total_bytes: int


def read_download(
    path: Path, *, max_members: int = 20_000, max_member_bytes: int = 64 * MIB, max_total_bytes: int = 2 * GIB
) -> Download:
    """Lists the files of an LMS download (a .zip or its unpacked folder), refusing unsafe ones.

    Raises :class:`DownloadError` for a path that is neither, a corrupt zip, or more than
    ``max_members`` files; a bad member is only refused, in ``problems``."""
    limits = _Limits(max_members, max_member_bytes, max_total_bytes)
    if path.is_dir():
        found = list(_folder_entries(path, limits))
    elif path.is_file():
        found = list(_zip_entries(path, limits))
    elif path.exists():
        raise DownloadError(
            f"{path}: neither a file nor a folder; give the .zip the LMS gave you, or its unpacked folder"
        )
    else:
        raise DownloadError(f"{path}: no such file or folder; give the .zip the LMS gave you, or its unpacked folder")
    problems = [item for item in found if isinstance(item, str)]
    entries = _unique([item for item in found if isinstance(item, Entry)], path, problems)
    return Download(path, tuple(entries), tuple(problems))


def _zip_entries(source: Path, limits: _Limits) -> Iterator[Entry | str]:
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        if _starts_like_zip(source):
            raise DownloadError(f"{source}: is truncated or corrupt ({exc}); {_AGAIN}") from exc
        raise DownloadError(f"{source}: is not a zip; give the .zip the LMS gave you, or its unpacked folder") from exc
    except OSError as exc:
        raise DownloadError(f"{source}: cannot be opened ({exc}); check that it is readable by you") from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_count(source, len(infos), limits, exact=True)
        total, garbled, opened = 0, [], _OpenZip(source)
        for info in infos:
            name, is_garbled = _member_name(info)
            garbled += [name] * is_garbled
            why = _unsafe_name(name) or _zip_refusal(info, limits, total)
            if why is None and _is_junk(PurePosixPath(name)):
                continue
            if why is None:
                size, why = _measure(archive, info, limits.member_bytes)
            if why is not None:
                yield _refused(source, name, why)
                continue
            total += size
            yield Entry(PurePosixPath(name), size, _zip_time(info), _zip_reader(opened, info, limits.member_bytes))
        if garbled:
            yield _garbled_notice(source, garbled)


def _garbled_notice(source: Path, garbled: list[str]) -> str:
    return (
        f"{source}: {len(garbled)} name(s) are not UTF-8, read as cp437 (first: {garbled[0]!r}): "
        "the names may be garbled, the numbers in them are intact"
    )


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time)
    except ValueError:  # some archivers write zeros (month 0, day 0)
        return None


def _starts_like_zip(source: Path) -> bool:
    with source.open("rb") as stream:
        return stream.read(2) == b"PK"


def _check_count(source: Path, count: int, limits: _Limits, *, exact: bool) -> None:
    if count > limits.members:
        many = f"{count}" if exact else f"more than {limits.members}"
        raise DownloadError(
            f"{source}: {many} files, over the limit of {limits.members} (max_members); "
            "raise the limit if the download is genuine, or download the submissions in smaller groups"
        )


def _member_name(info: zipfile.ZipInfo) -> tuple[str, bool]:
    """The member's name, and whether it is a cp437 reading of bytes that are not UTF-8.

    zipfile reads a name without the UTF-8 flag as cp437; Windows tools write UTF-8 names
    without setting it, so such a name is read again as UTF-8 when its bytes are valid UTF-8."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename, False
    return _decode_name(info.orig_filename.encode("cp437"))


def _decode_name(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp437"), True


def _unsafe_name(name: str) -> str | None:
    """Why a member's name is unsafe to unpack anywhere, or None."""
    if "\x00" in name:
        return "a NUL byte in its name (unzippers cut the name there)"
    if name.startswith(("/", "\\")):
        return "an absolute path: it would land outside the folder it is unpacked into"
    if _DRIVE.match(name):
        return "a drive letter: on Windows it would land outside the folder it is unpacked into"
    if ".." in re.split(r"[/\\]", name):
        return "a '..' component: it would climb out of the folder it is unpacked into"
    if "\\" in name:
        return "a backslash in its name (a Windows path: unzippers disagree on where it lands)"
    if PurePosixPath(name) == PurePosixPath("."):
        return "an empty name"
    return None


def _is_junk(path: PurePosixPath) -> bool:
    # macOS's Finder adds these when it zips a folder (resource forks under __MACOSX/, folder
    # view settings in .DS_Store): never a student's work, and each would look like a file of theirs.
    return path.parts[0] == "__MACOSX" or path.name == ".DS_Store"


def _zip_refusal(info: zipfile.ZipInfo, limits: _Limits, total: int) -> str | None:
    """Why a member is refused from its header alone (before a byte of it is read), or None."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link: it could point anywhere on the machine that unpacks it"
    if info.file_size > limits.member_bytes:
        return f"{info.file_size} bytes, over the limit of {limits.member_bytes} per file (max_member_bytes)"
    if total + info.file_size > limits.total_bytes:
        return _over_total(limits)
    return None


def _over_total(limits: _Limits) -> str:
    return f"the files kept so far and this one add up to more than {limits.total_bytes} bytes (max_total_bytes)"


def _measure(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[int, str | None]:
    """The member's real size, read (and checksummed) to its end but never past ``limit + 1``."""
    try:
        with archive.open(info) as stream:
            size = len(_read_at_most(stream, limit))
    except _UNREADABLE as exc:
        return 0, f"unreadable ({exc}): its header's size or checksum does not match its data"
    if size > limit:
        return size, f"more than {limit} bytes once read, though its header says {info.file_size} (max_member_bytes)"
    return size, None


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the stream: one byte more than allowed says it is too big."""
    chunks: list[bytes] = []
    got = 0
    while got <= limit and (chunk := stream.read(min(_CHUNK, limit + 1 - got))):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _OpenZip:
    """One download's zip, opened for reading at its first member's read and kept for the others:
    parsing the central directory again for each member would make a read quadratic in them."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._archive: zipfile.ZipFile | None = None
        self._lock = threading.Lock()

    def open(self, info: zipfile.ZipInfo) -> IO[bytes]:
        with self._lock:
            if self._archive is None:
                self._archive = zipfile.ZipFile(self.source)
        return self._archive.open(info)  # zipfile serialises the members' reads of one file


def _zip_reader(opened: _OpenZip, info: zipfile.ZipInfo, limit: int) -> Callable[[], bytes]:
    source = opened.source

    def read() -> bytes:
        try:
            with opened.open(info) as stream:
                data = _read_at_most(stream, limit)
        except _UNREADABLE as exc:
            raise DownloadError(
                f"{source}: {info.orig_filename!r} cannot be read ({exc}); was the zip changed?"
            ) from exc
        return _within(source, info.orig_filename, data, limit)

    return read


def _within(source: Path, name: str, data: bytes, limit: int) -> bytes:
    if len(data) > limit:
        raise DownloadError(
            f"{source}: {name!r} has grown past {limit} bytes since it was listed; read the download again"
        )
    return data


def _refused(source: Path, name: str, why: str) -> str:
    return f"{source}: {name!r} refused: {why}"


def _folder_entries(root: Path, limits: _Limits) -> Iterator[Entry | str]:
    count, total, garbled = 0, 0, []
    for real, parts in _walk(root, ()):
        if isinstance(real, str):
            yield real
            continue
        names = [_decode_name(os.fsencode(part)) for part in parts]
        relative = PurePosixPath(*(name for name, _ in names))
        if _is_junk(relative):
            continue
        garbled += [str(relative)] * any(is_garbled for _, is_garbled in names)
        count += 1
        _check_count(root, count, limits, exact=False)
        why, size = _file_refusal(real, limits, total)
        if why is not None:
            yield _refused(root, str(relative), why)
            continue
        total += size
        modified = datetime.fromtimestamp(real.lstat().st_mtime)
        yield Entry(relative, size, modified, _file_reader(root, real, limits.member_bytes))
    if garbled:
        yield _garbled_notice(root, garbled)


def _walk(folder: Path, parts: tuple[str, ...]) -> Iterator[tuple[Path | str, tuple[str, ...]]]:
    """Every non-folder under ``folder``, sorted; a link to a folder is listed, never entered."""
    try:
        children = sorted(os.scandir(folder), key=lambda child: child.name)
    except OSError as exc:
        yield f"{folder}: refused: cannot be listed ({exc})", parts
        return
    for child in children:
        if child.is_dir(follow_symlinks=False):
            yield from _walk(Path(child.path), (*parts, child.name))
        else:
            yield Path(child.path), (*parts, child.name)


def _file_refusal(path: Path, limits: _Limits, total: int) -> tuple[str | None, int]:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"a symbolic link (to {os.readlink(path)!r}): it is never followed", 0
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, socket or pipe)", 0
    if info.st_size > limits.member_bytes:
        return f"{info.st_size} bytes, over the limit of {limits.member_bytes} per file (max_member_bytes)", 0
    if total + info.st_size > limits.total_bytes:
        return _over_total(limits), 0
    return None, info.st_size


def _file_reader(root: Path, path: Path, limit: int) -> Callable[[], bytes]:
    def read() -> bytes:
        # O_NOFOLLOW: a file swapped for a link after the listing is refused, not followed.
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            raise DownloadError(f"{root}: {str(path)!r} cannot be read ({exc}); was the folder changed?") from exc
        with os.fdopen(fd, "rb") as stream:
            return _within(root, str(path), _read_at_most(stream, limit), limit)

    return read


def _unique(entries: list[Entry], source: Path, problems: list[str]) -> list[Entry]:
    """The entries with each repeated path given a ``" (2)"`` suffix (said in ``problems``)."""
    taken: set[PurePosixPath] = set()
    kept = []
    for entry in entries:
        path, copy = entry.path, 1
        while path in taken:
            copy += 1
            path = entry.path.with_stem(f"{entry.path.stem} ({copy})")
        if path != entry.path:
            problems.append(f"{source}: {str(entry.path)!r} appears more than once; this copy is kept as {str(path)!r}")
        taken.add(path)
        kept.append(replace(entry, path=path))
    return kept

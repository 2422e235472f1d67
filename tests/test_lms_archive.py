"""Reading an LMS download (grader/lms/archive.py): hostile zips and folders built in tmp_path.

Each refusal is asserted by its message; the batch goes on past every refused member."""

from __future__ import annotations

import io
import os
import stat
import struct
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import pytest

from grader.errors import DownloadError, GraderError
from grader.lms import archive
from grader.lms.archive import read_download

POLISH = "Zażółć_1234567_assignsubmission_file/lab.ipynb"


class _RawName(zipfile.ZipInfo):
    """A member whose name's bytes are written as given, without the UTF-8 flag (as Windows tools do)."""

    raw = b""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.raw, self.flag_bits & ~0x800


def _raw_member(raw: bytes) -> _RawName:
    info = _RawName(raw.decode("cp437"))
    info.raw = raw
    return info


def make_zip(
    path: Path, members: dict[str | zipfile.ZipInfo, bytes] | list[tuple[str | zipfile.ZipInfo, bytes]]
) -> Path:
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            out.writestr(name, data)
    return path


def paths(download: archive.Download) -> list[str]:
    return [str(entry.path) for entry in download.entries]


def only_problem(download: archive.Download) -> str:
    assert len(download.problems) == 1, download.problems
    return download.problems[0]


def test_a_plain_download_is_listed_and_read_lazily(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "d.zip", {"Jan Kowalski_1_assignsubmission_file/lab.ipynb": b"{}", "b/x.py": b"x=1"})
    download = read_download(zip_path)
    assert download.source == zip_path and download.problems == ()
    assert paths(download) == ["Jan Kowalski_1_assignsubmission_file/lab.ipynb", "b/x.py"]
    assert [entry.size for entry in download.entries] == [2, 3]
    assert download.entries[1].read() == b"x=1"
    assert download.entries[0].modified is not None and download.entries[0].modified.year >= 2020  # writestr's now


def test_a_zip_time_that_is_no_date_is_none(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("lab.ipynb", date_time=(1980, 0, 0, 0, 0, 0))
    download = read_download(make_zip(tmp_path / "d.zip", [(info, b"{}")]))
    assert download.entries[0].modified is None


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../etc/x", "a '..' component: it would climb out of the folder"),
        ("a/../../x", "a '..' component"),
        ("/etc/x", "an absolute path: it would land outside the folder"),
        ("C:\\x", "a drive letter"),
        ("c:x", "a drive letter"),
        ("..\\..\\x", "a '..' component"),
        ("\\x", "an absolute path"),
        ("a\\b.ipynb", "a backslash in its name"),
    ],
)
def test_an_unsafe_name_is_refused_and_the_rest_kept(tmp_path: Path, name: str, why: str) -> None:
    zip_path = make_zip(tmp_path / "d.zip", {name: b"evil", "ok/lab.ipynb": b"{}"})
    download = read_download(zip_path)
    assert paths(download) == ["ok/lab.ipynb"]
    assert only_problem(download).startswith(f"{zip_path}: {name!r} refused: {why}")


def test_a_symlink_member_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("s/link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    download = read_download(make_zip(tmp_path / "d.zip", [(link, b"/etc/passwd"), ("s/lab.ipynb", b"{}")]))
    assert paths(download) == ["s/lab.ipynb"]
    assert "'s/link' refused: a symbolic link" in only_problem(download)


def test_a_member_over_the_limit_is_refused_by_its_header(tmp_path: Path) -> None:
    download = read_download(make_zip(tmp_path / "d.zip", {"big": b"a" * 1000, "small": b"a"}), max_member_bytes=100)
    assert paths(download) == ["small"]
    assert "'big' refused: 1000 bytes, over the limit of 100 per file (max_member_bytes)" in only_problem(download)


def test_a_header_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "d.zip", {"liar": b"a" * 100_000})
    data = bytearray(zip_path.read_bytes())
    # uncompressed size: byte 22 of the local header, byte 24 of the central directory's record
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 10)
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 10)
    zip_path.write_bytes(bytes(data))
    download = read_download(zip_path, max_member_bytes=50)
    assert download.entries == ()
    assert "'liar' refused: unreadable (Bad CRC-32" in only_problem(download)
    assert "its header's size or checksum does not match its data" in only_problem(download)


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.given = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.given += len(chunk)
        return chunk


def test_a_member_is_never_read_past_the_limit_plus_one_byte() -> None:
    stream = _CountingStream(b"a" * (3 * archive.MIB))
    assert len(archive._read_at_most(stream, 100)) == 101
    assert stream.given == 101


def test_members_past_the_total_are_refused(tmp_path: Path) -> None:
    download = read_download(
        make_zip(tmp_path / "d.zip", {"a": b"a" * 60, "b": b"b" * 60, "c": b"c" * 60}), max_total_bytes=150
    )
    assert paths(download) == ["a", "b"]
    assert (
        "'c' refused: the files kept so far and this one add up to more than 150 bytes (max_total_bytes)"
        in only_problem(download)
    )


def test_more_members_than_the_limit_is_an_error(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "d.zip", {f"m{i}": b"" for i in range(4)})
    with pytest.raises(DownloadError, match=r"d\.zip: 4 files, over the limit of 3 \(max_members\); raise the limit"):
        read_download(zip_path, max_members=3)


def test_folders_and_finder_files_are_skipped_silently(tmp_path: Path) -> None:
    zip_path = make_zip(
        tmp_path / "d.zip",
        {"a/": b"", "__MACOSX/a/._lab.ipynb": b"\0", "a/.DS_Store": b"\0", "a/lab.ipynb": b"{}"},
    )
    download = read_download(zip_path)
    assert paths(download) == ["a/lab.ipynb"] and download.problems == ()


def test_a_utf8_name_without_the_flag_is_read_as_utf8(tmp_path: Path) -> None:
    download = read_download(make_zip(tmp_path / "d.zip", [(_raw_member(POLISH.encode()), b"{}")]))
    assert paths(download) == [POLISH] and download.problems == ()
    assert download.entries[0].read() == b"{}"


def test_a_name_that_is_not_utf8_keeps_its_cp437_reading_and_is_said(tmp_path: Path) -> None:
    raw = POLISH.encode("cp1250")
    download = read_download(make_zip(tmp_path / "d.zip", [(_raw_member(raw), b"{}")]))
    assert paths(download) == [raw.decode("cp437")]
    assert "d.zip: 1 name(s) are not UTF-8, read as cp437 (first: 'Za" in only_problem(download)


def test_two_members_with_one_name_are_both_kept(tmp_path: Path) -> None:
    members = [
        (POLISH, b"first"),
        (_raw_member(POLISH.encode()), b"second"),
        ("x/lab.ipynb", b"3"),
        ("x/lab.ipynb", b"4"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it is asked to write
        download = read_download(make_zip(tmp_path / "d.zip", members))
    second = POLISH.replace("lab.ipynb", "lab (2).ipynb")
    assert paths(download) == [POLISH, second, "x/lab.ipynb", "x/lab (2).ipynb"]
    assert [entry.read() for entry in download.entries] == [b"first", b"second", b"3", b"4"]
    assert f"{POLISH!r} appears more than once; this copy is kept as {second!r}" in download.problems[0]
    assert len(download.problems) == 2


def test_members_are_read_from_threads_at_once(tmp_path: Path) -> None:
    members = {f"s{i}/lab.ipynb": os.urandom(50_000) for i in range(40)}
    download = read_download(make_zip(tmp_path / "d.zip", members))
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(archive.Entry.read, download.entries)) == list(members.values())


def test_the_input_zip_is_never_modified(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "d.zip", {"a/lab.ipynb": b"{}", "../x": b"evil", "b/c.py": b"1"})
    before, mtime = zip_path.read_bytes(), zip_path.stat().st_mtime_ns
    download = read_download(zip_path)
    for entry in download.entries:
        entry.read()
    assert zip_path.read_bytes() == before and zip_path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.zip"]


def test_a_file_that_is_not_a_zip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    path.write_text("a,b\n")
    with pytest.raises(
        DownloadError, match=r"grades\.csv: is not a zip; give the \.zip the LMS gave you, or its unpacked folder"
    ):
        read_download(path)
    assert issubclass(DownloadError, GraderError) and DownloadError.exit_code == 13


def test_a_truncated_zip_is_an_error(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "d.zip", {f"m{i}": os.urandom(1000) for i in range(5)})
    path.write_bytes(path.read_bytes()[:2500])
    with pytest.raises(DownloadError, match=r"d\.zip: is truncated or corrupt .*download it again from the LMS"):
        read_download(path)


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="no such file or folder"):
        read_download(tmp_path / "nothing.zip")


def test_a_folder_is_read_and_its_links_are_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("secret")
    folder = tmp_path / "download"
    (folder / "Jan_1_assignsubmission_file").mkdir(parents=True)
    (folder / "Jan_1_assignsubmission_file" / "lab.ipynb").write_text("{}")
    (folder / "Jan_1_assignsubmission_file" / "secret.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (folder / "linked_dir").symlink_to(tmp_path / "outside")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._lab.ipynb").write_text("")
    download = read_download(folder)
    assert paths(download) == ["Jan_1_assignsubmission_file/lab.ipynb"]
    assert download.entries[0].read() == b"{}" and download.entries[0].modified is not None
    link_problem, dir_problem = download.problems
    assert link_problem.startswith(f"{folder}: 'Jan_1_assignsubmission_file/secret.txt' refused: a symbolic link (to ")
    assert dir_problem.startswith(f"{folder}: 'linked_dir' refused: a symbolic link")


def test_a_folder_refuses_pipes_big_files_and_too_many_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "big").write_bytes(b"a" * 200)
    (tmp_path / "ok").write_bytes(b"a")
    download = read_download(tmp_path, max_member_bytes=100)
    assert paths(download) == ["ok"]
    assert download.problems == (
        f"{tmp_path}: 'big' refused: 200 bytes, over the limit of 100 per file (max_member_bytes)",
        f"{tmp_path}: 'pipe' refused: not a regular file (a device, socket or pipe)",
    )
    with pytest.raises(DownloadError, match=r"more than 2 files, over the limit of 2 \(max_members\)"):
        read_download(tmp_path, max_members=2)


def test_a_folder_name_that_is_not_utf8_is_read_and_its_file_still_opens(tmp_path: Path) -> None:
    raw = "Zażółć_1234567_assignsubmission_file".encode("cp1250")
    os.mkdir(os.fsencode(tmp_path) + b"/" + raw)
    Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + raw + b"/lab.ipynb")).write_text("{}")
    download = read_download(tmp_path)
    assert download.entries[0].path == PurePosixPath(raw.decode("cp437"), "lab.ipynb")
    assert download.entries[0].read() == b"{}"
    assert "1 name(s) are not UTF-8, read as cp437" in only_problem(download)

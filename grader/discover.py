"""Stage 1: find the submissions among the paths an instructor gives.

``discover(paths) -> list[Submission]``: folders are searched recursively for ``.ipynb`` and
jupytext ``.py`` files (hidden files and ``.ipynb_checkpoints`` skipped); the student id is the
file name without its suffix, made unique with its folder when two files share a name.
Nothing is read beyond the bytes needed for the hash; input files are never modified.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import NoSubmissions

SUFFIXES = (".ipynb", ".py")


@dataclass(frozen=True)
class Submission:
    """One student's file: who, where, and the hash that identifies its content."""

    student: str
    path: Path
    sha256: str
    size: int


def discover(paths: list[Path]) -> list[Submission]:
    """All submissions under ``paths``, sorted by student id (a deterministic batch order)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if _is_submission(p, path))
        elif path.is_file():
            files.append(path)
        else:
            raise NoSubmissions(f"{path}: no such file or folder. Fix: check the path.")
    if not files:
        shown = ", ".join(str(p) for p in paths)
        raise NoSubmissions(f"{shown}: no .ipynb or .py notebooks found. Fix: point to the folder of the LMS download.")
    ids = _student_ids(files)
    return sorted((Submission(ids[f], f, _sha256(f), f.stat().st_size) for f in files), key=lambda s: s.student)


def _is_submission(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    hidden = any(p.startswith(".") or p in ("__pycache__", ".ipynb_checkpoints") for p in parts)
    return path.is_file() and path.suffix in SUFFIXES and not hidden


def _student_ids(files: list[Path]) -> dict[Path, str]:
    stems: dict[str, list[Path]] = {}
    for f in files:
        stems.setdefault(_clean(f.stem), []).append(f)
    ids: dict[Path, str] = {}
    for stem, group in stems.items():
        for f in group:
            ids[f] = stem if len(group) == 1 else _clean(f"{f.parent.name}-{f.stem}")
    return ids


def _clean(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "submission"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

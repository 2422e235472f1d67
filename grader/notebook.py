"""Stage 2: read a submission into a validated list of cells.

``load_notebook(submission) -> Notebook``. Invalid JSON, an empty file, non-UTF-8 bytes or a
broken jupytext export raise :class:`NotebookError` carrying a bilingual message that names the
file and the fix; the pipeline records it for that submission and goes on with the batch.
nbformat v3 notebooks are upgraded to v4.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .discover import Submission
from .i18n import Text, message

MAX_IMAGES_PER_CELL = 8
MAX_IMAGE_BYTES = 2_000_000  # base64 characters; a bigger stored image is not shown
MAX_TEXT_OUTPUT = 20_000  # characters per stored text output kept for section checks


class NotebookError(Exception):
    """The file is not a notebook we can read; ``text`` says why, for the student."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True)
class Cell:
    """A cell: its position (0-based), kind, source and the PNG figures stored in it."""

    index: int
    kind: str  # "code" | "markdown" | "raw"
    source: str
    images: tuple[str, ...] = ()  # base64 PNG, from the stored outputs
    text_outputs: tuple[str, ...] = ()  # stored stdout and text/plain results (not re-run)

    @property
    def number(self) -> int:
        """1-based position, as students count cells."""
        return self.index + 1


@dataclass(frozen=True)
class Notebook:
    path: Path
    cells: tuple[Cell, ...]

    def headline(self, cell: Cell) -> str:
        """First non-empty line of a markdown cell, where section headings are matched."""
        for line in cell.source.splitlines():
            if line.strip():
                return line.strip()
        return ""


def load_notebook(submission: Submission) -> Notebook:
    """Read ``submission.path`` as ``.ipynb`` (v3 or v4) or a jupytext ``.py`` export."""
    path = submission.path
    data = path.read_bytes()
    if not data.strip():
        raise NotebookError(message("load_empty", file=path.name))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(message("load_not_utf8", file=path.name, position=exc.start)) from None
    if path.suffix == ".py":
        return Notebook(path, _cells_from_jupytext(text, path))
    return Notebook(path, _cells_from_ipynb(text, path))


def _cells_from_ipynb(text: str, path: Path) -> tuple[Cell, ...]:
    import nbformat

    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(message("load_bad_json", file=path.name, error=f"line {exc.lineno}: {exc.msg}")) from None
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw):
        raise NotebookError(message("load_bad_notebook", file=path.name, error="no 'cells' list"))
    try:
        nb = nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as exc:  # nbformat raises many types on malformed input
        raise NotebookError(message("load_bad_notebook", file=path.name, error=str(exc)[:200])) from None
    return tuple(_cell(i, c) for i, c in enumerate(nb.cells))


def _cells_from_jupytext(text: str, path: Path) -> tuple[Cell, ...]:
    import jupytext

    try:
        nb = jupytext.reads(text, fmt="py")
    except Exception as exc:
        raise NotebookError(message("load_bad_py", file=path.name, error=str(exc)[:200])) from None
    return tuple(_cell(i, c) for i, c in enumerate(nb.cells))


def _cell(index: int, cell) -> Cell:
    kind = cell.get("cell_type", "raw")
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return Cell(index, kind if kind in ("code", "markdown") else "raw", str(source), cell_images(cell),
                cell_texts(cell))


def cell_texts(cell) -> tuple[str, ...]:
    """What a code cell printed or displayed as text when the student ran it (bounded)."""
    texts = []
    for output in cell.get("outputs", []) or []:
        if not isinstance(output, dict):
            continue
        text = output.get("text") if output.get("output_type") == "stream" else (output.get("data") or {}).get("text/plain")
        if isinstance(text, list):
            text = "".join(str(t) for t in text)
        if isinstance(text, str) and text.strip():
            texts.append(text[:MAX_TEXT_OUTPUT])
        if len(texts) >= MAX_IMAGES_PER_CELL:
            break
    return tuple(texts)


def cell_images(cell) -> tuple[str, ...]:
    images = []
    for output in cell.get("outputs", []) or []:
        png = (output.get("data") or {}).get("image/png") if isinstance(output, dict) else None
        if isinstance(png, list):
            png = "".join(png)
        if isinstance(png, str) and len(png) <= MAX_IMAGE_BYTES and re.fullmatch(r"[A-Za-z0-9+/=\s]+", png):
            images.append(re.sub(r"\s+", "", png))
        if len(images) >= MAX_IMAGES_PER_CELL:
            break
    return tuple(images)

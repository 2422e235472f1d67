"""Stage 2: read a submission into a validated list of cells.

``load_notebook(submission) -> Notebook``. Invalid JSON, an empty file or a broken jupytext
export raise :class:`NotebookError` carrying a bilingual message that names the file and the fix;
the pipeline records it for that submission and goes on with the batch. nbformat v3 notebooks are
upgraded to v4.

Bytes that are not UTF-8 do not make a file unreadable: a Windows editor that saved one markdown
sentence in cp1250 must not cost every code item. :func:`decode_lenient` keeps the valid UTF-8 as
it is and reads each invalid byte as cp1250 (or U+FFFD where cp1250 has no printable character);
the :class:`Notebook` records which cells held such bytes, and :attr:`Notebook.notices` tells the
student, who should save the notebook as UTF-8.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

from .discover import Submission
from .i18n import Text, message
from .sandbox.outputs import cell_images, cell_texts

MAX_CELLS_NAMED = 10  # cells listed by number in a notice; more are counted


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
    """The cells of a submission. ``repaired_cells`` (0-based) are the cells whose source held
    bytes that were not UTF-8, ``repaired_outside`` says such bytes were elsewhere (outputs,
    metadata), ``repaired_with`` how they were read: ``"cp1250"`` and/or ``"replacement"``."""

    path: Path
    cells: tuple[Cell, ...]
    repaired_cells: tuple[int, ...] = ()
    repaired_outside: bool = False
    repaired_with: tuple[str, ...] = ()

    @property
    def notices(self) -> tuple[Text, ...]:
        """What the student should know about the file itself (bytes that were not UTF-8)."""
        if not (self.repaired_cells or self.repaired_outside):
            return ()
        shown = [str(self.cells[i].number) for i in self.repaired_cells]
        if len(shown) > MAX_CELLS_NAMED:  # a whole file saved in cp1250: the first cells and a count
            shown = shown[:MAX_CELLS_NAMED] + [f"… ({len(shown)})"]
        numbers = ", ".join(shown)
        where = (
            [message("repair_cell" if len(self.repaired_cells) == 1 else "repair_cells", cells=numbers)]
            if self.repaired_cells
            else []
        )
        where += [message("repair_outside")] if self.repaired_outside else []
        how = [message(f"repair_{name}") for name in self.repaired_with]
        return (
            message(
                "load_repaired",
                file=self.path.name,
                where=_joined(where, "; ", "; "),
                how=_joined(how, " oraz ", " and "),
            ),
        )

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
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark (Windows editors): not part of the JSON
        data = data[3:]
    if not data.strip():
        raise NotebookError(message("load_empty", file=path.name))
    text, repaired = decode_lenient(data)
    read = _cells_from_jupytext if path.suffix == ".py" else _cells_from_ipynb
    cells = read(text, path)
    if not repaired:
        return Notebook(path, cells)
    return _with_repairs(Notebook(path, cells), text, repaired, read)


def _with_repairs(
    notebook: Notebook, text: str, repaired: list[tuple[int, int]], read: Callable[[str, Path], tuple[Cell, ...]]
) -> Notebook:
    """``notebook`` (read from ``text``) with the cells that held the ``repaired`` spans.

    The file is read a second time with each repaired character swapped for one that no decoding
    produces: the cells whose source differs between the two readings are exactly those that held
    repaired characters (the same letter written correctly elsewhere, or a U+FFFD the student
    typed, changes nothing); repaired characters not found in any source were in outputs or metadata.
    """
    pieces, previous = [], 0
    for start, end in repaired:
        pieces += [text[previous:start], _MARKER * (end - start)]
        previous = end
    substituted = {c for start, end in repaired for c in text[start:end]}
    cells, found = notebook.cells, 0
    try:
        marked = read("".join(pieces) + text[previous:], notebook.path)
    except NotebookError:  # not expected (only non-ASCII letters differ); then name every cell that may hold one
        indices = [c.index for c in cells if substituted & set(c.source)]
    else:
        indices = [
            i
            for i, (cell, other) in enumerate(zip_longest(cells, marked))
            if i < len(cells) and (other is None or cell.source != other.source)
        ]
        found = sum(
            sum(a != b for a, b in zip(cell.source, other.source)) + abs(len(cell.source) - len(other.source))
            for cell, other in zip(cells, marked)
        )
    used = tuple(
        name
        for name, present in (
            ("cp1250", bool(substituted - {REPLACEMENT})),
            ("replacement", REPLACEMENT in substituted),
        )
        if present
    )
    return replace(
        notebook,
        repaired_cells=tuple(indices),
        repaired_outside=found < sum(e - s for s, e in repaired),
        repaired_with=used,
    )


REPLACEMENT = "\ufffd"
_MARKER = "\U000f0000"  # supplementary private use: never produced by cp1250 nor equal to U+FFFD
# what each byte reads as when it is not part of valid UTF-8: its cp1250 character, unless cp1250
# leaves it undefined (0x81, 0x83, 0x88, 0x90, 0x98) or makes it a control character. Keyed by the
# lone surrogate U+DC80..U+DCFF that Python's "surrogateescape" decodes such a byte to.
_FALLBACK = {
    0xDC00 + b: REPLACEMENT if not char or unicodedata.category(char) == "Cc" else char
    for b in range(0x80, 0x100)
    for char in [bytes([b]).decode("cp1250", errors="ignore")]
}
_ESCAPED = re.compile("[\udc80-\udcff]+")


def decode_lenient(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """``data`` as text, and the ``(start, end)`` character spans of it that were repaired.

    Valid UTF-8 is decoded as it is; each maximal run of bytes that is not valid UTF-8 is read
    byte by byte as cp1250 (a Windows editor's Polish letters: 0xB9 is "ą"), a byte that cp1250
    leaves undefined or makes a control character as U+FFFD. One pass of the C decoder: with
    "surrogateescape" each invalid byte becomes one lone surrogate (valid UTF-8 never decodes to
    one: Python's codec rejects encoded surrogates), which is then translated to its character,
    so a span has as many characters as its run had bytes. cp1250 bytes that happen to form valid
    UTF-8 (the capitals "ĘŁ" are CA A3, "ʣ" in UTF-8) stay UTF-8: bytes cannot tell them apart.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    spans = [m.span() for m in _ESCAPED.finditer(text)]
    return (text.translate(_FALLBACK) if spans else text), spans


def _joined(texts: list[Text], pl: str, en: str) -> Text:
    return Text(pl.join(t.pl for t in texts), en.join(t.en for t in texts))


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
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types on malformed input
        raise NotebookError(message("load_bad_notebook", file=path.name, error=str(exc)[:200])) from None
    return tuple(_cell(i, c) for i, c in enumerate(nb.cells))


def _cells_from_jupytext(text: str, path: Path) -> tuple[Cell, ...]:
    import jupytext

    try:
        nb = jupytext.reads(text, fmt="py")
    except Exception as exc:  # noqa: BLE001 - jupytext raises many types on malformed input
        raise NotebookError(message("load_bad_py", file=path.name, error=str(exc)[:200])) from None
    return tuple(_cell(i, c) for i, c in enumerate(nb.cells))


def _cell(index: int, cell) -> Cell:
    kind = cell.get("cell_type", "raw")
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return Cell(
        index, kind if kind in ("code", "markdown") else "raw", str(source), cell_images(cell), cell_texts(cell)
    )

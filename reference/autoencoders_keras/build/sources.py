"""Source text of lab ``autoencoders-keras``'s modules and the exact-match editing of it.

``public/scaffold.py`` and ``judge/solution.py`` are parsed with ast, never imported.
``notebooks.py`` and ``samples.py`` both read these texts; keeping them here lets
``notebooks.py`` import ``samples.py`` at module level.
"""

from __future__ import annotations

from pathlib import Path

from ...build.common import module_definitions

_PACK = Path(__file__).resolve().parents[1]
SCAFFOLD_PATH = _PACK / "public" / "scaffold.py"
SOLUTION_PATH = _PACK / "judge" / "solution.py"

# ---------------------------------------------------------------------------------------------
# Source text of the modules (parsed with ast, not imported)
# ---------------------------------------------------------------------------------------------


def scaffold_source(name: str) -> str:
    """Source of a function of ``public/scaffold.py`` (the code the template gives)."""
    return module_definitions(SCAFFOLD_PATH)[name]


def solution_source(name: str) -> str:
    """The value of a string constant of ``solution.py`` (an answer cell or prose)."""
    return module_definitions(SOLUTION_PATH)[name]


def edit(source: str, *edits: tuple[str, str]) -> str:
    """``source`` with each ``old`` replaced by ``new``; every ``old`` must occur exactly once in
    ``source`` (edits apply to the original text, so one edit cannot create a match for
    another): samples and base cells cannot drift from the solution unnoticed."""
    spans = []
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"edit target found {count} times (expected once): {old!r}")
        start = source.index(old)
        spans.append((start, start + len(old), new))
    spans.sort()
    for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
        if start < end:
            raise ValueError("overlapping edits")
    out, last = [], 0
    for start, end, new in spans:
        out += [source[last:start], new]
        last = end
    return "".join(out + [source[last:]])


def insert_before(source: str, anchor: str, text: str) -> str:
    """``text`` (lines) inserted before the line that starts with ``anchor`` (once)."""
    return edit(source, (anchor, text + "\n" + anchor))

"""Where each rubric section lives in a notebook, and the prose answers inside it.

Sections are found the way a person finds them: by the task number of a heading, whatever its
style. The first non-empty line of a markdown cell is a *heading* when it starts with ``#``
marks, with emphasis (``**``, ``__``, ``*``, ``_``) or with a task word (``Zadanie``, ``Task``...).
Its task number is read past the marks, bold/italic markers, backslash escapes and the task
word, so ``## 1. AutoEnkoder (AE)``, ``## **Zadanie 1 - AutoEnkoder (AE)**``,
``**Zadanie 2.5.** Wróć do...`` and ``#### Zadanie 2.5 - ...`` all say "task 2.5" or "task 1".
A bare number without the task word counts only in a ``#`` heading, and only when a separator
follows it (``1.``, ``1 -``, ``1:``) or it is a number the rubric knows, so ``## 2023 results``
is not task 2023 and a bold ``**2. Wnioski**`` inside an answer is not task 2.

A section is declared by its task number(s) and, optionally, titles: the phrases of numberless
headings that name its code task (``### Uzupełnij funkcję kosztu:``). Tasks are grouped by their
leading integer (2.5 and 2.plot belong to task 2, 1a and 1b to task 1). Reading top to bottom,
the task groups only move forward: a heading of an earlier task than the one being read (a
``### 1. Obserwacje`` inside task 3's answer) opens nothing and ends nothing. A section runs
from its heading to the next boundary: the next section's heading, a numbered heading of a later
task the rubric does not know (``## 5. Bonus``), or a subsection number of the same task the
rubric does not know. So a group heading (task N) always closes every subsection of task N-1.

Each item's object is looked up within its task group's *extent*, which ends where the first
heading of a later task begins: a definition from a later task is never taken, even when the
item's own heading is missing (:meth:`SectionMap.limit`).

A section given as a plain string is a regular expression matched against first lines (the
format of rubrics written before task numbers were understood); it opens at the first match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .notebook import Notebook
from .rubric import TASK_NUMBER, SectionSpec

DEFAULT_TASK_WORDS = ("Zadanie", "Task", "Exercise", "Ćwiczenie", "Άσκηση")

_NUMBER = re.compile(rf"({TASK_NUMBER})(?![A-Za-z0-9])")  # "1.AutoEnkoder" reads as 1
_SEPARATOR = re.compile(r"^\s*(?:[.):\-–—]|$)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!:])")


@dataclass(frozen=True)
class Span:
    """Cells ``start`` (the heading) to ``end`` (exclusive) of one section."""

    start: int
    end: int


@dataclass(frozen=True)
class SectionRule:
    """How one rubric section is recognised: its task numbers, the titles of numberless
    headings that name it, or (old rubrics) a regular expression."""

    id: str
    numbers: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    pattern: str | None = None

    @property
    def group(self) -> int | None:
        """The task this section belongs to (the leading integer of its number or id)."""
        for candidate in (*self.numbers, self.id):
            if re.match(r"\d+", candidate):
                return task_group(candidate)
        return None


@dataclass(frozen=True)
class Heading:
    """What the first line of a markdown cell says, read as a heading."""

    number: str | None  # the task number, if any
    text: str  # normalised: marks, emphasis, escapes and backticks removed, case-folded
    loose: bool = (
        False  # a bare number followed by words (``## 3 Conditioned VAE``): a task only if the rubric knows it
    )


def read_heading(line: str, task_words: tuple[str, ...] = DEFAULT_TASK_WORDS) -> Heading | None:
    """The heading a first line is, or None when it is an ordinary paragraph."""
    raw = line.strip()
    hashes = raw.startswith("#")
    text = _ESCAPE.sub(r"\1", raw.lstrip("#").strip())
    emphasised = text.startswith(("*", "_"))
    body = text.lstrip("*_ \t")
    words = "|".join(re.escape(w) for w in task_words)
    worded = re.match(rf"(?:{words})\b\s*", body, flags=re.IGNORECASE) if words else None
    if not (hashes or emphasised or worded):
        return None
    rest = body[worded.end() :] if worded else body
    match = _NUMBER.match(rest) if (worded or hashes) else None
    if match is None:
        return Heading(None, normalise_title(text))
    loose = not worded and not _SEPARATOR.match(rest[match.end() :].lstrip("*_"))
    return Heading(match.group(1), normalise_title(text), loose)


def task_group(number: str) -> int:
    """The task a number belongs to: its leading integer (2.5 -> 2, 1a -> 1)."""
    leading = re.match(r"\d+", number)
    if leading is None:  # callers pass numbers read by the heading pattern, which start with a digit
        raise ValueError(f"task number {number!r} does not start with a digit")
    return int(leading.group())


def normalise_title(text: str) -> str:
    """Heading text as titles are compared: no markdown marks, backticks or escapes, case-folded."""
    text = _ESCAPE.sub(r"\1", text)
    text = re.sub(r"\*\*|__|`", "", text).strip(" \t*_#:.")
    return re.sub(r"\s+", " ", text).casefold()


@dataclass(frozen=True)
class SectionMap(Mapping):
    """The sections found in one notebook (a read-only mapping id -> :class:`Span`), with what a
    person needs to know when a heading was not found: the task extents used instead."""

    spans: dict[str, Span]
    rules: dict[str, SectionRule]
    n_cells: int
    # (cell, task group) of every boundary found, in notebook order: openings and boundaries
    marks: tuple[tuple[int, int | None], ...] = ()
    how: dict[str, str] = field(default_factory=dict)  # section id -> "number" | "title" | "pattern"

    def __getitem__(self, key: str) -> Span:
        return self.spans[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def group_end(self, group: int | None) -> int:
        """Where task ``group`` ends: the first heading of a later task (or the notebook's end)."""
        if group is None:
            return self.n_cells
        later = [cell for cell, g in self.marks if g is not None and g > group]
        return min(later) if later else self.n_cells

    def group_start(self, group: int | None) -> int | None:
        """The first heading of task ``group``, or None when the notebook has none."""
        cells = [cell for cell, g in self.marks if g == group]
        return min(cells) if cells else None

    def limit(self, section: str) -> int:
        """The cell before which an item of ``section`` may take its object's last definition:
        the section's end when its heading was found; else the end of its task's extent, never
        past the first heading of a later task."""
        if section in self.spans:
            return self.spans[section].end
        rule = self.rules.get(section)
        if rule is None or rule.group is None:  # nothing to bound it by but the rubric's order
            order = list(self.rules)
            later = (
                [self.spans[s].start for s in order[order.index(section) + 1 :] if s in self.spans]
                if section in order
                else []
            )
            return min(later) if later else self.n_cells
        return self.group_end(rule.group)

    def extent(self, section: str) -> Span:
        """Where an item of ``section`` is looked up by name: its own span, else its task's."""
        if section in self.spans:
            return self.spans[section]
        rule = self.rules.get(section)
        group = rule.group if rule else None
        start = self.group_start(group)
        if start is None:
            earlier = [cell for cell, g in self.marks if g is not None and group is not None and g < group]
            start = max(earlier) if earlier else 0
        return Span(start, self.limit(section))


def section_rules(sections: Mapping[str, SectionSpec | str]) -> dict[str, SectionRule]:
    """Rubric ``sections:`` entries (a :class:`SectionSpec`, or a regex string) as rules."""
    return {
        sid: SectionRule(sid, pattern=spec) if isinstance(spec, str) else SectionRule(sid, spec.numbers, spec.titles)
        for sid, spec in sections.items()
    }


def find_sections(
    notebook: Notebook, sections: Mapping[str, SectionSpec | str], task_words: tuple[str, ...] = DEFAULT_TASK_WORDS
) -> SectionMap:
    """Map each section id whose heading is found to its span of cells (see the module doc)."""
    rules = section_rules(sections)
    known = {n: sid for sid, r in rules.items() for n in r.numbers}
    titles = [(normalise_title(t), sid) for sid, r in rules.items() for t in r.titles]
    patterns = {sid: re.compile(r.pattern) for sid, r in rules.items() if r.pattern}
    opened: dict[str, int] = {}
    how: dict[str, str] = {}
    marks: list[tuple[int, int | None, str | None]] = []  # cell, group, section opened (None: a boundary)
    current: int | None = None  # the task group being read
    for cell in notebook.cells:
        if cell.kind != "markdown":
            continue
        line = notebook.headline(cell)
        legacy = next((sid for sid, rx in patterns.items() if sid not in opened and rx.search(line)), None)
        if legacy is not None:
            opened[legacy], how[legacy] = cell.index, "pattern"
            group = rules[legacy].group
            marks.append((cell.index, group, legacy))
            current = group if group is not None and (current is None or group > current) else current
            continue
        heading = read_heading(line, task_words)
        if heading is None:
            continue
        number = heading.number
        if number is not None and heading.loose and number not in known:
            number = None
        if number is not None:
            group = task_group(number)
            if current is not None and group < current:
                continue  # an earlier task's number inside a later task: a list in an answer
            sid = known.get(number)
            if sid is not None and sid not in opened:
                opened[sid], how[sid] = cell.index, "number"
                marks.append((cell.index, group, sid))
                current = group
            elif sid is None and current is not None and _is_boundary(number, group, current, rules, opened):
                # (before the first known section, an unknown number is the sheet's own: "Άσκηση 12")
                marks.append((cell.index, group, None))
                current = group
            continue
        for title, sid in titles:
            group = rules[sid].group
            if sid in opened or title not in heading.text:
                continue
            if current is not None and group is not None and group < current:
                continue  # a later task's heading was passed: never open an earlier task's section here
            opened[sid], how[sid] = cell.index, "title"
            marks.append((cell.index, group, sid))
            if group is not None:
                current = group if current is None else max(current, group)
            break
    marks.sort()
    spans = {}
    for k, (start, _group, sid) in enumerate(marks):
        if sid is None:
            continue
        end = marks[k + 1][0] if k + 1 < len(marks) else len(notebook.cells)
        spans[sid] = Span(start, end)
    return SectionMap(spans, rules, len(notebook.cells), tuple((c, g) for c, g, _ in marks), how)


def _is_boundary(number: str, group: int, current: int, rules: dict[str, SectionRule], opened: dict[str, int]) -> bool:
    """A numbered heading the rubric does not know ends the section before it when it starts a
    later task, or a subsection of the same task that is not a part of an open section's number
    (``2.5.1`` stays inside 2.5)."""
    if group > current:
        return True
    if "." not in number:
        return False  # "## 3." repeated inside task 3
    return not any(number.startswith(n + ".") for sid in opened for n in rules[sid].numbers)


def prose_answer(notebook: Notebook, span: Span, template_texts: set[str]) -> str:
    """The student's markdown in a section: every markdown cell after the question up to the
    next section, except cells identical to the template's (tutorial text, placeholders), and
    what the student wrote below the question in the heading's own cell (seed 001 answers under
    its bold question), without the lines the template's question has."""
    heading = notebook.cells[span.start]
    below = (
        [line for line in heading.source.strip().splitlines()[1:] if line.strip() and _norm(line) not in template_texts]
        if heading.kind == "markdown"
        else []
    )
    parts = ["\n".join(below).strip()] if below and _norm(heading.source) not in template_texts else []
    for cell in notebook.cells[span.start + 1 : span.end]:
        text = cell.source.strip()
        if cell.kind == "markdown" and text and _norm(text) not in template_texts:
            parts.append(text)
    return "\n\n".join(p for p in parts if p)


def template_markdown(notebook: Notebook) -> set[str]:
    """Normalised text of every markdown cell of the template, and of each of its lines: not an
    answer if unchanged."""
    cells = [c.source for c in notebook.cells if c.kind == "markdown" and c.source.strip()]
    return {_norm(text) for text in cells} | {
        _norm(line) for text in cells for line in text.splitlines() if line.strip()
    }


def is_placeholder(answer: str, placeholders: tuple[str, ...]) -> bool:
    """Empty, or nothing but a placeholder such as ``TU WPISZ ODPOWIEDŹ``."""
    rest = answer
    for p in placeholders:
        rest = re.sub(re.escape(p), "", rest, flags=re.IGNORECASE)
    return not re.sub(r"[\s*_#>`.:\-]+", "", rest)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()

"""The docs name only what exists, and their worked examples are the real code.

- Every path in backticks on the pages of :data:`NAMING_PAGES` (`reference/...`, `grader/...`,
  `rubrics/...`, `tests/...`; patterns with `<lab>` or `*` aside) is a file or folder of the
  checkout, and a `FILE.py::NAME` names a top-level definition of that file.
- Every dotted `grader.x.y` in backticks imports (the module, then the attributes); every dotted
  `reference.x.y` is a module file of the checkout (read statically: no framework is imported).
- docs/architecture.md's module map lists every module of `grader/`.
- A code block right after a marker line ``<!-- source: FILE::NAME -->`` is, character for
  character, the current source of NAME in FILE (see :func:`marked_source` for the forms of NAME).
"""

from __future__ import annotations

import ast
import difflib
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NAMING_PAGES = ("docs/labs/authoring.md", "docs/checks.md", "docs/architecture.md")
MARKED_PAGES = tuple(sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))) + ("README.md",)

_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(r"(?<![\w./-])((?:reference|grader|rubrics|tests)/[\w./<>*{}-]*)(?:::([\w.]+))?")
_DOTTED = re.compile(r"(?<![\w./-])((?:grader|reference)(?:\.\w+)+)")
_MARKER = re.compile(r"^<!-- source: (\S+?)(?:::(.+?))? -->[ \t]*\n(```(\w*)\n(.*?)^```)?", re.MULTILINE | re.DOTALL)


def inline_code(page: str) -> list[str]:
    """The inline code spans of a markdown page (fenced blocks left out: they show layouts)."""
    return _INLINE.findall(_FENCE.sub("", (ROOT / page).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class PathMention:
    page: str
    path: str
    name: str | None  # the NAME of `FILE::NAME`


def path_mentions(page: str) -> list[PathMention]:
    found = []
    for span in inline_code(page):
        for path, name in _PATH.findall(span):
            path = path.rstrip(".,:;)")
            if path and not any(mark in path for mark in "<>*{}") and "..." not in path:
                found.append(PathMention(page, path, name or None))
    return found


def top_level_names(path: Path) -> set[str]:
    """Names a Python file binds at its top level (definitions, assignments, imports)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _mention_problem(mention: PathMention) -> str | None:
    target = ROOT / mention.path
    if not target.exists():
        return f"{mention.page} names `{mention.path}`, which does not exist. Fix: correct the path or remove it."
    if mention.name and target.suffix == ".py" and mention.name.split(".")[0] not in top_level_names(target):
        return (
            f"{mention.page} names `{mention.path}::{mention.name}`, but {mention.path} defines no "
            f"{mention.name.split('.')[0]!r} at its top level. Fix: use the current name."
        )
    return None


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def dotted_problem(page: str, dotted: str) -> str | None:
    """Why `dotted` does not resolve, or None. grader.* is imported; reference.* (which may import a
    framework) and a __main__ are read with ast."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module, rest = ".".join(parts[:cut]), parts[cut:]
        # grader.* is imported, except a __main__, which would run the command line on import
        if parts[0] == "grader" and "__main__" not in parts:
            try:
                obj = importlib.import_module(module)
            except ImportError:
                continue
            for attribute in rest:
                if not hasattr(obj, attribute):
                    return (
                        f"{page} names `{dotted}`, but {module} has no attribute path {'.'.join(rest)!r}. "
                        "Fix: use the current name."
                    )
                obj = getattr(obj, attribute)
            return None
        path = _module_file(module)
        if path is not None:
            if rest and rest[0] not in top_level_names(path):
                return f"{page} names `{dotted}`, but {path.relative_to(ROOT)} defines no {rest[0]!r}. Fix: use the current name."
            return None
    return f"{page} names `{dotted}`, which is no module of the checkout. Fix: correct the name."


# ---------------------------------------------------------------------------------------------------
# Marked blocks: the real source


def _python_span(path: Path, name: str) -> tuple[int, int]:
    """First and last line (1-based) of the top-level definition ``name``, decorators included;
    ``Class.method`` for a method."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    *owners, last = name.split(".")
    for owner in owners:
        body = next((n.body for n in body if isinstance(n, ast.ClassDef) and n.name == owner), [])
    for node in body:
        names: list[str] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        if last in names:
            decorators = getattr(node, "decorator_list", [])
            return min([node.lineno] + [d.lineno for d in decorators]), node.end_lineno or node.lineno
    raise LookupError(f"{path.relative_to(ROOT)} has no top-level definition {name!r}")


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based) a YAML node's text takes."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and node.flow_style is not True:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    end = node.end_mark
    return end.line - 1 if end.column == 0 else end.line


def _yaml_item_lines(path: Path, item_id: str) -> tuple[int, int]:
    root = yaml.compose(path.read_text(encoding="utf-8"))
    items = next(value for key, value in root.value if key.value == "items")
    for item in items.value:
        if any(key.value == "id" and value.value == item_id for key, value in item.value):
            return item.start_mark.line + 1, _last_line(item) + 1
    raise LookupError(f"{path.relative_to(ROOT)} has no item {item_id!r}")


def _toml_table_lines(path: Path, header: str) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(header)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    while not lines[end - 1].strip():
        end -= 1
    return start + 1, end


def marked_source(file: str, name: str) -> str:
    """The current text a marker names, in these forms:

    - ``FILE.py::NAME``: the top-level function, class or assignment NAME (decorators included),
      ``Class.method`` for a method (dedented); ``FILE.py::FIRST..LAST``: from FIRST's first line
      to LAST's last, with what lies between (comments, blank lines);
    - ``FILE.yaml::items[id=ID]``: the rubric's item ID as written, from its ``- id:`` line;
    - ``FILE.toml::[TABLE]``: the table's header and its lines up to the next table.
    """
    path = ROOT / file
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".py":
        first, _, last = name.partition("..")
        start, end = _python_span(path, first)[0], _python_span(path, last or first)[1]
        text = "\n".join(lines[start - 1 : end])
        indent = len(text) - len(text.lstrip(" "))
        return "\n".join(line[indent:] for line in text.splitlines())
    if path.suffix in (".yaml", ".yml"):
        match = re.fullmatch(r"items\[id=(.+)\]", name)
        if not match:
            raise LookupError(f"marker {file}::{name}: a rubric's marker is `items[id=ITEM]`")
        start, end = _yaml_item_lines(path, match.group(1))
    elif path.suffix == ".toml":
        start, end = _toml_table_lines(path, name)
    else:
        raise LookupError(f"marker {file}::{name}: no rule for {path.suffix} files (.py, .yaml, .toml)")
    return "\n".join(lines[start - 1 : end])


@dataclass(frozen=True)
class MarkedBlock:
    page: str
    file: str
    name: str
    block: str | None  # None when no fenced block follows the marker

    @property
    def label(self) -> str:
        return f"{self.page}: {self.file}::{self.name}"


def marked_blocks(page: str) -> list[MarkedBlock]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        MarkedBlock(page, m.group(1), m.group(2) or "", m.group(5).removesuffix("\n") if m.group(3) else None)
        for m in _MARKER.finditer(text)
    ]


def block_problem(marked: MarkedBlock) -> str | None:
    """Why a marked block is not the current source, or None."""
    if marked.block is None:
        return f"{marked.label}: the marker is not followed by a fenced code block. Fix: put the block right after it."
    if not marked.name:
        return f"{marked.label}: the marker names no definition. Fix: write `<!-- source: FILE::NAME -->`."
    if not (ROOT / marked.file).is_file():
        return f"{marked.label}: {marked.file} does not exist. Fix: correct the marker."
    try:
        current = marked_source(marked.file, marked.name)
    except LookupError as exc:
        return f"{marked.label}: {exc}. Fix: correct the marker."
    if marked.block == current:
        return None
    diff = "\n".join(
        difflib.unified_diff(
            marked.block.splitlines(), current.splitlines(), "the doc's block", "the source", lineterm=""
        )
    )
    return (
        f"{marked.label}: the block differs from the current source of {marked.name} in {marked.file}. "
        f"Fix: copy the current source into the block.\n{diff}"
    )


# ---------------------------------------------------------------------------------------------------
# The docs as they are


def test_the_naming_pages_exist():
    missing = [page for page in NAMING_PAGES if not (ROOT / page).is_file()]
    assert not missing, f"missing pages: {missing}"


@pytest.mark.parametrize("page", NAMING_PAGES)
def test_every_path_the_page_names_exists(page):
    mentions = path_mentions(page)
    assert mentions, f"{page} names no path: the extraction is broken"
    problems = [p for p in map(_mention_problem, mentions) if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", NAMING_PAGES)
def test_every_dotted_name_the_page_names_resolves(page):
    names = sorted({d for span in inline_code(page) for d in _DOTTED.findall(span)})
    problems = [p for p in (dotted_problem(page, d) for d in names) if p]
    assert not problems, "\n".join(problems)


# what reads as a definition's name in backticks: a call `name(...)`, a check, probe or private
# helper (`check_x`, `call_x`, `_x`), a constant (`STAND_INS`); dunders are Python's, not ours
_DEFINITION = re.compile(r"^(?!__)(?:(\w+)\(.*\)|((?:check_|call_|report_|_)\w+|[A-Z][A-Z0-9_]{2,}))$")
SURFACES = ("grader.checks", "grader.probes", "grader.testing")


def defined_names(page: str) -> set[str]:
    """Top-level names (and methods) of every Python file the page names, and the declared surfaces'."""
    names: set[str] = set()
    for path in {ROOT / m.path for m in path_mentions(page) if m.path.endswith(".py")}:
        names |= top_level_names(path)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names |= {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for surface in SURFACES:
        names |= set(dir(importlib.import_module(surface)))
    return names


def undefined_names(page: str) -> list[str]:
    defined = defined_names(page)
    spans = [m for m in map(_DEFINITION.match, inline_code(page)) if m]
    return sorted({m.group(0) for m in spans if (m.group(1) or m.group(2)) not in defined})


def test_every_function_the_authoring_page_names_is_defined():
    missing = undefined_names("docs/labs/authoring.md")
    assert not missing, (
        f"docs/labs/authoring.md names {', '.join(missing)}, defined in none of the files it names nor in "
        f"{', '.join(SURFACES)}. Fix: use the current name, or name the file that defines it."
    )


def test_the_architecture_map_lists_every_module_of_the_engine():
    named = {m.path.rstrip("/") for m in path_mentions("docs/architecture.md")}
    unlisted = []
    for path in sorted((ROOT / "grader").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "shim_packages" in relative.parts or "__pycache__" in relative.parts:
            continue  # stand-in packages the sandbox imports as third-party ones
        # a subpackage's __init__ is listed with its folder
        listed = str(relative.parent) if path.name == "__init__.py" and relative.parent.name != "grader" else None
        if str(relative) not in named and listed not in named:
            unlisted.append(str(relative))
    assert not unlisted, (
        f"docs/architecture.md's module map does not list: {', '.join(unlisted)}. "
        "Fix: add a line for each, as `grader/...` with what it does."
    )


def test_the_worked_examples_are_marked():
    assert len(marked_blocks("docs/checks.md")) >= 5, "docs/checks.md lost the markers of its worked example"
    assert marked_blocks("docs/labs/authoring.md"), "docs/labs/authoring.md has no marked source block"


@pytest.mark.parametrize("page", MARKED_PAGES)
def test_every_marked_block_is_the_current_source(page):
    problems = [p for p in map(block_problem, marked_blocks(page)) if p]
    assert not problems, "\n\n".join(problems)


# ---------------------------------------------------------------------------------------------------
# The rules fail when they should


def _page(tmp_path, monkeypatch, text: str) -> str:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "page.md").write_text(text, encoding="utf-8")
    return "page.md"


def test_a_block_that_drifted_fails_naming_the_doc_the_block_and_the_fix(tmp_path, monkeypatch):
    (tmp_path / "mod.py").write_text("@decorate\ndef f(x):\n    return x + 1\n", encoding="utf-8")
    page = _page(tmp_path, monkeypatch, "<!-- source: mod.py::f -->\n```python\ndef f(x):\n    return x\n```\n")
    (problem,) = [block_problem(b) for b in marked_blocks(page)]
    assert problem is not None
    assert "page.md: mod.py::f" in problem and "copy the current source" in problem
    assert "+    return x + 1" in problem and "+@decorate" in problem


def test_a_current_block_passes_in_every_marker_form(tmp_path, monkeypatch):
    (tmp_path / "mod.py").write_text("A = 1\n# why\nB = 2\n\n\nclass C:\n    def m(self):\n        return 3\n")
    (tmp_path / "r.yaml").write_text('items:\n  - id: "x"\n    checks:\n      - id: c\n  - id: "y"\n')
    (tmp_path / "p.toml").write_text('[a]\nk = 1\n\n[b."c"]\nx = "y"\n\n[d]\n')
    page = _page(
        tmp_path,
        monkeypatch,
        "<!-- source: mod.py::A..B -->\n```python\nA = 1\n# why\nB = 2\n```\n"
        "<!-- source: mod.py::C.m -->\n```python\ndef m(self):\n    return 3\n```\n"
        '<!-- source: r.yaml::items[id=x] -->\n```yaml\n  - id: "x"\n    checks:\n      - id: c\n```\n'
        '<!-- source: p.toml::[b."c"] -->\n```toml\n[b."c"]\nx = "y"\n```\n',
    )
    assert [block_problem(b) for b in marked_blocks(page)] == [None] * 4


def test_a_marker_without_its_block_or_definition_fails(tmp_path, monkeypatch):
    (tmp_path / "mod.py").write_text("def f():\n    pass\n")
    page = _page(
        tmp_path, monkeypatch, "<!-- source: mod.py::f -->\ntext\n<!-- source: mod.py::g -->\n```python\nx\n```\n"
    )
    first, second = [block_problem(b) for b in marked_blocks(page)]
    assert first is not None and "not followed by a fenced code block" in first
    assert second is not None and "no top-level definition 'g'" in second


def test_a_path_or_name_that_does_not_exist_fails(tmp_path, monkeypatch):
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "real.py").write_text("def here():\n    pass\n")
    page = _page(
        tmp_path,
        monkeypatch,
        "`grader/real.py::here`, `grader/gone.py`, `grader/real.py::gone`, `reference/<lab>/x.py`\n"
        "```\ngrader/in_a_layout_block.py\n```\n",
    )
    problems = [_mention_problem(m) for m in path_mentions(page)]
    assert problems[0] is None
    assert problems[1] is not None and "`grader/gone.py`, which does not exist" in problems[1]
    assert problems[2] is not None and "defines no 'gone'" in problems[2]
    assert len(problems) == 3  # the pattern and the fenced block are not mentions


def test_a_function_the_page_names_but_no_file_defines_fails(tmp_path, monkeypatch):
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "real.py").write_text(
        "def here():\n    pass\n\n\nclass K:\n    def m(self):\n        pass\n"
    )
    page = _page(
        tmp_path, monkeypatch, "In `grader/real.py`: `here()`, `m()`, `call_gone`, `GONE_TABLE`, `__globals__`.\n"
    )
    assert undefined_names(page) == ["GONE_TABLE", "call_gone"]


def test_a_dotted_name_that_does_not_resolve_fails():
    assert dotted_problem("page.md", "grader.checks.assert_close") is None
    problem = dotted_problem("page.md", "grader.checks.assert_nothing")
    assert problem is not None and "grader.checks has no attribute path 'assert_nothing'" in problem
    problem = dotted_problem("page.md", "reference.generative_tf.build.notebooks.no_such_function")
    assert problem is not None and "defines no 'no_such_function'" in problem

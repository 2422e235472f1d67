"""Stage 3 (definitions mode): turn a notebook into the programs that define graded objects.

Nothing here runs student code: cells are parsed (IPython magics blanked out, line numbers
kept), and each top-level statement is kept or dropped by its shape. Kept: imports, ``def`` and
``class``, and the assignments the graded objects need, found by following free names
transitively (``cross_entropy``, ``latent_dim``...). Dropped: loops (training), ``while True``,
``fit``, plotting, bare expressions. Each item gets a :class:`Snapshot`: the kept statements of
the cells up to the end of its section, so a name redefined later (``compute_loss`` in 2.5 and
in task 3) is graded as it stood in that section.
"""

from __future__ import annotations

import ast
import difflib
import re
import symtable
from dataclasses import dataclass, field, replace

from .i18n import Text, message
from .notebook import Notebook
from .outcomes import Outcome
from .parsing import parse, parse_lock, symbol_table
from .rubric import Extraction, Item, Rubric
from .sections import SectionMap

_MAGIC = re.compile(r"^\s*[%!]")
_CELL_MAGICS_WITH_PYTHON = ("%%time", "%%timeit", "%%capture")
_DEF_GUESS = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)\s*=", re.MULTILINE)


@dataclass(frozen=True)
class Statement:
    """One top-level statement: where it is, its source, what it binds and reads."""

    cell: int
    line: int
    source: str
    kind: str  # import | def | class | assign | call | try
    binds: tuple[str, ...]
    reads: frozenset[str]
    dump: str  # ast.dump without positions: equal dumps mean equal code
    method_of: str | None = None  # for "call": the object whose configuring method it calls


@dataclass(frozen=True)
class BrokenCell:
    cell: int
    line: int
    error: str
    guessed_names: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    """The program of one section: what the sandbox executes before probing its items."""

    id: str
    end_cell: int
    statements: tuple[Statement, ...]
    # (name, item id): names the worker sets to that item's stand-in (grader.independence); part
    # of `id`, so items with the same cells but other stand-ins never share a loaded namespace
    stand_ins: tuple[tuple[str, str], ...] = ()

    def to_wire(self) -> list[dict]:
        return [{"cell": s.cell, "line": s.line, "source": s.source, "binds": list(s.binds)} for s in self.statements]

    def with_stand_ins(self, stand_ins: dict[str, str]) -> Snapshot:
        pairs = tuple(sorted({**dict(self.stand_ins), **stand_ins}.items()))
        base = self.id.split("|", 1)[0]
        suffix = ",".join(f"{name}={item}" for name, item in pairs)
        return replace(self, id=f"{base}|stand-ins:{suffix}" if pairs else base, stand_ins=pairs)


@dataclass(frozen=True)
class Program:
    """All parsed statements of a notebook, in order, with the cells that failed to parse."""

    statements: tuple[Statement, ...]
    broken: tuple[BrokenCell, ...]
    cell_sources: dict[int, str] = field(default_factory=dict)

    def definitions(self, name: str, before: int | None = None) -> list[Statement]:
        return [
            s for s in self.statements if name in s.binds and s.kind != "call" and (before is None or s.cell < before)
        ]

    def defined_names(self) -> set[str]:
        return {n for s in self.statements if s.kind in ("def", "class", "assign") for n in s.binds}


@dataclass(frozen=True)
class Resolution:
    """Which student object an item grades, in which snapshot, or why there is none."""

    item_id: str
    name: str | None
    snapshot: Snapshot | None
    outcome: Outcome | None = None  # None: found; else missing / errored
    message: Text | None = None
    cell: int | None = None  # the cell of the definition graded
    notes: tuple[Text, ...] = ()  # how the item's section was located, when a heading was missing


def extract_program(notebook: Notebook) -> Program:
    """Parse every code cell; cells with syntax errors are recorded, not fatal."""
    with parse_lock:
        return _extract_program(notebook)


def _extract_program(notebook: Notebook) -> Program:
    statements: list[Statement] = []
    broken: list[BrokenCell] = []
    sources: dict[int, str] = {}
    for cell in notebook.cells:
        if cell.kind != "code":
            continue
        source = strip_magics(cell.source)
        sources[cell.index] = source
        try:
            tree = parse(source)
        except SyntaxError as exc:
            names = tuple(a or b for a, b in _DEF_GUESS.findall(source))
            broken.append(BrokenCell(cell.index, exc.lineno or 0, exc.msg, names))
            continue
        lines = source.splitlines()
        for node in tree.body:
            stmt = _statement(cell.index, node, lines)
            if stmt is not None:
                statements.append(stmt)
    return Program(tuple(statements), tuple(broken), sources)


def strip_magics(source: str) -> str:
    """Blank out IPython magics and shell escapes, keeping line numbers."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in _CELL_MAGICS_WITH_PYTHON:
            return ""  # %%bash, %%html...: not Python
        lines[0] = ""
    return "\n".join("" if _MAGIC.match(line) or "get_ipython()" in line else line for line in lines)


def _statement(cell: int, node: ast.stmt, lines: list[str]) -> Statement | None:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    source = "\n".join(lines[start - 1 : node.end_lineno])
    common = dict(cell=cell, line=start, source=source, dump=ast.dump(node))
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        binds = tuple((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        return Statement(kind="import", binds=binds, reads=frozenset(), **common)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        kind = "class" if isinstance(node, ast.ClassDef) else "def"
        return Statement(kind=kind, binds=(node.name,), reads=global_reads(source), **common)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        binds = tuple(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        if binds:
            return Statement(kind="assign", binds=binds, reads=global_reads(source), **common)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return Statement(
                kind="call", binds=(func.attr,), reads=global_reads(source), method_of=func.value.id, **common
            )
    if isinstance(node, ast.Try) and _only_guarded_imports(node):
        binds = tuple(
            (a.asname or a.name).split(".")[0]
            for n in ast.walk(node)
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names
            if a.name != "*"
        )
        return Statement(kind="import", binds=binds, reads=frozenset(), **common)
    return None  # loops, with, if, bare expressions: never run in definitions mode


def global_reads(source: str) -> frozenset[str]:
    """The module-level names a statement reads when it runs or when what it defines is
    called: Python's own scope analysis (symtable), so a function's locals, parameters and
    comprehension variables are not mistaken for globals it needs."""
    names: set[str] = set()

    def visit(table: symtable.SymbolTable) -> None:
        for sym in table.get_symbols():
            if not sym.is_referenced():
                continue
            if table.get_type() == "module" or sym.is_global() or sym.is_declared_global():
                names.add(sym.get_name())
        for child in table.get_children():
            visit(child)

    visit(symbol_table(source))
    return frozenset(names)


def _only_guarded_imports(node: ast.Try) -> bool:
    """``try: import x`` with handlers that only import, pass or set a constant: kept; any
    other code in a handler would run at load time, so the whole statement is dropped."""
    allowed = (ast.Import, ast.ImportFrom, ast.Pass)
    constant = lambda n: isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)  # noqa: E731
    body_ok = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)
    rest = [n for h in node.handlers for n in h.body] + node.orelse + node.finalbody
    return body_ok and all(isinstance(n, allowed) or constant(n) for n in rest)


def _called_names(source: str) -> set[str]:
    tree = parse(source)
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            f = n.func
            names.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return names


def build_snapshot(program: Program, end_cell: int, roots: set[str], rules: Extraction) -> Snapshot:
    """The statements of cells before ``end_cell`` that the ``roots`` need, in notebook order."""
    visible = [s for s in program.statements if s.cell < end_cell]
    needed = set(roots)
    changed = True
    while changed:
        changed = False
        for s in visible:
            # a kept configuring call (autoencoder.compile(loss=my_loss)) needs what it reads too
            configures = s.kind == "call" and s.method_of in needed and s.binds[0] in rules.keep_methods
            if configures or (s.kind in ("def", "class", "assign") and needed.intersection(s.binds)):
                new = s.reads - needed
                if new:
                    needed |= new
                    changed = True
    drop = rules.dropped_calls
    kept = []
    for s in visible:
        if s.kind in ("import", "def", "class"):
            kept.append(s)
        elif s.kind == "assign" and needed.intersection(s.binds) and not (_called_names(s.source) & drop):
            kept.append(s)
        elif s.kind == "call" and s.method_of in needed and s.binds[0] in rules.keep_methods:
            kept.append(s)
    return Snapshot(id=f"cells<{end_cell}", end_cell=end_cell, statements=tuple(kept))


def resolve_item(
    item: Item,
    program: Program,
    sections: SectionMap,
    rubric: Rubric,
    template: Program,
    template_sections: SectionMap | None = None,
) -> Resolution:
    """Find the student's object for a code item: its name (or an alias) as it stands at the
    end of the item's section, skipping definitions left exactly as the template has them.

    A definition inside the section, or before it, wins; else the first one after it within the
    same task (vae-pyro's 1a classes sit under the 1b heading). A definition in a later task is
    never taken: when the item's heading is missing, its task's extent bounds the search.
    ``template_sections``: the template's own sections, which tell the names the template
    defines in this task or before it (the VAE's ``train_step`` of the TensorFlow tutorial) from
    those that only a later task defines (see :func:`later_task_start`)."""
    assert item.object is not None
    limit = sections.limit(item.section)
    task_end = max(limit, sections.group_end(_group_of(item.section, sections)))
    roots = {n for i in rubric.items if i.object for n in (i.object, *i.aliases)}
    notes = section_notes(item.section, sections, rubric)
    later = later_task_start(item, program, sections, rubric, limit, template, template_sections)
    if later is not None:  # a later task's heading is missing, but its own object says it has begun
        limit = task_end = later[0]
        notes += (message("section_cut_by_definition", section=item.section, cell=later[0] + 1, name=later[1]),)
    # the first definition after the section may be taken, but not from the section of another
    # item that grades the same name (2.1 and 2.2 both grade `autoencoder`): that one is its own
    names = {item.object, *item.aliases}
    task_end = min(
        [task_end]
        + [
            sections[o.section].start
            for o in rubric.items
            if o is not item
            and o.section in sections
            and sections[o.section].start >= limit
            and names & {o.object, *o.aliases}
        ]
    )
    untouched: str | None = None
    for name in (item.object, *item.aliases):
        defs = (
            program.definitions(name, before=limit)
            or [s for s in program.definitions(name, before=task_end) if s.cell >= limit][:1]
        )
        if not defs:
            continue
        chosen = defs[-1]
        end = max(limit, chosen.cell + 1)
        if not _answered(program, template, name, chosen, end, rubric.extraction):
            untouched = untouched or name
            continue
        return Resolution(
            item.id, name, build_snapshot(program, end, roots, rubric.extraction), cell=chosen.cell, notes=notes
        )
    for broken in program.broken:
        if broken.cell < task_end and names & set(broken.guessed_names):
            text = message("syntax_error", cell=broken.cell + 1, line=broken.line, error=broken.error)
            return Resolution(item.id, None, None, Outcome.ERRORED, text, notes=notes)
    if untouched:
        return Resolution(item.id, None, None, Outcome.MISSING, message("untouched", name=untouched), notes=notes)
    return Resolution(item.id, None, None, Outcome.MISSING, missing_message(item, program), notes=notes)


def later_task_start(
    item: Item,
    program: Program,
    sections: SectionMap,
    rubric: Rubric,
    limit: int,
    template: Program | None = None,
    template_sections: SectionMap | None = None,
) -> tuple[int, str] | None:
    """Where a later task visibly begins inside this item's section although no heading says
    so: the first definition of a name that only a later task's items grade (task 3's
    ``conditioned_mnist`` inside an unbounded 2.5). Names shared with this task or an earlier one
    (``compute_loss`` of 2.5 and 3.loss), and names the template itself defines before the later
    task (the TensorFlow tutorial's VAE ``train_step`` in task 2, not 4.step's), say nothing.
    Returns (cell, name), or None."""
    group = _group_of(item.section, sections)
    if group is None:
        return None
    earlier: set[str] = set()
    later: set[str] = set()
    for other in rubric.items:
        other_group = _group_of(other.section, sections)
        names = {n for n in (other.object, *other.aliases) if n}
        (later if other_group is not None and other_group > group else earlier).update(names)
    if template is not None and template_sections is not None:
        task_end = template_sections.group_end(group)
        earlier |= {n for n in later if any(s.cell < task_end for s in template.definitions(n))}
    start = sections.extent(item.section).start
    markers = [
        (s.cell, name)
        for s in program.statements
        if start < s.cell < limit and s.kind in ("def", "class", "assign")
        for name in s.binds
        if name in later - earlier
    ]
    return min(markers) if markers else None


def _group_of(section: str, sections: SectionMap) -> int | None:
    rule = sections.rules.get(section)
    return rule.group if rule is not None else None


def section_notes(section: str, sections: SectionMap, rubric: Rubric) -> tuple[Text, ...]:
    """When a section's heading was not found: which part of the notebook was used instead."""
    if section in sections:
        if sections.how.get(section) == "title":
            span = sections[section]
            return (message("section_by_title", section=section, cell=span.start + 1),)
        return ()
    extent = sections.extent(section)
    group = _group_of(section, sections)
    if group is not None and sections.group_start(group) is not None:
        return (
            message(
                "section_not_found_task",
                section=section,
                task=str(group),
                first=extent.start + 1,
                last=max(extent.end, extent.start + 1),
            ),
        )
    return (message("section_not_found", section=section, last=max(extent.end, 1)),)


SUSPICIOUS = re.compile(
    r"sys\.modules|gc\.get_(objects|referrers|referents)|_getframe|f_back|f_globals|"
    r"inspect\.(stack|currentframe|getouterframes)|__subclasses__|grader\.|_p[0-9a-f]{12}|"
    r"lab_probes|lab_scaffold|\bprobes\b"
)


def suspicious_code(program: Program) -> list[str]:
    """Statements that could run and reach into the grader's own objects in the worker (its
    probe modules, frames, the module table): an honest answer never needs them. They are
    listed for the instructor (results, dashboard); the verdicts stand."""
    found = []
    for s in program.statements:
        for line_no, line in enumerate(s.source.splitlines(), start=s.line):
            match = SUSPICIOUS.search(line)
            if match:
                found.append(f"cell {s.cell + 1}, line {line_no}: {line.strip()[:120]}")
    return found


def _answered(program: Program, template: Program, name: str, chosen: Statement, end: int, rules: Extraction) -> bool:
    """Whether the student changed the object: its definition differs from the template's, or
    a configuring call on it (``autoencoder.compile(...)``) is not the template's."""
    if chosen.dump not in {s.dump for s in template.definitions(name)}:
        return True
    template_calls = {s.dump for s in template.statements if s.kind == "call" and s.method_of == name}
    return any(
        s.kind == "call"
        and s.method_of == name
        and s.binds[0] in rules.keep_methods
        and s.cell < end
        and s.dump not in template_calls
        for s in program.statements
    )


def missing_message(item: Item, program: Program) -> Text:
    """ "No definition of X" plus the closest names the notebook does define."""
    assert item.object is not None, f"item {item.id}: only an item with `object:` is missing a definition"
    text = message("missing_name", name=item.object, section=item.section)
    close = difflib.get_close_matches(item.object, sorted(program.defined_names()), n=3, cutoff=0.6)
    if close:
        suggestion = message("did_you_mean", names=", ".join(f"`{c}`" for c in close), name=item.object)
        text = Text(f"{text.pl} {suggestion.pl}", f"{text.en} {suggestion.en}")
    return text

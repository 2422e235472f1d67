"""Independence across graded items: which of another item's objects an item is graded with
the reference's stand-in instead of the student's (LABS.md: "a broken generator must not zero
the discriminator's points").

Pure functions, no lab names. For an item X graded on the student's object ``name`` in a
snapshot, :func:`names_read` follows what ``name``'s definition reads, transitively through the
snapshot's statements (``train_step`` reads ``generator``, which ``generator =
prepare_generator(noise_dim, cond_dim)`` binds, which reads ``prepare_generator``).
:func:`stand_ins_for` picks, among those names, the objects (or aliases) of other code items Y
that have a stand-in in the lab's public probes (``STAND_INS``), unless X declares Y in
``graded_with`` or the name is one of X's own (2.5 and 3.loss both grade ``compute_loss``: an
item's own name is never replaced). The worker then puts each stand-in in the namespace before
the snapshot's statements run and again after any statement that rebinds it
(``grader.sandbox.worker``), so load-time calls and call-time lookups both see it.

Which items have a stand-in is read from ``probes.py`` without importing it (it imports the
lab's framework and runs only in the sandbox): :func:`stand_in_items` reads the keys of its
module-level ``STAND_INS`` dict literal.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from .extract import Resolution, Statement
from .i18n import Text, message
from .parsing import parse
from .rubric import Item, Rubric

_BINDING_KINDS = ("import", "def", "class", "assign")


def stand_in_items(probes: Path) -> frozenset[str]:
    """The item ids ``STAND_INS`` of a lab's ``probes.py`` has factories for (empty without one).

    ``STAND_INS`` must be assigned once at module level, a dict literal whose keys are string
    literals, so that the judge can read them statically; ``ValueError`` says what is wrong."""
    try:
        tree = parse(probes.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
    except SyntaxError as exc:
        raise ValueError(f"it does not parse ({exc.msg}, line {exc.lineno})") from None
    found: list[ast.expr] = []
    targets: list[ast.expr]
    assigned: ast.expr | None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, assigned = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, assigned = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "STAND_INS" for t in targets) and assigned is not None:
            found.append(assigned)
    if not found:
        return frozenset()
    if len(found) > 1:
        raise ValueError("STAND_INS is assigned more than once; assign one dict literal")
    value = found[0]
    if not isinstance(value, ast.Dict) or not all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
    ):
        raise ValueError(
            "STAND_INS must be a dict literal keyed by item ids as string literals "
            "({'4.loss': lambda: ..., ...}): the judge reads its keys without importing probes.py"
        )
    # the same test as above, repeated for the type checker: every key passes it
    return frozenset(k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))


def _bindings(name: str, statements: Sequence[Statement]) -> list[Statement]:
    """The statements that give ``name`` the value it has after ``statements``: its last binding,
    plus the earlier ones an assignment builds on (``x = x + 1``)."""
    bound = [s for s in statements if name in s.binds and s.kind in _BINDING_KINDS]
    chosen = []
    for s in reversed(bound):
        chosen.append(s)
        if not (s.kind == "assign" and name in s.reads):
            break
    return chosen


def names_read(
    name: str,
    statements: Sequence[Statement],
    keep_methods: Iterable[str] = ("compile",),
    expand: Callable[[str], bool] = lambda n: True,
) -> frozenset[str]:
    """Every module-level name that ``name``'s value reads, transitively through the statements
    that bind the names it reads (and the configuring calls on them, ``x.compile(loss=f)``).
    Names for which ``expand`` is false are reported but not followed (their code is not the
    student's in the end: a stand-in replaces it)."""
    keep = set(keep_methods)
    found: set[str] = set()
    todo, seen = [name], {name}
    while todo:
        current = todo.pop()
        if current != name and not expand(current):
            continue
        sources = _bindings(current, statements) + [
            s for s in statements if s.kind == "call" and s.method_of == current and s.binds[0] in keep
        ]
        for s in sources:
            for read in s.reads:
                found.add(read)
                if read not in seen:
                    seen.add(read)
                    todo.append(read)
    return frozenset(found - {name})


def _own_names(item: Item) -> set[str]:
    return {n for n in (item.object, *item.aliases) if n}


def stand_ins_for(
    item: Item, name: str, statements: Sequence[Statement], rubric: Rubric, available: Iterable[str]
) -> dict[str, str]:
    """``{name: item id}``: the names ``item``'s object ``name`` reads that are other code items'
    objects (or aliases) with a stand-in, not declared in ``item.graded_with`` and not ``item``'s
    own names. A name that several items grade (``compute_loss``) takes the stand-in of the last
    of them before ``item`` in the rubric (else the first after it); when one of them is declared
    graded together, the student's own is kept."""
    available = set(available)
    own = _own_names(item)
    order = [i.id for i in rubric.items]
    owners: dict[str, list[Item]] = {}
    for other in rubric.items:
        if other.id != item.id and other.kind == "code" and other.target == "object":
            for n in _own_names(other) - own:
                owners.setdefault(n, []).append(other)

    def replacement(n: str) -> str | None:
        candidates = owners.get(n, [])
        if not candidates or any(c.id in item.graded_with for c in candidates):
            return None
        usable = [c for c in candidates if c.id in available]
        if not usable:
            return None
        before = [c for c in usable if order.index(c.id) < order.index(item.id)]
        return (before[-1] if before else usable[0]).id

    reads = names_read(name, statements, rubric.extraction.keep_methods, expand=lambda n: replacement(n) is None)
    return {n: owner for n in sorted(reads) if (owner := replacement(n)) is not None}


def stand_in_note(stand_ins: dict[str, str]) -> Text:
    """The item's note naming what was replaced: "`discriminator_loss` (4.loss)"."""
    names = ", ".join(f"`{n}` ({i})" for n, i in sorted(stand_ins.items()))
    return message("stand_ins_used", names=names)


def apply_stand_ins(item: Item, resolution: Resolution, rubric: Rubric, available: Iterable[str]) -> Resolution:
    """The resolution with the stand-ins ``item`` is graded with in its snapshot, and a note;
    unchanged when there are none (or no object: a ``target: section`` item)."""
    if resolution.name is None or resolution.snapshot is None:
        return resolution
    stand_ins = stand_ins_for(item, resolution.name, resolution.snapshot.statements, rubric, available)
    if not stand_ins:
        return resolution
    return replace(
        resolution,
        snapshot=resolution.snapshot.with_stand_ins(stand_ins),
        notes=(*resolution.notes, stand_in_note(stand_ins)),
    )

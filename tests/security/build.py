"""Write the catalogue of hostile and broken submissions of lab ``generative-tf`` (issue 4).

    python -m tests.security.build [--root DIR]      (from the repository root)

writes, under ``DIR`` (default: the repository root):

- ``submissions/hostile/<case>.ipynb``: one notebook per entry of ``catalogue.HOSTILE``: the
  solution notebook with ONE attack, placed where definitions mode runs it (see ``catalogue.py``);
- ``submissions/broken/*``: the inputs of ``catalogue.BROKEN`` (a truncated and an empty file,
  an nbformat v3 notebook, a cp1250 notebook, a jupytext export, duplicated, deleted and
  retyped cells).

Like ``reference/generative_tf/build/notebooks.py``, the output is deterministic (running the script twice gives
identical bytes) and every hostile notebook is validated with nbformat; each of its code cells
must parse. The attacks are source text: building runs none of them.
"""

from __future__ import annotations

import ast
import base64
import copy
import textwrap
from pathlib import Path

import nbformat
from nbformat import v3, v4

from reference.build.common import REPO_ROOT, build_cli, render, write_files
from reference.generative_tf.build import cells as bn
from tests.security.catalogue import BROKEN, HOSTILE, Case, Edit, GivenEdit, HugeOutput, Markdown

HOSTILE_DIR = Path("submissions") / "hostile"
BROKEN_DIR = Path("submissions") / "broken"

# =============================================================================================
# Editing answer slots
# =============================================================================================


def _definition(tree: ast.Module, name: str) -> ast.FunctionDef | ast.ClassDef:
    found = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
    if len(found) != 1:
        raise ValueError(f"expected one top-level definition of {name}, found {len(found)}")
    return found[0]


def _into_body(source: str, name: str, code: str) -> str:
    """``code`` as the first statements of the body of ``name`` (after its docstring)."""
    node = _definition(ast.parse(source), name)
    body = node.body
    has_docstring = (
        isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    lines = source.splitlines()
    if has_docstring and len(body) == 1:
        raise ValueError(f"{name} has only a docstring")
    first = body[1] if has_docstring else body[0]
    start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])]) - 1
    line = lines[first.lineno - 1]
    indent = line[: len(line) - len(line.lstrip())]
    inserted = textwrap.indent(textwrap.dedent(code).strip("\n"), indent).splitlines()
    if isinstance(first, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        inserted.append("")  # a blank line before the method that follows
    lines[start:start] = inserted
    return "\n".join(lines)


def _decorated(source: str, name: str, decorator: str) -> str:
    """``@decorator`` directly above the ``def`` of ``name``."""
    node = _definition(ast.parse(source), name)
    lines = source.splitlines()
    line = lines[node.lineno - 1]
    indent = line[: len(line) - len(line.lstrip())]
    lines.insert(node.lineno - 1, f"{indent}@{decorator}")
    return "\n".join(lines)


def apply_edit(source: str, edit: Edit) -> str:
    if edit.how == "replace":
        return edit.code
    if edit.how == "before":
        return edit.code.rstrip("\n") + "\n\n\n" + source
    if edit.how == "append":
        return source + edit.code
    if edit.how == "text":
        if source.count(edit.old) != 1:
            raise ValueError(f"slot {edit.slot}: {edit.old!r} must occur exactly once")
        return source.replace(edit.old, edit.code, 1)
    if edit.how == "body":
        return _into_body(source, edit.target, edit.code)
    if edit.how == "decorate":
        return _decorated(source, edit.target, edit.code)
    raise ValueError(f"unknown edit {edit.how!r}")


def case_slots(case: Case) -> dict[str, str]:
    slots = {**bn.TEMPLATE_SLOTS, **bn.SOLUTION_SLOTS}
    for edit in case.edits:
        if edit.slot not in slots:
            raise KeyError(f"{case.name}: unknown slot {edit.slot}")
        slots[edit.slot] = apply_edit(slots[edit.slot], edit)
    return slots


# =============================================================================================
# Editing the notebook
# =============================================================================================


def _renumber(nb: nbformat.NotebookNode) -> None:
    for number, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{number:03d}"


def _one_cell(nb, predicate, what: str) -> int:
    found = [i for i, c in enumerate(nb.cells) if predicate(c)]
    if len(found) != 1:
        raise ValueError(f"expected one cell {what}, found {len(found)}")
    return found[0]


def _apply_given(nb, edit: GivenEdit) -> None:
    index = _one_cell(
        nb, lambda c: c.cell_type == "code" and edit.contains in c.source, f"containing {edit.contains!r}"
    )
    source = nb.cells[index].source
    if source.count(edit.old) < 1:
        raise ValueError(f"{edit.old!r} not in the cell containing {edit.contains!r}")
    nb.cells[index].source = source.replace(edit.old, edit.new, 1)


def _huge_outputs(spec: HugeOutput) -> list[dict]:
    """A text/plain result of ``text_chars`` characters (lines of 1000) and a display_data
    whose image/png is ``png_chars`` characters of base64 that does not decode to a PNG."""
    if spec.text_chars % 1000 or spec.png_chars % 4:
        raise ValueError("text_chars must be a multiple of 1000 and png_chars of 4")
    lines = [(f"Time for epoch {i + 1} is 0.123 sec ").ljust(999, ".") + "\n" for i in range(spec.text_chars // 1000)]
    raw = b"NOT A PNG, JUST BYTES. " * (spec.png_chars * 3 // 4 // 23 + 1)
    png = base64.b64encode(raw)[: spec.png_chars].decode("ascii")
    return [
        {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "".join(lines)}},
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"image/png": png, "text/plain": "<Figure size 1000x200 with 10 Axes>"},
        },
    ]


def _set_outputs(nb, source: str, outputs: tuple) -> None:
    index = _one_cell(nb, lambda c: c.cell_type == "code" and c.source == source, f"with source {source!r}")
    cell = nb.cells[index]
    stored = []
    for output in outputs:
        if isinstance(output, HugeOutput):
            stored.extend(_huge_outputs(output))
        else:
            stored.append(copy.deepcopy(output))
    cell.execution_count = 1
    for output in stored:
        if output["output_type"] == "execute_result":
            output["execution_count"] = 1
    cell.outputs = [nbformat.from_dict(o) for o in stored]


def _markdown_after(nb, answer: str, cells: tuple) -> None:
    index = _one_cell(nb, lambda c: c.cell_type == "markdown" and c.source == answer, "holding the answer")
    new = []
    for cell in cells:
        if isinstance(cell, Markdown):
            new.append(v4.new_markdown_cell(cell.source, attachments=copy.deepcopy(cell.attachments) or None))
        else:
            new.append(v4.new_markdown_cell(cell))
    nb.cells[index + 1 : index + 1] = new


def _merge(target: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _check_parses(nb, name: str) -> None:
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            try:
                ast.parse(cell.source)
            except SyntaxError as exc:
                raise ValueError(f"{name}: code cell {number} does not parse: {exc}") from None


def case_notebook(case: Case) -> nbformat.NotebookNode:
    """The solution notebook with the case's attack."""
    slots = case_slots(case)
    nb = bn.notebook(slots, case.extra or None)
    for edit in case.given:
        _apply_given(nb, edit)
    for item, cells in case.markdown_after.items():
        _markdown_after(nb, slots[item], cells)
    for source, outputs in case.outputs.items():
        _set_outputs(nb, source, outputs)
    _merge(nb.metadata, case.metadata)
    _renumber(nb)
    _check_parses(nb, case.name)
    return nb


# =============================================================================================
# Broken inputs
# =============================================================================================


def _solution() -> nbformat.NotebookNode:
    return bn.solution_notebook()


def _truncated() -> bytes:
    data = render(_solution())
    cut = len(data) // 2
    while data[cut] >= 0x80:  # stop on a character boundary: the file stays UTF-8, only the JSON breaks
        cut -= 1
    return data[:cut]


def _v3_notebook() -> bytes:
    """A real nbformat v3 notebook: heading cells, code cells with ``input``, one worksheet."""
    heading = lambda item: bn.HEADINGS[item].split(" ", 1)[1]  # noqa: E731 - "#### Zadanie ..." -> "Zadanie ..."
    cells = [
        v3.new_heading_cell("Laboratorium: Modele generatywne", level=1),
        v3.new_text_cell("markdown", "Notatnik zapisany w starym formacie (nbformat 3)."),
        v3.new_code_cell(input=bn._scaffold_imports(), prompt_number=1),
        v3.new_heading_cell(bn.GROUP_HEADINGS["3"].split(" ", 1)[1], level=2),
        v3.new_heading_cell(heading("3.data"), level=4),
        v3.new_code_cell(input=bn.SOLUTION_SLOTS["3.data"], prompt_number=2),
        v3.new_heading_cell(bn.GROUP_HEADINGS["4"].split(" ", 1)[1], level=2),
        v3.new_code_cell(input=bn._scaffold_stmt("cross_entropy"), prompt_number=3),
        v3.new_heading_cell(heading("4.loss"), level=4),
        v3.new_code_cell(
            input=bn.SOLUTION_SLOTS["4.loss"],
            prompt_number=4,
            outputs=[v3.new_output("stream", output_text="ok\n", stream="stdout")],
        ),
    ]
    nb = v3.new_notebook(
        name="nbformat_v3",
        metadata={"kernelspec": bn.METADATA["kernelspec"]},
        worksheets=[v3.new_worksheet(cells=cells)],
    )
    text = v3.writes_json(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _cp1250() -> bytes:
    return render(_solution()).decode("utf-8").encode("cp1250", errors="replace")


def _jupytext() -> bytes:
    import jupytext

    text = jupytext.writes(_solution(), fmt="py:percent")
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _index_of_source(nb, source: str, kind: str) -> int:
    return _one_cell(nb, lambda c: c.cell_type == kind and c.source == source, f"{kind} {source[:40]!r}")


def _heading_index(nb, item: str) -> int:
    return _one_cell(
        nb, lambda c: c.cell_type == "markdown" and c.source.startswith(bn.HEADINGS[item]), f"heading {item}"
    )


def _duplicated() -> bytes:
    nb = _solution()
    start = _heading_index(nb, "3.data")
    code = _index_of_source(nb, bn.SOLUTION_SLOTS["3.data"], "code")
    copies = [copy.deepcopy(c) for c in nb.cells[start : code + 1]]
    nb.cells[code + 1 : code + 1] = copies
    loss = _index_of_source(nb, bn.SOLUTION_SLOTS["4.loss"], "code")
    nb.cells.insert(loss, v4.new_code_cell(bn.DISCRIMINATOR_SWAPPED_LABELS))
    _renumber(nb)
    return render(nb)


def _deleted() -> bytes:
    nb = _solution()
    for item in ("2.5", "4.1"):
        del nb.cells[_heading_index(nb, item)]
    _renumber(nb)
    return render(nb)


def _retyped() -> bytes:
    nb = _solution()
    loss = _index_of_source(nb, bn.SOLUTION_SLOTS["4.loss"], "code")
    nb.cells[loss] = v4.new_markdown_cell(bn.SOLUTION_SLOTS["4.loss"])
    answer = _index_of_source(nb, bn.SOLUTION_SLOTS["2.1"], "markdown")
    nb.cells[answer] = v4.new_raw_cell(bn.SOLUTION_SLOTS["2.1"])
    _renumber(nb)
    return render(nb)


BROKEN_BUILDERS = {
    "truncated.ipynb": _truncated,
    "empty.ipynb": lambda: b"",
    "nbformat_v3.ipynb": _v3_notebook,
    "invalid_utf8.ipynb": _cp1250,
    "jupytext_export.py": _jupytext,
    "duplicated_cells.ipynb": _duplicated,
    "deleted_cells.ipynb": _deleted,
    "changed_cell_types.ipynb": _retyped,
}

# =============================================================================================
# The catalogue table (docs/security-catalogue.md)
# =============================================================================================


def _cell_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def catalogue_table() -> str:
    """The markdown tables of docs/security-catalogue.md: one row per hostile case, then one per
    broken input."""
    rows = [
        "| # | case | attack | where it runs | items it may cost | expected | containment |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(HOSTILE, start=1):
        where = f"{case.where}: {case.placement}"
        if case.runs_in:
            where += f" (runs in: {', '.join(case.runs_in)})"
        cost = ", ".join(case.touched) or "none"
        rows.append(
            "| "
            + " | ".join(
                _cell_text(t)
                for t in (str(number), f"`{case.name}`", case.attack, where, cost, case.expected, case.containment)
            )
            + " |"
        )
    rows += ["", "| file | what | expected |", "|---|---|---|"]
    for name, entry in BROKEN.items():
        rows.append("| " + " | ".join(_cell_text(t) for t in (f"`{name}`", entry["what"], entry["expected"])) + " |")
    return "\n".join(rows) + "\n"


# =============================================================================================
# Writing
# =============================================================================================


def all_files() -> dict[Path, bytes]:
    """Every file this script writes (path relative to the repository root -> bytes)."""
    if set(BROKEN_BUILDERS) != set(BROKEN):
        raise ValueError("catalogue.BROKEN and BROKEN_BUILDERS disagree")
    names = [c.name for c in HOSTILE]
    if len(set(names)) != len(names):
        raise ValueError("a hostile case is defined twice")
    files = {HOSTILE_DIR / f"{case.name}.ipynb": render(case_notebook(case)) for case in HOSTILE}
    for name, builder in BROKEN_BUILDERS.items():
        files[BROKEN_DIR / name] = builder()
    return files


def build(root: Path = REPO_ROOT) -> list[Path]:
    return write_files(all_files(), root)


def main(argv: list[str] | None = None) -> int:
    def table(args) -> int | None:
        if args.table:
            print(catalogue_table(), end="")
            return 0
        return None

    return build_cli(
        __doc__.splitlines()[0],
        build,
        "submissions/hostile and submissions/broken",
        argv,
        extra=lambda p: p.add_argument(
            "--table",
            action="store_true",
            help="print the catalogue's markdown tables (docs/security-catalogue.md) and write nothing",
        ),
        before=table,
    )


if __name__ == "__main__":
    raise SystemExit(main())

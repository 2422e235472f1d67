"""What every lab's build script shares: deterministic notebook bytes, writing generated files
under a root, the ``--root`` command line (``python -m reference.<lab>.build.notebooks``), and
:class:`Loss`, the entry of each lab's table of what its samples must lose."""

from __future__ import annotations

import argparse
import ast
import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]


class Loss(NamedTuple):
    """What a sample loses on one item when graded (``LOSES`` of each lab's ``build/samples.py``):
    the automatic points it gets (rounded to 6 places), the item's status, and a fragment of the
    message (the item's or one of its checks') that names the fault."""

    points: float
    status: str
    fragment: str


def render(nb: nbformat.NotebookNode) -> bytes:
    """The bytes written for a notebook (validated first): the same notebook, the same bytes."""
    nbformat.validate(nb)
    text = nbformat.writes(nb, version=4)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def write_files(files: dict[Path, bytes], root: Path = REPO_ROOT) -> list[Path]:
    """Write each file (path relative to ``root`` -> bytes); return the paths written."""
    written = []
    for relative, data in files.items():
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def lab_notebooks(
    lab_dir: Path,
    submissions_dir: Path,
    template: nbformat.NotebookNode,
    solved: nbformat.NotebookNode,
    samples: Iterable[tuple[str, nbformat.NotebookNode]],
) -> dict[Path, nbformat.NotebookNode]:
    """Every notebook a lab's build writes, by path relative to the repository root: the template
    and the solution notebook in the pack, the same two as the samples ``blank`` and ``solution``,
    then each ``(student, notebook)`` of ``samples``. A student named twice, or named like one of
    the two copies, is refused: one sample would silently replace another."""
    books = {
        lab_dir / "public" / "template.ipynb": template,
        lab_dir / "judge" / "solution.ipynb": solved,
        submissions_dir / "solution.ipynb": solved,
        submissions_dir / "blank.ipynb": template,
    }
    for student, nb in samples:
        path = submissions_dir / f"{student}.ipynb"
        if path in books:
            raise ValueError(
                f"sample {student} is defined twice (solution and blank are the solution's and template's)"
            )
        books[path] = nb
    return books


def write_notebooks(notebooks: dict[Path, nbformat.NotebookNode], root: Path = REPO_ROOT) -> list[Path]:
    """Write ``notebooks`` (path relative to ``root`` -> notebook) as their canonical bytes."""
    return write_files({relative: render(nb) for relative, nb in notebooks.items()}, root)


def build_cli(
    description: str,
    build: Callable[[Path], list[Path]],
    writes: str,
    argv: list[str] | None = None,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
    before: Callable[[argparse.Namespace], int | None] | None = None,
) -> int:
    """``--root DIR`` (default: the repository root), then ``build(root)``, printing each path.
    ``extra`` adds options; ``before`` may handle them and return an exit code instead."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help=f"directory to write {writes} under (default: the repository root)"
    )
    if extra:
        extra(parser)
    args = parser.parse_args(argv)
    if before:
        code = before(args)
        if code is not None:
            return code
    for path in build(args.root):
        print(path)
    return 0


@functools.cache
def module_definitions(path: Path) -> dict[str, str]:
    """Top-level classes and functions of the module at ``path`` (name -> source text, from the
    first decorator to the last line) and its top-level string constants (name -> value), read
    with ``ast``: building notebooks never imports the frameworks."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            found[node.name] = "\n".join(lines[start : node.end_lineno])
        elif (
            isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def notebook_metadata(lab: str) -> dict:
    return {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "grader": {"lab": lab},  # lets grader.check() inside the notebook find its lab
    }


def assemble(cells: list[tuple[str, str]], lab: str) -> nbformat.NotebookNode:
    """A notebook of ``(kind, source)`` cells with deterministic ids ``cell-001``... and no outputs."""
    nb = nbformat.v4.new_notebook(metadata=notebook_metadata(lab))
    for number, (kind, source) in enumerate(cells, start=1):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, id=f"cell-{number:03d}"))
    return nb

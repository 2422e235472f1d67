"""What every lab's build script shares: deterministic notebook bytes, writing generated files
under a root, and the ``--root`` command line (``python -m reference.<lab>.build_notebooks``)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]


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


def build_cli(description: str, build: Callable[[Path], list[Path]], writes: str, argv: list[str] | None = None,
              extra: Callable[[argparse.ArgumentParser], None] | None = None,
              before: Callable[[argparse.Namespace], int | None] | None = None) -> int:
    """``--root DIR`` (default: the repository root), then ``build(root)``, printing each path.
    ``extra`` adds options; ``before`` may handle them and return an exit code instead."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help=f"directory to write {writes} under (default: the repository root)")
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

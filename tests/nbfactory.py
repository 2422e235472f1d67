"""Tiny notebooks for tests, built cell by cell (``md("...")``, ``code("...")``)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def md(text: str):
    return nbformat.v4.new_markdown_cell(text)


def code(text: str, png: str | None = None):
    cell = nbformat.v4.new_code_cell(text)
    if png:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png})]
    return cell


def write_notebook(path: Path, cells: list, lab: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:03d}"
    if lab:
        nb.metadata["grader"] = {"lab": lab}
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path

"""Discovery and loading: every kind of bad file is a recorded error naming the file, never a crash."""
from __future__ import annotations

import json

import nbformat
import pytest

from grader.discover import discover
from grader.errors import NoSubmissions
from grader.notebook import NotebookError, load_notebook
from tests.nbfactory import code, md, write_notebook


def _one(tmp_path, name, data: bytes):
    (tmp_path / name).write_bytes(data)
    return discover([tmp_path / name])[0]


def test_discovery_finds_notebooks_and_jupytext_skips_checkpoints(tmp_path):
    write_notebook(tmp_path / "anna.ipynb", [code("x = 1")])
    (tmp_path / "sub").mkdir()
    write_notebook(tmp_path / "sub" / "anna.ipynb", [code("x = 2")])
    (tmp_path / "bob.py").write_text("# %%\nx = 1\n")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write_notebook(tmp_path / ".ipynb_checkpoints" / "anna-checkpoint.ipynb", [])
    (tmp_path / "notes.txt").write_text("not a notebook")
    subs = discover([tmp_path])
    assert sorted(s.student for s in subs) == ["bob", "sub-anna", "tmp_path-anna".replace("tmp_path", tmp_path.name)]
    assert all(len(s.sha256) == 64 for s in subs)


def test_no_notebooks_is_a_clear_error(tmp_path):
    with pytest.raises(NoSubmissions, match="no .ipynb"):
        discover([tmp_path])
    with pytest.raises(NoSubmissions, match="no such file"):
        discover([tmp_path / "nope"])


@pytest.mark.parametrize("name,data,fragment", [
    ("empty.ipynb", b"", "is empty"),
    ("blank.ipynb", b"  \n", "is empty"),
    ("truncated.ipynb", b'{"cells": [{"cell_type": "code", "source": "x', "not valid JSON"),
    ("latin1.ipynb", '{"cells": [], "x": "zażółć"}'.encode("cp1250"), "not UTF-8"),
    ("list.ipynb", b"[1, 2]", "not a valid Jupyter notebook"),
])
def test_bad_files_raise_a_message_naming_the_file_and_the_fix(tmp_path, name, data, fragment):
    with pytest.raises(NotebookError) as err:
        load_notebook(_one(tmp_path, name, data))
    assert name in err.value.text.en and fragment in err.value.text.en
    assert name in err.value.text.pl


def test_nbformat_v3_is_upgraded(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "markdown", "source": "# Title", "metadata": {}},
        {"cell_type": "code", "input": "def f():\n    return 1", "language": "python", "outputs": [], "metadata": {}}]}]}
    nb = load_notebook(_one(tmp_path, "old.ipynb", json.dumps(v3).encode()))
    assert [c.kind for c in nb.cells] == ["markdown", "code"] and "def f" in nb.cells[1].source


def test_jupytext_percent_export_is_read(tmp_path):
    text = "# %% [markdown]\n# #### Zadanie 2.5\n\n# %%\ndef f():\n    return 1\n"
    nb = load_notebook(_one(tmp_path, "student.py", text.encode()))
    assert [c.kind for c in nb.cells] == ["markdown", "code"]
    assert nb.cells[0].source.startswith("#### Zadanie 2.5")


def test_stored_png_outputs_are_collected_and_junk_ignored(tmp_path):
    path = write_notebook(tmp_path / "figs.ipynb", [code("plot()", png="iVBORw0KGgo="), code("x", png="<script>")])
    nb = load_notebook(discover([path])[0])
    assert nb.cells[0].images == ("iVBORw0KGgo=",) and nb.cells[1].images == ()


def test_cells_whose_type_a_student_changed_are_read_as_they_are(tmp_path):
    nb_obj = nbformat.v4.new_notebook()
    nb_obj.cells = [nbformat.v4.new_raw_cell("def f(): pass"), md("text")]
    (tmp_path / "raw.ipynb").write_text(nbformat.writes(nb_obj))
    nb = load_notebook(discover([tmp_path / "raw.ipynb"])[0])
    assert [c.kind for c in nb.cells] == ["raw", "markdown"]

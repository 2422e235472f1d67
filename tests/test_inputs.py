"""Discovery and loading: every kind of bad file is a recorded error naming the file, never a crash;
bytes that are not UTF-8 are read anyway and said in a notice."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from grader.discover import discover
from grader.errors import NoSubmissions
from grader.notebook import NotebookError, decode_lenient, load_notebook
from tests.nbfactory import code, md, write_notebook

ROOT = Path(__file__).resolve().parent.parent
POLISH = "Zażółć gęślą jaźń"


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


@pytest.mark.parametrize(
    "name,data,fragment",
    [
        ("empty.ipynb", b"", "is empty"),
        ("blank.ipynb", b"  \n", "is empty"),
        ("truncated.ipynb", b'{"cells": [{"cell_type": "code", "source": "x', "not valid JSON"),
        # bytes that are not UTF-8 are read anyway (test_stray_bytes_*): what is not a notebook stays an error
        (
            "cp1250_truncated.ipynb",
            '{"cells": [{"cell_type": "code", "source": "zażółć'.encode("cp1250"),
            "not valid JSON",
        ),
        ("cp1250_list.ipynb", '["zażółć"]'.encode("cp1250"), "not a valid Jupyter notebook"),
        ("list.ipynb", b"[1, 2]", "not a valid Jupyter notebook"),
    ],
)
def test_bad_files_raise_a_message_naming_the_file_and_the_fix(tmp_path, name, data, fragment):
    with pytest.raises(NotebookError) as err:
        load_notebook(_one(tmp_path, name, data))
    assert name in err.value.text.en and fragment in err.value.text.en
    assert name in err.value.text.pl


def test_nbformat_v3_is_upgraded(tmp_path):
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "markdown", "source": "# Title", "metadata": {}},
                    {
                        "cell_type": "code",
                        "input": "def f():\n    return 1",
                        "language": "python",
                        "outputs": [],
                        "metadata": {},
                    },
                ]
            }
        ],
    }
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


# --- stray bytes: a notebook that is not all UTF-8 is read, the cells that were not are named ---


def _stray(notebook: nbformat.NotebookNode, swaps: dict[str, bytes]) -> bytes:
    """``notebook`` as UTF-8 bytes with each placeholder text replaced by raw (non-UTF-8) bytes."""
    data = nbformat.writes(notebook).encode("utf-8")
    for placeholder, raw in swaps.items():
        assert data.count(placeholder.encode()) == 1, placeholder
        data = data.replace(placeholder.encode(), raw)
    return data


def test_valid_utf8_is_decoded_byte_for_byte():
    data = ("# Tytuł\n" + POLISH + " ĄĆĘŁŃÓŚŹŻ € — \ufffd \U000f0000 \U0001f600 \u00a0\n").encode("utf-8")
    assert decode_lenient(data) == (data.decode("utf-8"), [])
    solution = (ROOT / "submissions" / "generative-tf" / "solution.ipynb").read_bytes()
    assert decode_lenient(solution) == (solution.decode("utf-8"), [])


def test_a_cp1250_sentence_inside_utf8_reads_as_the_polish_it_was():
    head, tail = "Komórka: „".encode(), "” — koniec, żółw".encode()
    text, spans = decode_lenient(head + POLISH.encode("cp1250") + tail)
    assert text == "Komórka: „" + POLISH + "” — koniec, żółw"
    offset = len("Komórka: „")
    # one span per maximal run of non-UTF-8 bytes: exactly the sentence's non-ASCII letters
    assert [text[s:e] for s, e in spans] == ["żółć", "ęś", "ą", "źń"]
    assert [(s - offset, e - offset) for s, e in spans] == [(2, 6), (8, 10), (11, 12), (15, 17)]
    # every Polish letter, each alone (cp1250 pairs that happen to be valid UTF-8, such as "ĘŁ" = CA A3,
    # are UTF-8 and stay so: bytes cannot tell them apart)
    letters = " ".join("ĄĆĘŁŃÓŚŹŻąćęłńóśźż")
    assert decode_lenient(letters.encode("cp1250")) == (letters, [(i, i + 1) for i in range(0, len(letters), 2)])


def test_bytes_cp1250_leaves_undefined_become_replacement_characters():
    assert decode_lenient(b"a\x81b\x98c") == ("a\ufffdb\ufffdc", [(1, 2), (3, 4)])
    assert decode_lenient(b"\x81\x83\x88\x90\x98") == ("\ufffd" * 5, [(0, 5)])
    # a truncated UTF-8 sequence is two stray bytes, not one character; the valid "ą" after it stays
    assert decode_lenient("x\u20ac".encode("utf-8")[:-1] + b"A" + "ą".encode()) == ("x\u00e2\u201aAą", [(1, 3)])


def test_stray_bytes_repair_exactly_the_cells_that_held_them(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        md(POLISH),  # the same letters, written correctly: not repaired
        md("PLACEHOLDER_A"),
        md("Znak \ufffd wpisany przez studenta"),  # a U+FFFD the student typed: not repaired
        code("x = 1  # PLACEHOLDER_B"),
        code("y = 'ąę'"),
    ]
    data = _stray(nb, {"PLACEHOLDER_A": POLISH.encode("cp1250"), "PLACEHOLDER_B": b"\x98"})
    loaded = load_notebook(_one(tmp_path, "windows.ipynb", data))
    assert loaded.repaired_cells == (1, 3) and not loaded.repaired_outside
    assert loaded.repaired_with == ("cp1250", "replacement")
    assert [c.source for c in loaded.cells] == [
        POLISH,
        POLISH,
        "Znak \ufffd wpisany przez studenta",
        "x = 1  # \ufffd",
        "y = 'ąę'",
    ]
    (notice,) = loaded.notices
    assert "windows.ipynb" in notice.en and "cells 2, 4" in notice.en and "cp1250" in notice.en
    assert "replacement characters" in notice.en and "save the notebook as UTF-8" in notice.en
    assert "komórki 2, 4" in notice.pl and "zapisz notatnik jako UTF-8" in notice.pl


def test_stray_bytes_outside_any_source_are_said_without_naming_a_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [code("print('x')"), md("ok")]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="PLACEHOLDER_OUT\n")]
    nb.metadata["author"] = "PLACEHOLDER_META"
    data = _stray(nb, {"PLACEHOLDER_OUT": "wynik: źle".encode("cp1250"), "PLACEHOLDER_META": "Łukasz".encode("cp1250")})
    loaded = load_notebook(_one(tmp_path, "out.ipynb", data))
    assert loaded.repaired_cells == () and loaded.repaired_outside
    assert loaded.cells[0].text_outputs == ("wynik: źle\n",)
    (notice,) = loaded.notices
    assert "in: outputs or metadata" in notice.en and not re.search(r"cells? \d", notice.en)


def test_a_utf8_notebook_has_no_notice(tmp_path):
    path = write_notebook(tmp_path / "clean.ipynb", [md(POLISH), code("x = 1")])
    loaded = load_notebook(discover([path])[0])
    assert loaded.repaired_cells == () and not loaded.repaired_outside and loaded.notices == ()


def test_a_jupytext_export_with_stray_bytes_is_repaired_the_same_way(tmp_path):
    text = "# %% [markdown]\n# #### Zadanie 2.5\n# PLACEHOLDER\n\n# %%\ndef f():\n    return 1  # ąę\n"
    data = text.encode("utf-8").replace(b"PLACEHOLDER", POLISH.encode("cp1250"))
    loaded = load_notebook(_one(tmp_path, "student.py", data))
    assert [c.kind for c in loaded.cells] == ["markdown", "code"]
    assert loaded.cells[0].source == "#### Zadanie 2.5\n" + POLISH and loaded.repaired_cells == (0,)
    assert "cell 1" in loaded.notices[0].en and "komórka 1" in loaded.notices[0].pl


def test_the_cp1250_sample_is_read_as_the_solution_it_was_saved_from():
    """submissions/broken/invalid_utf8.ipynb: the whole solution saved in cp1250 (characters cp1250
    lacks were saved as "?"): every cell reads as the solution's, the Polish ones are named."""
    solution = nbformat.read(ROOT / "submissions" / "generative-tf" / "solution.ipynb", as_version=4)
    loaded = load_notebook(discover([ROOT / "submissions" / "broken" / "invalid_utf8.ipynb"])[0])
    expected = [c.source.encode("cp1250", errors="replace").decode("cp1250") for c in solution.cells]
    assert [c.source for c in loaded.cells] == expected
    assert loaded.repaired_cells == tuple(i for i, c in enumerate(solution.cells) if not c.source.isascii())
    assert loaded.repaired_with == ("cp1250",) and len(loaded.notices) == 1
    # 64 cells: the first ten are named, the rest counted
    assert f"… ({len(loaded.repaired_cells)})" in loaded.notices[0].en
    assert loaded.notices[0].en.count(",") == 10


def test_a_utf8_byte_order_mark_is_not_an_error(tmp_path):
    source = ROOT / "submissions" / "generative-tf" / "solution.ipynb"
    path = tmp_path / "bom.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    loaded = load_notebook(discover([path])[0])
    assert [c.source for c in loaded.cells] == [c.source for c in load_notebook(discover([source])[0]).cells]
    assert loaded.notices == ()


def test_self_check_table_shows_the_notice():
    from grader.i18n import Text
    from grader.selfcheck import render_table
    from tests.factories import make_grade

    grade = make_grade()
    notice = Text("Plik zawiera bajty spoza UTF-8", "File holds bytes that are not UTF-8")
    grade = replace(grade, result=replace(grade.result, notices=(notice,)))
    assert "!! File holds bytes that are not UTF-8" in render_table(grade, "en", "Lab")
    assert "!! Plik zawiera bajty spoza UTF-8" in render_table(grade, "pl", "Lab")

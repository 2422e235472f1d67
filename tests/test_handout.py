"""`grader handout`: the template and the course helpers it imports, runnable on a laptop."""

from __future__ import annotations

import subprocess
import sys

import nbformat

from grader.cli import main
from grader.errors import HandoutError


def test_handout_writes_template_and_helpers_that_import_from_the_notebooks_folder(tmp_path, capsys):
    assert main(["handout", "vae-pyro", "--out", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / "template.ipynb"), str(tmp_path / "src")]
    nb = nbformat.read(tmp_path / "template.ipynb", as_version=4)
    assert nb.metadata["grader"]["lab"] == "vae-pyro"
    assert not list(tmp_path.rglob("__pycache__"))
    # as the notebook does, from its own folder (not from the grader's checkout)
    code = (
        "from src.ae import BaseAutoEncoder\nfrom src.utils import train_ae, AutoEncoderAnalyzer\n"
        "import src.ae, pathlib\nassert pathlib.Path(src.ae.__file__).resolve().parent == pathlib.Path('src').resolve()\n"
        "open('src/ae.py').read()  # the template shows it with display(Code(filename='src/ae.py'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_handout_refuses_to_overwrite_without_force(tmp_path, capsys):
    assert main(["handout", "vae-pyro", "--out", str(tmp_path)]) == 0
    (tmp_path / "template.ipynb").write_text("my answers")
    assert main(["handout", "vae-pyro", "--out", str(tmp_path)]) == HandoutError.exit_code == 9
    assert "already exists" in capsys.readouterr().err and (tmp_path / "template.ipynb").read_text() == "my answers"
    assert main(["handout", "vae-pyro", "--out", str(tmp_path), "--force"]) == 0

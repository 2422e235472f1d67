"""``grader handout LAB DIR``: what students get: the template notebook and the files it needs.

A template may import course helpers that are not on PyPI (vae-pyro's ``from src.ae import
BaseAutoEncoder``). The rubric lists them under ``handout:``; this writes them next to the
template so the notebook runs on a student's laptop as it runs in the grader's sandbox.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .bundle import Bundle, requirements
from .errors import HandoutError
from .labs import Lab


def write_handout(lab: Lab, out_dir: Path, force: bool = False) -> list[Path]:
    """Copy the template and the rubric's ``handout`` entries into ``out_dir``; return what was written."""
    sources = [lab.root / lab.rubric.template, *(lab.root / entry for entry in lab.rubric.handout)]
    targets = [out_dir / source.name for source in sources]
    clashes = [t for t in targets if t.exists()]
    if clashes and not force:
        raise HandoutError(f"{clashes[0]} already exists. Fix: choose another folder, or pass --force to overwrite.")
    out_dir.mkdir(parents=True, exist_ok=True)
    for source, target in zip(sources, targets):
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)
    return targets


INSTALL_NOTE = """# Samosprawdzenie / Self-check: {lab}

Dwa pliki w tym folderze to samosprawdzenie laboratorium {lab}: testy publiczne, bez rozwiązań.
The two files in this folder are the self-check of the lab {lab}: its public checks, no answers.

## Colab

Wgraj oba pliki do sesji (albo podaj ich adresy URL od prowadzącego) i uruchom w komórce:
Upload both files to the session (or use the URLs your instructor gives) and run in a cell:

    !pip install -q {engine} {lab_wheel}
    import grader; grader.check("ITEM")      # e.g. grader.check() for every item

Colab's own TensorFlow and torch stay as they are.

## Linux laptop / WSL2

    python -m venv .venv
    .venv/bin/pip install {engine} "{lab_wheel}[frameworks]"
    .venv/bin/grader check MY-NOTEBOOK.ipynb

(`[frameworks]` installs {frameworks}; leave it out if you have them.)
macOS / Windows: use Colab, WSL2 or the web self-check link from your instructor.
Details: docs/selfcheck.md of the course's grader.
"""


def write_install_note(lab: Lab, bundle: Bundle) -> Path:
    """``INSTALL.md`` beside the bundle's wheels: what a student runs, in Polish and English."""
    frameworks = ", ".join(requirements(lab)[1]) or "nothing"
    path = bundle.lab_wheel.parent / "INSTALL.md"
    path.write_text(
        INSTALL_NOTE.format(
            lab=lab.name, engine=bundle.engine_wheel.name, lab_wheel=bundle.lab_wheel.name, frameworks=frameworks
        ),
        encoding="utf-8",
    )
    return path

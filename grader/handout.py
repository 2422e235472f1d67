"""``grader handout LAB DIR``: what students get: the template notebook and the files it needs.

A template may import course helpers that are not on PyPI (vae-pyro's ``from src.ae import
BaseAutoEncoder``). The rubric lists them under ``handout:``; this writes them next to the
template so the notebook runs on a student's laptop as it runs in the grader's sandbox.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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

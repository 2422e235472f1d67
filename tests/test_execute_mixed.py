"""One notebook graded in both modes at once: vae-pyro's classes from their definitions, task 2
(an analysis the notebook runs) in execute mode, with the run's own outputs and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from grader.cli import main

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def _mixed_rubric(tmp_path: Path) -> Path:
    """vae-pyro's rubric with task 2 in execute mode (paths made absolute: it lives elsewhere)."""
    rubric = yaml.safe_load((ROOT / "rubrics" / "vae-pyro.yaml").read_text())
    for key in ("template", "public_dir"):
        rubric[key] = str(ROOT / rubric[key])
    rubric["handout"] = [str(ROOT / h) for h in rubric["handout"]]
    next(i for i in rubric["items"] if i["id"] == "2")["mode"] = "execute"
    path = tmp_path / "rubrics" / "vae-pyro-mixed.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(rubric, allow_unicode=True))
    return path


def test_definitions_and_execute_items_in_one_notebook(tmp_path):
    out = tmp_path / "out"
    assert (
        main(
            [
                "grade",
                str(ROOT / "submissions" / "vae-pyro" / "solution.ipynb"),
                "--lab",
                str(_mixed_rubric(tmp_path)),
                "--out",
                str(out),
                "--lang",
                "en",
                "--quiet",
            ]
        )
        == 0
    )
    sub = json.loads((out / "results.json").read_text())["submissions"][0]
    assert sub["environment"]["mode"] == "definitions+execute"
    assert sub["cells"] and all(c["status"] == "ok" for c in sub["cells"]), sub["cells"]  # src/ handed out: no error
    items = {i["id"]: i for i in sub["items"]}
    assert all(items[i]["auto_points"] == items[i]["max_points"] for i in ("1a.encoder", "1a.decoder", "1a.vae", "3"))
    assert items["2"]["auto_points"] == 1.0 and items["2"]["status"] == "passed"
    html = (out / "students" / "solution.html").read_text()
    assert "drawn when the grader ran the notebook" in html  # every section's figures come from the run

"""Stability: the correct samples get the same full code score under 20 different seeds.

The seed changes everything random on the student's side (weight initialisation in their
models, np.random.choice in conditioned_mnist, tf.random.normal in train_step); the checks'
own inputs are fixed. docs/labs/generative-tf.md gives the margins that make this hold.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from grader.discover import discover
from grader.judge import judge_submission
from grader.labs import find_lab
from grader.runtime import sandbox_spec
from grader.sandbox.supervisor import Sandbox
from grader.scoring import score
from grader.settings import Settings

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parent.parent / "submissions" / "generative-tf"
CORRECT = ["solution", "styl_podklasy", "styl_sequential", "styl_wlasne_nazwy", "styl_keras2"]
SEEDS = range(20)


def test_correct_samples_get_full_code_points_under_20_seeds():
    lab = find_lab("generative-tf", Settings())
    code_max = sum(i.points for i in lab.rubric.items if i.kind == "code")
    subs = [s for s in discover([SAMPLES]) if s.student in CORRECT]
    assert sorted(s.student for s in subs) == sorted(CORRECT)

    def under_every_seed(sub):
        # one sandbox per sample, reseeded before each grading: every probe runs under the new seed
        failures = []
        with Sandbox(sandbox_spec(lab, Settings())) as sandbox:
            for seed in SEEDS:
                result = judge_submission(sub, lab, replace(Settings(), seed=seed), sandbox=sandbox)
                grade = score(result, lab.rubric)
                points = sum(i.points for i in grade.items if i.kind == "code")
                if abs(points - code_max) > 1e-9:
                    failures.append(
                        (
                            sub.student,
                            seed,
                            [
                                c.id
                                for i in grade.items
                                if i.kind == "code"
                                for c in i.result.checks
                                if c.status.value != "passed"
                            ],
                        )
                    )
        return failures

    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for fs in pool.map(under_every_seed, subs) for f in fs]
    assert not failures, failures

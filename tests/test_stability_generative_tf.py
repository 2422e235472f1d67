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
    jobs = [(sub, seed) for sub in subs for seed in SEEDS]

    def code_points(job):
        sub, seed = job
        grade = score(judge_submission(sub, lab, replace(Settings(), seed=seed)), lab.rubric)
        lost = {i.id: [c.message.en for c in i.result.checks if c.message] for i in grade.items
                if i.kind == "code" and i.points != i.max_points}
        return sub.student, seed, sum(i.points for i in grade.items if i.kind == "code"), lost

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(code_points, jobs))
    failures = [(student, seed, lost) for student, seed, points, lost in results if abs(points - code_max) > 1e-9]
    assert not failures, failures

"""A graded class of a real lab without a sandbox: hand-built results for every item of the lab
(prose answers drawn from a few phrasings, some empty, code items passed or failed, figures),
scored and recorded into a gradebook as a batch would. What the web app's tests and
benchmarks/serve.py grade in."""

from __future__ import annotations

import hashlib
import random

from grader import export
from grader.gradebook import Gradebook
from grader.i18n import Text
from grader.labs import Lab, find_lab
from grader.outcomes import CheckResult, Figure, ItemResult, Outcome, SubmissionResult
from grader.scoring import score
from grader.settings import Settings
from tests.factories import PNG_1X1

PHRASES = [
    "Sigmoid keeps every output in [0, 1], like the pixel values, and matches binary cross-entropy.",
    "Because the pixels are between 0 and 1 the sigmoid squashes outputs into that range.",
    "The decoder must produce probabilities per pixel; sigmoid does it.",
    "I do not know.",
    "Mean and log-variance can be any real number, so no activation restricts them.",
    "The latent space of the VAE is smoother and centred, the AE one has gaps.",
]


# what the HTTP tests of the app send: its own address, and the Origin of its own pages
BASE = "http://127.0.0.1"
SAME = {"origin": BASE}


def client(app):
    """Starlette's test client of ``app`` at :data:`BASE`, redirects left for the test to read."""
    from starlette.testclient import TestClient  # the tests' dependency, not the benchmarks'

    return TestClient(app, base_url=BASE, follow_redirects=False)


def lab(name: str = "generative-tf") -> Lab:
    return find_lab(name, Settings())


def student_result(the_lab: Lab, student: str, rng: random.Random, empty: bool = False) -> SubmissionResult:
    """``empty``: every prose answer left blank (the state auto-0)."""
    items = []
    for item in the_lab.rubric.items:
        if item.kind == "prose":
            answer = (
                "" if empty or rng.random() < 0.05 else rng.choice(PHRASES) + f" ({student})" * (rng.random() < 0.3)
            )
            status = Outcome.MANUAL if answer else Outcome.MISSING
            figures = (Figure(3, PNG_1X1, "stored"), Figure(4, PNG_1X1, "reference")) if rng.random() < 0.5 else ()
            items.append(ItemResult(item.id, status, answer=answer or None, figures=figures))
        else:
            passed = rng.random() < 0.8
            checks = tuple(
                CheckResult(spec.id, Text("sprawdzenie", "check"), Outcome.PASSED if passed else Outcome.FAILED)
                for spec in item.checks
            ) or (CheckResult("check_stand_in", Text("s", "c"), Outcome.PASSED),)
            answer = rng.choice(PHRASES) if item.manual_points else None
            items.append(ItemResult(item.id, checks[0].status, checks=checks, answer=answer))
    sha = hashlib.sha256(student.encode()).hexdigest()
    return SubmissionResult(student, f"{student}.ipynb", sha, tuple(items))


def make_class(
    url: str, students: int, lab_name: str = "generative-tf", assignment: str | None = None, seed: int = 0
) -> Gradebook:
    """A gradebook at ``url`` holding ``students`` graded submissions of the lab."""
    the_lab = lab(lab_name)
    rng = random.Random(seed)
    gradebook = Gradebook(url)
    key = assignment or the_lab.name
    for n in range(students):
        student = f"student{n:03d}"
        result = student_result(the_lab, student, rng, empty=n % 6 == 5)
        grade = score(result, the_lab.rubric, {}, the_lab.rubric_hash)
        gradebook.record(grade, export.submission_document(grade, "pl"), export.grader_version(), "k1", assignment=key)
    return gradebook

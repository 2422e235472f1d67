"""Execute mode timings: how long one notebook takes when the grader runs it top to bottom.

    .venv/bin/python benchmarks/execute_mode.py [--jobs 2]

Grades, in execute mode, (1) the 13 samples of autoencoders-keras (every notebook trains five
Keras autoencoders, capped at 1 epoch on a 2000-image MNIST subsample) and (2) the generative-tf
notebook with 200-epoch training cells and a `while True` cell (`--mode execute`, cells cut after
60 s). Prints, per notebook, the grading time (results.json `duration_s`: kernel start, every
cell, the probes) and the batch's wall time. Targets (issue 6): autoencoders-keras under 2 minutes per notebook; the
generative-tf notebook to the end within its time budget (600 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.cli import main as grader  # noqa: E402


def grade(paths: list[Path], lab: str, jobs: int, *extra: str) -> tuple[float, list[dict]]:
    out = Path(tempfile.mkdtemp(prefix="bench-execute-"))
    started = time.monotonic()
    code = grader(["grade", *map(str, paths), "--lab", lab, "--out", str(out), "--jobs", str(jobs), "--quiet", *extra])
    wall = time.monotonic() - started
    if code != 0:
        raise SystemExit(f"grader grade exited with {code}")
    return wall, json.loads((out / "results.json").read_text())["submissions"]


def report(title: str, wall: float, subs: list[dict], target_s: float, target: str) -> None:
    ran = [s for s in subs if s["cells"]]
    times = sorted(s["duration_s"] for s in ran)
    print(f"\n{title}")
    print(f"  notebooks: {len(subs)} ({len(ran)} run, {len(subs) - len(ran)} with nothing to run)")
    if times:
        print(
            f"  per notebook: median {statistics.median(times):.1f} s, max {times[-1]:.1f} s "
            f"(kernel start, every cell, the probes)"
        )
        cells = [c for s in ran for c in s["cells"]]
        cut = sum(c["status"] == "timed_out" for c in cells)
        print(
            f"  cells run: {len(cells)}, cut by the cell timeout: {cut}, errors: {sum(c['status'] == 'error' for c in cells)}"
        )
    print(f"  batch wall time: {wall:.1f} s, amortized {wall / len(subs):.1f} s per notebook")
    print(f"  target: {target} (< {target_s:g} s): {'met' if times and times[-1] < target_s else 'NOT met'}")


def run(jobs: int) -> None:
    wall, subs = grade([ROOT / "submissions" / "autoencoders-keras"], "autoencoders-keras", jobs)
    report(
        f"autoencoders-keras, 13 samples, execute mode, --jobs {jobs} (includes one run of the reference notebook)",
        wall,
        subs,
        120,
        "under 2 minutes per notebook",
    )
    wall, subs = grade(
        [ROOT / "submissions" / "generative-tf" / "trening_200_epok.ipynb"], "generative-tf", 1, "--mode", "execute"
    )
    report(
        "generative-tf trening_200_epok (200-epoch cells + while True), --mode execute",
        wall,
        subs,
        600,
        "to the end within the submission's time budget; the `while True` cell cut after 60 s",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    run(parser.parse_args().jobs)

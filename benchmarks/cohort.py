"""A class in minutes: grading speed on a generated cohort, against running notebooks top to
bottom as nbgrader/otter-grader do, and a student's self-check from a cold start.

    .venv/bin/python benchmarks/cohort.py [--size 100] [--jobs 2] [--baseline 3] [--pools auto,cold]

0. Starting one sandbox (start + ``init`` answered), warm (forked from the zygote) and cold (a
   fresh interpreter under bubblewrap), for the generative-tf lab's framework.
1. A cohort of ``--size`` generative-tf notebooks: the 25 samples repeated, each copy made a
   distinct file (its own student id and a changed first cell), graded with ``--jobs``, once
   per ``--pools`` (warm pool, then cold starts): wall time, seconds per notebook amortized,
   per-notebook times, peak resident memory of one sandbox worker (its process tree, sampled
   every 0.2 s).
2. ``--size`` blank templates: seconds per notebook.
3. The baseline: ``--baseline`` of those notebooks run top to bottom with nbclient, epochs
   reduced to 1 (``epochs = N`` rewritten), a 60 s cell timeout, errors allowed, MNIST served
   locally (no internet here): seconds per notebook and the ratio to (1).
4. ``grader check`` of one complete notebook in a fresh process (cold start).
Targets (issue 7): (1) at most 3 s per notebook amortized with --jobs 2 on 2 cores, worker
memory under 2 GiB; (2) at most 1 s per notebook; (4) under 15 s.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "submissions" / "generative-tf"
GRADER = [sys.executable, "-m", "grader"]
sys.path.insert(0, str(ROOT))

from tests.factories import without_timings  # noqa: E402 - the same comparison the test suite makes


def _comparable(doc: dict) -> list:
    """A results document's submissions without timings and without how their sandboxes started."""
    return without_timings([dict(sub, environment={k: v for k, v in sub.get("environment", {}).items()
                                                   if k not in ("worker", "isolation")})
                            for sub in doc["submissions"]])


def make_cohort(size: int, folder: Path, only: str | None = None) -> list[Path]:
    sources = [SAMPLES / f"{only}.ipynb"] if only else sorted(SAMPLES.glob("*.ipynb"))
    paths = []
    for k in range(size):
        source = sources[k % len(sources)]
        nb = nbformat.read(source, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"Student {k:03d}"))  # a distinct file
        path = folder / f"s{k:03d}_{source.stem}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


class PeakWorkerMemory:
    """Largest resident memory (MiB) of one sandbox worker with its children, while running."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(0.2):
            for proc in self._workers():
                try:
                    rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
                    self.peak = max(self.peak, rss / (1 << 20))
                except psutil.Error:
                    pass

    @staticmethod
    def _workers() -> list[psutil.Process]:
        """Cold workers (``python -m grader.sandbox.worker``) and warm ones: the third generation
        under a zygote (zygote -> sandbox set-up -> PID 1 of its namespace -> worker)."""
        found = []
        for proc in psutil.process_iter(["cmdline", "ppid"]):
            try:
                line = " ".join(proc.info["cmdline"] or [])
                if "grader.sandbox.worker" in line:
                    found.append(proc)
                elif "grader.sandbox.zygote" in line and "grader.sandbox.zygote" not in " ".join(proc.parent().cmdline()):
                    found += [w for setup in proc.children() for init in setup.children() for w in init.children()]
            except (psutil.Error, AttributeError):
                pass
        return found


def sandbox_starts(count: int = 10) -> dict[str, float]:
    """Median seconds to start a generative-tf sandbox and have its ``init`` answered, per pool."""
    from grader.judge import sandbox_spec
    from grader.labs import find_lab
    from grader.sandbox.supervisor import Sandbox
    from grader.settings import load_settings

    settings = load_settings()
    lab = find_lab("generative-tf", settings)
    medians = {}
    for pool in ("auto", "cold"):
        spec = sandbox_spec(lab, replace(settings, pool=pool))
        with Sandbox(spec) as first:  # the zygote starts here (once per batch), not counted
            first._start()
        times = []
        for _ in range(count):
            with Sandbox(spec) as sb:
                started = time.monotonic()
                sb._start()
                times.append(time.monotonic() - started)
                assert sb.environment["worker"]["start"] == ("warm" if pool == "auto" else "cold"), sb.environment
        medians[pool] = statistics.median(times)
    return medians


def grade(folder: Path, jobs: int, pool: str = "auto") -> tuple[float, dict, float]:
    out = Path(tempfile.mkdtemp(prefix="bench-cohort-out-"))
    with PeakWorkerMemory() as memory:
        started = time.monotonic()
        subprocess.run([*GRADER, "grade", str(folder), "--lab", "generative-tf", "--out", str(out), "--jobs", str(jobs),
                        "--quiet", "--pool", pool], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.monotonic() - started
    return wall, json.loads((out / "results.json").read_text()), memory.peak


PRELUDE = """# benchmark baseline: MNIST served locally (no internet on this machine), nothing else changed
import tensorflow as _tf
from grader.data.mnist import load_mnist as _load
_tf.keras.datasets.mnist.load_data = lambda *a, **k: _load()
"""


def baseline(paths: list[Path]) -> list[float]:
    """Each notebook top to bottom with nbclient, epochs reduced to 1, 60 s per cell."""
    from nbclient import NotebookClient

    times = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = re.sub(r"^(\s*(?:epochs|EPOCHS|num_epochs|n_epochs)\s*=\s*)\d+", r"\g<1>1", cell.source,
                                     flags=re.MULTILINE)
        nb.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
        client = NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3",
                                resources={"metadata": {"path": tempfile.mkdtemp()}})
        started = time.monotonic()
        try:
            client.execute()
        except Exception as exc:  # noqa: BLE001 - a timeout stops nbclient: that is what the baseline does
            print(f"    {path.name}: stopped: {type(exc).__name__}")
        times.append(time.monotonic() - started)
        print(f"    {path.name}: {times[-1]:.1f} s")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=3, help="notebooks run top to bottom for the baseline")
    parser.add_argument("--pools", default="auto,cold", help="how sandboxes start, in turn: auto (warm) and/or cold")
    args = parser.parse_args()
    pools = [p for p in args.pools.split(",") if p]
    work = Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / (1 << 30):.0f} GiB; jobs {args.jobs}")

    starts = sandbox_starts()
    print(f"\n0. starting one generative-tf sandbox (start + init answered), median of 10: "
          f"warm {starts['auto'] * 1000:.0f} ms, cold {starts['cold'] * 1000:.0f} ms")

    cohort = work / "cohort"
    cohort.mkdir()
    paths = make_cohort(args.size, cohort)
    results = {}
    for pool in pools:
        wall, doc, peak = results[pool] = grade(cohort, args.jobs, pool)
        per = sorted(s["duration_s"] for s in doc["submissions"])
        amortized = wall / len(paths)
        kind = "warm pool" if pool == "auto" else "cold starts"
        print(f"\n1. {len(paths)} generative-tf notebooks (the 25 samples x {args.size // 25}), --jobs {args.jobs}, "
              f"{kind} (--pool {pool})")
        print(f"   wall {wall:.1f} s = {amortized:.2f} s per notebook amortized (target <= 3 s: "
              f"{'met' if amortized <= 3 else 'NOT met'})")
        print(f"   per notebook: median {statistics.median(per):.2f} s, max {per[-1]:.2f} s")
        print(f"   peak memory of one worker: {peak:.0f} MiB (target < 2048: {'met' if peak < 2048 else 'NOT met'})")
    if len(results) == 2:
        same = _comparable(results["auto"][1]) == _comparable(results["cold"][1])
        print(f"   warm vs cold: {results['cold'][0] / results['auto'][0]:.2f}x faster; "
              f"results identical: {'yes' if same else 'NO'}")
    wall = results[pools[0]][0]
    amortized = wall / len(paths)

    blanks = work / "blank"
    blanks.mkdir()
    make_cohort(args.size, blanks, only="blank")
    wall_blank, _, _ = grade(blanks, args.jobs, pools[0])
    print(f"\n2. {args.size} blank templates: {wall_blank:.1f} s = {wall_blank / args.size:.2f} s per notebook "
          f"(target <= 1 s: {'met' if wall_blank / args.size <= 1 else 'NOT met'})")

    # complete notebooks (the reference and two students' styles): what a class mostly hands in
    chosen = [next(p for p in paths if p.name.endswith(f"_{name}.ipynb"))
              for name in ("solution", "styl_podklasy", "kl_plus_logvar", "styl_sequential")[:args.baseline]]
    print(f"\n3. baseline: {len(chosen)} notebooks top to bottom with nbclient (epochs -> 1, 60 s cell timeout)")
    times = baseline(chosen)
    mean = statistics.mean(times)
    print(f"   {mean:.1f} s per notebook: {mean / amortized:.0f}x the grader's amortized time; a class of "
          f"{args.size} would take {mean * args.size / 60:.0f} min serially, {mean * args.size / 60 / args.jobs:.0f} min "
          f"on {args.jobs} cores, against {wall / 60:.1f} min")

    started = time.monotonic()
    subprocess.run([*GRADER, "check", str(SAMPLES / "solution.ipynb"), "--lab", "generative-tf"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cold = time.monotonic() - started
    print(f"\n4. grader check of a complete notebook, cold start: {cold:.1f} s (target < 15 s: "
          f"{'met' if cold < 15 else 'NOT met'})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

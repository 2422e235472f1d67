"""Where a notebook's sandbox time goes: CPU seconds of the worker per snapshot load and per probe.

    .venv/bin/python benchmarks/profile_items.py NOTEBOOK... [--lab generative-tf] [--repeat 1] [--pool auto]

Grades each notebook in this process (one sandbox at a time, as ``--jobs 1``) with the
supervisor's calls wrapped: for each ``load`` (a snapshot executed) and each ``probe`` it
records the worker's CPU time (user + system of the worker's process tree, read with psutil
before and after the call; every thread counts, so the figure is the work done, whatever else
runs on the machine) and the wall time. Prints, per item, the CPU of its loads and of each
check's probes, then the mean over the notebooks. On a shared machine, compare CPU times: wall
times include waiting for a core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import judge as judge_module  # noqa: E402
from grader import judge_items  # noqa: E402
from grader.discover import discover  # noqa: E402
from grader.labs import find_lab  # noqa: E402
from grader.sandbox.supervisor import Sandbox  # noqa: E402
from grader.settings import load_settings  # noqa: E402


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _tree_cpu(pid: int) -> float:
    total = 0.0
    for proc in _tree(pid):
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _worker_rss_mib(pid: int) -> float:
    """Resident memory of the worker: the leaves of the sandbox's process tree (a warm worker is
    the third generation under its set-up process, which shares the zygote's pages; a cold one
    runs under bubblewrap)."""
    best = 0.0
    for proc in _tree(pid):
        try:
            if not proc.children():
                best = max(best, proc.memory_info().rss / (1 << 20))
        except psutil.Error:
            pass
    return best


class Recorder:
    """Wraps ``Sandbox._call``: one record (op, label, cpu, wall) per call, tagged with the check running."""

    def __init__(self):
        self.records: list[dict] = []
        self.check: str | None = None
        self.item: str | None = None

    def install(self) -> None:
        recorder, original_call, original_run = self, Sandbox._call, judge_items._run_check
        original_code = judge_module.judge_code  # judge.py calls the name it imported from judge_items

        def call(sandbox, header, arrays, timeout):
            op = header.get("op")
            started_wall = time.monotonic()
            before = _tree_cpu(sandbox._proc.pid) if sandbox._proc is not None else None
            try:
                return original_call(sandbox, header, arrays, timeout)
            finally:
                after = _tree_cpu(sandbox._proc.pid) if sandbox._proc is not None else None
                rss = _worker_rss_mib(sandbox._proc.pid) if sandbox._proc is not None else 0.0
                # the first call starts the worker: its CPU before the call is the start's
                cpu = (after - before) if before is not None and after is not None else after
                recorder.records.append(
                    {
                        "op": op,
                        "probe": header.get("probe"),
                        "item": recorder.item,
                        "check": recorder.check,
                        "cpu": cpu or 0.0,
                        "wall": time.monotonic() - started_wall,
                        "start": before is None,
                        "rss": rss,
                    }
                )

        def run_check(spec, ctx, handle):
            recorder.check = spec.id
            try:
                return original_run(spec, ctx, handle)
            finally:
                recorder.check = None

        def judge_code(item, *args, **kwargs):
            recorder.item = item.id
            try:
                return original_code(item, *args, **kwargs)
            finally:
                recorder.item = None

        Sandbox._call = call
        judge_items._run_check = run_check
        judge_module.judge_code = judge_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--lab", default="generative-tf")
    parser.add_argument("--repeat", type=int, default=1, help="grade each notebook this many times")
    parser.add_argument("--pool", default="auto")
    parser.add_argument("--quiet", action="store_true", help="only the means")
    args = parser.parse_args()
    settings = load_settings({"pool": args.pool})
    lab = find_lab(args.lab, settings)
    recorder = Recorder()
    recorder.install()
    submissions = discover(args.paths)
    # one throw-away grading first: the zygote starts there (once per batch), not counted
    judge_module.judge_submission(submissions[0], lab, settings, only_items={"1.2"})
    per_item: dict[str, list[float]] = defaultdict(list)
    per_check: dict[str, list[float]] = defaultdict(list)
    loads: dict[str, list[float]] = defaultdict(list)
    totals, peaks = [], []
    for _ in range(args.repeat):
        for submission in submissions:
            recorder.records.clear()
            judge_module.judge_submission(submission, lab, settings)
            item_cpu: dict[str, float] = defaultdict(float)
            check_cpu: dict[str, float] = defaultdict(float)
            load_cpu: dict[str, float] = defaultdict(float)
            start_cpu = 0.0
            for r in recorder.records:
                if r["start"]:
                    start_cpu += r["cpu"]  # worker start + init (+ the first call's own work)
                    continue
                item_cpu[r["item"]] += r["cpu"]
                if r["op"] == "load":
                    load_cpu[r["item"]] += r["cpu"]
                elif r["check"]:
                    check_cpu[r["check"]] += r["cpu"]
            total = start_cpu + sum(item_cpu.values())
            totals.append(total)
            peak = max((r["rss"] for r in recorder.records), default=0.0)
            peaks.append(peak)
            for k, v in item_cpu.items():
                per_item[k].append(v)
            for k, v in check_cpu.items():
                per_check[k].append(v)
            for k, v in load_cpu.items():
                loads[k].append(v)
            if not args.quiet:
                print(
                    f"{submission.student[:30]:30s} worker CPU {total:5.2f} s (start+init {start_cpu:.2f}), "
                    f"RSS {peak:.0f} MiB: " + " ".join(f"{k}={v:.2f}" for k, v in item_cpu.items())
                )
    print(
        f"\nworker CPU per notebook: mean {statistics.mean(totals):.2f} s, max {max(totals):.2f} s "
        f"({len(totals)} gradings); worker resident memory after a call: max {max(peaks):.0f} MiB"
    )
    print(f"{'item':10s} {'mean':>6s} {'max':>6s}  of which snapshot loads (mean)")
    for k, v in per_item.items():
        print(f"{k:10s} {statistics.mean(v):6.3f} {max(v):6.3f}  {statistics.mean(loads.get(k, [0.0])):.3f}")
    print(f"\n{'check (its probes only)':46s} {'mean':>6s} {'max':>6s}")
    for k, v in per_check.items():
        print(f"{k:46s} {statistics.mean(v):6.3f} {max(v):6.3f}")


if __name__ == "__main__":
    main()

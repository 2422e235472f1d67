"""The warm worker pool: sandboxes forked from a zygote that has imported the frameworks.

The isolation of a forked sandbox is tested with every other layer in test_isolation.py and by
the attack catalogue (test_hostile.py), both run warm and cold. Here: what is particular to
forking from one shared parent (siblings cannot see or touch each other, nothing one changes
reaches the next), the guard against a parent that ran an operation, falling back to a cold
start, and that a warm sandbox answers exactly as a cold one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import psutil
import pytest

from grader.sandbox import isolation, pool
from grader.sandbox.errors import WorkerDied
from grader.sandbox.supervisor import Sandbox, SandboxSpec
from grader.settings import SettingsError, load_settings

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"
ROOT = Path(__file__).resolve().parent.parent
WARM, WHY_NOT = isolation.warm_support("auto")
needs_warm = pytest.mark.skipif(not WARM, reason=f"no warm workers on this machine: {WHY_NOT}")
needs_namespaces = pytest.mark.skipif(
    not isolation.detect().namespaces, reason="the forked sandbox's namespaces need root (see grader doctor)"
)


def _spec(tmp_path: Path, **kw) -> SandboxSpec:
    return SandboxSpec(
        public_dir=PUBLIC,
        framework="none",
        start_timeout_s=60,
        memory_mb=512,
        max_processes=64,
        hidden=(ROOT, tmp_path),
        **kw,
    )


def _run(sb: Sandbox, body: str, snap: str = "s", timeout: float = 20):
    source = "import os, sys, time, signal, json\nimport numpy as np\ndef f(x):\n" + "".join(
        f"    {line}\n" for line in body.splitlines()
    )
    sb.load(snap, [{"cell": 0, "line": 1, "source": source, "binds": ["f"]}], {0: source}, timeout)
    return sb.probe(snap, "call", "f", {}, {"x": np.zeros(1)}, timeout)[1]["y"]


@needs_warm
def test_a_warm_sandbox_is_forked_from_the_zygote_and_says_so(tmp_path):
    with Sandbox(_spec(tmp_path)) as sb:
        assert _run(sb, "return [1.0]").tolist() == [1.0]
        worker = sb.environment["worker"]
        assert worker["start"] == "warm" and "zygote" in worker["why"], worker
        assert "warm-fork" in sb.environment["isolation"]
        # the sandbox's first process is a child of the zygote, not of the grader
        parent = psutil.Process(sb._proc.pid).parent()
        assert parent is not None and "grader.sandbox.zygote" in " ".join(parent.cmdline())
        assert parent.pid != os.getpid()


@needs_warm
def test_warm_and_cold_sandboxes_answer_alike(tmp_path):
    body = "return [float(os.getcwd() == os.environ['HOME']), float(len(os.environ)), float(sys.flags.isolated)]"
    with Sandbox(_spec(tmp_path)) as warm, Sandbox(_spec(tmp_path, start="cold")) as cold:
        assert _run(warm, body).tolist() == _run(cold, body).tolist()
        assert warm.environment["worker"]["start"] == "warm" and cold.environment["worker"]["start"] == "cold"
        assert "a fresh interpreter" in cold.environment["worker"]["why"]


@needs_warm
def test_nothing_one_sandbox_changes_reaches_the_next_fork(tmp_path):
    """Forks share the zygote's modules: a student patching numpy or a module global patches
    their own copy only."""
    patch = (
        "np.mean = lambda *a, **k: 42.0\nimport grader.sandbox.convert as c\nc.PATCHED = 1\n"
        "import statistics\nstatistics.median = None\nreturn [float(np.mean([1.0, 3.0]))]"
    )
    look = (
        "import grader.sandbox.convert as c\n"
        "import statistics\n"
        "return [float(np.mean([1.0, 3.0])), float(hasattr(c, 'PATCHED')), float(statistics.median is not None)]"
    )
    with Sandbox(_spec(tmp_path)) as first:
        assert _run(first, patch).tolist() == [42.0]
    with Sandbox(_spec(tmp_path)) as second:
        assert _run(second, look).tolist() == [2.0, 0.0, 1.0]


@needs_namespaces
def test_sibling_sandboxes_cannot_see_or_touch_each_other(tmp_path):
    """Two sandboxes forked from the same zygote at once: separate PID namespaces, HOMEs and
    /dev/shm, so one cannot find, signal or read the other."""
    with Sandbox(_spec(tmp_path)) as a, Sandbox(_spec(tmp_path)) as b:
        _run(
            a,
            "open(os.path.join(os.environ['HOME'], 'mine.txt'), 'w').write('a')\n"
            "open('/dev/shm/shared.txt', 'w').write('a')\nreturn [1.0]",
        )
        look = (
            f"home_a = {a._workdir.as_posix() + '/home/mine.txt'!r}\n"
            "return [float(os.path.exists(home_a)), float(os.path.exists('/dev/shm/shared.txt')),\n"
            "        float(len([p for p in os.listdir('/proc') if p.isdigit()]))]"
        )
        seen_home, seen_shm, visible = _run(b, look, snap="b").tolist()
        assert (seen_home, seen_shm) == (0.0, 0.0)  # a's HOME and a's /dev/shm are not b's
        assert visible <= 3  # its PID 1, itself, maybe a short-lived child: never the sibling
        b_pids = [b._proc.pid, *(p.pid for p in psutil.Process(b._proc.pid).children(recursive=True))]
        signal_b = (
            f"hits = 0\nfor pid in {b_pids!r}:\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n        hits += 1\n    except OSError:\n        pass\n"
            "return [float(hits), float(os.path.exists('/dev/shm/shared.txt'))]"
        )
        assert _run(a, signal_b, snap="a2").tolist() == [0.0, 1.0]  # b's pids do not exist in a's namespace
        assert _run(b, "return [8.0]", snap="b2").tolist() == [8.0]  # b lives on


@needs_namespaces
def test_the_forked_sandbox_has_no_privileges_left(tmp_path):
    body = (
        "status = open('/proc/self/status').read().splitlines()\n"
        "caps = {l.split(':')[0]: int(l.split()[1], 16) for l in status if l.startswith('Cap')}\n"
        "nnp = [l for l in status if l.startswith('NoNewPrivs')][0].split()[1]\n"
        "return [float(os.getuid()), float(os.getgid()), float(caps['CapEff']), float(caps['CapPrm']),\n"
        "        float(caps['CapBnd']), float(nnp), float(len(os.getgroups())), float(os.getpid())]"
    )
    with Sandbox(_spec(tmp_path)) as sb:
        uid, gid, eff, prm, bnd, nnp, groups, pid = _run(sb, body).tolist()
    assert (uid, gid) == (65534.0, 65534.0)
    assert (eff, prm, bnd) == (0.0, 0.0, 0.0)
    assert nnp == 1.0 and groups == 0.0
    assert pid == 2.0  # its parent is PID 1 of its own PID namespace


@needs_warm
def test_memory_is_measured_on_the_worker_not_on_the_setup_processes(tmp_path):
    with Sandbox(_spec(tmp_path)) as sb:
        _run(sb, "return [1.0]")
        pids = sb._proc.worker_pids()
        assert pids and sb._proc.pid not in pids
        setup = [p.pid for p in psutil.Process(sb._proc.pid).children()]
        assert setup and not set(setup) & set(pids)


@needs_warm
def test_a_zygote_that_cannot_start_means_a_cold_start_with_the_reason(tmp_path, monkeypatch):
    def unavailable(*_a, **_k):
        raise pool.ZygoteUnavailable("the none zygote did not start: ImportError: broken")

    monkeypatch.setattr("grader.sandbox.supervisor.zygote_for", unavailable)
    with Sandbox(_spec(tmp_path)) as sb:
        assert _run(sb, "return [5.0]").tolist() == [5.0]
        worker = sb.environment["worker"]
    assert worker["start"] == "cold" and "ImportError: broken" in worker["why"] and "started cold" in worker["why"]
    assert "bubblewrap" in sb.environment["isolation"] or not isolation.detect().bwrap


@needs_warm
def test_a_killed_zygote_is_replaced_and_its_sandboxes_fail_as_dead_workers(tmp_path):
    with Sandbox(_spec(tmp_path)) as sb:
        _run(sb, "return [1.0]")
        first = psutil.Process(sb._proc.pid)
        parent, worker = first.parent(), first.children(recursive=True)[-1]
        parent.kill()
        worker.wait(10)  # its forks die with it (PR_SET_PDEATHSIG down the chain, then the PID namespace)
        with pytest.raises(WorkerDied):
            sb.probe("s", "call", "f", {}, {"x": np.zeros(1)}, 20)
        # the next call starts a fresh worker, from a fresh zygote
        assert _run(sb, "return [7.0]", snap="again").tolist() == [7.0]
        assert psutil.Process(sb._proc.pid).parent().pid != parent.pid


def test_a_parent_that_ran_a_tensorflow_op_is_refused():
    """The guard the zygote runs after its imports: importing is fine, one op is not (every
    child forked after an op hangs)."""
    code = (
        "import sys\nimport tensorflow as tf\nfrom grader.sandbox.zygote import _ran_an_op\n"
        "before = _ran_an_op()\n_ = tf.constant(1.0) + 1.0\nprint(before, _ran_an_op())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "True"]


def test_concurrent_first_probes_of_the_machine_agree():
    """Judge threads start their first sandboxes together: detect() answers them all alike
    (two concurrent probes once raced on the cgroup test folder and lost the cgroup layers)."""
    isolation._detect.cache_clear()
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(isolation.detect())) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 6 and all(a == answers[0] for a in answers)


def test_pool_setting_is_validated_and_self_checks_start_cold(monkeypatch):
    assert load_settings({"pool": "cold"}).pool == "cold"
    with pytest.raises(SettingsError, match="pool='hot'"):
        load_settings({"pool": "hot"})
    seen = {}

    def fake_judge(submission, lab, settings, **_kw):
        seen["pool"] = settings.pool
        raise RuntimeError("stop here")

    monkeypatch.setattr("grader.selfcheck.judge_submission", fake_judge)
    from grader.selfcheck import run_self_check

    with pytest.raises(RuntimeError, match="stop here"):
        run_self_check(ROOT / "submissions" / "generative-tf" / "blank.ipynb", "generative-tf", load_settings())
    assert seen["pool"] == "cold"


def test_without_root_a_bubblewrap_machine_starts_cold(monkeypatch):
    fake = isolation.Capabilities(
        bwrap="/usr/bin/bwrap", root=False, cgroup_memory=None, cgroup_pids=None, namespaces=False
    )
    monkeypatch.setattr(isolation, "detect", lambda: fake)
    ok, why = isolation.warm_support("auto")
    assert not ok and "bubblewrap" in why
    assert isolation.warm_support("basic")[0]
    bare = isolation.Capabilities(bwrap=None, root=False, cgroup_memory=None, cgroup_pids=None)
    monkeypatch.setattr(isolation, "detect", lambda: bare)
    assert isolation.warm_support("auto")[0]  # nothing more than the always-on layers either way


@needs_warm
def test_a_batch_says_how_its_sandboxes_started(tmp_path):
    from grader.cli import main

    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("solution", "koder_relu", "blank"):
        (folder / f"{name}.ipynb").write_bytes((ROOT / "submissions" / "generative-tf" / f"{name}.ipynb").read_bytes())
    out = tmp_path / "out"
    assert main(["grade", str(folder), "--lab", "generative-tf", "--out", str(out), "--quiet", "--jobs", "2"]) == 0
    import json

    doc = json.loads((out / "results.json").read_text())
    assert doc["meta"]["worker_starts"] == {"warm": 2}  # the blank template needs no sandbox
    by = {s["student"]: s for s in doc["submissions"]}
    assert by["solution"]["environment"]["worker"]["start"] == "warm"
    assert {i["status"] for i in by["solution"]["items"]} <= {"passed", "manual"}  # prose awaits a person
    assert "warm: 2" in (out / "index.html").read_text()

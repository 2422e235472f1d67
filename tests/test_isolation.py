"""Isolation layers: what a hostile worker cannot do (needs bubblewrap / root; skipped elsewhere
with the name of what is missing, see `grader doctor`)."""

from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import pytest

from grader.sandbox.errors import StudentCodeError, WorkerDied
from grader.sandbox.isolation import detect
from grader.sandbox.supervisor import Sandbox, SandboxSpec

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"
ROOT = Path(__file__).resolve().parent.parent
caps = detect()
needs_bwrap = pytest.mark.skipif(caps.bwrap is None, reason="bubblewrap missing: apt-get install bubblewrap")
needs_cgroups = pytest.mark.skipif(
    caps.cgroup_memory is None or caps.cgroup_pids is None,
    reason="cgroup memory/pids controllers missing: run as root with cgroups",
)


@pytest.fixture(params=["auto", "cold"])
def start(request):
    """Every test runs on both ways of starting a worker: warm (forked from the zygote; as root
    the forked child builds the namespaces itself) and cold (a fresh interpreter, bubblewrap)."""
    return request.param


@pytest.fixture
def sandbox(tmp_path, start):
    spec = SandboxSpec(
        public_dir=PUBLIC,
        framework="none",
        start_timeout_s=30,
        memory_mb=512,
        max_processes=64,
        hidden=(ROOT, tmp_path),
        start=start,
    )
    with Sandbox(spec) as sb:
        yield sb


def _run(sb, body: str, timeout=20, snap="s"):
    source = "import os, sys, time, signal, socket, subprocess\ndef f(x):\n" + "".join(
        f"    {line}\n" for line in body.splitlines()
    )
    sb.load(snap, [{"cell": 0, "line": 1, "source": source, "binds": ["f"]}], {0: source}, timeout)
    return sb.probe(snap, "call", "f", {}, {"x": np.zeros(1)}, timeout)[1]["y"]


def _leftovers(tag: str, wait_s: float = 10.0) -> list:
    """Live processes whose command line carries `tag`, after giving the kernel up to `wait_s` to finish
    killing them (the kill of a namespace or cgroup is asynchronous; a busy machine can take a while)."""
    deadline = time.monotonic() + wait_s
    while True:
        alive = []
        for process in psutil.process_iter(["cmdline", "status"]):
            if tag in " ".join(process.info["cmdline"] or []) and process.info["status"] != psutil.STATUS_ZOMBIE:
                alive.append(process)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@needs_bwrap
def test_grader_files_and_other_submissions_are_invisible(sandbox, tmp_path):
    (tmp_path / "other_student.ipynb").write_text("{}")
    body = (
        f"paths = [{str(ROOT / 'reference' / 'generative_tf' / 'solution.py')!r}, {str(ROOT / 'rubrics')!r},\n"
        f"         {str(tmp_path / 'other_student.ipynb')!r}, {str(ROOT / 'submissions')!r}]\n"
        "return [float(os.path.exists(p)) for p in paths]"
    )
    assert _run(sandbox, body).tolist() == [0.0, 0.0, 0.0, 0.0]
    assert "isolation" in sandbox.environment and "hidden-grader-files" in sandbox.environment["isolation"]


@needs_bwrap
def test_the_public_probes_are_visible_but_read_only(sandbox):
    body = f"ok = os.path.exists({str(PUBLIC / 'probes.py')!r})\ntry:\n    open({str(PUBLIC / 'x.py')!r}, 'w')\n    w = 1\nexcept OSError:\n    w = 0\nreturn [float(ok), float(w)]"
    assert _run(sandbox, body).tolist() == [1.0, 0.0]
    assert not (PUBLIC / "x.py").exists()


@needs_bwrap
def test_no_network_not_even_the_graders_loopback(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        body = (
            f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    return [1.0]\n"
            "except OSError:\n    return [0.0]"
        )
        assert _run(sandbox, body).tolist() == [0.0]
    finally:
        server.close()


@needs_bwrap
def test_writes_outside_the_sandbox_never_land(sandbox, tmp_path):
    marker = f"hacked-{uuid.uuid4().hex[:8]}.txt"
    targets = [ROOT / marker, tmp_path / marker, Path("/tmp") / marker, Path("/etc") / marker]
    body = (
        "n = 0\n"
        f"for p in {[str(t) for t in targets]!r}:\n"
        "    try:\n        open(p, 'w').write('x')\n        n += 1\n    except OSError:\n        pass\n"
        "return [n]"
    )
    _run(sandbox, body)
    assert not any(t.exists() for t in targets)


@needs_bwrap
def test_killing_its_parent_and_every_visible_process_cannot_stop_the_grader(sandbox):
    body = (
        "for pid in [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    if pid != os.getpid():\n        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
        "return [len([p for p in os.listdir('/proc') if p.isdigit()])]"
    )
    try:
        visible = _run(sandbox, body)[0]
        assert visible < 10  # a PID namespace: none of the grader's processes are in view
    except WorkerDied:
        pass  # killing its own namespace's init ends the worker: fine, the grader lives on
    assert psutil.Process(os.getpid()).is_running()
    assert _run(sandbox, "return [2.0]", snap="after").tolist() == [2.0]


@needs_cgroups
def test_memory_bomb_is_stopped_by_the_kernel_and_named(sandbox):
    with pytest.raises(WorkerDied, match="memory limit of 512 MiB exceeded"):
        _run(sandbox, "x = []\nwhile True:\n    x.append(bytearray(50 << 20))", timeout=60)
    assert _run(sandbox, "return [3.0]", snap="after").tolist() == [3.0]


@needs_cgroups
def test_fork_storm_is_bounded_and_nothing_survives_the_sandbox(tmp_path, start):
    tag = f"grader-storm-{uuid.uuid4().hex[:8]}"
    spec = SandboxSpec(public_dir=PUBLIC, framework="none", start_timeout_s=30, max_processes=64, start=start)
    body = (
        "n = 0\nfor _ in range(300):\n    try:\n"
        f"        subprocess.Popen(['sh', '-c', 'sleep 600', {tag!r}], start_new_session=True)\n        n += 1\n"
        "    except OSError:\n        break\nreturn [n]"
    )
    with Sandbox(spec) as sb:
        try:
            started = _run(sb, body)[0]
            assert started < 300
        except (StudentCodeError, WorkerDied):
            pass  # the limit may also fail the worker's own bookkeeping: contained either way
    assert not _leftovers(tag)


def test_children_that_leave_the_process_group_are_killed_at_the_end(tmp_path, start):
    tag = f"grader-orphan-{uuid.uuid4().hex[:8]}"
    spec = SandboxSpec(public_dir=PUBLIC, framework="none", start_timeout_s=30, start=start)
    with Sandbox(spec) as sb:
        _run(sb, f"subprocess.Popen(['sh', '-c', 'sleep 600', {tag!r}], start_new_session=True)\nreturn [1.0]")
    leftovers = _leftovers(tag)
    if caps.bwrap is None and caps.cgroup_pids is None:
        pytest.skip("without bubblewrap or cgroups a setsid child can outlive the sandbox (see grader doctor)")
    assert not leftovers


def test_doctor_names_every_layer_and_what_is_missing(capsys):
    from grader.cli import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "process-group-kill" in out and "without bubblewrap" in out
    assert "worker start: " in out
    if caps.namespaces:
        assert "warm, forked from a zygote" in out and "forked-namespaces" in out
    for name, _fix in caps.missing:
        assert name in out

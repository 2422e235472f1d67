"""The sandbox/judge split: plain data only, timeouts, dead workers replaced, blame assigned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.errors import ProbeBug, ProbeTimeout, StudentCodeError, WorkerDied
from grader.sandbox.supervisor import Sandbox, SandboxSpec

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"


def _snapshot(source: str):
    return [{"cell": 0, "line": 1, "source": source, "binds": ["f"]}]


@pytest.fixture
def sandbox():
    with Sandbox(
        SandboxSpec(
            public_dir=PUBLIC, framework="none", start_timeout_s=30, memory_mb=1024, limits={"RLIMIT_FSIZE": 1 << 20}
        )
    ) as sb:
        yield sb


def _call(sb, source, x=None, timeout=10, snap="s"):
    x = np.arange(3.0) if x is None else x
    sb.load(snap, _snapshot(source), {0: source}, timeout)
    return sb.probe(snap, "call", "f", {}, {"x": x}, timeout)


def test_probe_returns_plain_arrays(sandbox):
    values, arrays = _call(sandbox, "def f(x):\n    return x * 2\n")
    assert np.array_equal(arrays["y"], [0.0, 2.0, 4.0])


def test_student_exception_is_the_students_with_their_cell_in_the_traceback(sandbox):
    with pytest.raises(StudentCodeError) as err:
        _call(sandbox, "def f(x):\n    return x / undefined_name\n")
    assert "NameError" in err.value.error and "<cell 1>" in err.value.traceback
    assert "undefined_name" in err.value.traceback


def test_not_implemented_is_flagged(sandbox):
    with pytest.raises(StudentCodeError) as err:
        _call(sandbox, "def f(x):\n    raise NotImplementedError()\n")
    assert err.value.not_implemented


def test_a_bug_in_a_probe_is_not_charged_to_the_student(sandbox):
    sandbox.load("s", _snapshot("def f(x):\n    return x\n"), {}, 10)
    with pytest.raises(ProbeBug):
        sandbox.probe("s", "buggy_probe", "f", {}, {}, 10)


def test_infinite_loop_times_out_and_a_fresh_worker_serves_the_next_probe(sandbox):
    with pytest.raises(ProbeTimeout):
        _call(sandbox, "def f(x):\n    while True:\n        pass\n", timeout=2)
    values, arrays = _call(sandbox, "def f(x):\n    return x + 1\n", snap="t")
    assert arrays["y"][0] == 1.0 and sandbox.restarts >= 1


def test_os_exit_mid_probe_is_a_dead_worker_not_a_result(sandbox):
    with pytest.raises(WorkerDied) as err:
        _call(sandbox, "import os\ndef f(x):\n    os._exit(0)\n")
    assert "status 0" in err.value.reason
    assert _call(sandbox, "def f(x):\n    return x\n", snap="u")[1]["y"].shape == (3,)


def test_system_exit_in_a_cell_costs_only_that_statement(sandbox):
    source = "raise SystemExit(3)\n"
    failures = sandbox.load(
        "s",
        [
            {"cell": 0, "line": 1, "source": source, "binds": []},
            {"cell": 1, "line": 1, "source": "def f(x):\n    return x\n", "binds": ["f"]},
        ],
        {},
        10,
    )
    assert "SystemExit" in failures[0]["error"]
    assert sandbox.probe("s", "call", "f", {}, {"x": np.ones(2)}, 10)[1]["y"].tolist() == [1.0, 1.0]


def test_printing_to_stdout_does_not_corrupt_the_protocol(sandbox):
    values, arrays = _call(
        sandbox, "import sys\ndef f(x):\n    print('{\"ok\": true}' * 1000)\n    sys.stdout.flush()\n    return x\n"
    )
    assert arrays["y"].tolist() == [0.0, 1.0, 2.0]


def test_objects_never_cross_the_wire(sandbox):
    sandbox.load("s", _snapshot("def f(x):\n    return x\n"), {}, 10)
    with pytest.raises(ProbeBug):  # the worker refuses to serialise an object array
        sandbox.probe("s", "object_reply", "f", {}, {}, 10)


def test_student_returning_none_is_rejected_as_the_students_fault(sandbox):
    with pytest.raises(StudentCodeError) as err:
        _call(sandbox, "def f(x):\n    pass\n")
    assert "returned None" in err.value.error


def test_worker_runs_in_its_own_scrubbed_environment(sandbox, monkeypatch):
    source = "import os\ndef f(x):\n    return [len(os.environ.get('SECRET_TOKEN', '')), os.getcwd().startswith(os.environ['HOME'])]\n"
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    assert _call(sandbox, source)[1]["y"].tolist() == [0.0, 1.0]


def test_file_size_limit_applies_to_student_code(sandbox):
    source = "def f(x):\n    open('big.bin', 'wb').write(b'0' * (4 << 20))\n    return x\n"
    with pytest.raises((StudentCodeError, WorkerDied)):
        _call(sandbox, source)

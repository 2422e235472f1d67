"""Isolation layers: what a hostile worker cannot do (needs bubblewrap / root; skipped elsewhere
with the name of what is missing, see `grader doctor`)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import pytest

from grader.labs import Lab, find_lab, list_labs
from grader.sandbox import isolation, namespaces
from grader.sandbox.errors import StudentCodeError, WorkerDied
from grader.sandbox.isolation import Confinement, detect
from grader.sandbox.namespaces import View
from grader.sandbox.supervisor import Sandbox, SandboxSpec
from grader.settings import load_settings

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
        f"paths = [{str(ROOT / 'reference' / 'generative_tf' / 'judge' / 'solution.py')!r}, {str(ROOT / 'rubrics')!r},\n"
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


# -- what the sandbox is shown of a lab, and an installed lab's private side ------------------------


def _installed_tree(base: Path, install_folder: str = "site-packages") -> dict[str, Path]:
    """A fake installed grader under ``base``: a folder standing for site-packages holding two lab
    packs (each with public/ and a judge/ whose solution.py carries a marker) and rubrics/."""
    site = base / "venv" / "lib" / "python3" / install_folder
    paths = {"site": site, "rubrics": site / "rubrics"}
    for pack in ("generative_tf", "other_lab"):
        public, judge = site / "reference" / pack / "public", site / "reference" / pack / "judge"
        public.mkdir(parents=True)
        (judge / "deep").mkdir(parents=True)
        shutil.copy(PUBLIC / "probes.py", public / "probes.py")  # the toy lab's probes: `call` runs student code
        (public / "scaffold.py").write_text("SCAFFOLD = 1\n")
        for name in ("checks.py", "oracles.py", "template.ipynb"):
            (public / name).write_text("# public, but not the sandbox's business\n")
        (judge / "solution.py").write_text(f"MARKER = 'solution of {pack}'\n")
        paths[f"{pack}.public"], paths[f"{pack}.judge"] = public, judge
    paths["rubrics"].mkdir()
    shutil.copy(ROOT / "rubrics" / "generative-tf.yaml", paths["rubrics"] / "generative-tf.yaml")
    return paths


def _installed_lab(tree: dict[str, Path]) -> Lab:
    """The checkout's generative-tf lab as if installed in ``tree``: its root is the site-packages."""
    lab = find_lab("generative-tf", load_settings({}, cwd=ROOT))
    site = tree["site"]
    return dataclasses.replace(
        lab,
        root=site,
        rubric_path=tree["rubrics"] / "generative-tf.yaml",
        pack_dir=site / "reference" / "generative_tf",
    )


@pytest.fixture
def no_hidden_roots(monkeypatch):
    """Only the test's own hidden folders: /tmp (where tmp_path lives) is not covered as a whole."""
    monkeypatch.setattr(isolation, "HIDDEN_ROOTS", ())


def test_a_hidden_folder_inside_a_bound_back_folder_is_covered_again(tmp_path, no_hidden_roots):
    tree = _installed_tree(tmp_path)
    outputs = tmp_path / "elsewhere" / "outputs"
    outputs.mkdir(parents=True)
    judge = tree["generative_tf.judge"]
    hidden = [tmp_path / "venv", judge, judge / "deep", outputs]
    view = Confinement.view(tmp_path / "home", [tree["site"]], hidden)
    assert view.binds == (str(tree["site"]),)
    assert view.recovers == (str(judge),)  # judge/deep lies inside judge/: one tmpfs covers both
    # a hidden folder outside every bind is covered once, before the binds, and is no recover
    assert set(view.covers) == {str(tmp_path / "venv"), str(outputs)}
    assert str(outputs) not in view.recovers


def test_visible_single_files_are_bound_alone_and_their_hidden_siblings_stay_covered(tmp_path, no_hidden_roots):
    tree = _installed_tree(tmp_path)
    public, judge = tree["generative_tf.public"], tree["generative_tf.judge"]
    files = [public / "probes.py", public / "scaffold.py"]
    view = Confinement.view(tmp_path / "home", files, [tmp_path / "venv", judge])
    assert set(view.binds) == {str(f) for f in files}
    assert view.covers == (str(tmp_path / "venv"),)  # judge/ lies inside it: hidden with it
    assert view.recovers == ()  # no bound file holds a hidden folder


def test_the_real_hidden_roots_cover_tmp_and_still_recover_a_judge_inside_a_bind(tmp_path):
    tree = _installed_tree(tmp_path)
    judge, other = tree["generative_tf.judge"], tree["other_lab.judge"]
    view = Confinement.view(tmp_path / "home", [tree["site"]], [judge, other, tree["rubrics"]])
    assert "/tmp" in view.covers and str(tree["site"]) in view.binds
    assert set(view.recovers) == {str(judge), str(other), str(tree["rubrics"])}


def test_bubblewrap_covers_the_recovered_folders_after_binding_back(tmp_path):
    tree = _installed_tree(tmp_path)
    judge = tree["generative_tf.judge"]
    confinement = Confinement("auto", 512, 64)
    # only the command is built here, nothing runs: any machine can check the order of its arguments
    confinement.use_bwrap, confinement.caps = True, dataclasses.replace(confinement.caps, bwrap="bwrap")
    cmd = confinement.command(["python"], tmp_path / "home", [tree["site"]], [judge])
    pairs = list(zip(cmd, cmd[1:]))
    bind, cover = pairs.index(("--ro-bind", str(tree["site"]))), pairs.index(("--tmpfs", str(judge)))
    assert cover > bind, f"judge/ must be covered after the site-packages is bound back: {cmd}"


def test_the_forked_sandbox_mounts_the_recovers_after_the_binds(tmp_path, monkeypatch, no_hidden_roots):
    """namespaces.enter, its system calls recorded instead of made: the order is what keeps judge/ hidden."""
    tree = _installed_tree(tmp_path)
    judge = tree["generative_tf.judge"]
    view = Confinement.view(tmp_path / "home", [tree["site"]], [tmp_path / "venv", judge])
    mounts: list[tuple[str, str]] = []

    class NoSyscalls:
        def unshare(self, _flags):
            return 0

        def syscall(self, *_args):
            return 0

    monkeypatch.setattr(namespaces, "_libc", lambda: NoSyscalls())
    monkeypatch.setattr(
        namespaces,
        "_mount",
        lambda source, target, fstype, flags, data=None: mounts.append((str(fstype or "bind"), target)),
    )
    namespaces.enter(view)
    order = [target for _kind, target in mounts]
    assert mounts[order.index(str(tmp_path / "venv"))][0] == "tmpfs"
    assert mounts[order.index(str(tree["site"]))][0] == "bind"
    assert mounts[order.index(str(judge))][0] == "tmpfs"
    assert order.index(str(tmp_path / "venv")) < order.index(str(tree["site"])) < order.index(str(judge))


def test_a_view_with_recovers_survives_the_trip_to_the_zygote():
    view = View(("/work",), ("/work/venv",), "/tmp/h", 1 << 20, ("/work/venv/lib/site-packages/reference/x/judge",))
    assert View.from_json(view.to_json()) == view
    old_message = {k: v for k, v in view.to_json().items() if k != "recovers"}
    assert View.from_json(old_message) == dataclasses.replace(view, recovers=())


def test_the_shipped_labs_show_the_sandbox_only_probes_scaffold_and_handout():
    labs = {lab.name: lab for lab in list_labs(load_settings({}, cwd=ROOT))}
    for name in ("autoencoders-keras", "generative-tf", "vae-pyro"):
        lab = labs[name]
        expected = {lab.public_dir / "probes.py", lab.public_dir / "scaffold.py"}
        if name == "vae-pyro":
            expected.add(lab.public_dir / "src")  # the course's helpers the template imports (handout:)
        assert set(lab.sandbox_files) == expected, name
        names = {p.name for p in lab.sandbox_files}
        assert not names & {"checks.py", "oracles.py", "downstream.py", "template.ipynb"}, name
        assert not any("judge" in p.parts for p in lab.sandbox_files), name


def test_a_checkout_lab_hides_its_whole_root():
    lab = find_lab("generative-tf", load_settings({}, cwd=ROOT))
    assert lab.private_dirs == (ROOT,)


@pytest.mark.parametrize("install_folder", ["site-packages", "dist-packages"])
def test_an_installed_lab_hides_every_packs_judge_and_the_rubrics(tmp_path, install_folder):
    tree = _installed_tree(tmp_path, install_folder)
    lab = _installed_lab(tree)
    assert lab.private_dirs == (tree["generative_tf.judge"], tree["other_lab.judge"], tree["rubrics"])
    assert lab.root not in lab.private_dirs  # the sandbox imports its libraries from there
    assert lab.sandbox_files == (
        tree["generative_tf.public"] / "probes.py",
        tree["generative_tf.public"] / "scaffold.py",
    )


@pytest.mark.slow
def test_an_installed_labs_judge_is_unreadable_in_the_sandbox(tmp_path, start):
    if start == "cold" and caps.bwrap is None:
        pytest.skip("a cold sandbox hides folders with bubblewrap: apt-get install bubblewrap")
    if start == "auto" and caps.bwrap is None and not caps.namespaces:
        pytest.skip("no layer here hides folders (bubblewrap, or forked namespaces as root): see grader doctor")
    tree = _installed_tree(tmp_path)
    lab = _installed_lab(tree)
    spec = SandboxSpec(
        public_dir=lab.public_dir,
        framework="none",
        start_timeout_s=30,
        memory_mb=512,
        max_processes=64,
        hidden=(*lab.private_dirs, tmp_path),
        visible=(tree["site"],),  # as site-packages on sys.path is: the worker imports from it
        sandbox_files=lab.sandbox_files,
        start=start,
    )
    judge, public = tree["generative_tf.judge"], tree["generative_tf.public"]
    body = (
        "try:\n"
        f"    open({str(judge / 'solution.py')!r}).read()\n    read = 1\n"
        "except FileNotFoundError:\n    read = 0\n"
        f"listed = len(os.listdir({str(judge)!r}))\n"
        f"other = os.path.exists({str(tree['other_lab.judge'] / 'solution.py')!r})\n"
        f"rubric = os.path.exists({str(tree['rubrics'] / 'generative-tf.yaml')!r})\n"
        f"probes = 'def call' in open({str(public / 'probes.py')!r}).read()\n"
        f"shown = 'probes.py' in os.listdir({str(public)!r})\n"
        "return [read, listed, float(other), float(rubric), float(probes), float(shown)]"
    )
    with Sandbox(spec) as sb:
        seen = _run(sb, body).tolist()
        if start == "auto" and caps.namespaces:
            assert sb.environment["worker"]["start"] == "warm"  # the forked namespaces did the hiding
        assert "hidden-grader-files" in sb.environment["isolation"]
    assert seen == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0], "judge/, another pack's judge/ and rubrics/ must be hidden"
    assert (judge / "solution.py").read_text().startswith("MARKER")  # hidden from the sandbox only

"""Isolation layers around a sandbox worker, detected once and recorded in every report.

Always (any Linux): a process per submission in its own process group, a scrubbed environment,
a fresh temporary HOME and working directory, rlimits (CPU time, file size, open files, no
core files), a wall-clock deadline per probe and per submission, a resident-memory watchdog,
and the whole process tree killed on timeout (supervisor.py).

Where available:
- ``bubblewrap``: a read-only view of the system with the grader's files hidden (the project,
  HOMEs, /tmp, the submissions, outputs and gradebook) and only the interpreter, the grader
  package and the lab's public folder bound back; a private size-limited tmpfs as HOME and
  working directory; new user, PID, network, IPC and UTS namespaces (no network, no view of
  the grader's processes, so it cannot signal them), uid 65534, all capabilities dropped;
  the sandbox dies with the grader.
- forked namespaces (warm workers, as root; :mod:`grader.sandbox.namespaces`): the same view
  and namespaces built by the forked child itself from the same :class:`View`, with a real uid
  65534 and ``no_new_privs``; bubblewrap cannot wrap a process that is forked, not executed.
- ``cgroup`` (as root, cgroup v1 or v2): a real memory limit (the kernel kills the worker on
  excess; RLIMIT_AS breaks TensorFlow) and a process-count limit (RLIMIT_NPROC is not
  enforced for root), and every process of the sandbox killed at the end.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .namespaces import View

BASE_LAYERS = (
    "process",
    "scrubbed-env",
    "private-workdir",
    "rlimits",
    "deadlines",
    "memory-watchdog",
    "process-group-kill",
)
HIDDEN_ROOTS = ("/root", "/home", "/tmp", "/var/tmp", "/mnt", "/media", "/srv", "/opt", "/work")
SANDBOX_TMPFS_BYTES = 512 << 20
CGROUP_V1 = Path("/sys/fs/cgroup")
GRADER_PACKAGE = Path(__file__).resolve().parents[1]  # the sandbox sees the grader package again


@dataclass(frozen=True)
class Capabilities:
    """What this machine offers; ``missing`` says what is not there and how to get it."""

    bwrap: str | None
    root: bool
    cgroup_memory: Path | None
    cgroup_pids: Path | None
    missing: tuple[tuple[str, str], ...] = field(default=())
    namespaces: bool = False  # a forked child can build the sandbox's namespaces itself (root)

    def layers(self, isolation: str = "auto", warm: bool = False) -> tuple[str, ...]:
        extra = ["warm-fork"] if warm else []
        if isolation != "basic":
            if warm and self.namespaces:
                extra += [
                    "forked-namespaces",
                    "read-only-system",
                    "hidden-grader-files",
                    "no-network",
                    "pid-namespace",
                    "uid-65534",
                    "disk-quota",
                    "no-new-privileges",
                ]
            elif self.bwrap and not warm:
                extra += [
                    "bubblewrap",
                    "read-only-system",
                    "hidden-grader-files",
                    "no-network",
                    "pid-namespace",
                    "uid-65534",
                    "disk-quota",
                ]
            if self.cgroup_memory:
                extra.append("cgroup-memory")
            if self.cgroup_pids:
                extra.append("cgroup-pids")
        return BASE_LAYERS + tuple(extra)


_detect_lock = threading.Lock()


def detect() -> Capabilities:
    """Probe the machine once per process (about 0.1 s). Judge threads start sandboxes at the
    same moment: the first probes, the others wait for its answer (two concurrent probes
    would race on the cgroup test folder, and one would wrongly find no cgroups)."""
    with _detect_lock:
        return _detect()


def warm_support(isolation: str) -> tuple[bool, str]:
    """Whether sandboxes can start warm here (forked from a zygote) with every layer a cold one
    would get, and why not: bubblewrap cannot wrap a forked process, so a machine whose sandboxes
    need bubblewrap starts them cold unless, as root, the forked child builds the namespaces itself."""
    if not hasattr(socket, "send_fds") or not hasattr(os, "fork"):
        return False, "this platform cannot pass descriptors or fork"
    caps = detect()
    if isolation != "basic" and caps.namespaces:
        return True, "as root, the forked child builds the sandbox's namespaces itself"
    if isolation != "basic" and caps.bwrap is not None:
        return False, (
            "bubblewrap isolates this machine's sandboxes and cannot wrap a forked process "
            "(building the namespaces in the forked child needs root)"
        )
    return True, "only the always-on layers here: a fork gets them as a fresh process does"


@functools.lru_cache(maxsize=1)
def _detect() -> Capabilities:
    root = os.geteuid() == 0
    missing: list[tuple[str, str]] = []
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        missing.append(
            ("bubblewrap", "not installed: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`")
        )
    elif not _bwrap_works(bwrap):
        missing.append(
            (
                "bubblewrap",
                "installed but cannot create namespaces here: enable unprivileged user namespaces "
                "(sysctl kernel.unprivileged_userns_clone=1) or run the grader as root",
            )
        )
        bwrap = None
    memory = _cgroup_dir("memory") if root else None
    pids = _cgroup_dir("pids") if root else None
    if memory is None:
        missing.append(
            (
                "cgroup-memory",
                "needs root and a writable cgroup memory controller; without it a "
                "resident-memory watchdog polls every 0.2 s instead",
            )
        )
    if pids is None:
        missing.append(
            (
                "cgroup-pids",
                "needs root and a writable cgroup pids controller; without it RLIMIT_NPROC "
                "limits processes (not enforced for root)",
            )
        )
    return Capabilities(bwrap, root, memory, pids, tuple(missing), namespaces=root and _namespaces_work())


def _bwrap_works(bwrap: str) -> bool:
    try:
        done = subprocess.run(
            [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True,
            timeout=10,
        )
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _namespaces_work() -> bool:
    """Whether a forked child can build a sandbox here (unshare, tmpfs covers, a recursive
    read-only remount, /proc of a new PID namespace, uid 65534): tried in a throwaway process."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", "from grader.sandbox.namespaces import selftest; selftest()"],
            capture_output=True,
            timeout=30,
        )
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _cgroup_dir(controller: str) -> Path | None:
    """A writable parent cgroup for the grader's sandboxes, v1 (``/sys/fs/cgroup/<c>``) or
    v2 (``/sys/fs/cgroup`` with the controller enabled)."""
    for base in (CGROUP_V1 / controller, CGROUP_V1):
        if base == CGROUP_V1 and not (base / "cgroup.controllers").exists():
            continue
        if base == CGROUP_V1 and controller not in (base / "cgroup.controllers").read_text().split():
            continue
        parent = base / "grader"
        try:
            parent.mkdir(exist_ok=True)
            if base == CGROUP_V1:  # v2: controllers must be enabled for children
                (base / "cgroup.subtree_control").write_text(f"+{controller}")
            probe = parent / f"probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            probe.mkdir(exist_ok=True)
            probe.rmdir()
            return parent
        except OSError:
            continue
    return None


class Confinement:
    """The layers applied to one worker: wraps its command, then attaches and kills it."""

    def __init__(self, isolation: str, memory_mb: int, max_processes: int, warm: bool = False):
        caps = detect()
        self.caps = caps
        self.use_bwrap = isolation != "basic" and caps.bwrap is not None and not warm
        self.use_namespaces = isolation != "basic" and caps.namespaces and warm
        self.use_cgroups = isolation != "basic"
        self.memory_mb, self.max_processes = memory_mb, max_processes
        self._groups: list[Path] = []
        self.layers = caps.layers(isolation, warm)

    @staticmethod
    def view(home: Path, visible: list[Path], hidden: list[Path]) -> View:
        """What the worker sees: the system read-only; the HOMEs, temporary folders and
        ``hidden`` (project, submissions, outputs) replaced by empty tmpfs; only ``visible``
        paths, the interpreter and the libraries shown again; ``home`` its writable tmpfs."""
        wanted = [Path(h) for h in HIDDEN_ROOTS] + [p.resolve() for p in hidden]
        covers = [c for c in _outermost(wanted) if c.is_dir()]
        binds = _bind_back(visible, covers)
        # a hidden folder inside something bound back (a lab's judge/ in the site-packages the
        # worker imports from) is covered again once the binds are in place
        recovers = _outermost([h for h in wanted if h.is_dir() and any(_under(h, b) and h != b for b in binds)])
        return View(
            tuple(map(str, covers)), tuple(map(str, binds)), str(home), SANDBOX_TMPFS_BYTES, tuple(map(str, recovers))
        )

    def command(self, argv: list[str], home: Path, visible: list[Path], hidden: list[Path]) -> list[str]:
        """``argv`` wrapped in bubblewrap (when used) showing it :meth:`view`."""
        if not self.use_bwrap:
            return argv
        bwrap = self.caps.bwrap
        if bwrap is None:  # use_bwrap is set only when a working bwrap was found
            raise RuntimeError("Confinement.use_bwrap is set but no bwrap was found: a bug in Confinement.__init__")
        view = self.view(home, visible, hidden)
        cmd = [
            bwrap,
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--uid",
            "65534",
            "--gid",
            "65534",
            "--ro-bind",
            "/",
            "/",
        ]
        for path in view.covers:
            cmd += ["--tmpfs", path]
        for path in view.binds:
            cmd += ["--ro-bind", path, path]
        for path in view.recovers:
            cmd += ["--tmpfs", path]
        cmd += [
            "--size",
            str(view.home_bytes),
            "--tmpfs",
            view.home,
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--chdir",
            view.home,
            "--",
        ]
        return cmd + argv

    def forked_view(self, home: Path, visible: list[Path], hidden: list[Path]) -> View | None:
        """The view a warm worker's forked child builds itself (None: no namespaces, basic layers)."""
        return self.view(home, visible, hidden) if self.use_namespaces else None

    def attach(self, pid: int) -> None:
        """Put the started worker and every process it has started so far (bubblewrap, or the
        forked set-up, starts the sandboxed process at once) into its cgroups. Called once the worker has answered
        ``init``: no student code has run yet, and whatever it starts later inherits them."""
        if not self.use_cgroups:
            return
        if not self._groups:
            self._groups = [
                g
                for g in (
                    self._make_group(self.caps.cgroup_memory, self._memory_limits()),
                    self._make_group(self.caps.cgroup_pids, {"pids.max": str(self.max_processes)}),
                )
                if g is not None
            ]
        pids = [pid] + _descendants(pid)
        for group in self._groups:
            for member in pids:
                try:
                    (group / "cgroup.procs").write_text(str(member))
                except OSError:
                    pass

    @staticmethod
    def _make_group(parent: Path | None, limits: dict[str, str]) -> Path | None:
        if parent is None:
            return None
        group = parent / f"sandbox-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            for name, value in limits.items():
                if (group / name).exists():
                    (group / name).write_text(value)
        except OSError:
            return None
        return group

    def _memory_limits(self) -> dict[str, str]:
        limit = str(self.memory_mb << 20)
        return {"memory.limit_in_bytes": limit, "memory.max": limit, "memory.swappiness": "0", "memory.swap.max": "0"}

    def memory_exceeded(self) -> bool:
        """Whether the kernel hit the memory limit (v1 ``memory.failcnt``, v2 ``memory.events``)."""
        for group in self._groups:
            failcnt, events = group / "memory.failcnt", group / "memory.events"
            if failcnt.exists() and failcnt.read_text().strip() not in ("", "0"):
                return True
            if events.exists():
                counts = dict(line.split() for line in events.read_text().splitlines() if line.strip())
                if int(counts.get("oom_kill", 0)) > 0 or int(counts.get("max", 0)) > 0:
                    return True
        return False

    def kill_all(self) -> None:
        """SIGKILL every process left in the sandbox's cgroups, then remove the cgroups."""
        for group in self._groups:
            for _ in range(20):
                try:
                    pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                _sleep(0.05)
            try:
                group.rmdir()
            except OSError:
                pass
        self._groups = []


def _descendants(pid: int) -> list[int]:
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _bind_back(visible: list[Path], covers: list[Path]) -> list[Path]:
    """What the worker needs to see again under the hidden folders: the interpreter, the
    libraries on sys.path, the grader package and ``visible`` (the lab's public folder)."""
    needed = {
        Path(sys.base_prefix),
        Path(sys.prefix),
        GRADER_PACKAGE,
        Path(sys.executable).resolve().parent.parent,
        *visible,
    }
    needed |= {Path(p) for p in sys.path if p and Path(p).is_dir() and "site-packages" in p}
    shown = [p.resolve() for p in needed if p.exists()]
    return _outermost([p for p in shown if any(_under(p, c) for c in covers)])


def _outermost(paths: list[Path]) -> list[Path]:
    """The paths not inside another one of them, shortest first."""
    out: list[Path] = []
    for path in sorted(set(paths), key=lambda p: len(p.parts)):
        if not any(_under(path, kept) for kept in out):
            out.append(path)
    return out


def _under(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def _sleep(seconds: float) -> None:
    time.sleep(seconds)

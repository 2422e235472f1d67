"""The grader's side of the sandbox: start a worker, send it work, time it, replace it.

A :class:`Sandbox` owns at most one worker process at a time. Every call has a deadline; a
worker that runs past it, dies, exceeds its memory or answers garbage is killed with its whole
process group, the call raises (:class:`ProbeTimeout`, :class:`WorkerDied`), and the next call
starts a fresh worker and reloads the snapshots it needs, so the remaining items go on.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..frameworks import FRAMEWORKS, framework_for
from . import protocol
from .errors import (
    KernelLost,
    ProbeBug,
    ProbeTimeout,
    SandboxError,
    StudentCodeError,
    WorkerDied,
)
from .isolation import Confinement, warm_support
from .pool import ForkedWorker, ZygoteUnavailable, zygote_for
from .watchdog import DeadlineReader, process_tree, resident_mb


@dataclass(frozen=True)
class SandboxSpec:
    """What a worker is started with; built from the lab and the settings."""

    public_dir: Path
    framework: str
    seed: int = 0
    start_timeout_s: float = 120.0
    memory_mb: int = 4096
    limits: dict[str, int] = field(default_factory=dict)  # RLIMIT_* name -> value
    env: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    isolation: str = "auto"  # "auto": every layer this machine supports; "basic": the always-on ones
    max_processes: int = 512  # cgroup pids.max (threads count): TensorFlow alone starts dozens
    visible: tuple[Path, ...] = ()  # extra paths the worker may read (an mnist.npz)
    hidden: tuple[Path, ...] = ()  # extra folders the worker must not see (submissions, outputs)
    start: str = "auto"  # warm: forked from a zygote that imported the framework; cold: a fresh interpreter
    # the files and folders of the lab the worker sees (probes, scaffold, course helpers); empty: all of public_dir
    sandbox_files: tuple[Path, ...] = ()


class Sandbox:
    """One submission's sandbox: use as a context manager; calls restart a dead worker."""

    def __init__(self, spec: SandboxSpec):
        self.spec = spec
        self.environment: dict = {}
        self.restarts = 0
        self._kernel_worker = -1  # the `restarts` count when the notebook's kernel started (execute mode)
        self._proc: subprocess.Popen | ForkedWorker | None = None  # cold: a Popen; warm: forked by a zygote
        self._loaded: dict[str, list[dict]] = {}
        self._load_failures: dict[str, SandboxError] = {}
        self._ids = itertools.count(1)
        self._workdir: Path | None = None
        self._confinement: Confinement | None = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public calls -------------------------------------------------------------------

    def load(
        self,
        snapshot_id: str,
        statements: list[dict],
        cells: dict[int, str],
        timeout: float,
        stand_ins: dict[str, str] | None = None,
    ) -> list[dict]:
        """Execute a snapshot in the worker (once per worker); return its failed statements.
        ``stand_ins``: name -> item id whose stand-in (the lab probes' ``STAND_INS``) the worker
        binds to that name before the statements and after each one (grader.independence); a
        snapshot id must differ for different stand-ins. A stand-in that fails is a ProbeBug."""
        if snapshot_id in self._load_failures:  # it hung or killed a worker: do not wait again
            raise self._load_failures[snapshot_id]
        if snapshot_id not in self._loaded:
            try:
                reply, _ = self._call(
                    {
                        "op": "load",
                        "snapshot": snapshot_id,
                        "statements": statements,
                        "cells": {str(k): v for k, v in cells.items()},
                        "stand_ins": dict(stand_ins or {}),
                    },
                    {},
                    timeout,
                )
            except (ProbeTimeout, WorkerDied, ProbeBug) as exc:
                self._load_failures[snapshot_id] = exc
                raise
            self._loaded[snapshot_id] = reply.get("failures", [])
        return self._loaded[snapshot_id]

    def probe(
        self,
        snapshot_id: str,
        probe: str,
        name: str | None,
        args: dict,
        arrays: dict[str, np.ndarray],
        timeout: float,
        seed: int | None = None,
    ):
        """Run a lab probe on a loaded snapshot (or ``"kernel"``: the executed notebook's
        namespace); return ``(values, arrays)`` or raise."""
        if snapshot_id == "kernel" and self._kernel_worker != self.restarts:
            raise KernelLost("the notebook's kernel is gone: the sandbox was restarted after an earlier failure")
        header = {
            "op": "probe",
            "snapshot": snapshot_id,
            "probe": probe,
            "name": name,
            "args": args,
            "seed": self.spec.seed if seed is None else seed,
            "timeout": max(timeout - 2, 1),
        }
        reply, out = self._call(header, arrays, timeout)
        return reply.get("value", {}), out

    # -- execute mode ---------------------------------------------------------------------------

    def kernel_start(self, cells: list[dict], config: dict, timeout: float) -> None:
        """Start a Jupyter kernel for the notebook ``cells`` in the worker (execute mode)."""
        self._call({"op": "kernel_start", "cells": cells, "config": config}, {}, timeout)
        self._kernel_worker = self.restarts

    def kernel_run(self, until: int, timeout: float) -> tuple[list[dict], dict[str, np.ndarray], dict]:
        """Run the notebook's cells up to ``until``: ``(cell records, images, kernel report)``."""
        if self._kernel_worker != self.restarts:
            raise KernelLost("the notebook's kernel is gone: the sandbox was restarted after an earlier failure")
        reply, arrays = self._call({"op": "kernel_run", "until": until}, {}, timeout)
        return list(reply.get("cells", [])), arrays, dict(reply.get("kernel", {}))

    def reseed(self, seed: int) -> None:
        """Seed the next probes with ``seed`` (snapshots already loaded stay loaded)."""
        self.spec = replace(self.spec, seed=seed)

    def is_loaded(self, snapshot_id: str) -> bool:
        return snapshot_id in self._loaded and self._proc is not None

    def close(self) -> None:
        if self._proc is not None:
            try:
                protocol.send(self._stdin, {"op": "exit"})
            except (OSError, ValueError):
                pass
            self._kill()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # -- machinery ----------------------------------------------------------------------

    def _call(self, header: dict, arrays: dict, timeout: float):
        if self._proc is None:
            self._start()
        request_id = next(self._ids)
        try:
            protocol.send(self._stdin, dict(header, id=request_id), arrays)
        except (BrokenPipeError, OSError):
            raise self._died() from None
        reply, out = self._receive(timeout)
        if reply.get("id") != request_id:
            self._kill()
            raise WorkerDied("the worker answered out of turn")
        if not reply.get("ok"):
            kind = reply.get("kind")
            if kind == "probe_bug":
                raise ProbeBug(reply.get("error", ""))
            if kind == "timeout":
                raise ProbeTimeout(timeout)
            raise StudentCodeError(
                str(reply.get("error", "")), str(reply.get("traceback", "")), not_implemented=kind == "not_implemented"
            )
        return reply, out

    def _start(self) -> None:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        home = self._workdir / "home"
        home.mkdir(exist_ok=True)
        (home / "tmp").mkdir(exist_ok=True)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        log = open(self._workdir / "worker.log", "ab")
        spec = self.spec
        visible = [*(spec.sandbox_files or (spec.public_dir,)), *spec.visible]
        hidden = [*spec.hidden, self._workdir]
        started = time.monotonic()
        warm, why = self._warm_choice()
        proc: subprocess.Popen | ForkedWorker | None = None  # None until one start, warm or cold, succeeds
        if warm:
            self._confinement = confinement = Confinement(spec.isolation, spec.memory_mb, spec.max_processes, warm=True)
            view = confinement.forked_view(home, visible, hidden)
            try:
                zygote = zygote_for(spec.framework, spec.env, self._environment(home), spec.start_timeout_s)
                self._proc = proc = zygote.spawn(
                    view.to_json() if view else None,
                    self._environment(home),
                    str(home),
                    to_worker_r,
                    from_worker_w,
                    log.fileno(),
                )
                flavour = framework_for(spec.framework).label
                why = f"forked from the {flavour} zygote ({', '.join(zygote.imported) or 'nothing'} imported)"
            except ZygoteUnavailable as exc:
                warm, why = False, f"{exc}; started cold instead"
        if proc is None:  # not warm, or the zygote was unavailable
            self._confinement = confinement = Confinement(spec.isolation, spec.memory_mb, spec.max_processes)
            argv = confinement.command(
                [sys.executable, "-I", "-m", "grader.sandbox.worker", str(to_worker_r), str(from_worker_w)],
                home,
                visible,
                hidden,
            )
            self._proc = proc = subprocess.Popen(
                argv,
                pass_fds=(to_worker_r, from_worker_w),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                cwd=home,
                env=self._environment(home),
                start_new_session=True,
                close_fds=True,
            )
        log.close()
        os.close(to_worker_r)
        os.close(from_worker_w)
        self._stdin = os.fdopen(to_worker_w, "wb")
        self._stdout_fd = from_worker_r
        self._loaded.clear()
        init = {
            "op": "init",
            "public_dir": str(spec.public_dir),
            "framework": spec.framework,
            "seed": spec.seed,
            "limits": spec.limits,
            "data": spec.data,
        }
        reply, _ = self._call(init, {}, spec.start_timeout_s)
        confinement.attach(proc.pid)  # started, waiting: no student code has run yet
        worker = {"start": "warm" if warm else "cold", "why": why, "duration_s": round(time.monotonic() - started, 3)}
        self.environment = dict(reply.get("environment", {}), isolation=list(confinement.layers), worker=worker)

    def _warm_choice(self) -> tuple[bool, str]:
        """Whether this worker starts warm, and why (or why not)."""
        if self.spec.start == "cold":
            return False, "a fresh interpreter, as asked (pool: cold)"
        supported, why = warm_support(self.spec.isolation)
        if not supported:
            return False, f"a fresh interpreter: {why}"
        return True, why

    def _environment(self, home: Path) -> dict[str, str]:
        """A scrubbed environment: nothing of the grader's, only what the frameworks need."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            # the working folder, as a shell and bubblewrap's --chdir leave it: set here for every
            # start (warm, cold with or without bubblewrap) so that student code sees one environment
            "PWD": str(home),
            "TMPDIR": str(home / "tmp"),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(home / "tmp"),
            "KERAS_HOME": str(home / ".keras"),
            "CUDA_VISIBLE_DEVICES": "",
            "OMP_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
        for framework in FRAMEWORKS:  # every framework's, not only the lab's: a student may import any
            env.update(framework.sandbox_env())
        env.update(self.spec.env)
        return env

    def _receive(self, timeout: float):
        reader = DeadlineReader(self._stdout_fd, time.monotonic() + timeout, self._check_memory)
        try:
            return protocol.recv(reader)
        except TimeoutError:
            self._kill()
            raise ProbeTimeout(timeout) from None
        except protocol.ProtocolError:
            raise self._died() from None
        except MemoryError as exc:
            self._kill()
            raise WorkerDied(str(exc)) from None

    def _check_memory(self) -> None:
        proc = self._proc
        if proc is None:
            return
        # a forked worker's set-up processes share the zygote's pages: measure the worker's tree only
        rss = resident_mb(proc.worker_pids() if isinstance(proc, ForkedWorker) else process_tree(proc.pid))
        if rss > self.spec.memory_mb:
            raise MemoryError(f"memory limit of {self.spec.memory_mb} MiB exceeded ({rss:.0f} MiB)")

    def _died(self) -> WorkerDied:
        proc = self._proc
        try:
            code = proc.wait(timeout=5) if proc is not None else None
        except subprocess.TimeoutExpired:
            code = None
        out_of_memory = self._confinement is not None and self._confinement.memory_exceeded()
        self._kill()
        if out_of_memory:
            return WorkerDied(f"memory limit of {self.spec.memory_mb} MiB exceeded")
        if isinstance(proc, ForkedWorker) and proc.setup_error:
            return WorkerDied(f"the sandbox could not be set up: {proc.setup_error}")
        if code is None:
            return WorkerDied("the worker closed its channel")
        if code < 0:
            return WorkerDied(f"killed by signal {signal.Signals(-code).name}")
        return WorkerDied(f"exited with status {code}")

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        self._loaded.clear()
        if proc is None:
            return
        self.restarts += 1
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._confinement is not None:
            self._confinement.kill_all()  # processes that left the group (setsid) too
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fh in (getattr(self, "_stdin", None),):
            try:
                fh and fh.close()
            except OSError:
                pass
        try:
            os.close(self._stdout_fd)
        except OSError:
            pass

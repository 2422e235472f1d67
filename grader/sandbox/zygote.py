"""The zygote process of the warm worker pool: a parent that has imported the frameworks forks sandboxes.

Importing TensorFlow takes seconds; forking a process that has already imported it takes
milliseconds. A *zygote* is a small process started once per framework flavour (and per
grader process, or per Dask worker): it imports TensorFlow (with tf-keras for Keras 2 labs, or
Keras 3), or torch and pyro, plus matplotlib and the worker module, and then waits. It must
never run a framework operation: a child forked from a parent that ran one hangs
(ENVIRONMENT.md), so the zygote checks after its imports that TensorFlow's runtime context was
never created and refuses to serve otherwise. It never sees student code or data either:
requests carry only paths, the environment and file descriptors.

For each sandbox the supervisor sends the zygote a request over a Unix socket with four
descriptors (the worker's two protocol pipes, its log file, a status pipe) and the sandbox's
:class:`~grader.sandbox.namespaces.View`. The zygote forks; the child starts a new session,
enters its namespaces (as root: :func:`~grader.sandbox.namespaces.enter`), forks PID 1 of its
PID namespace, which drops every privilege and forks the worker, and then only relays the
sandbox's exit status on the status pipe. The worker is :class:`grader.sandbox.worker.Worker`,
the same code a cold ``python -m grader.sandbox.worker`` runs, so a warm sandbox answers
exactly as a cold one: only the start differs. This module is the zygote's program
(``python -m grader.sandbox.zygote``); the grader's side, which starts it and asks it to fork, is
:mod:`grader.sandbox.pool`.

The supervisor keeps every other layer as for a cold worker: cgroups (it attaches the forked
tree after ``init``), deadlines, the memory watchdog, killing the process group and the
cgroup. Without root, a machine whose isolation is bubblewrap starts cold workers (bubblewrap
cannot wrap a fork); see :func:`grader.sandbox.isolation.warm_support`.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from ..frameworks import framework_for
from . import namespaces, worker  # worker: loaded before any fork, in every child
from .protocol import ZYGOTE_MESSAGE_BYTES


def _import_frameworks(framework: str) -> list[str]:
    """Import what every worker of ``framework`` imports, without running anything."""
    imported = framework_for(framework).preload()
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # builds the font list once, for every child

        imported.append("matplotlib")
    except ImportError:
        pass
    return imported


def _ran_an_op() -> bool:
    """Whether TensorFlow's eager context exists: then an op ran and forked children would hang."""
    context = sys.modules.get("tensorflow.python.eager.context")
    if context is None:
        return False
    try:
        return context.context_safe() is not None and context.context()._context_handle is not None
    except Exception:  # noqa: BLE001 - internals moved: do not guess, refuse
        return True


def serve(control: socket.socket, framework: str) -> None:
    """Import the framework, say whether that worked, then fork a sandbox for each request on
    ``control`` until the grader closes it."""
    started = time.monotonic()
    try:
        imported = _import_frameworks(framework)
        if _ran_an_op():
            raise RuntimeError("a framework operation ran while importing: forked workers would hang")
    except BaseException as exc:  # noqa: BLE001 - say why, then stop
        control.send(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"}).encode())
        return
    control.send(
        json.dumps({"ready": True, "imported": imported, "import_s": round(time.monotonic() - started, 3)}).encode()
    )
    while True:
        _reap()
        ready, _, _ = select.select([control], [], [], 1.0)
        if not ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(control, ZYGOTE_MESSAGE_BYTES, 4)
        except OSError:
            return
        if not message:
            return  # the grader is gone: children die with us (PR_SET_PDEATHSIG)
        try:
            request = json.loads(message)
            if len(fds) != 4:
                raise ValueError(f"expected 4 descriptors, got {len(fds)}")
            pid = os.fork()
        except (ValueError, OSError) as exc:
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
            continue
        if pid == 0:
            control.close()
            _child(request, *fds)  # never returns
        for fd in fds:
            os.close(fd)
        control.send(json.dumps({"pid": pid}).encode())


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(request: dict, worker_in: int, worker_out: int, log: int, status: int) -> None:
    """The forked child: becomes the sandbox around one worker, then relays its exit status."""
    try:
        os.setsid()
        namespaces.die_with_parent()
        view = namespaces.View.from_json(request["view"]) if request.get("view") else None
        if view is not None:
            namespaces.enter(view)
        init = os.fork()
        if init == 0:
            if view is not None:
                namespaces.become_init()
                namespaces.die_with_parent()  # after the uid change, which clears it
            worker_pid = os.fork()
            if worker_pid == 0:
                os.close(status)
                _become_worker(request, worker_in, worker_out, log)  # never returns
            for fd in (worker_in, worker_out, log, status):
                os.close(fd)
            os._exit(os.waitstatus_to_exitcode(namespaces.reap_until(worker_pid)))
        for fd in (worker_in, worker_out, log):
            os.close(fd)
        _, wait_status = os.waitpid(init, 0)
        os.write(status, f"{os.waitstatus_to_exitcode(wait_status)}\n".encode())  # as Popen.returncode
    except BaseException as exc:  # noqa: BLE001 - no student code has run: report the set-up failure
        try:
            os.write(status, f"setup: {type(exc).__name__}: {exc}\n".encode()[:4000])
        except OSError:
            pass
        os._exit(70)
    os._exit(0)


def _become_worker(request: dict, worker_in: int, worker_out: int, log: int) -> None:
    """The sandboxed worker: what ``python -m grader.sandbox.worker`` would be, warm."""
    try:
        if request.get("view"):
            os.setsid()  # its own session and group inside the sandbox, as under bubblewrap
        namespaces.die_with_parent()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        for fd in (devnull, log):
            os.close(fd)
        keep = sorted({worker_in, worker_out})
        os.closerange(3, keep[0])
        os.closerange(keep[0] + 1, keep[-1])
        os.closerange(keep[-1] + 1, 1 << 16)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])  # the environment's PWD names it (supervisor._environment)
        tempfile.tempdir = None  # the zygote's TMPDIR is not this sandbox's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.argv = [worker.__file__, str(worker_in), str(worker_out)]  # what a cold worker's argv says
        main = worker.main
    except BaseException:  # noqa: BLE001
        os._exit(71)
    main([str(worker_in), str(worker_out)])  # os._exit at the end


def main(argv: list[str]) -> None:
    """``python -m grader.sandbox.zygote CONTROL_FD FRAMEWORK``, started by :mod:`grader.sandbox.pool`."""
    control = socket.socket(fileno=int(argv[0]))
    try:
        serve(control, argv[1])
    finally:
        home = Path.cwd()
        if home.name.startswith("grader-zygote-"):  # its own folder: gone even if the grader was killed
            shutil.rmtree(home, ignore_errors=True)
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])

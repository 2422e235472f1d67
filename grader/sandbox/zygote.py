"""The warm worker pool: sandbox workers forked from a parent that has imported the frameworks.

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
exactly as a cold one: only the start differs.

The supervisor keeps every other layer as for a cold worker: cgroups (it attaches the forked
tree after ``init``), deadlines, the memory watchdog, killing the process group and the
cgroup. Without root, a machine whose isolation is bubblewrap starts cold workers (bubblewrap
cannot wrap a fork); see :func:`warm_support`.
"""
from __future__ import annotations

import array
import atexit
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import namespaces

MAX_REQUEST = 1 << 20
READY_TIMEOUT_S = 180.0


# -- the zygote process ---------------------------------------------------------------------------

def _import_frameworks(framework: str) -> list[str]:
    """Import what every worker of ``framework`` imports, without running anything."""
    imported = []
    if framework == "tensorflow":
        import tensorflow  # noqa: F401

        imported.append("tensorflow")
        if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
            import tf_keras  # noqa: F401

            imported.append("tf_keras")
        else:
            import keras  # noqa: F401

            imported.append("keras")
    elif framework == "torch":
        import torch

        torch.set_num_threads(1)  # before any op: a multi-threaded op in the parent hangs every child
        torch.set_num_interop_threads(1)
        import pyro  # noqa: F401

        imported += ["torch", "pyro"]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401 - builds the font list once, for every child

        imported.append("matplotlib")
    except ImportError:
        pass
    from . import worker  # noqa: F401 - and with it the protocol, shims, seeding

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
    started = time.monotonic()
    try:
        imported = _import_frameworks(framework)
        if _ran_an_op():
            raise RuntimeError("a framework operation ran while importing: forked workers would hang")
    except BaseException as exc:  # noqa: BLE001 - say why, then stop
        control.send(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"}).encode())
        return
    control.send(json.dumps({"ready": True, "imported": imported,
                             "import_s": round(time.monotonic() - started, 3)}).encode())
    while True:
        _reap()
        ready, _, _ = select.select([control], [], [], 1.0)
        if not ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 4)
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
            worker = os.fork()
            if worker == 0:
                os.close(status)
                _become_worker(request, worker_in, worker_out, log)  # never returns
            for fd in (worker_in, worker_out, log, status):
                os.close(fd)
            os._exit(os.waitstatus_to_exitcode(namespaces.reap_until(worker)))
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
        os.chdir(request["cwd"])
        if request.get("view"):
            os.environ["PWD"] = request["cwd"]  # as bubblewrap's --chdir leaves it
        tempfile.tempdir = None  # the zygote's TMPDIR is not this sandbox's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from . import worker

        sys.argv = [worker.__file__, str(worker_in), str(worker_out)]  # what a cold worker's argv says
        main = worker.main
    except BaseException:  # noqa: BLE001
        os._exit(71)
    main([str(worker_in), str(worker_out)])  # os._exit at the end


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    try:
        serve(control, argv[1])
    finally:
        home = Path.cwd()
        if home.name.startswith("grader-zygote-"):  # its own folder: gone even if the grader was killed
            import shutil

            shutil.rmtree(home, ignore_errors=True)
        os._exit(0)


# -- the grader's side ----------------------------------------------------------------------------

class ZygoteUnavailable(Exception):
    """The zygote could not start or fork: the sandbox starts cold instead (same isolation)."""


class ForkedWorker:
    """A forked sandbox as the supervisor handles a ``Popen``: ``pid`` (the sandbox's first
    process: session and process-group leader), ``wait``, ``poll``, ``returncode``."""

    def __init__(self, pid: int, status_fd: int):
        self.pid, self._status_fd = pid, status_fd
        self.returncode: int | None = None
        self.setup_error: str | None = None

    def poll(self) -> int | None:
        return self.wait(0) if self.returncode is None else self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if deadline is None else max(deadline - time.monotonic(), 0)
            ready, _, _ = select.select([self._status_fd], [], [], left)
            if not ready:
                if timeout == 0:
                    return None  # type: ignore[return-value] - poll()
                raise subprocess.TimeoutExpired("sandbox", timeout)
            text = os.read(self._status_fd, 4096).decode("utf-8", "replace").strip()
            os.close(self._status_fd)
            if text.startswith("setup:"):
                self.setup_error, self.returncode = text[len("setup:"):].strip(), 70
            else:
                # nothing: the relaying process itself was killed (SIGKILL from the supervisor)
                self.returncode = int(text) if text.lstrip("-").isdigit() else -signal.SIGKILL
        return self.returncode

    def worker_pids(self) -> list[int]:
        """The worker and its children (not the two set-up processes above it, which share the
        zygote's pages): what the memory watchdog measures, as for a cold worker."""
        import psutil

        try:
            first = psutil.Process(self.pid)
            inits = first.children()
            workers = [w for init in inits for w in init.children()] if inits else []
            return [p.pid for w in workers for p in [w, *w.children(recursive=True)]]
        except psutil.Error:
            return []


class Zygote:
    """One zygote process (per framework flavour) and the socket to it; thread-safe."""

    def __init__(self, framework: str, env: dict[str, str], start_timeout_s: float = READY_TIMEOUT_S):
        self.framework = framework
        self._lock = threading.Lock()
        self._dir = Path(tempfile.mkdtemp(prefix="grader-zygote-"))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        log = open(self._dir / "zygote.log", "ab")
        # the sandbox's constant environment, with the zygote's own folder where a sandbox has its HOME
        env = dict(env, HOME=str(self._dir), TMPDIR=str(self._dir), MPLCONFIGDIR=str(self._dir / "mpl"),
                   KERAS_HOME=str(self._dir / ".keras"))
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.sandbox.zygote", str(theirs.fileno()), framework],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self._dir, env=env,
            start_new_session=True, close_fds=True)
        log.close()
        theirs.close()
        self._sock = ours
        reply = self._reply(start_timeout_s)
        if not reply.get("ready"):
            self.close()
            raise ZygoteUnavailable(f"the {framework} zygote did not start: {reply.get('error', 'no reply')}")
        self.imported, self.import_s = reply.get("imported", []), reply.get("import_s")

    def spawn(self, view: dict | None, env: dict[str, str], cwd: str, worker_in: int, worker_out: int,
              log: int) -> ForkedWorker:
        """Fork a sandbox around a worker serving ``worker_in``/``worker_out``."""
        status_r, status_w = os.pipe()
        try:
            with self._lock:
                if not self.alive():
                    raise ZygoteUnavailable(f"the {self.framework} zygote exited ({self._proc.returncode})")
                request = json.dumps({"view": view, "env": env, "cwd": cwd}).encode()
                try:
                    socket.send_fds(self._sock, [request], [worker_in, worker_out, log, status_w])
                except OSError as exc:
                    raise ZygoteUnavailable(f"the {self.framework} zygote is gone: {exc}") from None
                reply = self._reply(30.0)
        finally:
            os.close(status_w)
        if "pid" not in reply:
            os.close(status_r)
            raise ZygoteUnavailable(f"the {self.framework} zygote could not fork: {reply.get('error', 'no reply')}")
        return ForkedWorker(int(reply["pid"]), status_r)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def _reply(self, timeout: float) -> dict:
        ready, _, _ = select.select([self._sock], [], [], timeout)
        if not ready:
            return {"error": f"no reply within {timeout:g} s"}
        try:
            data = self._sock.recv(MAX_REQUEST)
        except OSError as exc:
            return {"error": str(exc)}
        try:
            return json.loads(data) if data else {"error": "the zygote closed its socket"}
        except ValueError:
            return {"error": "unreadable reply"}

    def close(self) -> None:
        try:
            self._sock.close()  # the zygote sees EOF and exits; its children follow (PDEATHSIG)
        finally:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            import shutil

            shutil.rmtree(self._dir, ignore_errors=True)


_zygotes: dict[tuple, Zygote] = {}
_failed: dict[tuple, str] = {}
_registry_lock = threading.Lock()


def zygote_for(framework: str, flavour: dict[str, str], env: dict[str, str], start_timeout_s: float) -> Zygote:
    """The process's zygote for a framework flavour (``flavour``: the environment that selects
    it, e.g. ``TF_USE_LEGACY_KERAS``; ``env``: the sandbox environment, which includes it),
    started on first use (and again if it died); raises :class:`ZygoteUnavailable` if it
    cannot start (then not retried)."""
    key = (framework, tuple(sorted(flavour.items())))
    with _registry_lock:
        if key in _failed:
            raise ZygoteUnavailable(_failed[key])
        zygote = _zygotes.get(key)
        if zygote is not None and not zygote.alive():
            zygote.close()  # it died (killed, out of memory): a fresh one takes its place
            zygote = None
        if zygote is None:
            try:
                zygote = _zygotes[key] = Zygote(framework, env, start_timeout_s)
            except ZygoteUnavailable as exc:
                _failed[key] = str(exc)
                raise
        return zygote


@atexit.register
def close_all() -> None:
    with _registry_lock:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()


def warm_support(isolation: str) -> tuple[bool, str]:
    """Whether sandboxes can start warm here with every layer a cold one would get, and why not."""
    from .isolation import detect

    if not hasattr(socket, "send_fds") or not hasattr(os, "fork"):
        return False, "this platform cannot pass descriptors or fork"
    caps = detect()
    if isolation != "basic" and caps.namespaces:
        return True, "as root, the forked child builds the sandbox's namespaces itself"
    if isolation != "basic" and caps.bwrap is not None:
        return False, ("bubblewrap isolates this machine's sandboxes and cannot wrap a forked process "
                       "(building the namespaces in the forked child needs root)")
    return True, "only the always-on layers here: a fork gets them as a fresh process does"


if __name__ == "__main__":
    main(sys.argv[1:])

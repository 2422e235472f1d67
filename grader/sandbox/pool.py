"""The grader's side of the warm worker pool: start a zygote per framework flavour, ask it to fork.

A *zygote* (:mod:`grader.sandbox.zygote`, its own process) imports a framework once and forks a
sandbox for each request; this module starts it (``python -I -m grader.sandbox.zygote``), sends
it the sandbox's view, environment and four descriptors over a Unix socket, and hands the
supervisor a :class:`ForkedWorker` it handles as a ``Popen``. Whether a machine may start warm
at all is :func:`grader.sandbox.isolation.warm_support`. A zygote that cannot start raises
:class:`ZygoteUnavailable`, and the supervisor starts that sandbox cold instead.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from .protocol import ZYGOTE_MESSAGE_BYTES

READY_TIMEOUT_S = 180.0


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
        """The exit status, or None while the sandbox runs (as ``Popen.poll``)."""
        return self._reap(0) if self.returncode is None else self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit status, waiting at most ``timeout`` seconds (as ``Popen.wait``: TimeoutExpired after it)."""
        status = self._reap(timeout)
        if status is None:  # only a timeout ends the wait without a status
            raise subprocess.TimeoutExpired("sandbox", timeout or 0)
        return status

    def _reap(self, timeout: float | None) -> int | None:
        """The exit status once the sandbox ended, or None when ``timeout`` seconds pass first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if deadline is None else max(deadline - time.monotonic(), 0)
            ready, _, _ = select.select([self._status_fd], [], [], left)
            if not ready:
                return None
            text = os.read(self._status_fd, 4096).decode("utf-8", "replace").strip()
            os.close(self._status_fd)
            if text.startswith("setup:"):
                self.setup_error, self.returncode = text[len("setup:") :].strip(), 70
            else:
                # nothing: the relaying process itself was killed (SIGKILL from the supervisor)
                self.returncode = int(text) if text.lstrip("-").isdigit() else -signal.SIGKILL
        return self.returncode

    def worker_pids(self) -> list[int]:
        """The worker and its children (not the two set-up processes above it, which share the
        zygote's pages): what the memory watchdog measures, as for a cold worker."""
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
        env = dict(
            env,
            HOME=str(self._dir),
            TMPDIR=str(self._dir),
            MPLCONFIGDIR=str(self._dir / "mpl"),
            KERAS_HOME=str(self._dir / ".keras"),
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.sandbox.zygote", str(theirs.fileno()), framework],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=self._dir,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        log.close()
        theirs.close()
        self._sock = ours
        reply = self._reply(start_timeout_s)
        if not reply.get("ready"):
            self.close()
            raise ZygoteUnavailable(f"the {framework} zygote did not start: {reply.get('error', 'no reply')}")
        self.imported, self.import_s = reply.get("imported", []), reply.get("import_s")

    def spawn(
        self, view: dict | None, env: dict[str, str], cwd: str, worker_in: int, worker_out: int, log: int
    ) -> ForkedWorker:
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
            data = self._sock.recv(ZYGOTE_MESSAGE_BYTES)
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

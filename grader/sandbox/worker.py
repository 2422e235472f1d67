"""The sandbox worker: the only process where student code runs.

Started by :mod:`grader.sandbox.supervisor` as ``python -I -m grader.sandbox.worker IN OUT``
with a scrubbed environment, a fresh working directory and HOME, stdout/stderr going to a log
file (never read for scoring), and the protocol on the file descriptors IN and OUT. It:

1. receives ``init``: applies resource limits and the lab's shims (MNIST offline, matplotlib
   Agg), imports the lab's framework and its public probes module;
2. receives ``load``: executes a snapshot's statements, each on its own, into a fresh namespace
   (a failing statement costs only what depends on it), with the stand-ins the judge asked for
   (other items' objects, from the probes' ``STAND_INS``) bound before and after each statement;
3. receives ``probe``: seeds every framework, calls a probe function of the lab with the
   snapshot's namespace, and returns plain data.

Nothing from here is trusted by the grader: replies are numbers and strings.
"""

from __future__ import annotations

import linecache
import os
import resource
import secrets
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, BinaryIO

from ..seeding import seed_everything
from . import protocol
from .probing import (
    TRACEBACK_CHARS,
    Namespace,
    call_probe,
    describe_exception,
    error_reply,
    import_file,
    student_traceback,
)
from .shims import apply_shims

if TYPE_CHECKING:  # the type only: importing nbclient at run time would slow every definitions-mode start
    from .kernel import KernelSession

CELL_FILE = "<cell {}>"
_ABSENT = object()


class _StandInFailed(Exception):
    """A stand-in factory of the lab's probes raised (or is missing): a probe bug."""

    def __init__(self, error: str, traceback_text: str):
        super().__init__(error)
        self.traceback = traceback_text


class Worker:
    def __init__(self, rfile: BinaryIO, wfile: BinaryIO) -> None:
        self.rfile, self.wfile = rfile, wfile
        self.kernel: KernelSession | None = None  # execute mode: the kernel running the notebook
        self.init_header: dict = {}
        self.snapshots: dict[str, dict] = {}
        self.probes: ModuleType | None = None  # the lab's public probes, imported by init
        self.scaffold: dict = {}
        self.seed = 0

    def serve(self) -> None:
        while True:
            try:
                header, arrays = protocol.recv(self.rfile)
            except protocol.ProtocolError:
                return  # the grader hung up
            op = header.get("op")
            if op == "exit":
                return
            handlers = {
                "init": self.init,
                "load": self.load,
                "probe": self.probe,
                "kernel_start": self.kernel_start,
                "kernel_run": self.kernel_run,
            }
            handler = handlers.get(op) if isinstance(op, str) else None  # any other op is unknown
            try:
                reply, out_arrays = (
                    handler(header, arrays)
                    if handler
                    else ({"ok": False, "kind": "protocol", "error": f"unknown op {op!r}"}, {})
                )
            except BaseException as exc:  # noqa: BLE001 - SystemExit and co. from student code too
                reply, out_arrays = error_reply(exc), {}
            reply["id"] = header.get("id")
            protocol.send(self.wfile, reply, out_arrays)

    def init(self, header: dict, _arrays: dict):
        self.init_header = header
        _apply_limits(header.get("limits", {}))
        self.seed = int(header.get("seed", 0))
        environment = apply_shims(header.get("framework", "none"), header.get("data", {}))
        public = Path(header["public_dir"])
        sys.path.insert(0, str(public))
        # unguessable module names: tampering with the probes needs code that searches for them,
        # which the judge's tripwire flags (extract.suspicious_code)
        tag = secrets.token_hex(6)
        self.probes = import_file(f"_p{tag}", public / "probes.py")
        scaffold_file = public / "scaffold.py"
        if scaffold_file.exists():
            scaffold = import_file(f"_s{tag}", scaffold_file)
            self.scaffold = {k: v for k, v in vars(scaffold).items() if not k.startswith("__")}
        return {"ok": True, "environment": environment}, {}

    def load(self, header: dict, _arrays: dict):
        """Execute a snapshot's statements into a fresh namespace built on the scaffold."""
        namespace = dict(self.scaffold)
        namespace.update({"__name__": "__main__", "__builtins__": __builtins__})
        failures = []
        seed_everything(self.seed)
        try:
            stand_ins = self._stand_ins(header.get("stand_ins") or {})
        except _StandInFailed as exc:
            return {"ok": False, "kind": "probe_bug", "error": str(exc), "traceback": exc.traceback}, {}
        namespace.update(stand_ins)
        for stmt in header["statements"]:
            filename = CELL_FILE.format(stmt["cell"] + 1)
            cell_source = header.get("cells", {}).get(str(stmt["cell"]))
            if cell_source is not None:
                linecache.cache[filename] = (len(cell_source), None, cell_source.splitlines(True), filename)
            try:
                # dont_inherit: this module's `from __future__ import annotations` must not change
                # how the student's code runs (annotations are evaluated in a notebook)
                code = compile("\n" * (stmt["line"] - 1) + stmt["source"], filename, "exec", dont_inherit=True)
                exec(code, namespace)  # noqa: S102 - this process exists to run student code
            except BaseException as exc:  # noqa: BLE001
                failures.append(
                    {
                        "cell": stmt["cell"],
                        "line": stmt["line"],
                        "binds": stmt["binds"],
                        "error": describe_exception(exc),
                        "traceback": student_traceback(exc),
                    }
                )
            for name, value in stand_ins.items():  # the statement (re)bound it: the stand-in again
                if namespace.get(name, _ABSENT) is not value:
                    namespace[name] = value
        self.snapshots[header["snapshot"]] = namespace
        return {"ok": True, "failures": failures}, {}

    def _stand_ins(self, requested: dict) -> dict:
        """name -> the object ``STAND_INS[item]()`` of the lab's probes builds (one per load)."""
        factories = getattr(self.probes, "STAND_INS", None) or {}
        built = {}
        for name, item in requested.items():
            factory = factories.get(item)
            if factory is None:
                raise _StandInFailed(f"the lab's probes have no STAND_INS[{item!r}] (asked for `{name}`)", "")
            try:
                built[str(name)] = factory()
            except BaseException as exc:  # noqa: BLE001 - our code: a grader error, never the student's
                text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-TRACEBACK_CHARS:]
                raise _StandInFailed(
                    f"the stand-in STAND_INS[{item!r}] for `{name}` failed: {describe_exception(exc)}", text
                ) from None
        return built

    def kernel_start(self, header: dict, _arrays: dict):
        """Execute mode: start the notebook's kernel with the lab's shims (no cell run yet)."""
        # imported here, not at the top: nbformat and nbclient would slow every definitions-mode worker's start
        from .kernel import KernelSession

        if self.kernel is not None:
            self.kernel.close()
        config = dict(
            header["config"],
            public_dir=self.init_header["public_dir"],
            framework=self.init_header.get("framework", "none"),
            data=self.init_header.get("data", {}),
            seed=self.seed,
        )
        self.kernel = KernelSession(header["cells"], config)
        return {"ok": True}, {}

    def kernel_run(self, header: dict, _arrays: dict):
        """Run the notebook's cells up to ``until``; their records, images as arrays."""
        from .kernel import images_to_arrays  # execute mode only (see kernel_start)

        kernel = self._kernel()
        records, arrays = images_to_arrays(kernel.run(int(header["until"])))
        return {"ok": True, "cells": records, "kernel": kernel.report()}, arrays

    def probe(self, header: dict, arrays: dict):
        if header["snapshot"] == "kernel":
            reply, out = self._kernel().probe(
                header["probe"],
                header.get("name"),
                header.get("args", {}),
                arrays,
                int(header.get("seed", self.seed)),
                float(header.get("timeout", 60)),
            )
            if not reply.get("ok"):
                return reply, {}
            return {"ok": True, "value": reply.get("value", {})}, out
        namespace = Namespace(self.snapshots[header["snapshot"]], header.get("name"))
        return call_probe(
            self._lab_probes(),
            header["probe"],
            namespace,
            int(header.get("seed", self.seed)),
            header.get("args", {}),
            arrays,
        )

    def _kernel(self) -> KernelSession:
        if self.kernel is None:
            raise RuntimeError("no kernel in this worker: the grader sends kernel_start before kernel_run")
        return self.kernel

    def _lab_probes(self) -> ModuleType:
        if self.probes is None:
            raise RuntimeError("no probes module in this worker: the grader sends init before probe")
        return self.probes


def _apply_limits(limits: dict) -> None:
    """Lower this process's limits before any student code runs (children inherit them)."""
    for name, value in limits.items():
        which = getattr(resource, name, None)
        if which is not None and value:
            soft, hard = resource.getrlimit(which)
            new = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (new, new))


def main(argv: list[str]) -> None:
    rfd, wfd = int(argv[0]), int(argv[1])
    worker = Worker(os.fdopen(rfd, "rb", buffering=0), os.fdopen(wfd, "wb"))
    try:
        worker.serve()
    finally:
        os._exit(0)  # skip interpreter shutdown: student atexit hooks and TF teardown


if __name__ == "__main__":
    main(sys.argv[1:])

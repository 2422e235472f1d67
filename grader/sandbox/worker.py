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

import importlib.util
import linecache
import os
import resource
import secrets
import sys
import traceback
from pathlib import Path

from . import protocol
from .convert import split_plain
from .probing import StudentFault
from .shims import apply_shims
from ..seeding import seed_everything

CELL_FILE = "<cell {}>"
_ABSENT = object()


class _StandInFailed(Exception):
    """A stand-in factory of the lab's probes raised (or is missing): a probe bug."""

    def __init__(self, error: str, traceback_text: str):
        super().__init__(error)
        self.traceback = traceback_text


class Namespace:
    """A snapshot's globals as a probe sees them, with the graded object's name."""

    def __init__(self, globals_: dict, name: str | None):
        self.globals = globals_
        self.name = name

    @property
    def student(self):
        """The graded object (function, class or value) the judge resolved."""
        if self.name not in self.globals:
            raise StudentFault(NameError(f"name {self.name!r} is not defined (its definition failed)"))
        return self.globals[self.name]

    def get(self, name: str, default=None):
        return self.globals.get(name, default)

    def provide(self, name: str, value, *functions) -> None:
        """Set a template global where the student's code reads it: in each function's
        ``__globals__`` (the dict they actually close over), and in the snapshot."""
        self.globals[name] = value
        for fn in functions:
            fn = getattr(fn, "python_function", fn)  # a @tf.function wraps the student's function
            target = getattr(fn, "__globals__", None)
            if target is not None:
                target[name] = value


class Worker:
    def __init__(self, rfile, wfile):
        self.rfile, self.wfile = rfile, wfile
        self.kernel = None  # execute mode: a KernelSession running the notebook
        self.init_header: dict = {}
        self.snapshots: dict[str, dict] = {}
        self.probes = None
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
            handler = {"init": self.init, "load": self.load, "probe": self.probe,
                       "kernel_start": self.kernel_start, "kernel_run": self.kernel_run}.get(op)
            try:
                reply, out_arrays = handler(header, arrays) if handler else ({"ok": False, "kind": "protocol", "error": f"unknown op {op!r}"}, {})
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
        self.probes = _import_file(f"_p{tag}", public / "probes.py")
        scaffold_file = public / "scaffold.py"
        if scaffold_file.exists():
            scaffold = _import_file(f"_s{tag}", scaffold_file)
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
                failures.append({"cell": stmt["cell"], "line": stmt["line"], "binds": stmt["binds"],
                                 "error": _describe(exc), "traceback": student_traceback(exc)})
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
                text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:]
                raise _StandInFailed(f"the stand-in STAND_INS[{item!r}] for `{name}` failed: {_describe(exc)}", text) from None
        return built

    def kernel_start(self, header: dict, _arrays: dict):
        """Execute mode: start the notebook's kernel with the lab's shims (no cell run yet)."""
        from .kernel import KernelSession

        if self.kernel is not None:
            self.kernel.close()
        config = dict(header["config"], public_dir=self.init_header["public_dir"],
                      framework=self.init_header.get("framework", "none"), data=self.init_header.get("data", {}),
                      seed=self.seed)
        self.kernel = KernelSession(header["cells"], config)
        return {"ok": True}, {}

    def kernel_run(self, header: dict, _arrays: dict):
        """Run the notebook's cells up to ``until``; their records, images as arrays."""
        from .kernel import images_to_arrays

        records, arrays = images_to_arrays(self.kernel.run(int(header["until"])))
        return {"ok": True, "cells": records, "kernel": self.kernel.report()}, arrays

    def probe(self, header: dict, arrays: dict):
        if header["snapshot"] == "kernel":
            reply, out = self.kernel.probe(header["probe"], header.get("name"), header.get("args", {}), arrays,
                                           int(header.get("seed", self.seed)), float(header.get("timeout", 60)))
            if not reply.get("ok"):
                return reply, {}
            return {"ok": True, "value": reply.get("value", {})}, out
        namespace = self.snapshots[header["snapshot"]]
        fn = getattr(self.probes, header["probe"])
        seed_everything(int(header.get("seed", self.seed)))
        result = fn(Namespace(namespace, header.get("name")), **header.get("args", {}), **arrays)
        plain, out_arrays = split_plain(result or {})
        return {"ok": True, "value": plain}, out_arrays


def error_reply(exc: BaseException) -> dict:
    """Classify an exception: the student's (their code raised or returned garbage) or the
    probe's own bug (no student frame and not wrapped by ``student_code``)."""
    blamed = isinstance(exc, StudentFault)
    original = exc.original if blamed else exc
    has_student_frame = bool(_student_frames(original))
    if isinstance(original, NotImplementedError):
        kind = "not_implemented"
    elif blamed or has_student_frame:
        kind = "student"
    else:
        kind = "probe_bug"
    traceback_text = student_traceback(original) if kind != "probe_bug" else "".join(
        traceback.format_exception(type(original), original, original.__traceback__))[-4000:]
    return {"ok": False, "kind": kind, "error": _describe(original), "traceback": traceback_text}


def is_student_file(filename: str) -> bool:
    """A student cell's code: ``<cell N>`` (definitions mode) or the kernel's cell files
    (execute mode: ipykernel compiles cells to ``.../ipykernel_<pid>/<hash>.py``)."""
    return filename.startswith(("<cell ", "<ipython-input-")) or "/ipykernel_" in filename


def _student_frames(exc: BaseException) -> list:
    return [f for f in traceback.extract_tb(exc.__traceback__) if is_student_file(f.filename)]


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 600 else text[:600] + "..."


def student_traceback(exc: BaseException, limit: int = 4000) -> str:
    """The traceback with only the student's cells in it (library frames are noise to them)."""
    lines = traceback.format_list(_student_frames(exc)) + traceback.format_exception_only(type(exc), exc)
    text = "".join(lines)
    return text[-limit:]


def _import_file(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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

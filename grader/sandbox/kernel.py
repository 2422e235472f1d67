"""Execute mode, in the sandbox worker: run the notebook's cells in a Jupyter kernel (nbclient).

The judge drives it through the worker's ``kernel_start`` / ``kernel_run`` operations: it runs
the cells up to the end of a graded section, probes that section's items (the probes run in the
kernel, :mod:`grader.sandbox.kernel_side`), then runs on. So a later cell that reuses a name does
not change an earlier item's grade, and every cell's status, duration and error is recorded.

The kernel is a child of the worker, inside the same sandbox (no network: ZMQ over ``ipc``
sockets in the sandbox's own temporary folder). A cell that runs past ``cell_timeout_s`` is
interrupted (SIGINT: ``KeyboardInterrupt`` in the cell) and recorded as ``timed_out`` (cut); the
next cell runs. If the kernel dies, the remaining cells are ``not_run``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from . import protocol
from .outputs import cell_images, cell_texts

MAX_TEXT = 4000  # characters of text output kept per cell (for the report and section checks)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelDied(Exception):
    pass


class KernelSession:
    def __init__(self, cells: list[dict], config: dict):
        self.config = config
        self.timeout = float(config["cell_timeout_s"])
        self.dir = Path(tempfile.mkdtemp(prefix="kernel-"))
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [
            nbformat.v4.new_code_cell(c["source"])
            if c["kind"] == "code"
            else nbformat.v4.new_markdown_cell(c["source"])
            for c in cells
        ]
        self.nb = nb
        self.position = 0
        self.dead: str | None = None
        self.client = NotebookClient(
            nb,
            timeout=self.timeout,
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name="python3",
            record_timing=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(self.dir)}},
        )
        km = self.client.create_kernel_manager()
        km.transport = "ipc"  # no TCP: the sandbox has no network
        km.ip = str(self.dir / "ipc")
        _copy_handout(config.get("handout", []), Path.cwd())
        env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
        self.client.start_new_kernel(cwd=os.getcwd(), env=env)
        self.client.start_new_kernel_client()
        self.bridge = self._install()

    # -- hidden code (set-up, probes): not a cell of the notebook ------------------------------

    def _hidden(self, code: str, timeout: float) -> dict:
        """Run ``code`` in the kernel outside the notebook; return the execute reply's content."""
        try:
            reply = run_sync(self._kernel_client().execute_interactive)(
                code, silent=False, store_history=False, timeout=timeout, output_hook=lambda msg: None
            )
        except TimeoutError:
            self.interrupt()
            raise
        return reply.get("content", {})

    def _install(self) -> str:
        out = self.dir / "install.txt"
        code = (
            f"from grader.sandbox.kernel_side import install as _gi\n"
            f"open({str(out)!r}, 'w').write(_gi({self.config!r}))\ndel _gi\n"
        )
        content = self._hidden(code, float(self.config.get("start_timeout_s", 120)))
        if content.get("status") != "ok" or not out.exists():
            raise RuntimeError(f"the kernel could not be set up: {content.get('ename')}: {content.get('evalue')}")
        return out.read_text().strip()

    def interrupt(self) -> None:
        try:
            run_sync(self._kernel_manager().interrupt_kernel)()
        except Exception:  # noqa: BLE001 - a dead kernel cannot be interrupted
            pass

    # nbclient starts an asynchronous manager and client but declares the base classes, whose
    # methods are synchronous: these say which ones run_sync gets (and fail loudly if that changes)
    def _kernel_client(self) -> AsyncKernelClient:
        kc = self.client.kc
        if not isinstance(kc, AsyncKernelClient):
            raise TypeError(f"expected nbclient's AsyncKernelClient, found {type(kc).__name__}")
        return kc

    def _kernel_manager(self) -> AsyncKernelManager:
        km = self.client.km
        if not isinstance(km, AsyncKernelManager):
            raise TypeError(f"expected nbclient's AsyncKernelManager, found {type(km).__name__}")
        return km

    def probe(self, probe: str, name: str | None, args: dict, arrays: dict, seed: int, timeout: float):
        """A lab probe run in the kernel: ``(reply, arrays)`` in the worker's reply format."""
        if self.dead:
            return {"ok": False, "kind": "student", "error": f"KernelDied: {self.dead}", "traceback": ""}, {}
        request, reply_path = self.dir / "request.bin", self.dir / "reply.bin"
        reply_path.unlink(missing_ok=True)
        with open(request, "wb") as fh:
            protocol.send(fh, {"args": args}, arrays)
        code = f"{self.bridge}.probe({probe!r}, {name!r}, {str(request)!r}, {str(reply_path)!r}, {int(seed)})"
        try:
            self._hidden(code, timeout)
        except TimeoutError:
            return {"ok": False, "kind": "timeout", "error": f"the probe ran past {timeout:g} s"}, {}
        if not reply_path.exists():
            return {
                "ok": False,
                "kind": "student",
                "error": "the kernel did not answer the probe (its namespace was tampered with?)",
                "traceback": "",
            }, {}
        with open(reply_path, "rb") as fh:
            return protocol.recv(fh)

    def report(self) -> dict:
        """What the kernel's set-up reports (versions, data, the caps applied so far): shown
        to the instructor, never scored (the kernel runs student code: it is only informative)."""
        if self.dead:
            return {"died": self.dead}
        out = self.dir / "report.json"
        out.unlink(missing_ok=True)
        code = (
            f"import json as _gj\nopen({str(out)!r}, 'w').write(_gj.dumps(dict({self.bridge}.report(), "
            f"environment={self.bridge}.environment), default=str))\ndel _gj\n"
        )
        try:
            self._hidden(code, 30)
            text = out.read_text()[:20000] if out.exists() else "{}"
            value = json.loads(text)
            return value if isinstance(value, dict) else {}
        except (TimeoutError, ValueError, OSError):
            return {}

    # -- the notebook's cells ------------------------------------------------------------------

    def run(self, until: int) -> list[dict]:
        """Run cells ``position .. until-1``; one record per code cell."""
        records = []
        while self.position < min(until, len(self.nb.cells)):
            index = self.position
            self.position += 1
            cell = self.nb.cells[index]
            if cell.cell_type != "code":
                continue
            if self.dead:
                records.append(
                    {"cell": index, "status": "not_run", "duration_s": 0.0, "error": f"the kernel died: {self.dead}"}
                )
                continue
            records.append(self._run_cell(index, cell))
        return records

    def _run_cell(self, index: int, cell) -> dict:
        started = time.monotonic()
        try:
            self.client.execute_cell(cell, index)
        except DeadKernelError as exc:
            self.dead = f"in cell {index + 1} ({str(exc)[:120]})"
            return {
                "cell": index,
                "status": "error",
                "duration_s": round(time.monotonic() - started, 3),
                "error": f"the kernel died ({str(exc)[:200]})",
                **self._outputs(cell, index),
            }
        except Exception as exc:  # noqa: BLE001 - nbclient's own failures are this cell's, not the batch's
            return {
                "cell": index,
                "status": "error",
                "duration_s": round(time.monotonic() - started, 3),
                "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                **self._outputs(cell, index),
            }
        duration = time.monotonic() - started
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        record = {"cell": index, "status": "ok", "duration_s": round(duration, 3), "error": None}
        if errors:
            error = errors[-1]
            cut = error.get("ename") == "KeyboardInterrupt" and duration >= self.timeout * 0.95
            record["status"] = "timed_out" if cut else "error"
            record["error"] = (
                f"cut after {self.timeout:g} s" if cut else _clean(f"{error.get('ename')}: {error.get('evalue')}")[:600]
            )
            if not cut:
                record["traceback"] = _clean("\n".join(error.get("traceback", [])))[-3000:]
        record.update(self._outputs(cell, index))
        return record

    @staticmethod
    def _outputs(cell, index: int) -> dict:
        """What the cell printed and drew, read as the grader reads a stored notebook."""
        return {"text": "".join(_clean(t) for t in cell_texts(cell))[-MAX_TEXT:], "images": list(cell_images(cell))}

    def close(self) -> None:
        try:
            run_sync(self.client._async_cleanup_kernel)()
        except Exception:  # noqa: BLE001 - the worker exits anyway
            pass


def images_to_arrays(records: list[dict]) -> tuple[list[dict], dict[str, np.ndarray]]:
    """PNG images leave the worker as uint8 arrays (the protocol's binary part), not JSON."""
    arrays = {}
    for record in records:
        names = []
        for k, png in enumerate(record.pop("images", [])):
            try:
                raw = base64.b64decode(png, validate=False)
            except ValueError:
                continue
            name = f"img_{record['cell']}_{k}"
            arrays[name] = np.frombuffer(raw, dtype=np.uint8)
            names.append(name)
        record["images"] = names
    return records, arrays


def _copy_handout(paths: list[str], into: Path) -> None:
    """The files students get with the template (course helpers) next to the notebook, as on
    their laptop. Only what the sandbox can see is copied (the lab's public folder)."""
    for entry in paths:
        source = Path(entry)
        target = into / source.name
        if target.exists() or not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)


def _clean(text: str) -> str:
    return ANSI.sub("", text)

"""One settings object, built once at the CLI edge and passed down explicitly.

Precedence: field defaults < ``[tool.grader]`` in ``./pyproject.toml`` < environment variables
``GRADER_<FIELD>`` < command-line flags. Every field says what it is for.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import psutil

from .data.mnist import MNIST
from .errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    jobs: int = field(default=0, metadata={"help": "submissions graded in parallel; 0 = one per CPU core"})
    lang: str = field(default="pl", metadata={"help": "language of reports and messages: pl or en"})
    seed: int = field(default=0, metadata={"help": "seed for every framework before every probe"})
    probe_timeout_s: float = field(
        default=60.0, metadata={"help": "wall-clock limit of one probe (one call into student code)"}
    )
    submission_timeout_s: float = field(default=600.0, metadata={"help": "wall-clock limit of one whole submission"})
    start_timeout_s: float = field(
        default=120.0, metadata={"help": "limit for a sandbox worker to start (imports the framework)"}
    )
    memory_mb: int = field(default=4096, metadata={"help": "resident memory of a sandbox worker and its children, MiB"})
    cpu_s: int = field(default=900, metadata={"help": "CPU-seconds limit of a sandbox worker (RLIMIT_CPU)"})
    file_size_mb: int = field(
        default=64, metadata={"help": "largest file a sandbox worker may write, MiB (RLIMIT_FSIZE)"}
    )
    open_files: int = field(default=1024, metadata={"help": "open-file limit of a sandbox worker (RLIMIT_NOFILE)"})
    labs_root: Path = field(
        default=PROJECT_ROOT,
        metadata={
            "help": "an extra folder whose rubrics/*.yaml are labs too (found by id, listed by `grader labs`); the "
            "shipped labs are the packs registered under the entry point group grader.labs"
        },
    )
    # one field per data set of the registry (grader/data) with a local file, named by its `setting`
    mnist: str = field(default="", metadata={"help": MNIST.setting_help})
    keras: str = field(default="", metadata={"help": "Keras of the sandbox, 2 or 3; empty = the lab's `keras:`"})
    mode: str = field(
        default="", metadata={"help": "definitions or execute for every code item; empty = the rubric's `mode`"}
    )
    cell_timeout_s: float = field(
        default=0.0, metadata={"help": "execute mode: a cell running longer is cut; 0 = the rubric's"}
    )
    isolation: str = field(
        default="auto",
        metadata={
            "help": "auto: every isolation layer this machine supports "
            "(see `grader doctor`); basic: only the always-on ones"
        },
    )
    pool: str = field(
        default="auto",
        metadata={
            "help": "auto: sandbox workers forked from a warm parent that has "
            "imported the frameworks, where this machine keeps every "
            "isolation layer that way; cold: a fresh interpreter each"
        },
    )
    max_processes: int = field(default=512, metadata={"help": "processes and threads of a sandbox (cgroup pids.max)"})

    def __post_init__(self) -> None:
        if self.lang not in ("pl", "en"):
            raise SettingsError(f"lang={self.lang!r}: use 'pl' or 'en'.")
        if self.keras not in ("", "2", "3"):
            raise SettingsError(f"keras={self.keras!r}: use 2, 3, or leave it empty for the lab's choice.")
        if self.isolation not in ("auto", "basic"):
            raise SettingsError(f"isolation={self.isolation!r}: use auto or basic.")
        if self.pool not in ("auto", "cold"):
            raise SettingsError(f"pool={self.pool!r}: use auto (warm workers where possible) or cold.")
        if self.jobs < 0:
            raise SettingsError(f"jobs={self.jobs}: use 0 (one per core) or a positive number.")

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1

    def sandbox_limits(self) -> dict[str, int]:
        limits = {
            "RLIMIT_CPU": self.cpu_s,
            "RLIMIT_FSIZE": self.file_size_mb << 20,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }
        # RLIMIT_NPROC is not enforced for root (a cgroup limits processes there). For anyone else
        # it counts every thread of the user, system-wide: a student's desktop (a browser, an IDE)
        # can hold more than max_processes before the sandbox starts, so the limit is what the
        # user already runs plus the sandbox's own budget. No geteuid on Windows: no limit there.
        geteuid = getattr(os, "geteuid", None)
        if geteuid is not None and geteuid() != 0:
            limits["RLIMIT_NPROC"] = user_tasks() + self.max_processes
        return limits


def user_tasks() -> int:
    """How many processes and threads this user runs now (what RLIMIT_NPROC counts)."""
    uid = os.getuid()
    count = 0
    for process in psutil.process_iter(["uids", "num_threads"]):
        info = process.info
        if info.get("uids") is not None and info["uids"].real == uid:
            count += info.get("num_threads") or 1
    return count


def load_settings(overrides: dict | None = None, cwd: Path | None = None) -> Settings:
    """Build the settings from pyproject, environment and ``overrides`` (flags; None = unset)."""
    values: dict = {}
    pyproject = (cwd or Path.cwd()) / "pyproject.toml"
    if pyproject.is_file():
        try:
            values.update(tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("grader", {}))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{pyproject}: invalid TOML ({exc}).") from None
    for f in fields(Settings):
        env = os.environ.get(f"GRADER_{f.name.upper()}")
        if env is not None:
            values[f.name] = env
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return _coerce(values)


def _coerce(values: dict) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    kwargs: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            raise SettingsError(f"unknown setting {name!r} in [tool.grader] or GRADER_*; known: {', '.join(known)}.")
        kind = type(getattr(Settings(), name))
        try:
            kwargs[name] = Path(raw) if kind is Path or isinstance(getattr(Settings(), name), Path) else kind(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"setting {name}={raw!r}: expected {kind.__name__}.") from None
    choices = {"mode": ("", "definitions", "execute"), "keras": ("", "2", "3")}
    for name, allowed in choices.items():
        if kwargs.get(name, "") not in allowed:
            raise SettingsError(
                f"setting {name}={kwargs[name]!r}: expected one of {', '.join(a for a in allowed if a)} (or unset)."
            )
    return replace(Settings(), **kwargs)

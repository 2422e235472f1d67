"""How a lab's sandbox and kernel are set up for given settings.

The judge, the reference figures and the benchmarks start sandboxes the same way: one place
says which folders the sandbox sees, which framework flavour its environment selects and what
the execute-mode kernel is given (DESIGN.md decisions 1 and 3).
"""

from __future__ import annotations

from pathlib import Path

from .data import configured_files, data_sources
from .frameworks import framework_for
from .labs import Lab
from .sandbox.supervisor import SandboxSpec
from .settings import Settings


def sandbox_spec(lab: Lab, settings: Settings, hidden: tuple[Path, ...] = ()) -> SandboxSpec:
    """How a sandbox for ``lab`` is started under ``settings``; ``hidden``: folders it must not see
    besides the labs (a batch's inputs and outputs)."""
    return SandboxSpec(
        public_dir=lab.public_dir,
        framework=lab.rubric.framework,
        seed=settings.seed,
        start_timeout_s=settings.start_timeout_s,
        memory_mb=settings.memory_mb,
        limits=settings.sandbox_limits(),
        data=data_sources(lab.rubric.datasets, settings),
        env=framework_env(lab, settings),
        isolation=settings.isolation,
        max_processes=settings.max_processes,
        start=settings.pool,
        hidden=(*lab.private_dirs, *hidden),
        visible=tuple(Path(p) for p in configured_files(lab.rubric.datasets, settings)),
        sandbox_files=lab.sandbox_files,
    )


def framework_env(lab: Lab, settings: Settings) -> dict[str, str]:
    """Environment that selects the framework flavour the lab's students wrote for."""
    return framework_for(lab.rubric.framework).flavour_env(settings.keras or lab.rubric.keras)


def kernel_config(lab: Lab, settings: Settings) -> dict:
    """What the kernel is set up with: the rubric's ``execute:``, the settings' overrides, and the
    lab's handout files (course helpers), copied into the kernel's working folder as on a
    student's laptop (``display(Code(filename="src/ae.py"))`` reads one)."""
    spec = lab.rubric.execute
    return {
        "cell_timeout_s": settings.cell_timeout_s or spec.cell_timeout_s,
        "epochs": spec.epochs,
        "epochs_variable": spec.epochs_variable,
        "overrides": dict(spec.overrides),
        # data set -> execute mode's subsample sizes (the rubric's `datasets:`)
        "datasets": {
            name: {"train": use.execute_train, "test": use.execute_test} for name, use in lab.rubric.datasets.items()
        },
        "start_timeout_s": settings.start_timeout_s,
        "handout": [str((lab.root / entry).resolve()) for entry in lab.rubric.handout],
    }

"""``grader doctor``: what isolation this machine gives a sandbox, and how to add what is missing.

An edge module: only the CLI imports it. It reads the capabilities the sandbox detects
(:func:`grader.sandbox.isolation.detect`) and the warm-start decision
(:func:`grader.sandbox.isolation.warm_support`), and turns them into text for a person.
"""

from __future__ import annotations

from .sandbox.isolation import detect, warm_support

__all__ = ["doctor_report"]


def doctor_report(isolation: str = "auto") -> str:
    """What `grader doctor` prints: the layers this machine gives a sandbox, what is missing
    and how to add it, and what a machine without bubblewrap or root gets."""
    caps = detect()
    lines = ["grader doctor: isolation of student code", ""]
    lines.append(f"running as root: {'yes' if caps.root else 'no'}")
    lines.append(f"bubblewrap: {caps.bwrap or 'not available'}")
    lines.append(f"cgroup memory controller: {caps.cgroup_memory or 'not available'}")
    lines.append(f"cgroup pids controller: {caps.cgroup_pids or 'not available'}")
    warm, why = warm_support(isolation)
    lines.append(f"forked namespaces (warm workers, root): {'yes' if caps.namespaces else 'not available'}")
    lines.append(f"worker start: {'warm, forked from a zygote' if warm else 'cold, a fresh interpreter'} ({why})")
    lines.append("")
    lines.append("layers applied to every sandbox here:")
    lines += [f"  + {layer}" for layer in caps.layers(isolation, warm)]
    if caps.missing:
        lines.append("")
        lines.append("missing:")
        lines += [f"  - {name}: {fix}" for name, fix in caps.missing]
    lines += [
        "",
        "without bubblewrap a worker can read what the grader's user can read (reference solutions, "
        "other submissions), reach the network and signal processes of the same user: grade untrusted "
        "submissions only where bubblewrap works.",
        "without root there are no cgroups: memory is held by the watchdog, processes by RLIMIT_NPROC.",
    ]
    return "\n".join(lines)

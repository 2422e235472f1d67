"""Bubblewrap's isolation, done in a process forked from the warm zygote (as root).

A worker forked from :mod:`grader.sandbox.zygote` cannot be wrapped in ``bwrap`` (that execs a
fresh interpreter, which is what the warm pool avoids), so the forked child builds the same
sandbox itself, with the same :class:`View` the bubblewrap command is made from:

1. new mount, PID, network, IPC, UTS and cgroup namespaces (``unshare``); mounts made private;
2. the grader's folders covered with empty tmpfs, the interpreter, the libraries, the grader
   package and the lab's public folder bound back (through ``O_PATH`` descriptors opened
   before the covers hide them); the whole tree made read-only (``mount_setattr``, recursive);
3. a private size-limited tmpfs as HOME and working folder, a private ``/dev/shm``;
4. a second fork: the worker's parent becomes PID 1 of the new PID namespace (when it dies,
   every process in it dies), with a fresh ``/proc`` that shows only the sandbox;
5. privileges dropped for good: supplementary groups cleared, uid/gid 65534 (real, not mapped:
   stronger than bubblewrap run as root), capability bounding set emptied, ``no_new_privs``.

Everything here runs between ``fork`` and the first student statement, in the child only.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import signal
from dataclasses import dataclass

NOBODY = 65534
SHM_BYTES = 64 << 20

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (new syscalls are unified)
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
LAST_CAP = 63


@functools.cache
def _libc() -> ctypes.CDLL:
    """Linux's libc with the calls the forked child makes. Bound on first use, not at import: on
    macOS there is no ``unshare`` or ``prctl`` and on Windows ``CDLL(None)`` itself fails, and
    there the grader only ever starts cold workers, so importing this module must still work."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    libc.unshare.argtypes = [ctypes.c_int]
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.syscall.restype = ctypes.c_long
    return libc


class SetupError(OSError):
    """A step of the sandbox set-up failed; the child reports it and exits before any student code."""


@dataclass(frozen=True)
class View:
    """What the sandboxed process sees of the file system: ``covers`` become empty tmpfs,
    ``binds`` (under them) are shown again read-only, ``recovers`` (hidden folders inside what was
    bound back: an installed lab's ``judge/`` inside site-packages) are covered again after the
    binds, ``home`` is its private writable tmpfs."""

    covers: tuple[str, ...]
    binds: tuple[str, ...]
    home: str
    home_bytes: int
    recovers: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "covers": list(self.covers),
            "binds": list(self.binds),
            "home": self.home,
            "home_bytes": self.home_bytes,
            "recovers": list(self.recovers),
        }

    @classmethod
    def from_json(cls, data: dict) -> View:
        return cls(
            tuple(data["covers"]),
            tuple(data["binds"]),
            str(data["home"]),
            int(data["home_bytes"]),
            tuple(data.get("recovers", ())),
        )


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise SetupError(code, f"{what}: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(_libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def die_with_parent() -> None:
    _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def enter(view: View) -> None:
    """Steps 1-3, in the forked child (root): namespaces and the file-system view. The caller
    forks next; its child is PID 1 of the new PID namespace and calls :func:`become_init`."""
    _check(
        _libc().unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP),
        "unshare",
    )
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here reaches the grader's mounts
    # open what is bound back before the covers hide it; mount() follows /proc/self/fd/N to it
    handles = [(path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for path in view.binds]
    for cover in view.covers:
        _mount("tmpfs", cover, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for path, fd in handles:
        _mount_point(path, directory=os.path.isdir(f"/proc/self/fd/{fd}"))
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    for cover in view.recovers:
        _mount("tmpfs", cover, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    os.makedirs(view.home, exist_ok=True)
    attr = _MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)
    _check(
        _libc().syscall(SYS_MOUNT_SETATTR, AT_FDCWD, b"/", AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)),
        "mount_setattr(read-only, recursive)",
    )
    _mount(
        "tmpfs", view.home, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0700,uid={NOBODY},gid={NOBODY},size={view.home_bytes}"
    )
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={SHM_BYTES}")


def become_init() -> None:
    """Steps 4-5, in the first process of the new PID namespace: its own ``/proc``, then no
    privileges left. Whatever it forks inherits both."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    drop_privileges()


def drop_privileges() -> None:
    for cap in range(LAST_CAP + 1):
        if _libc().prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            _check(-1, f"prctl(PR_CAPBSET_DROP, {cap})")
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)  # from root to another uid: every capability is cleared
    _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    if os.getuid() != NOBODY or os.geteuid() != NOBODY:
        raise SetupError(errno.EPERM, "could not drop to uid 65534")


def reap_until(worker: int) -> int:
    """PID 1's loop: reap every orphan adopted from the sandbox until ``worker`` ends; its
    wait status. Returning ends PID 1, and with it every process left in the namespace."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue
        if pid == worker:
            return status


def _mount_point(path: str, directory: bool) -> None:
    """An empty directory or file at ``path`` in a cover's tmpfs, to bind onto."""
    if directory:
        os.makedirs(path, exist_ok=True)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))


def selftest() -> None:
    """Build a sandbox in a throwaway child and exit 0 if every step works (``detect`` runs it)."""
    import tempfile

    home = tempfile.mkdtemp(prefix="grader-nstest-")
    pid = os.fork()
    if pid == 0:
        try:
            enter(View(("/tmp",), (), home, 1 << 20))
            init = os.fork()
            if init == 0:
                try:
                    become_init()
                    ok = os.getpid() == 1 and not os.access("/etc/passwd", os.W_OK) and os.access(home, os.W_OK)
                    os._exit(0 if ok else 1)
                except BaseException:  # noqa: BLE001
                    os._exit(1)
            _, status = os.waitpid(init, 0)
            os._exit(os.waitstatus_to_exitcode(status))
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    os.rmdir(home)
    raise SystemExit(os.waitstatus_to_exitcode(status))

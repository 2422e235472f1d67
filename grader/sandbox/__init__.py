"""The sandbox: student code runs in a separate worker process that answers probes.

``supervisor`` (the grader's side) starts, feeds, times and restarts workers; ``worker`` (the
student's side) executes snapshots and runs probe functions; ``protocol`` is the only thing
they share: length-prefixed JSON plus ``.npy`` arrays, never pickle (DESIGN.md decision 1).

The grader's side: ``supervisor``, ``errors``, ``watchdog``, ``pool`` (the warm pool's client) and
``isolation``. The inside, which runs next to student code and imports only the protocol and
framework-neutral helpers: ``worker``, ``zygote`` (the warm pool's parent process), ``namespaces``,
``kernel`` and ``kernel_side`` (execute mode), ``probing``, ``shims``, ``convert`` and ``outputs``.
"""

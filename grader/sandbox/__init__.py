"""The sandbox: student code runs in a separate worker process that answers probes.

``supervisor`` (the grader's side) starts, feeds, times and restarts workers; ``worker`` (the
student's side) executes snapshots and runs probe functions; ``protocol`` is the only thing
they share: length-prefixed JSON plus ``.npy`` arrays, never pickle (DESIGN.md decision 1).
"""

"""Lab packs the grader ships with, found through the entry point group ``grader.labs``,
and their dev-only build helpers (``reference/build``, not in the wheel)."""

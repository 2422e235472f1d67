"""Reference implementations, templates and build scripts of the labs the grader ships with."""

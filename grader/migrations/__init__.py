"""The gradebook's schema migrations (Alembic), run by :func:`grader.gradebook.migrate` when a
gradebook is opened: a gradebook written by an earlier version is brought to the current schema
with nothing lost. Each revision in ``versions/`` is one step; never edit one that has shipped,
add the next (docs/results-schema.md, "Migrations")."""

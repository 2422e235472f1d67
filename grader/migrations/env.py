"""Alembic's environment: runs the migrations on the connection :func:`grader.gradebook.migrate`
hands over (there is no alembic.ini: the gradebook's URL is the caller's)."""

from alembic import context

connection = context.config.attributes["connection"]
# batch mode: SQLite cannot ALTER constraints, so a changed table is copied and renamed
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

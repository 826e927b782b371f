"""Alembic environment: always driven from wulong_desk.store.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from wulong_desk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached if someone runs alembic by hand
    raise RuntimeError("run migrations through wulong_desk.store.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""The newest database schema revision, written down where nothing heavy is imported: opening an
up-to-date database needs neither Alembic nor (for the window's first look) SQLAlchemy.
tests/test_migrations.py checks it against Alembic's own answer."""

SCHEMA_HEAD = "0010"

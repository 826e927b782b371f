"""What a --db value names: a database file, or the office server (postgresql://…).

Kept apart from `store.server` on purpose: reading the command line imports nothing heavy
(`calc` and `--help` never need SQLAlchemy).
"""

from __future__ import annotations

PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(PREFIXES)

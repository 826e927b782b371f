"""What a --db value names: a database file, or the office server (postgresql://…).

Kept apart from `store.server` on purpose: reading the command line and starting the window
must not import SQLAlchemy (bench/bench_ui.py: importing it before the first paint more than
doubled the time to the first painted table).
"""

from __future__ import annotations

PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(PREFIXES)

"""What a --db value names: a database file, or the office server (postgresql://…); and an
office server's address in its parts and back (the login screen's fields).

Kept apart from `store.server` on purpose: reading the command line imports nothing heavy
(`calc` and `--help` never need SQLAlchemy).
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(PREFIXES)


DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerAddress:
    """An office server's address in its parts (the login screen's fields), never with the
    password (store/server.py refuses an address that carries one)."""
    host: str
    port: int
    database: str
    login: str

    def text(self) -> str:
        return f"postgresql://{self.login}@{self.host}:{self.port}/{self.database}"


def split_address(address: str) -> ServerAddress:
    """A remembered address in its parts (the port 5432 unless it says otherwise)."""
    from sqlalchemy.engine import make_url  # only when a screen asks: --db stays light

    url = make_url(address)
    return ServerAddress(url.host or "", url.port or DEFAULT_PORT, url.database or "",
                         url.username or "")

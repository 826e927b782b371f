"""Opening the store: a database file on this computer (database.py) or the office server a
`postgresql://` address names (server.py)."""

from __future__ import annotations

from pathlib import Path

from wulong_desk.server_address import is_server_url
from wulong_desk.store.database import Store, open_file
from wulong_desk.store.server import open_server


def open_store(path: Path | str | None = None, operator: str = "", *,
               auto_backup: bool = True) -> Store:
    """Open (creating or upgrading as needed) the database at path (default: user data folder),
    or the office server a `postgresql://` address names."""
    if is_server_url(path):
        return open_server(str(path), operator)
    return open_file(path, operator, auto_backup=auto_backup)

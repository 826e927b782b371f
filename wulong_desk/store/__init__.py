"""The case store: SQLite through SQLAlchemy 2, Alembic migrations, audit trail, backups.

Qt-free. Opened with open_store(); every change runs inside store.transaction().
"""

from wulong_desk.store.database import (
    DamagedDatabaseError,
    Store,
    default_db_path,
    open_memory,
)
from wulong_desk.store.opening import open_store

__all__ = ["DamagedDatabaseError", "Store", "default_db_path", "open_memory", "open_store"]

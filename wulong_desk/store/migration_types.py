"""The historic column type of the date columns in revisions ≤ 0012, kept only so those old
migrations replay exactly: their DDL creates the same VARCHAR(10) columns (SQLite's declared
type, which `store/backup_check.py` compares an old backup with) and their data steps read and
write the same ISO text, on SQLite and on PostgreSQL alike.

Nothing but the migrations uses it: the app's models use SQLAlchemy's `Date` (migration 0013
turned the office server's columns into DATE; on SQLite `Date` stores this same ISO text).
Never change it — an old migration must create what it always created.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class IsoDate(TypeDecorator[date]):
    """A date kept as ISO text (YYYY-MM-DD) in a VARCHAR(10) column (revisions ≤ 0012)."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return value.isoformat() if isinstance(value, date) else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)

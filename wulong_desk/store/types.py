"""Column types that keep money and areas exact on SQLite and PostgreSQL alike. (Dates are
SQLAlchemy's own `Date`; the historic date type of old migrations is in migration_types.py.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its canonical text on every backend (SQLite has no exact numeric
    type; on PostgreSQL a NUMERIC(20, 6) would turn 0.90 into 0.900000 and so change the
    case's content hash, which sync compares across both). Never passes through a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError("money and areas must be Decimal, not float")
            value = Decimal(value)
        return f"{value:f}"

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


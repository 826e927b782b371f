"""dates as dates: the date columns, kept as 'YYYY-MM-DD' text in VARCHAR(10) columns up to
revision 0012 (the historic IsoDate of store/migration_types.py), become what SQLAlchemy's
`Date` makes of them — the app's models now use `Date` (issue 30)

- On PostgreSQL (the office server) each of them becomes DATE, its text read as the day it
  writes. First every value is checked: one that is not a day written YYYY-MM-DD — or an empty
  text in a column that must have a date — stops the migration with a message naming the table,
  column, row and value, and nothing at all is changed (PostgreSQL alters tables inside the
  transaction). An empty text in a column that may be empty becomes NULL (no date: the app could
  not read it as a date before either).
- On SQLite nothing changes on disk: `Date` keeps a day as the same ISO text, in the same
  VARCHAR(10) columns, and reads it back the same way. So a file's schema — and an old backup's,
  which store/backup_check.py compares with the migrations' — stays what revisions ≤ 0012 made.

No stored figure changes, nothing is recomputed: only the type of the date columns (values
unchanged). Downgrade (PostgreSQL): back to VARCHAR(10) holding the same ISO text; then the older
program's `server init` must run (its event functions are made for text days).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# every date column as revision 0012 left it (this migration's own list: the models may change)
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "projects": ("announced_on", "signing_start", "signing_deadline", "move_deadline",
                 "presign_start", "presign_end", "decision_made_on", "terminated_on"),
    "cases": ("signed_on", "decided_on", "moved_on", "effective_on", "converted_on"),
    "payments": ("paid_on",),
    "case_events": ("on_date",),
    "procedure_steps": ("started_on", "done_on"),
    "case_dates": ("on_date",),
    "housing_stock": ("notice_on", "handed_over_on"),
    "case_decisions": ("made_on", "announced_on", "served_on", "move_by", "review_filed_on",
                       "review_closed_on", "suit_filed_on", "suit_closed_on", "ended_on"),
    "case_revaluations": ("served_on",),
}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SHOWN = 10   # at most this many bad values are named


def is_iso_day(text: str) -> bool:
    """Is `text` a day written exactly YYYY-MM-DD (as IsoDate wrote it)?"""
    if not ISO_DAY.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return   # SQLite: `Date` stores the same ISO text (see above)
    problems = _bad_values(connection)
    if problems:
        from wulong_desk.errors import EnvironmentFailure

        raise EnvironmentFailure(
            "服务器数据库中有无法识别的日期，升级（结构版本 0013：日期列改为 DATE 类型）没有进行，"
            "数据库没有任何改动：" + "；".join(problems[:SHOWN])
            + (f"；另有 {len(problems) - SHOWN} 处" if len(problems) > SHOWN else "")
            + "。请由数据库所有者把它们改为 YYYY-MM-DD 格式的日期（可以不填的日期也可以清空为 "
            "NULL），再运行 wulong-desk server init")
    for table, columns in DATE_COLUMNS.items():
        op.execute(f"ALTER TABLE {table} " + ", ".join(
            f"ALTER COLUMN {column} TYPE date USING CAST(nullif({column}, '') AS date)"
            for column in columns))


def _bad_values(connection: sa.Connection) -> list[str]:
    """Every value that would not read as its day, in words (table, column, a row, the value)."""
    required = {(table, column) for table, column in connection.execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_nullable = 'NO'"))}
    problems = []
    for table, columns in DATE_COLUMNS.items():
        for column in columns:
            values = connection.execute(sa.text(
                f"SELECT {column}, min(id), count(*) FROM {table} WHERE {column} IS NOT NULL "
                f"GROUP BY {column} ORDER BY min(id)")).all()
            for value, row, count in values:
                if value == "" and (table, column) not in required:
                    continue   # no date: NULL
                if value == "" or not is_iso_day(value):
                    more = f"等 {count} 行" if count > 1 else ""
                    problems.append(f"{table}.{column} 第 {row} 行{more}为「{value}」"
                                    + ("（必须填写日期）" if value == "" else ""))
    return problems


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table, columns in DATE_COLUMNS.items():
        op.execute(f"ALTER TABLE {table} " + ", ".join(
            f"ALTER COLUMN {column} TYPE varchar(10) USING to_char({column}, 'YYYY-MM-DD')"
            for column in columns))
    # the one server function whose result is a date: the older `server init` makes it again
    # returning text (a function's result type cannot be replaced)
    op.execute("DROP FUNCTION IF EXISTS wulong_move_deadline(integer)")

"""drop cases.exchanged_hash: a column nothing has read or written since revision 0004 moved case
versions to `version_trail` and 0009 to version ids (issue 30: dead code out)

Its last values were copied into `version_trail` by 0004; nothing reads it since. No stored
figure changes. SQLite (3.35 and later, as every supported Python ships) and PostgreSQL both drop
a plain column in place. Downgrade adds it back, empty (on SQLite in its old place).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE cases DROP COLUMN exchanged_hash")


def downgrade() -> None:
    column = sa.Column("exchanged_hash", sa.String(length=64), nullable=True)
    if op.get_bind().dialect.name != "sqlite":
        op.add_column("cases", column)
        return
    # in its old place, so the file's schema is exactly revision 0013's (store/backup_check.py
    # compares a backup's columns, in order, with the migrations')
    with op.batch_alter_table("cases", recreate="always") as batch_op:
        batch_op.add_column(column, insert_after="unlocked_reason")

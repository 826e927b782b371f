"""documents: the project's own agreement numbering (prefix, year) and each case's number in it

Revision ID: 0006
Revises: 0003 (re-chained after 0004/0005 when merged)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        # e.g. 武隆征补〔2023〕第0012号: prefix 武隆征补, year 2023; empty/NULL: the defaults
        batch_op.add_column(sa.Column("agreement_prefix", sa.String(50), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("agreement_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        # assigned once, the first time a case's agreement is printed, and kept
        batch_op.add_column(sa.Column("agreement_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("agreement_seq")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("agreement_year")
        batch_op.drop_column("agreement_prefix")

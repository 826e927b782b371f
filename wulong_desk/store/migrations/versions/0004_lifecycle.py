"""lifecycle: a move-out date, a void reason, a version counter and the package ancestry per case

No stored figure changes: the calculation records are not touched. A case's last exchanged
content hash (if any) becomes the first entry of its version trail, so packages exchanged before
this revision are still recognised as common ground.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_on", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("version_trail", sa.Text(), nullable=False,
                                      server_default="[]"))
    op.execute("UPDATE cases SET version_trail = '[\"' || exchanged_hash || '\"]' "
               "WHERE exchanged_hash IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("version_trail")
        batch_op.drop_column("version")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("moved_on")

"""case records: the breakdown's JSON moves to its own table; a covering index for searching

Summing a project's figures read every case's ~3 KB of JSON when it sat in case_results; apart,
the sums touch a few narrow pages. The index on (project_id, search_text) lets a search scan the
index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_records",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("breakdown_json", sa.Text(), nullable=False),
        sa.Column("problems_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_results.case_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.execute("INSERT INTO case_records (case_id, breakdown_json, problems_json) "
               "SELECT case_id, breakdown_json, problems_json FROM case_results")
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        batch_op.drop_column("breakdown_json")
        batch_op.drop_column("problems_json")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_search", ["project_id", "search_text"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_search")
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breakdown_json", sa.Text(), nullable=False,
                                      server_default="{}"))
        batch_op.add_column(sa.Column("problems_json", sa.Text(), nullable=False,
                                      server_default="[]"))
    op.execute("UPDATE case_results SET breakdown_json = (SELECT breakdown_json FROM "
               "case_records WHERE case_records.case_id = case_results.case_id), problems_json ="
               " (SELECT problems_json FROM case_records WHERE case_records.case_id = "
               "case_results.case_id)")
    op.drop_table("case_records")

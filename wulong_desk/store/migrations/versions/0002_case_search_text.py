"""case search text: one lower-cased column per case for fast searching, filled for old rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False,
                                      server_default=""))
    # Fill it for existing cases. This is a snapshot of the rule in
    # wulong_desk/services/cases/search.py (migrations must not import code that may change later).
    conn = op.get_bind()
    people: dict[int, list[str]] = {}
    for case_id, name, id_number, phone in conn.execute(sa.text(
            "SELECT case_id, name, id_number, phone FROM persons ORDER BY case_id, position")):
        people.setdefault(case_id, []).extend([name or "", id_number or "", phone or ""])
    rows = conn.execute(sa.text("SELECT id, case_no, title_no, address FROM cases")).all()
    for case_id, case_no, title_no, address in rows:
        text = " ".join([case_no or "", title_no or "", address or "", *people.get(case_id, [])])
        conn.execute(sa.text("UPDATE cases SET search_text = :t WHERE id = :i"),
                     {"t": text.lower(), "i": case_id})


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("search_text")

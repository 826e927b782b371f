"""calc contract revision 2: readings per project, a part's registration, two turnover flags,
exchange houses' use, line V_UNREG, and the contract revision of every stored record

No stored figure changes and nothing is recomputed: every existing record keeps its lines and
totals and is marked as computed under revision 1 (V_UNREG is 0 for it: revision 1 had no
buildings without a title). The facts as entered carry forward: every part is a registered
one, every exchange house a residential one, and a case with business parts whose exchange had
a turnover house (which under revision 1 also stopped the business-interruption pay) gets
`turnover_premises` from it. Existing projects take each reading's default (standard file
wulong-2023, revision 2), which is how revision 1 read those sentences except where the spec
says revision 1 misread them. `wulong-desk recalc` brings unsigned cases to revision 2, audited.

Revision ID: 0007
Revises: 0004 (the lead re-chains it after 0005/0006)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exchange_interruption_rate",
                                      wulong_desk.store.types.ExactDecimal(length=40),
                                      nullable=False, server_default="0.05"))
        batch_op.add_column(sa.Column("early_days_from", sa.String(length=12), nullable=False,
                                      server_default="period"))
        batch_op.add_column(sa.Column("second_move_requires_on_time", sa.Boolean(),
                                      nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("ontime_reward_mixed", sa.String(length=10),
                                      nullable=False, server_default="both"))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("turnover_premises", sa.Boolean(), nullable=True))
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration", sa.String(length=12), nullable=False,
                                      server_default="registered"))
        batch_op.add_column(sa.Column("temporary_amount",
                                      wulong_desk.store.types.ExactDecimal(length=40),
                                      nullable=True))
    with op.batch_alter_table("exchange_houses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("use", sa.String(length=12), nullable=False,
                                      server_default="residential"))
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("v_unreg", sa.BigInteger(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("contract_revision", sa.Integer(), nullable=False,
                                      server_default="1"))
    # the turnover as entered: for a case with business parts it was also the premises
    op.execute("UPDATE cases SET turnover_premises = turnover_house "
               "WHERE turnover_house IS NOT NULL AND EXISTS (SELECT 1 FROM house_parts "
               "WHERE house_parts.case_id = cases.id AND house_parts.business_eligible = "
               "TRUE)")


def downgrade() -> None:
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        batch_op.drop_column("contract_revision")
        batch_op.drop_column("v_unreg")
    with op.batch_alter_table("exchange_houses", schema=None) as batch_op:
        batch_op.drop_column("use")
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.drop_column("temporary_amount")
        batch_op.drop_column("registration")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("turnover_premises")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("ontime_reward_mixed")
        batch_op.drop_column("second_move_requires_on_time")
        batch_op.drop_column("early_days_from")
        batch_op.drop_column("exchange_interruption_rate")

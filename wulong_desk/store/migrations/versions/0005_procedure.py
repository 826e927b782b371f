"""procedure: payments, dated procedure steps, case dates and documents, 旧城区改建 consents,
exchange housing stock; the case's payment term and bank account; the project's totals

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.migration_types
import wulong_desk.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DAY = wulong_desk.store.migration_types.IsoDate(length=10)


def exact() -> wulong_desk.store.types.ExactDecimal:
    return wulong_desk.store.types.ExactDecimal(length=40)


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("total_households", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("total_area", exact(), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_term", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("bank_account", sa.Text(), nullable=True))
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", exact(), nullable=False),
        sa.Column("paid_on", DAY, nullable=False),
        sa.Column("voucher", sa.String(length=60), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payments_case", "payments", ["case_id", "paid_on"], unique=False)
    op.create_table(
        "procedure_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("started_on", DAY, nullable=True),
        sa.Column("done_on", DAY, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "step", name="uq_step_per_project"),
    )
    op.create_table(
        "case_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=30), nullable=False),
        sa.Column("on_date", DAY, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "what", name="uq_case_date"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("exclusive_area", exact(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_project_id", "consents", ["project_id"], unique=False)
    op.create_table(
        "housing_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("use", sa.String(length=12), nullable=False),
        sa.Column("building", sa.String(length=50), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("area", exact(), nullable=False),
        sa.Column("inner_area", exact(), nullable=True),
        sa.Column("unit_price", exact(), nullable=False),
        sa.Column("exchange_house_id", sa.Integer(), nullable=True),
        sa.Column("notice_on", DAY, nullable=True),
        sa.Column("handed_over_on", DAY, nullable=True),
        sa.ForeignKeyConstraint(["exchange_house_id"], ["exchange_houses.id"],
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "building", "unit", "number",
                            name="uq_housing_address"),
        sa.UniqueConstraint("exchange_house_id", name="uq_housing_assigned_once"),
    )
    op.create_index("ix_housing_stock_project_id", "housing_stock", ["project_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_housing_stock_project_id", table_name="housing_stock")
    op.drop_table("housing_stock")
    op.drop_index("ix_consents_project_id", table_name="consents")
    op.drop_table("consents")
    op.drop_table("case_dates")
    op.drop_table("procedure_steps")
    op.drop_index("ix_payments_case", table_name="payments")
    op.drop_table("payments")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("bank_account")
        batch_op.drop_column("payment_term")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("total_area")
        batch_op.drop_column("total_households")

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.types
from wulong_desk.store.migration_types import IsoDate

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_case", ["case_id", "id"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("decision_no", sa.String(length=100), nullable=False),
        sa.Column("announced_on", IsoDate(length=10), nullable=False),
        sa.Column("signing_start", IsoDate(length=10), nullable=True),
        sa.Column("signing_deadline", IsoDate(length=10), nullable=False),
        sa.Column("move_deadline", IsoDate(length=10), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("implementer", sa.String(length=200), nullable=False),
        sa.Column("appraiser", sa.String(length=200), nullable=False),
        sa.Column("old_town", sa.Boolean(), nullable=False),
        sa.Column(
            "presign_threshold", wulong_desk.store.types.ExactDecimal(length=40), nullable=False
        ),
        sa.Column("zone", sa.String(length=10), nullable=False),
        sa.Column("guide_reward_for", sa.String(length=10), nullable=False),
        sa.Column(
            "residential_extra_area",
            wulong_desk.store.types.ExactDecimal(length=40),
            nullable=False,
        ),
        sa.Column(
            "nonresidential_guide_rate",
            wulong_desk.store.types.ExactDecimal(length=40),
            nullable=False,
        ),
        sa.Column(
            "manufacturing_uplift", wulong_desk.store.types.ExactDecimal(length=40), nullable=False
        ),
        sa.Column(
            "equipment_rate", wulong_desk.store.types.ExactDecimal(length=40), nullable=False
        ),
        sa.Column(
            "maintenance_fund_rate", wulong_desk.store.types.ExactDecimal(length=40), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=50), nullable=False),
        sa.Column("title_no", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("min_housing_eligible", sa.Boolean(), nullable=False),
        sa.Column("signed_on", IsoDate(length=10), nullable=True),
        sa.Column("moved_on_time", sa.Boolean(), nullable=False),
        sa.Column("land_area", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column(
            "land_unit_price", wulong_desk.store.types.ExactDecimal(length=40), nullable=True
        ),
        sa.Column("transition_months", sa.Integer(), nullable=True),
        sa.Column("turnover_house", sa.Boolean(), nullable=True),
        sa.Column("interruption_months", sa.Integer(), nullable=False),
        sa.Column("overdue_months", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("unlocked_reason", sa.Text(), nullable=True),
        sa.Column("exchanged_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "case_no", name="uq_case_no_per_project"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_project_status", ["project_id", "status"], unique=False)

    op.create_table(
        "case_results",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("standard_id", sa.String(length=50), nullable=True),
        sa.Column("standard_sha256", sa.String(length=64), nullable=True),
        sa.Column("engine_version", sa.String(length=20), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("breakdown_json", sa.Text(), nullable=False),
        sa.Column("problems_json", sa.Text(), nullable=False),
        sa.Column("warnings_count", sa.Integer(), nullable=False),
        sa.Column("v_area", sa.BigInteger(), nullable=False),
        sa.Column("v_shared", sa.BigInteger(), nullable=False),
        sa.Column("v_min", sa.BigInteger(), nullable=False),
        sa.Column("v_land", sa.BigInteger(), nullable=False),
        sa.Column("l1_interrupt", sa.BigInteger(), nullable=False),
        sa.Column("l2_decor", sa.BigInteger(), nullable=False),
        sa.Column("l3_facility", sa.BigInteger(), nullable=False),
        sa.Column("l4_equip", sa.BigInteger(), nullable=False),
        sa.Column("r5_guide", sa.BigInteger(), nullable=False),
        sa.Column("r6_early", sa.BigInteger(), nullable=False),
        sa.Column("r7_ontime", sa.BigInteger(), nullable=False),
        sa.Column("r8_move", sa.BigInteger(), nullable=False),
        sa.Column("r9_temp", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("exchange_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("net_payable_cents", sa.BigInteger(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reusable", sa.Boolean(), nullable=False),
        sa.Column("net_value", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column("rate", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column("assessed_value", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_equipment_case_id"), ["case_id"], unique=False)

    op.create_table(
        "exchange_houses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("area", wulong_desk.store.types.ExactDecimal(length=40), nullable=False),
        sa.Column("inner_area", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column("unit_price", wulong_desk.store.types.ExactDecimal(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchange_houses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_houses_case_id"), ["case_id"], unique=False)

    op.create_table(
        "house_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("use", sa.String(length=12), nullable=False),
        sa.Column("area", wulong_desk.store.types.ExactDecimal(length=40), nullable=False),
        sa.Column("inner_area", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column("unit_price", wulong_desk.store.types.ExactDecimal(length=40), nullable=True),
        sa.Column(
            "decoration_value", wulong_desk.store.types.ExactDecimal(length=40), nullable=False
        ),
        sa.Column("water_accounts", sa.Integer(), nullable=False),
        sa.Column("power_accounts", sa.Integer(), nullable=False),
        sa.Column("gas_accounts", sa.Integer(), nullable=False),
        sa.Column("gas_cost", wulong_desk.store.types.ExactDecimal(length=40), nullable=False),
        sa.Column("business_eligible", sa.Boolean(), nullable=False),
        sa.Column("manufacturing", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_house_parts_case_id"), ["case_id"], unique=False)

    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_case_id"))

    op.drop_table("persons")
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_house_parts_case_id"))

    op.drop_table("house_parts")
    with op.batch_alter_table("exchange_houses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_houses_case_id"))

    op.drop_table("exchange_houses")
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equipment_case_id"))

    op.drop_table("equipment")
    op.drop_table("case_results")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_project_status")

    op.drop_table("cases")
    op.drop_table("projects")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_case")

    op.drop_table("audit_log")

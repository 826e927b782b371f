"""the path a project takes in law: the decision as an event, the formal appraisal waiting beside
a presign, conversion, 补偿决定 and re-valuation (issue 27)

No stored figure changes and nothing is recomputed. Projects gain `decision_state` (planned |
decided | terminated) and the termination's day, number and reason; a project already in use is
marked decided — every project that is not 旧城区改建 (its announcement is a fact, it has no
presign share to reach), and a 旧城区改建 project whose decision day is known or that has a
signed or moved case — the others stay planned. Cases gain `converted_on`: for a presign that
became a 补偿协议 before this revision (signed or moved), the later of its project's decision day
(or, unknown, its announcement) and the day its 分户评估报告 was served, if recorded — also its
`effective_on` (协议生效, migration 0011) where 0011 could not tell it. House parts
gain the formal appraisal's values waiting beside a frozen presign (empty). Two tables: the
case's 补偿决定 (case_decisions) and its re-valuations after 复核 or 鉴定 (case_revaluations).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.migration_types
import wulong_desk.store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

DECIMAL = wulong_desk.store.types.ExactDecimal
DAY = wulong_desk.store.migration_types.IsoDate
meta = sa.MetaData()
projects = sa.Table(
    "projects", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("old_town", sa.Boolean), sa.Column("announced_on", DAY),
    sa.Column("decision_made_on", DAY), sa.Column("decision_state", sa.String))
cases = sa.Table(
    "cases", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project_id", sa.Integer), sa.Column("status", sa.String),
    sa.Column("presign", sa.Boolean), sa.Column("converted_on", DAY),
    sa.Column("effective_on", DAY))
case_dates = sa.Table(
    "case_dates", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer), sa.Column("what", sa.String),
    sa.Column("on_date", DAY))


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_state", sa.String(length=12), nullable=False,
                                      server_default="planned"))
        batch_op.add_column(sa.Column("terminated_on", DAY(length=10), nullable=True))
        batch_op.add_column(sa.Column("termination_no", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("termination_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("converted_on", DAY(length=10), nullable=True))
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("formal_unit_price", DECIMAL(length=40), nullable=True))
        batch_op.add_column(sa.Column("formal_decoration_value", DECIMAL(length=40),
                                      nullable=True))
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("ground", sa.String(length=16), nullable=False),
        sa.Column("made_on", DAY(length=10), nullable=False),
        sa.Column("announced_on", DAY(length=10), nullable=True),
        sa.Column("served_on", DAY(length=10), nullable=True),
        sa.Column("move_by", DAY(length=10), nullable=False),
        sa.Column("rights_stated", sa.Boolean(), nullable=False),
        sa.Column("review_filed_on", DAY(length=10), nullable=True),
        sa.Column("review_closed_on", DAY(length=10), nullable=True),
        sa.Column("suit_filed_on", DAY(length=10), nullable=True),
        sa.Column("suit_closed_on", DAY(length=10), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("ended_on", DAY(length=10), nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_case_decisions_case_id", "case_decisions", ["case_id"])
    op.create_table(
        "case_revaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("served_on", DAY(length=10), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_case_revaluations_case_id", "case_revaluations", ["case_id"])
    _mark_decided(op.get_bind())
    _date_conversions(op.get_bind())


def _mark_decided(connection: sa.Connection) -> None:
    in_use = sa.select(cases.c.id).where(cases.c.project_id == projects.c.id,
                                         cases.c.status.in_(("signed", "moved"))).exists()
    connection.execute(projects.update().where(
        sa.or_(projects.c.old_town.is_(False), projects.c.decision_made_on.is_not(None), in_use)
    ).values(decision_state="decided"))


def _date_conversions(connection: sa.Connection) -> None:
    """A presign converted before this revision: the later of the decision (or announcement)
    and its report's service, as recorded."""
    rows = connection.execute(
        sa.select(cases.c.id, projects.c.decision_made_on, projects.c.announced_on,
                  cases.c.effective_on)
        .join(projects, projects.c.id == cases.c.project_id)
        .where(cases.c.presign.is_(True), cases.c.status.in_(("signed", "moved")))).all()
    served = dict(connection.execute(
        sa.select(case_dates.c.case_id, case_dates.c.on_date)
        .where(case_dates.c.what == "report_served")).all())
    for case_id, made_on, announced_on, effective_on in rows:
        start = made_on or announced_on
        if served.get(case_id) is not None and (start is None or served[case_id] > start):
            start = served[case_id]
        connection.execute(cases.update().where(cases.c.id == case_id)
                           .values(converted_on=start, effective_on=effective_on or start))


def downgrade() -> None:
    op.drop_index("ix_case_revaluations_case_id", table_name="case_revaluations")
    op.drop_table("case_revaluations")
    op.drop_index("ix_case_decisions_case_id", table_name="case_decisions")
    op.drop_table("case_decisions")
    with op.batch_alter_table("house_parts", schema=None) as batch_op:
        batch_op.drop_column("formal_decoration_value")
        batch_op.drop_column("formal_unit_price")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("converted_on")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("termination_reason")
        batch_op.drop_column("termination_no")
        batch_op.drop_column("terminated_on")
        batch_op.drop_column("decision_state")

"""calc contract revision 3: three readings retired, presigns in their own period, 补偿决定 cases,
and when each part of a record's total falls due

No stored figure changes and nothing is recomputed. Every stored record keeps its lines, totals
and text (a ledger printed before still verifies) and its contract revision (1 or 2), and gains:
- the values of the three retired readings it was computed with (`exchange_interruption_rate`,
  `early_days_from`, `second_move_requires_on_time` on case_results): a revision-1 record the
  ones revision 1 applied; a revision-2 record the choice its own formulas name, else its
  project's as stored now (services/cases/revision3.py). Then the project columns are dropped: a
  later event on such a record is figured with the record's own values (办法第三十条);
- its schedule (`before_move_cents`, `transition_cents`, `after_move_cents`, `overdue_cents`):
  its own rounded lines split by when each falls due, before_move taking the rest, so the four
  add up to its stored total exactly (services/cases/revision3.py says how).
Projects gain `presign_start`, `presign_end`, `decision_made_on` (empty) and the reading
`decision_guide_reward` (its default, `as_plan`); cases gain `presign` — true for a case at 预签
and for a signed case of a 旧城区改建 project whose signing date is before the announcement (under
revision 2 only a presign could be) — and `decided_on` (empty). `wulong-desk recalc` brings the
unsigned cases to revision 3, audited.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.migration_types
import wulong_desk.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DECIMAL = wulong_desk.store.types.ExactDecimal
DAY = wulong_desk.store.migration_types.IsoDate
RETIRED = ("exchange_interruption_rate", "early_days_from", "second_move_requires_on_time")
LINE_CODES = ("V_AREA", "V_SHARED", "V_MIN", "V_LAND", "V_UNREG", "L1_INTERRUPT", "L2_DECOR",
              "L3_FACILITY", "L4_EQUIP", "R5_GUIDE", "R6_EARLY", "R7_ONTIME", "R8_MOVE",
              "R9_TEMP")
BUCKETS = ("before_move", "transition", "after_move", "overdue")
meta = sa.MetaData()
projects = sa.Table(
    "projects", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("announced_on", DAY), sa.Column("signing_start", DAY),
    sa.Column("signing_deadline", DAY), sa.Column("old_town", sa.Boolean),
    sa.Column("zone", sa.String), sa.Column("guide_reward_for", sa.String),
    *(sa.Column(key, DECIMAL) for key in ("residential_extra_area", "nonresidential_guide_rate",
                                          "manufacturing_uplift", "equipment_rate",
                                          "maintenance_fund_rate", "exchange_interruption_rate")),
    sa.Column("early_days_from", sa.String), sa.Column("second_move_requires_on_time", sa.Boolean),
    sa.Column("ontime_reward_mixed", sa.String))
cases = sa.Table(
    "cases", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project_id", sa.Integer), sa.Column("status", sa.String),
    sa.Column("method", sa.String), sa.Column("min_housing_eligible", sa.Boolean),
    sa.Column("signed_on", DAY), sa.Column("moved_on_time", sa.Boolean),
    sa.Column("land_area", DECIMAL), sa.Column("land_unit_price", DECIMAL),
    sa.Column("transition_months", sa.Integer), sa.Column("turnover_house", sa.Boolean),
    sa.Column("turnover_premises", sa.Boolean), sa.Column("interruption_months", sa.Integer),
    sa.Column("overdue_months", sa.Integer), sa.Column("presign", sa.Boolean))
parts = sa.Table(
    "house_parts", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer), sa.Column("position", sa.Integer),
    sa.Column("use", sa.String), sa.Column("registration", sa.String),
    *(sa.Column(key, DECIMAL) for key in ("area", "inner_area", "unit_price",
                                          "decoration_value", "gas_cost", "temporary_amount")),
    *(sa.Column(key, sa.Integer) for key in ("water_accounts", "power_accounts",
                                             "gas_accounts")),
    sa.Column("business_eligible", sa.Boolean), sa.Column("manufacturing", sa.Boolean))
equipment = sa.Table(
    "equipment", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer), sa.Column("position", sa.Integer),
    sa.Column("name", sa.String), sa.Column("reusable", sa.Boolean),
    *(sa.Column(key, DECIMAL) for key in ("net_value", "rate", "assessed_value")))
houses = sa.Table(
    "exchange_houses", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer), sa.Column("position", sa.Integer),
    sa.Column("use", sa.String),
    *(sa.Column(key, DECIMAL) for key in ("area", "inner_area", "unit_price")))
results = sa.Table(
    "case_results", meta, sa.Column("case_id", sa.Integer, primary_key=True),
    sa.Column("ok", sa.Boolean), sa.Column("contract_revision", sa.Integer),
    sa.Column("total_cents", sa.BigInteger),
    *(sa.Column(code.lower(), sa.BigInteger) for code in LINE_CODES),
    *(sa.Column(f"{key}_cents", sa.BigInteger) for key in BUCKETS),
    sa.Column("exchange_interruption_rate", DECIMAL), sa.Column("early_days_from", sa.String),
    sa.Column("second_move_requires_on_time", sa.Boolean))
records = sa.Table(
    "case_records", meta, sa.Column("case_id", sa.Integer, primary_key=True),
    sa.Column("breakdown_json", sa.Text))


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_guide_reward", sa.String(length=10),
                                      nullable=False, server_default="as_plan"))
        for key in ("presign_start", "presign_end", "decision_made_on"):
            batch_op.add_column(sa.Column(key, DAY(length=10), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("presign", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("decided_on", DAY(length=10), nullable=True))
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        for key in BUCKETS:
            batch_op.add_column(sa.Column(f"{key}_cents", sa.BigInteger(), nullable=False,
                                          server_default="0"))
        batch_op.add_column(sa.Column("exchange_interruption_rate", DECIMAL(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column("early_days_from", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("second_move_requires_on_time", sa.Boolean(),
                                      nullable=True))
    connection = op.get_bind()
    _mark_presigns(connection)
    _fill_records(connection)
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for key in reversed(RETIRED):
            batch_op.drop_column(key)


def _mark_presigns(connection: sa.Connection) -> None:
    """A case at 预签, and any case of a 旧城区改建 project dated before the announcement
    (revision 2 let only a presign be signed then), was signed as a presign."""
    announced = (sa.select(projects.c.announced_on).where(projects.c.id == cases.c.project_id)
                 .scalar_subquery())
    old_town = (sa.select(projects.c.old_town).where(projects.c.id == cases.c.project_id)
                .scalar_subquery())
    connection.execute(cases.update().where(sa.or_(
        cases.c.status == "presigned",
        sa.and_(cases.c.signed_on.is_not(None), cases.c.signed_on < announced,
                old_town == sa.true()))).values(presign=True))


def _rows_by_case(connection: sa.Connection, table: sa.Table) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in connection.execute(sa.select(table).order_by(table.c.case_id,
                                                             table.c.position)):
        grouped.setdefault(row.case_id, []).append(SimpleNamespace(**row._mapping))
    return grouped


def _stored_results(connection: sa.Connection) -> Iterator[Any]:
    query = (sa.select(results, records.c.breakdown_json)
             .outerjoin(records, records.c.case_id == results.c.case_id)
             .where(results.c.ok == sa.true()).order_by(results.c.case_id))
    yield from connection.execute(query)


def _fill_records(connection: sa.Connection) -> None:
    from wulong_desk.services.cases.contract import case_to_contract
    from wulong_desk.services.cases.revision3 import (
        readings_of_record,
        record_of,
        stored_schedule_cents,
    )

    project_rows = {row.id: row for row in connection.execute(sa.select(projects))}
    case_rows = {row.id: row for row in connection.execute(sa.select(cases))}
    part_rows = _rows_by_case(connection, parts)
    equipment_rows = _rows_by_case(connection, equipment)
    house_rows = _rows_by_case(connection, houses)
    for stored in list(_stored_results(connection)):
        case_row = case_rows.get(stored.case_id)
        if case_row is None:
            continue
        project = project_rows[case_row.project_id]
        record = record_of(stored.breakdown_json)
        readings = readings_of_record(stored.contract_revision or 1, record,
                                      {key: getattr(project, key) for key in RETIRED})
        case = SimpleNamespace(**case_row._mapping, decided_on=None,
                               parts=part_rows.get(case_row.id, []),
                               equipment=equipment_rows.get(case_row.id, []),
                               exchange_houses=house_rows.get(case_row.id, []))
        request = {"project": _project_request(project), "case": case_to_contract(case)}
        lines = {code: getattr(stored, code.lower()) for code in LINE_CODES}
        schedule = stored_schedule_cents(request, readings, lines, stored.total_cents)
        connection.execute(results.update().where(results.c.case_id == stored.case_id).values(
            exchange_interruption_rate=readings.exchange_interruption_rate,
            early_days_from=readings.early_days_from,
            second_move_requires_on_time=readings.second_move_requires_on_time,
            **{f"{key}_cents": schedule[key] for key in BUCKETS}))


def _project_request(project: Any) -> dict[str, Any]:
    """The project's calc options as revision 3 reads them (its retired readings are passed to
    the revision-2 path apart, as the record's own)."""
    out: dict[str, Any] = {"zone": project.zone, "guide_reward_for": project.guide_reward_for,
                           "ontime_reward_mixed": project.ontime_reward_mixed}
    for key in ("residential_extra_area", "nonresidential_guide_rate", "manufacturing_uplift",
                "equipment_rate", "maintenance_fund_rate"):
        value = getattr(project, key)
        if value is not None:
            out[key] = f"{value:f}"
    for key in ("announced_on", "signing_deadline", "signing_start"):
        value = getattr(project, key)
        if value is not None:
            out[key] = value.isoformat()
    return out


def downgrade() -> None:
    """Back to revision 2: each project takes the readings of one of its records (its first
    signed one, else its first), or the defaults; revision 3's columns go."""
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exchange_interruption_rate", DECIMAL(length=40),
                                      nullable=False, server_default="0.05"))
        batch_op.add_column(sa.Column("early_days_from", sa.String(length=12), nullable=False,
                                      server_default="period"))
        batch_op.add_column(sa.Column("second_move_requires_on_time", sa.Boolean(),
                                      nullable=False, server_default=sa.true()))
    connection = op.get_bind()
    query = (sa.select(cases.c.project_id, cases.c.status, *(results.c[key] for key in RETIRED))
             .join(results, results.c.case_id == cases.c.id)
             .where(results.c.exchange_interruption_rate.is_not(None))
             .order_by(cases.c.project_id, cases.c.id))
    chosen: dict[int, Any] = {}
    for row in connection.execute(query):
        signed = row.status in ("presigned", "signed", "moved", "void")
        if row.project_id not in chosen or (signed and not chosen[row.project_id][0]):
            chosen[row.project_id] = (signed, row)
    for project_id, (_signed, row) in chosen.items():
        connection.execute(projects.update().where(projects.c.id == project_id).values(
            **{key: getattr(row, key) for key in RETIRED}))
    with op.batch_alter_table("case_results", schema=None) as batch_op:
        for key in reversed(RETIRED):
            batch_op.drop_column(key)
        for key in reversed(BUCKETS):
            batch_op.drop_column(f"{key}_cents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("decided_on")
        batch_op.drop_column("presign")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        for key in ("decision_made_on", "presign_end", "presign_start"):
            batch_op.drop_column(key)
        batch_op.drop_column("decision_guide_reward")

"""money over time: payment terms as data, the payee account in its parts, the day an agreement
took effect, and the events that make money owed (moves, delays)

No stored figure changes and nothing is recomputed: every record keeps its lines, totals and
schedule. What the migration adds, and what it infers from what a case already says:
- projects.payment_terms (empty: the office sets its default terms per bucket);
- cases.payment_terms: a free-text 付款期限 that reads unambiguously as one term of the
  agreement's money owed at signing — 「签约后15日内」, 「签约之日起10个工作日内」, 「协议生效后
  十五日内付清」, a date such as 「2026-03-01前」 — becomes the term of `before_move` (the only
  part owed at signing) and the text is cleared; any other text (「交房后10日内」, two terms in
  one, …) stays in cases.payment_term and is listed as 付款期限需重新录入;
- cases.payee_name / payee_bank / payee_account: a 收款账户 written 「户名…开户行…账号…」 (each
  label once, in that order) is split into them and the text cleared; any other text stays in
  cases.bank_account (收款账户需重新录入);
- cases.effective_on (协议生效): for a signed, moved or void case that is not a presign, its
  signing day; for a presign converted before this migration (已签约 or 已搬迁 with `presign`),
  the later of its project's decision_made_on and the case's 分户评估报告送达 date when both are
  recorded, else empty (a term counted from 协议生效 then has no date until it is entered);
- case_events: for every 已搬迁 case (and a void one with a 搬迁日期), its move on its 搬迁日期
  (late when after its project's 搬迁期限 if one is set, else when its record was computed
  without the on-time move), forfeiting nothing (its record already says what it was computed
  with); for every signed, moved or void exchange case with overdue months, one delay of those
  months adding its stored overdue amount. Each is marked `inferred`, and its uuid is derived
  from the case's uuid, so two computers migrating the same case make the same event.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import wulong_desk.store.migration_types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DAY = wulong_desk.store.migration_types.IsoDate
FROZEN = ("presigned", "signed", "moved", "void")
EVENT_NAMESPACE = uuidlib.UUID("6f3e0c1e-0b5c-4a1e-9d3e-2b6f0e1d0a11")
meta = sa.MetaData()
projects = sa.Table(
    "projects", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("move_deadline", DAY), sa.Column("decision_made_on", DAY))
cases = sa.Table(
    "cases", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uuid", sa.String), sa.Column("project_id", sa.Integer),
    sa.Column("status", sa.String), sa.Column("method", sa.String),
    sa.Column("signed_on", DAY), sa.Column("moved_on", DAY), sa.Column("presign", sa.Boolean),
    sa.Column("moved_on_time", sa.Boolean), sa.Column("overdue_months", sa.Integer),
    sa.Column("payment_term", sa.Text), sa.Column("bank_account", sa.Text),
    sa.Column("payment_terms", sa.Text), sa.Column("payee_name", sa.String),
    sa.Column("payee_bank", sa.String), sa.Column("payee_account", sa.String),
    sa.Column("effective_on", DAY))
case_dates = sa.Table(
    "case_dates", meta, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer), sa.Column("what", sa.String),
    sa.Column("on_date", DAY))
results = sa.Table(
    "case_results", meta, sa.Column("case_id", sa.Integer, primary_key=True),
    sa.Column("ok", sa.Boolean), sa.Column("overdue_cents", sa.BigInteger))

# the legacy texts this migration reads (its own copy: app code may change later)
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_TERM = re.compile(r"(签约|协议生效)(?:之日)?(?:后|起)(\d{1,3}|[一二两三四五六七八九十]{1,3})"
                   r"(个工作日|工作日|日|天)内?(?:付清|支付|支付完毕|一次性付清)?")
_DATE = re.compile(r"(\d{4})(?:-|年|/|\.)(\d{1,2})(?:-|月|/|\.)(\d{1,2})日?"
                   r"(?:前|之前|以前)?(?:付清|支付|支付完毕|一次性付清)?")
_ACCOUNT = re.compile(r"户名[:：]?\s*(?P<name>[^，,；;、\s]+)[，,；;、\s]+"
                      r"开户(?:银)?行[:：]?\s*(?P<bank>[^，,；;、\s]+)[，,；;、\s]+"
                      r"(?:账号|帐号)[:：]?\s*(?P<account>[0-9][0-9 ]{5,40}[0-9])")


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        high = _NUMERALS.get(tens, 0) if tens else 1
        low = _NUMERALS.get(ones, 0) if ones else 0
        if (tens and tens not in _NUMERALS) or (ones and ones not in _NUMERALS):
            return None
        return high * 10 + low
    return _NUMERALS.get(text) if len(text) == 1 else None


def read_legacy_term(text: str | None) -> dict[str, object] | None:
    """The term a free-text 付款期限 states, when it states exactly one unambiguously."""
    cleaned = re.sub(r"[\s。．.]+$", "", (text or "").strip()).replace(" ", "")
    if not cleaned:
        return None
    found = _TERM.fullmatch(cleaned)
    if found:
        days = _chinese_number(found.group(2))
        if days is None or not 0 < days <= 366:
            return None
        return {"from": "signing" if found.group(1) == "签约" else "effective", "days": days,
                "workdays": "工作日" in found.group(3)}
    found = _DATE.fullmatch(cleaned)
    if found:
        try:
            day = date(*(int(g) for g in found.groups()))
        except ValueError:
            return None
        if not 1990 <= day.year <= 2100:
            return None
        return {"on": day.isoformat()}
    return None


def read_legacy_account(text: str | None) -> dict[str, str] | None:
    """户名、开户行、账号 of a free-text 收款账户 that names each once, in that order."""
    cleaned = (text or "").strip()
    found = _ACCOUNT.fullmatch(cleaned)
    if not found or any(cleaned.count(word) != 1 for word in ("户名", "开户")):
        return None
    parts = {key: found.group(key).strip() for key in ("name", "bank", "account")}
    if len(parts["name"]) > 100 or len(parts["bank"]) > 200 or len(parts["account"]) > 60:
        return None
    return parts


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_terms", sa.Text(), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_terms", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("payee_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("payee_bank", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("payee_account", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("effective_on", DAY(length=10), nullable=True))
    events = op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("on_date", DAY(length=10), nullable=True),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"], unique=False)
    _fill(op.get_bind(), events)


def _fill(connection: sa.engine.Connection, events: sa.Table) -> None:
    deadlines = {row.id: row for row in connection.execute(sa.select(projects))}
    served = {row.case_id: row.on_date for row in connection.execute(
        sa.select(case_dates.c.case_id, case_dates.c.on_date)
        .where(case_dates.c.what == "report_served"))}
    overdue = dict(connection.execute(
        sa.select(results.c.case_id, results.c.overdue_cents).where(results.c.ok.is_(True))
    ).all())
    now = datetime.now(UTC).replace(tzinfo=None)
    made = []
    for case in connection.execute(sa.select(cases)).all():
        values: dict[str, object] = {}
        term = read_legacy_term(case.payment_term)
        if term is not None:
            values["payment_terms"] = json.dumps({"before_move": term}, sort_keys=True)
            values["payment_term"] = None
        account = read_legacy_account(case.bank_account)
        if account is not None:
            values.update(payee_name=account["name"], payee_bank=account["bank"],
                          payee_account=account["account"], bank_account=None)
        project = deadlines.get(case.project_id)
        if case.status in ("signed", "moved", "void") and case.signed_on is not None:
            if not case.presign:
                values["effective_on"] = case.signed_on
            else:
                decided = project.decision_made_on if project is not None else None
                report = served.get(case.id)
                if decided is not None and report is not None:
                    values["effective_on"] = max(decided, report)
        if values:
            connection.execute(cases.update().where(cases.c.id == case.id).values(**values))
        if case.moved_on is not None and case.status in ("moved", "void"):
            deadline = project.move_deadline if project is not None else None
            late = case.moved_on > deadline if deadline is not None else not case.moved_on_time
            made.append({"uuid": str(uuidlib.uuid5(EVENT_NAMESPACE, f"{case.uuid}:move")),
                         "case_id": case.id, "kind": "move", "on_date": case.moved_on,
                         "months": 0, "late": late, "amount_cents": 0,
                         "reason": "迁移前已登记的搬迁（据搬迁日期补记）", "operator": "",
                         "at": now, "inferred": True})
        if case.method == "exchange" and (case.overdue_months or 0) > 0 \
                and case.status in ("signed", "moved", "void"):
            made.append({"uuid": str(uuidlib.uuid5(EVENT_NAMESPACE, f"{case.uuid}:delay")),
                         "case_id": case.id, "kind": "delay", "on_date": None,
                         "months": case.overdue_months, "late": None,
                         "amount_cents": overdue.get(case.id, 0),
                         "reason": "迁移前签约时录入的过渡逾期月数（据案卷补记）",
                         "operator": "", "at": now, "inferred": True})
    if made:
        connection.execute(events.insert(), made)


def downgrade() -> None:
    op.drop_index("ix_case_events_case", table_name="case_events")
    op.drop_table("case_events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in ("effective_on", "payee_account", "payee_bank", "payee_name",
                       "payment_terms"):
            batch_op.drop_column(column)
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("payment_terms")

"""What a case owes now, in cents: ONE SQL query, read by the app (services/money/owed.py, on
SQLite and on the office server) and compiled into the office server's payment limit
(`wulong_may_still_pay`, store/server_guards.py) — so the rule is written once.

The stored record's schedule (case_results.*_cents, revision 3) is never recomputed here: each
bucket is owed once the event that makes it owed has happened (spec "When each amount falls
due"; docs/payments.md):
- before_move: on an agreement in force (statuses.PAYABLE_STATUSES: 已签约, 已搬迁 — a 预签 owes
  nothing until it is converted to a 补偿协议);
- transition: from the recorded move-out (已搬迁, its 搬迁日期 reached);
- after_move: its 单户按期搬迁奖励 (R7, at most the bucket) on the recorded move — a late move has
  already forfeited the bucket through its audited event (services/money/moves.py), so what is left
  was earned on time — and the rest (the second move of an exchange) at 接房: when every house
  of the stock assigned to the case has been handed over (its 交房 date reached);
- overdue: as each delay is recorded (the record holds only recorded delays);
- the exchange houses' price is set against the compensation when the agreement says (its
  `house_price` term's event: 签约, 协议生效, 搬迁交房 or, by default, 接房).
due_now = the owed buckets less the price once set off (negative: the household owes).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from wulong_desk.statuses import PAYABLE_STATUSES
from wulong_desk.store.models import Case, CaseResult, ExchangeHouse, HousingUnit, Project

DEFAULT_SET_OFF = "handover"   # 接房 (办法第四十四条): the price is set off at the hand-over
BASES = ("signing", "effective", "move", "handover")


class json_text(FunctionElement[str]):
    """The text at a path of a JSON text column (NULL when absent): SQLite's json_extract,
    PostgreSQL's #>>."""

    type = String()
    inherit_cache = True


@compiles(json_text, "sqlite")
def _json_sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    column, *keys = list(element.clauses)
    path = "$." + ".".join(str(key.value) for key in keys)
    return f"json_extract({compiler.process(column, **kw)}, '{path}')"


@compiles(json_text, "postgresql")
def _json_postgresql(element: json_text, compiler: Any, **kw: Any) -> str:
    column, *keys = list(element.clauses)
    path = "{" + ",".join(str(key.value) for key in keys) + "}"
    return f"(CAST({compiler.process(column, **kw)} AS jsonb) #>> '{path}')"


def _least(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)


def owed_query(today: ColumnElement[Any] | date,
               *where: ColumnElement[bool]) -> Select[Any]:
    """One row per completely computed case (of those `where` selects, on the cases table):
    case_id, the four buckets' owed cents (before_move_owed …), set_off (the price set against
    them, cents), due_now (cents), what the rule read: handover_on (接房: every assigned house
    handed over) and set_off_basis, and second_move_owed: of after_move_owed, the second move's
    part (owed at 接房; the rest, the on-time reward, at the move). `today`: a date (the app)
    or an SQL expression (the server's function)."""
    day = literal(today, Date) if isinstance(today, date) else today
    cases, results, projects = Case.__table__, CaseResult.__table__, Project.__table__
    stock, lines = HousingUnit.__table__, ExchangeHouse.__table__
    assigned = (select(case((and_(func.count() > 0,
                                  func.sum(case((stock.c.handed_over_on.is_(None), 1),
                                                (stock.c.handed_over_on > day, 1),
                                                else_=0)) == 0),
                             func.max(stock.c.handed_over_on)), else_=null()))
                .select_from(stock.join(lines, stock.c.exchange_house_id == lines.c.id))
                .where(lines.c.case_id == cases.c.id).scalar_subquery())
    moved = and_(cases.c.status == "moved", cases.c.moved_on.is_not(None),
                 cases.c.moved_on <= day)
    exchange = cases.c.method == "exchange"
    base = (select(cases.c.id.label("case_id"), cases.c.method, cases.c.signed_on,
                   cases.c.effective_on, cases.c.moved_on,
                   cases.c.status.in_(PAYABLE_STATUSES).label("payable"),
                   moved.label("moved"),
                   _least(results.c.r7_ontime, results.c.after_move_cents).label("r7"),
                   results.c.before_move_cents, results.c.transition_cents,
                   results.c.after_move_cents, results.c.overdue_cents,
                   results.c.exchange_price_cents,
                   # (an exchange case's only: a money case has no house to hand over or set off)
                   case((exchange, assigned), else_=null()).label("handover_on"),
                   case((exchange, func.coalesce(
                       json_text(cases.c.payment_terms, "house_price", "from"),
                       json_text(projects.c.payment_terms, "house_price", "from"),
                       literal(DEFAULT_SET_OFF, String))), else_=null()).label("set_off_basis"))
            .select_from(cases.join(results, and_(results.c.case_id == cases.c.id,
                                                  results.c.ok.is_(True)))
                         .join(projects, projects.c.id == cases.c.project_id))
            .where(*where).subquery("owed_base"))
    b = base.c
    # (a 补偿决定 case has no signing: its 作出日, its effective_on, stands for it)
    basis_day = case((b.set_off_basis == "signing", func.coalesce(b.signed_on, b.effective_on)),
                     (b.set_off_basis == "effective", b.effective_on),
                     (b.set_off_basis == "move", case((b.moved, b.moved_on), else_=null())),
                     else_=b.handover_on)
    # after_move: the on-time reward at the move, the rest (the second move) at 接房
    second_move = case((and_(b.moved, b.handover_on.is_not(None)), b.after_move_cents - b.r7),
                       else_=0)
    owed = (select(b.case_id, b.handover_on, b.set_off_basis,
                   case((b.payable, b.before_move_cents), else_=0).label("before_move_owed"),
                   case((b.moved, b.transition_cents), else_=0).label("transition_owed"),
                   (case((b.moved, b.r7), else_=0) + second_move).label("after_move_owed"),
                   second_move.label("second_move_owed"),
                   case((b.payable, b.overdue_cents), else_=0).label("overdue_owed"),
                   case((and_(b.method == "exchange", b.payable, basis_day.is_not(None),
                              basis_day <= day), b.exchange_price_cents),
                        else_=0).label("set_off"))
            .subquery("owed_buckets"))
    o = owed.c
    return select(o.case_id, o.before_move_owed, o.transition_owed, o.after_move_owed,
                  o.overdue_owed, o.set_off,
                  (o.before_move_owed + o.transition_owed + o.after_move_owed
                   + o.overdue_owed - o.set_off).label("due_now"),
                  o.handover_on, o.set_off_basis, o.second_move_owed)


def owed_sql_for_server() -> str:
    """The query as PostgreSQL text for `wulong_may_still_pay(p_case)`: today is the server's
    date (a DATE, as the date columns are), the case the function's parameter."""
    from sqlalchemy.dialects import postgresql

    query = owed_query(literal_column("current_date", Date),
                       Case.__table__.c.id == literal_column("p_case"))
    return str(query.compile(dialect=postgresql.dialect(),
                             compile_kwargs={"literal_binds": True}))

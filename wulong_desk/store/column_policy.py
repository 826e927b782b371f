"""Who may change a case: the written policy of every column of `cases` and of each table of a
case's rows. Qt-free, plain data; enforced by the local backstop (store/audit.py, before every
flush) and, on the office server, by the guard triggers (store/server_guards.py); a test walks
every mapped column and holds it to this list (docs/architecture.md, "Who may change a case").

A case is *locked* while its stored stage is frozen (预签, 已签约, 补偿决定, 已搬迁, 作废, 不生效:
statuses.FROZEN_STATUSES) and it is not unlocked for 解锁更正. On a locked case:

- `identity`: never changes (on any case).
- `frozen`: the signed (or decided) content: changes only by 解锁更正 or by a named audited
  event that recomputes the record (`audit.allow_refigure`: 逾期搬迁, 逾期交房加付, 转为补偿协议,
  重新估价, 补偿决定 and its outcome).
- `event`: written only by the named events (`audit.open_event`, or a recomputing event).
- `once`: given once by its event (协议编号), never changed after.
- `audited`: may be edited after signing; every change is an audit row.
- `bookkeeping`: the program's own (versions, search text, time stamps): no audit row.

Rows: a locked case's `content` rows are neither added nor removed (nor their frozen columns
changed); its `parties` (被征收人) may be added and edited, never removed; `event` rows are
added, changed and removed only inside their events (`audit.open_event` with an event their
columns name, or a recomputing event); `audited` rows change freely with an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("identity", "frozen", "event", "once", "audited", "bookkeeping")
ROW_KINDS = ("content", "parties", "event", "audited")


@dataclass(frozen=True)
class Policy:
    kind: str
    why: str                      # who writes it, in a maintainer's words
    events: tuple[str, ...] = ()  # the named events that write it (frozen, event, once)
    group: str = ""               # "money": a calculation input; "agreement": agreement content


def _p(kind: str, why: str, *events: str, group: str = "") -> Policy:
    return Policy(kind, why, events, group)


# the events that recompute a frozen case's record (`audit.allow_refigure`)
REFIGURE = ("解锁更正", "逾期搬迁", "逾期交房加付", "转为补偿协议", "重新估价", "补偿决定",
            "补偿决定的结果")
# the events that change a locked case without recomputing it (`audit.open_event`), with the
# columns ("table.column") each one writes; EVENTS (below) adds the events that write a case's
# event rows, read from the row tables' policy
_EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "解锁更正": ("cases.unlocked_reason",),
    "作废": ("cases.status", "cases.void_reason", "cases.unlocked_reason"),
    "登记搬迁": ("cases.status", "cases.moved_on"),
    "预签不生效": ("cases.status",),
    "正式评估结果": ("house_parts.formal_unit_price", "house_parts.formal_decoration_value"),
}

_MONEY = "calculation input: 解锁更正, or the event named"
_AGREEMENT = "agreement content: 解锁更正 only"

CASES: dict[str, Policy] = {
    "id": _p("identity", "primary key"),
    "uuid": _p("identity", "the case's identity across computers and packages"),
    "project_id": _p("identity", "the project it belongs to"),
    "case_no": _p("frozen", "案卷编号: printed on the signed agreement; 解锁更正 only"),
    "method": _p("frozen", _MONEY, group="money"),
    "min_housing_eligible": _p("frozen", _MONEY, group="money"),
    "signed_on": _p("frozen", _MONEY, "补偿决定", "补偿决定的结果", group="money"),
    "moved_on_time": _p("frozen", _MONEY, "逾期搬迁", "补偿决定", group="money"),
    "land_area": _p("frozen", _MONEY, group="money"),
    "land_unit_price": _p("frozen", _MONEY, group="money"),
    "transition_months": _p("frozen", _MONEY, group="money"),
    "turnover_house": _p("frozen", _MONEY, group="money"),
    "turnover_premises": _p("frozen", _MONEY, group="money"),
    "interruption_months": _p("frozen", _MONEY, group="money"),
    "overdue_months": _p("frozen", _MONEY, "逾期交房加付", group="money"),
    "presign": _p("frozen", _MONEY, group="money"),
    "decided_on": _p("frozen", _MONEY, "补偿决定", "补偿决定的结果", group="money"),
    "payment_terms": _p("frozen", _AGREEMENT, group="agreement"),
    "payment_term": _p("frozen", _AGREEMENT + " (the text kept from before 0011)",
                       group="agreement"),
    "payee_name": _p("frozen", _AGREEMENT, group="agreement"),
    "payee_bank": _p("frozen", _AGREEMENT, group="agreement"),
    "payee_account": _p("frozen", _AGREEMENT, group="agreement"),
    "bank_account": _p("frozen", _AGREEMENT + " (the text kept from before 0011)",
                       group="agreement"),
    "effective_on": _p("event", "协议生效日: the signing save, or the event that makes the "
                       "agreement (or decision) take effect", "签约", "转为补偿协议", "补偿决定",
                       "补偿决定的结果", group="agreement"),
    "converted_on": _p("event", "a presign's conversion", "转为补偿协议"),
    "status": _p("event", "a plain step before signing (services.cases.changes); from a "
                 "signature on only the events", "签约", "登记搬迁", "作废", "预签不生效",
                 "补偿决定",
                 "转为补偿协议", "补偿决定的结果"),
    "moved_on": _p("event", "搬迁日期: the move", "登记搬迁"),
    "unlocked_reason": _p("event", "解锁更正 sets it, the correction's save or 重新锁定 clears it",
                          "解锁更正", "作废"),
    "void_reason": _p("event", "作废理由", "作废"),
    "agreement_seq": _p("once", "协议编号: given once, never changed after", "协议编号"),
    "title_no": _p("audited", "产权证号: editable after signing, audited"),
    "address": _p("audited", "坐落: editable after signing, audited"),
    "remarks": _p("audited", "备注: editable after signing, audited"),
    "case_key": _p("bookkeeping", "the number's identity, made from case_no"),
    "search_text": _p("bookkeeping", "the search column, made from the case's words"),
    "version": _p("bookkeeping", "optimistic-locking counter"),
    "version_trail": _p("bookkeeping", "package ancestry"),
    "version_id": _p("bookkeeping", "the current version's id"),
    "created_at": _p("bookkeeping", "time stamp"),
    "updated_at": _p("bookkeeping", "time stamp"),
}

# a case's columns in a clerk's words (the history and the backstop's refusals say them)
CASE_LABELS = {"case_no": "案卷编号", "title_no": "产权证号", "address": "坐落", "status": "状态",
               "method": "补偿方式", "min_housing_eligible": "最低住房保障",
               "signed_on": "签约日期", "moved_on_time": "按期搬迁",
               "presign": "预签协议", "decided_on": "补偿决定日期",
               "land_area": "土地使用权面积", "land_unit_price": "土地单价",
               "transition_months": "过渡期限（月）", "turnover_house": "周转用房",
               "turnover_premises": "临时经营场所",
               "interruption_months": "停产停业期限（月）", "overdue_months": "过渡逾期（月）",
               "remarks": "备注", "agreement_seq": "协议编号序号", "project_id": "所属项目",
               "id": "编号", "uuid": "识别码", "moved_on": "搬迁日期", "void_reason": "作废理由",
               "unlocked_reason": "解锁理由", "payment_term": "付款期限（原文）",
               "bank_account": "收款账户（原文）", "payment_terms": "付款期限",
               "payee_name": "户名", "payee_bank": "开户行", "payee_account": "账号",
               "effective_on": "协议生效日", "converted_on": "转为补偿协议生效日"}

_ID = _p("identity", "primary key")
_CASE = _p("identity", "the case it belongs to")
_FROZEN_ROW = _p("frozen", "calculation input of a signed case: 解锁更正 or a recomputing event")
_RECORD = _p("frozen", "the stored calculation record: only a recompute the owner allowed")
_EVENT_ROW = _p("event", "written by its event only")


@dataclass(frozen=True)
class RowTable:
    label: str                    # the table's rows in a clerk's words
    kind: str                     # ROW_KINDS
    columns: dict[str, Policy]


def _all(names: str, policy: Policy) -> dict[str, Policy]:
    return dict.fromkeys(names.split(), policy)


ROW_TABLES: dict[str, RowTable] = {
    "persons": RowTable("被征收人", "parties", {
        "id": _ID, "case_id": _CASE,
        **_all("position role name id_number phone address",
               _p("audited", "names, ID numbers, phones: not money; editable, audited"))}),
    "house_parts": RowTable("房屋", "content", {
        "id": _ID, "case_id": _CASE,
        **_all("position use area inner_area unit_price decoration_value water_accounts "
               "power_accounts gas_accounts gas_cost business_eligible manufacturing "
               "registration temporary_amount", _FROZEN_ROW),
        **_all("formal_unit_price formal_decoration_value",
               _p("event", "a presign's formal appraisal, waiting for its conversion",
                  "正式评估结果", "转为补偿协议"))}),
    "equipment": RowTable("设施设备", "content", {
        "id": _ID, "case_id": _CASE,
        **_all("position name reusable net_value rate assessed_value", _FROZEN_ROW)}),
    "exchange_houses": RowTable("调换房屋", "content", {
        "id": _ID, "case_id": _CASE,
        **_all("position use area inner_area unit_price", _FROZEN_ROW),
        "location": _p("audited", "the house's wording: editable, audited")}),
    "case_results": RowTable("计算结果", "content", {
        "case_id": _CASE,
        **_all("ok standard_id standard_sha256 engine_version computed_at warnings_count "
               "contract_revision v_area v_shared v_min v_land v_unreg l1_interrupt l2_decor "
               "l3_facility l4_equip r5_guide r6_early r7_ontime r8_move r9_temp total_cents "
               "exchange_price_cents net_payable_cents area_centi before_move_cents "
               "transition_cents after_move_cents overdue_cents exchange_interruption_rate "
               "early_days_from second_move_requires_on_time", _RECORD)}),
    "case_records": RowTable("计算记录", "content", {
        "case_id": _CASE, **_all("breakdown_json problems_json", _RECORD)}),
    "payments": RowTable("拨付和收款记录", "event", {
        "id": _ID, "case_id": _CASE,
        **_all("kind amount paid_on voucher operator created_at",
               _p("event", "登记拨付 (services.money.payments)", "登记拨付"))}),
    "case_events": RowTable("搬迁和逾期交房记录", "event", {
        "id": _ID, "uuid": _p("identity", "the event's identity across computers"),
        "case_id": _CASE,
        **_all("kind on_date months late amount_cents reason operator at inferred",
               _p("event", "the move and the delay (services.money.moves)", "登记搬迁",
                  "逾期交房加付"))}),
    "case_decisions": RowTable("补偿决定", "event", {
        "id": _ID, "uuid": _p("identity", "the decision's identity across computers"),
        "case_id": _CASE,
        **_all("number ground made_on announced_on served_on move_by rights_stated "
               "review_filed_on review_closed_on suit_filed_on suit_closed_on state ended_on "
               "ended_by recorded_at",
               _p("event", "the decision path (services.procedure.case_decisions)", "补偿决定",
                  "复议或诉讼", "补偿决定的结果"))}),
    "case_revaluations": RowTable("重新估价记录", "event", {
        "id": _ID, "uuid": _p("identity", "the revaluation's identity across computers"),
        "case_id": _CASE,
        **_all("kind served_on reference recorded_at",
               _p("event", "复核/鉴定 (services.procedure.conversion)", "重新估价"))}),
    "case_dates": RowTable("程序日期", "audited", {
        "id": _ID, "case_id": _CASE,
        **_all("what on_date", _p("audited", "the case's procedure dates: audited"))}),
}


def group(name: str) -> tuple[str, ...]:
    """The case's columns of one group ("money", "agreement")."""
    return tuple(column for column, policy in CASES.items() if policy.group == name)


# a locked case's columns only an event or 解锁更正 changes (the server guard names each one)
LOCKED_KINDS = ("identity", "frozen", "event", "once")
# the tables of a case's rows the office server guards, in one list (server_guards)
CASE_ROW_TABLES = tuple(name for name, table in ROW_TABLES.items() if table.kind != "audited")
EVENT_ONLY_ROWS = tuple(name for name, table in ROW_TABLES.items() if table.kind == "event")
TABLE_LABELS = {name: ROW_TABLES[name].label for name in CASE_ROW_TABLES}


def _with_event_rows(columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """`columns`, and for each event named on an event row's columns, those columns: inside
    that event (`audit.open_event`) the rows of its table may be added, changed and removed."""
    out = dict(columns)
    for table in EVENT_ONLY_ROWS:
        for column, policy in ROW_TABLES[table].columns.items():
            if policy.kind == "event":
                for event in policy.events:
                    out[event] = (*out.get(event, ()), f"{table}.{column}")
    return out


# every event `audit.open_event` opens, with the columns ("table.column") it writes
EVENTS: dict[str, tuple[str, ...]] = _with_event_rows(_EVENT_COLUMNS)


def row_events(table: str) -> tuple[str, ...]:
    """The events that write the rows of an event table (its policy's), in order."""
    found: list[str] = []
    for policy in ROW_TABLES[table].columns.values():
        found += [event for event in policy.events if event not in found]
    return tuple(found)

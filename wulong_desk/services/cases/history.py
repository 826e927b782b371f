"""A case's 修改记录 in a clerk's words: Beijing time, field names as the screens call them, and
old → new values in words and amounts (状态 调查登记 → 已签约, 周转用房 否 → 是), never the
stored codes, `true`/`None` or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from wulong_desk.errors import UserError
from wulong_desk.field_words import COLUMNS
from wulong_desk.rules.breakdown import SCHEDULE_LABELS, SETTLEMENT_LABELS, TOTAL_LABELS
from wulong_desk.services.cases.field_names import line_label
from wulong_desk.services.money.payments import KIND_LABELS
from wulong_desk.services.money.terms import TERM_LABELS, read_terms
from wulong_desk.services.procedure.catalogue import CLOCK_BY_CODE, DOCUMENT_LABELS, STEP_BY_CODE
from wulong_desk.services.procedure.consent import ANSWERS
from wulong_desk.statuses import (
    METHOD_LABELS,
    PERSON_ROLE_LABELS,
    REGISTRATION_LABELS,
    STATUS_LABELS,
    USE_LABELS,
)
from wulong_desk.store.column_policy import CASE_LABELS

BEIJING = timedelta(hours=8)  # the audit trail is kept in UTC; China has no summer time
EMPTY = "（空）"
ACTIONS = {"create": "新建", "update": "修改", "delete": "删除", "unlock": "解锁更正",
           "relock": "重新锁定", "status": "改变阶段", "recompute": "重算", "correct": "更正",
           "void": "作废", "remove": "删除案卷", "accept": "采纳待确认的修改",
           "reject": "拒绝待确认的修改", "late_move": "逾期搬迁", "delay": "逾期交房加付",
           # the decision path's events (services/procedure/path_events.py)
           "decide": "作出征收决定", "terminate": "终止项目", "lapse": "预签不生效",
           "formal": "正式评估结果", "convert": "转为补偿协议", "revalue": "重新估价",
           "decision": "补偿决定", "appeal": "复议或诉讼", "outcome": "补偿决定的结果"}
# actions whose entry holds one field's old and new value
OLD_NEW = ("update", "status", "recompute", "correct", "void", "late_move", "delay", "decide",
           "terminate", "lapse", "formal", "convert", "revalue", "decision", "outcome")
ENTITIES = {"case": "案卷", "person": "被征收人", "part": "房屋", "equipment": "设施设备",
            "exchange_house": "调换房屋", "project": "项目", "result": "计算结果",
            "procedure_step": "征收程序", "case_date": "程序日期", "consent": "改建意见征询",
            "payment": "拨付/收款", "housing": "安置房源"}
FIELDS: dict[str, dict[str, str]] = {
    # a case's columns in words (with the policy of each, store/column_policy.py), and the
    # fields its events' entries name
    "case": {**CASE_LABELS, "proposal": "来自外部的修改",
             "decision": "补偿决定", "report": "修改后的评估报告",
             "review_filed": "申请行政复议", "review_closed": "行政复议结束（维持）",
             "suit_filed": "提起行政诉讼", "suit_closed": "行政诉讼结束（维持）"},
    "project": {"decision_state": "征收决定", "announced_on": "征收决定公告日",
                "decision_made_on": "征收决定作出日", "decision_no": "征收决定文号",
                "terminated_on": "终止日", "termination_no": "终止文号",
                "termination_reason": "终止理由"},
    "person": {**COLUMNS["owners"], "position": "顺序"},
    "part": {**COLUMNS["case.parts"], "position": "顺序"},
    "equipment": {**COLUMNS["case.equipment"], "position": "顺序"},
    "exchange_house": {**COLUMNS["case.exchange.houses"], "position": "顺序"},
    "procedure_step": {"step": "步骤", "started_on": "开始日期", "done_on": "完成日期",
                       "note": "备注"},
    "case_date": {"what": "事项", "on_date": "日期"},
    "consent": {"label": "坐落或户号", "answer": "意见", "exclusive_area": "专有部分面积"},
    "payment": {"kind": "类别", "amount": "金额", "paid_on": "日期", "voucher": "凭证号",
                "operator": "经办人"},
    "housing": {"use": "用途", "building": "楼栋", "unit": "单元", "number": "房号",
                "area": "建筑面积", "inner_area": "套内面积", "unit_price": "单价",
                "exchange_house_id": "分配给调换房屋（编号）", "notice_on": "接房通知日期",
                "handed_over_on": "交房日期"},
    # a correction or 重算 names each changed line by its code, each total and settlement
    # figure by its key, as the calculation record (and the editor's breakdown) calls it
    "result": {"contract_revision": "计算规则版本", **TOTAL_LABELS, **SETTLEMENT_LABELS,
               **SCHEDULE_LABELS},
}
WORDS = {"status": STATUS_LABELS, "method": METHOD_LABELS, "role": PERSON_ROLE_LABELS,
         "use": USE_LABELS, "registration": REGISTRATION_LABELS,
         "step": {code: step.label for code, step in STEP_BY_CODE.items()},
         "what": {**{code: c.label for code, c in CLOCK_BY_CODE.items()}, **DOCUMENT_LABELS},
         "answer": ANSWERS, "kind": KIND_LABELS,
         "decision_state": {"planned": "尚未作出", "decided": "已作出", "terminated": "已终止"}}
MONEY_FIELDS = {"money", "land_unit_price", "unit_price", "decoration_value", "gas_cost",
                "net_value", "assessed_value", "amount"}
HIDDEN = {"id", "case_id", "project_id", "uuid", "position"}  # not worth a clerk's attention


@dataclass(frozen=True)
class HistoryRow:
    at: str             # Beijing time, 2023-06-30 14:05:12
    operator: str
    action: str         # 新建 / 修改 / …
    what: str           # 案卷「状态」, 房屋「评估单价」
    change: str         # 调查登记 → 已签约
    reason: str


def beijing(at_utc: str) -> str:
    try:
        moment = datetime.fromisoformat(at_utc)
    except ValueError:
        return at_utc
    return (moment + BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def label(entity: str, field: str) -> str:
    if entity == "result" and field not in FIELDS["result"]:
        return line_label(field) or "其他"
    if entity == "case" and field.endswith(".formal_values"):   # parts[0].formal_values
        number = field[len("parts["):field.index("]")] if field.startswith("parts[") else ""
        return f"第{int(number) + 1}处房屋的正式评估值（单价 / 装修）" if number.isdigit() \
            else "正式评估值"
    return FIELDS.get(entity, {}).get(field, "其他")


def value_text(field: str, value: str | None) -> str:
    """One stored value (as the audit trail keeps it) in words."""
    if value is None or value == "":
        return EMPTY
    if value in ("true", "false"):
        return "是" if value == "true" else "否"
    if field in WORDS:
        return WORDS[field].get(value, value)
    if field == "payment_terms":
        return _terms_text(value)
    if field in MONEY_FIELDS:
        try:
            return f"{Decimal(value):,.2f} 元"
        except InvalidOperation:
            return value
    return value


def _terms_text(value: str) -> str:
    """Stored payment terms (JSON) in words: 搬迁前应付：签约之日起15日内；…"""
    try:
        terms = read_terms(value)
    except UserError:
        return value
    return "；".join(f"{TERM_LABELS[key]}：{term.words(key)}" for key, term in terms.items())


def _record_text(entity: str, text: str | None) -> str:
    """A whole created or deleted row (kept as JSON) as 字段：值；字段：值."""
    if not text:
        return ""
    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return str(values)
    parts = [f"{label(entity, key)}：{value_text(key, None if v is None else str(v))}"
             for key, v in values.items() if key not in HIDDEN and v not in (None, "")]
    return "；".join(parts)


def describe(at: str, operator: str, action: str, entity: str, field: str, old: str | None,
             new: str | None, reason: str | None) -> HistoryRow:
    what = ENTITIES.get(entity, "记录")
    if action in OLD_NEW and field and field != "*":
        what += f"「{label(entity, field)}」"
        shown = "money" if entity == "result" else field
        change = f"{value_text(shown, old)} → {value_text(shown, new)}"
    elif action == "unlock":   # (stored as locked true → false: said in words, never 是/否)
        change = "解锁，可更正金额相关数据"
    elif action == "relock":
        change = "重新锁定"
        reason = reason or "未保存更正即关闭案卷，自动重新锁定"
    elif action == "remove":
        change = "全部内容已留存在修改记录中，可在「数据 → 已删除的案卷…」中恢复"
    elif action in ("create", "delete"):
        change = _record_text(entity, new if action == "create" else old)
    else:
        shown = new if new is not None else old
        change = value_text(field, shown) if shown is not None else ""
    return HistoryRow(beijing(at), operator, ACTIONS.get(action, action), what, change,
                      reason or "")

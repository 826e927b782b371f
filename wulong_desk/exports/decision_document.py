"""The 补偿决定书 (办法第三十一条), A4 PDF: the district government's decision for one household,
in the office's own wording (template 补偿决定书.txt, exports/templates.py), stating every item of
第二十九条 (补偿方式, 补偿金额和支付期限, 产权调换房屋的地点和面积, 搬迁费, 临时安置费或者周转房,
停产停业损失, 设施设备损失, 搬迁期限, 过渡方式和过渡期限), the move-by date and the rights to 复议
and 诉讼 in plain words — no formulas and no codes. Every figure is the case's stored record.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from wulong_desk.errors import UserError
from wulong_desk.exports import templates
from wulong_desk.exports.agreement import (
    BANFA,
    BIAOZHUN,
    BLANK,
    CONDITION_METHODS,
    _cn,
    _day,
    _money,
    _p,
    _paragraphs,
    _unregistered_text,
    item_values,
    topped_areas,
)
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.exports.notices import (
    COURT,
    COURT_MONTHS,
    DISTRICT_GOVERNMENT,
    REVIEW_BODY,
    REVIEW_DAYS,
)
from wulong_desk.exports.pdf_style import FONT, MARGIN, PAGE, build, numbered_canvas, styles
from wulong_desk.exports.records import CaseEntry, line_amount, owners_of
from wulong_desk.exports.templates import DECISION, Clause, Template, fill
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS

TITLE = "国有土地上房屋征收补偿决定书"
GROUNDS = {
    "no_agreement": "在征收补偿方案规定的签约期限内，{征收部门}与被征收人没有达成补偿协议。",
    "owner_unclear": "被征收房屋的所有权人不明确。",
}


def _values(project: dict[str, Any], entry: CaseEntry) -> dict[str, str]:
    decision = entry.decision or {}
    record = entry.record
    quantities = record.get("quantities", {})
    settlement = record["settlement"]
    total = Decimal(record["totals"]["total"])
    lines = {line["code"]: line for line in record["lines"]}
    owners = owners_of(entry)
    department = project.get("department") or "房屋征收部门"
    topped = topped_areas(lines)
    net = Decimal(settlement["net_payable"])
    payer = "征收部门应向被征收人支付差价" if net >= 0 else "被征收人应向征收部门补交差价"
    exchange = entry.method == "exchange"
    if exchange and entry.turnover_house:
        temporary = "由征收部门提供周转房过渡，不另付临时安置费"
        way = "由征收部门提供周转房过渡"
    elif exchange:
        temporary = f"临时安置费 {_money(line_amount(record, 'R9_TEMP'))} 元"
        way = "被征收人自行过渡，征收部门支付临时安置费"
    else:
        temporary = "货币补偿不计临时安置费"
        way = ""
    ground = GROUNDS.get(decision.get("ground") or "", GROUNDS["no_agreement"])
    return {
        "决定机关": DISTRICT_GOVERNMENT, "征收部门": department,
        "征收决定文号": project.get("decision_no") or "文号待填", "办法": BANFA, "标准": BIAOZHUN,
        "被征收人": "、".join(o["name"] for o in owners) or "—",
        "坐落": entry.address or "—", "产权证号": entry.title_no or "—",
        "用途": "、".join(dict.fromkeys(USE_LABELS.get(u, "其他") for u in entry.uses)),
        "证载面积": str(quantities.get("area", "—")),
        "补偿面积": str(quantities.get("comp_area", "—")),
        "面积补足说明": "；".join(topped),
        "未登记建筑说明": _unregistered_text(entry, lines),
        "事由": ground.replace("{征收部门}", department),
        "补偿方式": METHOD_LABELS.get(entry.method, "—"),
        "补偿合计": _money(total), "补偿合计大写": rmb_capitals(total),
        "搬迁费": _money(line_amount(record, "R8_MOVE")), "临时安置": temporary,
        "停产停业损失": _money(line_amount(record, "L1_INTERRUPT")),
        "设施设备损失": _money(line_amount(record, "L4_EQUIP")),
        "支付期限": _payment_terms(entry),
        "调换房屋价款": _money(settlement["exchange_price"]),
        "差价说明": f"{payer} {_money(abs(net))} 元（大写：{rmb_capitals(net)}）",
        "过渡方式": way,
        "过渡期限": (f"{entry.transition_months}个月" if entry.transition_months is not None
                   else "＿＿个月"),
        "搬迁期限": _day(decision["move_by"]) if decision.get("move_by") else BLANK,
        "复议机关": REVIEW_BODY, "复议期限": f"{REVIEW_DAYS}日",
        "诉讼法院": COURT, "诉讼期限": f"{COURT_MONTHS}个月",
        "评估机构": project.get("appraiser") or "评估机构",
        # every item of 第二十九条 in words, 无 where it does not apply (a decision names the
        # department and the household, never 甲方/乙方)
        **item_values(entry, (department, "被征收人")),
    }


UNSET_TERM = "自本决定送达之日起＿＿日内"


def _payment_terms(entry: CaseEntry) -> str:
    """Each part of the compensation the decision makes owed, with its amount and its term; a
    decision has no agreement, so a term counted from 签约 or 协议生效 counts from the decision
    (as the money is owed: store/owed.py); parts that come to nothing are not named."""
    parts = []
    for key in SCHEDULE_KEYS:
        amount = Decimal((entry.schedule or {}).get(key) or "0")
        if amount == 0:
            continue
        words = (entry.terms.get(key) or "").replace("协议生效", "本决定作出") \
            .replace("签约", "本决定作出")
        parts.append(f"{SCHEDULE_LABELS[key]} {_money(amount)} 元，{words or UNSET_TERM}")
    return "；".join(parts) or UNSET_TERM


def _applies(clause: Clause, entry: CaseEntry) -> bool:
    if clause.condition in (None, "不编号"):
        return True
    return CONDITION_METHODS.get(clause.condition) == entry.method


def _seal(decision: dict[str, Any]) -> Table:
    made = _day(decision["made_on"]) if decision.get("made_on") else "    年  月  日"
    table = Table([["", f"{DISTRICT_GOVERNMENT}（盖章）"], ["", made]],
                  colWidths=[90 * mm, 80 * mm], rowHeights=[14 * mm, 10 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("FONTSIZE", (0, 0), (-1, -1), 10.5),
                               ("ALIGN", (1, 0), (1, -1), "CENTER")]))
    return table


def build_decision_pdf(project: dict[str, Any], entry: CaseEntry, *,
                       template: Template | None = None) -> bytes:
    """The 补偿决定书 of a case with a decision in force, as PDF bytes."""
    decision = entry.decision
    if not decision:
        raise UserError(f"案卷 {entry.case_no} 没有生效的补偿决定，不能出具补偿决定书")
    template = template or templates.load(DECISION)
    st = styles()
    values = _values(project, entry)
    story: list[Any] = [_p(TITLE, st["title"]),
                        _p(f"{project['name']}    {decision.get('number') or BLANK}",
                           st["subtitle"])]
    story += [_p(fill(text, values), st["base"]) for text in template.preamble]
    numbered = [c for c in template.clauses if _applies(c, entry) and c.condition != "不编号"]
    for article, clause in enumerate(numbered, start=1):
        flowables = [_p(f"{_cn(article)}、{clause.title}", st["heading"])]
        flowables += _paragraphs(st, clause, values, entry)
        if article == len(numbered):   # the last clause and the seal share a page
            story.append(KeepTogether([*flowables, Spacer(1, 10), _seal(decision)]))
        else:
            story += flowables
    if not numbered:
        story.append(_seal(decision))
    for clause in (c for c in template.clauses if c.condition == "不编号"):
        story.append(_p(f"{clause.title}：", st["heading"]))
        story += _paragraphs(st, clause, values, entry)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
                            title=f"{TITLE} {entry.case_no}", author="武隆征收补偿案卷系统",
                            initialFontName=FONT, invariant=1)
    build(doc, story, numbered_canvas(False, f"{project['name']} · {entry.case_no} · {TITLE}"))
    return buffer.getvalue()

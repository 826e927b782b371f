"""Agreement drafts (货币补偿协议, 产权调换协议, 预签协议) and settlement sheets (结算单), A4 PDF.

Every figure is read from the case's stored calculation record — the same record the screen and
the ledger show — and the total is also written in Chinese capitals. The clause wording comes
from the office's template (`wulong_desk.exports.templates`); the shipped default is the team's
own. The same data gives the same bytes (reportlab's invariant mode).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wulong_desk.errors import UserError
from wulong_desk.exports import templates
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.exports.pdf_style import (
    CELL_PADDING,
    FONT,
    MARGIN,
    PAGE,
    TEXT_WIDTH,
    build,
    keep_with_signatures,
    numbered_canvas,
    paragraph,
    styles,
)
from wulong_desk.exports.records import CaseEntry, standard_name, unregistered_text
from wulong_desk.exports.templates import AGREEMENT, Clause, Template, fill, only_placeholder
from wulong_desk.fileio import write_atomically
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS
from wulong_desk.statuses import is_frozen, is_signed

KINDS = ("money", "exchange", "presign", "settlement", "decision")
TITLES = {"money": "国有土地上房屋征收货币补偿协议", "exchange": "国有土地上房屋征收产权调换协议",
          "presign": "国有土地上房屋征收补偿预签协议", "settlement": "房屋征收补偿结算单"}
BANFA = "《重庆市武隆区国有土地上房屋征收与补偿实施办法》（武隆府发〔2023〕5号）"
BIAOZHUN = "《重庆市武隆区国有土地上房屋征收损失补偿和奖励补助标准》（武隆府办发〔2023〕8号）"
PRESIGN_MARK = "附生效条件"


def _money(text: str | Decimal) -> str:
    return f"{Decimal(str(text)):,.2f}"


def _p(text: str, style: Any, width: float = TEXT_WIDTH) -> Paragraph:
    """Plain text as a paragraph `width` points wide, broken by the Chinese rules."""
    return paragraph(text, style, width)


def _cell(width_mm: float) -> float:
    """The text width inside a table column `width_mm` wide."""
    return width_mm * mm - 2 * CELL_PADDING


def _table(rows: list[list[Any]], widths: list[float], header: bool = True,
           right: tuple[int, ...] = ()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")))
    for column in right:
        commands.append(("ALIGN", (column, 1 if header else 0), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(commands))
    table.spaceAfter = 4
    return table


DOCUMENTS_TITLE = "乙方交来材料"
BLANK = "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"
SHORT_BLANK = "＿＿＿＿＿＿＿＿"
CONDITION_METHODS = {"货币补偿": "money", "产权调换": "exchange"}


def build_pdf(kind: str, project: dict[str, Any], entry: CaseEntry, *,
              number: str | None = None, template: Template | None = None) -> bytes:
    """The document as PDF bytes. `number` is the case's 协议编号 (a blank to fill in by hand
    when None); `template` the clause wording (the one in use when None)."""
    if kind not in KINDS:
        raise UserError(f"未知的文书种类：{kind}")
    if kind == "decision":   # the district's 补偿决定书: its own template and layout
        from wulong_desk.exports.decision_document import build_decision_pdf

        return build_decision_pdf(project, entry)
    st = styles()
    story: list[Any] = []
    exchange = entry.method == "exchange"
    if kind == "exchange" and not exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是货币补偿，不能出具产权调换协议")
    if kind == "money" and exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是产权调换，不能出具货币补偿协议")
    # before 已审核 the figures are not final: a draft (a reviewed, signed or void case is not)
    draft = entry.status != "reviewed" and not is_frozen(entry.status)
    mark = "（草拟稿）" if draft and kind != "settlement" else ""
    story.append(_p(TITLES[kind] + mark, st["title"]))
    label = "编号" if kind == "settlement" else "协议编号"
    story.append(_p(f"{project['name']}    {label}：{number or '＿＿＿＿＿＿＿＿'}",
                    st["subtitle"]))

    owners = [o for o in entry.owners if o["role"] == "owner"] or entry.owners
    if kind == "settlement":
        story += _settlement_body(st, project, entry, owners)
    else:
        story += _parties(st, project, owners)
        story += _agreement_body(st, kind, project, entry, template or templates.load(AGREEMENT))
    footer = f"{project['name']} · {entry.case_no} · {TITLES[kind]}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
                            title=f"{TITLES[kind]} {entry.case_no}", author="武隆征收补偿案卷系统",
                            initialFontName=FONT, invariant=1)
    build(doc, story, numbered_canvas(draft, footer))
    return buffer.getvalue()


def _parties(st: dict[str, Any], project: dict[str, Any], owners: list[dict[str, str]]
             ) -> list[Any]:
    out: list[Any] = [
        _p(f"甲方（房屋征收部门）：{project['department'] or '＿＿＿＿＿＿＿＿'}", st["base"]),
        _p(f"房屋征收实施单位：{project['implementer'] or '＿＿＿＿＿＿＿＿'}", st["base"]),
    ]
    for owner in owners:
        out.append(_p(f"乙方（被征收人）：{owner['name']}    身份证号：{owner['id_number'] or '—'}"
                      f"    电话：{owner['phone'] or '—'}", st["base"]))
        if owner.get("address"):
            out.append(_p(f"        住址：{owner['address']}", st["base"]))
    out.append(Spacer(1, 4))
    return out


def _day(text: str) -> str:
    value = date.fromisoformat(text)
    return f"{value.year}年{value.month}月{value.day}日"


def _values(kind: str, project: dict[str, Any], entry: CaseEntry) -> dict[str, str]:
    """Every placeholder of the agreement template, filled from the case's stored record."""
    record = entry.record
    lines = {line["code"]: line for line in record["lines"]}
    quantities = record.get("quantities", {})
    settlement = record["settlement"]
    total = Decimal(record["totals"]["total"])
    topped = [f"{text}：{lines[code]['formula']}" for code, text in (
        ("V_SHARED", "公摊补足（办法第三十六条）"),
        ("V_MIN", "最低住房保障补足至45平方米（办法第三十七条）"))
        if code in lines and Decimal(lines[code]["amount"])]
    net = Decimal(settlement["net_payable"])
    payer = "甲方应向乙方支付差价" if net >= 0 else "乙方应向甲方补交差价"
    if entry.turnover_house:
        way = "由甲方提供临时周转房过渡"
    else:
        way = "乙方自行过渡，甲方按标准第9项支付临时安置补助"
    if entry.turnover_premises:
        way += "；经营用房由甲方提供临时经营场所，不计停产停业损失"
    threshold = Decimal(project["presign_threshold"]) * 100  # (always written: services.projects)
    copies = ("本协议一式四份，甲乙双方及实施单位各执一份，一份备案；自双方签字盖章之日起生效"
              + ("（预签协议另按生效条件条款）" if kind == "presign" else "") + "。")
    return {
        "甲方": project.get("department") or BLANK,
        "实施单位": project.get("implementer") or BLANK,
        "征收决定文号": project.get("decision_no") or "文号待填",
        "办法": BANFA, "标准": BIAOZHUN,
        "坐落": entry.address or "—", "产权证号": entry.title_no or "—",
        "用途": "、".join(dict.fromkeys(USE_LABELS.get(u, "其他") for u in entry.uses)),
        "证载面积": str(quantities.get("area", "—")),
        "补偿面积": str(quantities.get("comp_area", "—")),
        "面积补足说明": "；".join(topped),
        "未登记建筑说明": _unregistered_text(entry, lines),
        "读法说明": "",   # accepted in an office's older template, printed as nothing
        "补偿方式": METHOD_LABELS.get(entry.method, "—"),
        "补偿合计": _money(total), "补偿合计大写": rmb_capitals(total),
        "调换房屋价款": _money(settlement["exchange_price"]),
        "差价说明": f"{payer} {_money(abs(net))} 元（大写：{rmb_capitals(net)}）",
        "过渡方式": way,
        "过渡期限": (f"{entry.transition_months}个月" if entry.transition_months is not None
                   else "＿＿个月"),
        "维修资金甲方": _money(settlement["fund_department"]),
        "维修资金乙方": _money(settlement["fund_household"]),
        "付款期限": entry.payment_term or BLANK,
        "收款账户": entry.bank_account or BLANK + BLANK,
        **_money_values(entry),
        "搬迁期限": _day(project["move_deadline"]) if project.get("move_deadline")
        else "＿＿＿＿年＿＿月＿＿日",
        "预签比例": f"{threshold.normalize():f}%",
        "份数说明": copies,
        "评估机构": project.get("appraiser") or "评估机构",
    }


def _applies(clause: Clause, kind: str, entry: CaseEntry) -> bool:
    if clause.condition in (None, "不编号"):
        return True
    if clause.condition == "预签协议":
        return kind == "presign"
    return CONDITION_METHODS.get(clause.condition) == entry.method


def _agreement_body(st: dict[str, Any], kind: str, project: dict[str, Any], entry: CaseEntry,
                    template: Template) -> list[Any]:
    values = _values(kind, project, entry)
    out: list[Any] = [_p(fill(text, values), st["base"]) for text in template.preamble]
    numbered = [c for c in template.clauses if _applies(c, kind, entry)
                and c.condition != "不编号"]
    trailing = [c for c in template.clauses if c.condition == "不编号"]
    for article, clause in enumerate(numbered, start=1):
        flowables = [_p(f"第{_cn(article)}条  {clause.title}", st["heading"])]
        flowables += _paragraphs(st, clause, values, entry)
        if article == len(numbered):  # the last clause and the signatures share a page
            out.append(keep_with_signatures([*flowables, Spacer(1, 14)], _signatures(entry)))
        else:
            out += flowables
    if not numbered:
        out[-1:] = [keep_with_signatures([*out[-1:], Spacer(1, 14)], _signatures(entry))]
    for clause in trailing:
        out.append(_p(f"{clause.title}：", st["heading"]))
        out += _paragraphs(st, clause, values, entry)
    out += _documents(st, entry)
    return out


def _documents(st: dict[str, Any], entry: CaseEntry) -> list[Any]:
    """The checklist of documents the household hands in, each with the day it was received."""
    if not entry.documents:
        return []
    out: list[Any] = [_p(f"{DOCUMENTS_TITLE}：", st["heading"])]
    for number, item in enumerate(entry.documents, start=1):
        state = (f"{_day(item['received_on'])}已收" if item["received_on"]
                 else "尚未收到")
        out.append(_p(f"{number}. {item['label']}（办法{item['article']}）：{state}", st["base"]))
    return out


def _paragraphs(st: dict[str, Any], clause: Clause, values: dict[str, str], entry: CaseEntry
                ) -> list[Any]:
    out: list[Any] = []
    for text in clause.paragraphs:
        alone = only_placeholder(text)
        if alone == "补偿金额表":
            out.append(_amounts_table(st, entry))
        elif alone == "调换房屋表":
            out.append(_houses_table(st, entry))
        elif alone is not None and not values.get(alone):
            continue
        else:
            out.append(_p(fill(text, values), st["base"]))
    return out


def _amounts_table(st: dict[str, Any], entry: CaseEntry) -> Table:
    record = entry.record
    rows: list[list[Any]] = [["项目", "金额（元）", "依据"]]
    for line in record["lines"]:
        if Decimal(line["amount"]):
            rows.append([_p(line["label"], st["cell"], _cell(70)), _money(line["amount"]),
                         _p(line["citation"], st["cell"], _cell(65))])
    rows.append([_p("补偿合计", st["cell"], _cell(70)), _money(record["totals"]["total"]), ""])
    return _table(rows, [70 * mm, 35 * mm, 65 * mm], right=(1,))


def _houses_table(st: dict[str, Any], entry: CaseEntry) -> Table:
    rows: list[list[Any]] = [
        ["位置", "用途", "建筑面积（m²）", "应付面积（m²）", "单价（元/m²）", "价款（元）"]]
    for index, house in enumerate(entry.record.get("houses", [])):
        known = entry.exchange_houses[index] if index < len(entry.exchange_houses) else {}
        use = known.get("use") or "residential"
        rows.append([_p(known.get("location") or "—", st["cell"], _cell(45)),
                     _p(USE_LABELS.get(use, use), st["cell"], _cell(16)), house["area"],
                     house["payable_area"], _money(house["unit_price"]), _money(house["price"])])
    return _table(rows, [45 * mm, 16 * mm, 24 * mm, 24 * mm, 28 * mm, 33 * mm],
                  right=(2, 3, 4, 5))


def _signatures(entry: CaseEntry) -> Table:
    """Seals and signatures; a signed case's signing date printed, else blanks to fill in."""
    signed = is_signed(entry.status)   # 预签 included; 作废 is not a signature in force
    day = f"日期：{_day(entry.signed_on)}" if signed and entry.signed_on else "日期：    年  月  日"
    sign = [["甲方（盖章）：", "实施单位（盖章）：", "乙方（签字）："],
            ["代表：", "代表：", ""],
            [day, day, day]]
    table = Table(sign, colWidths=[57 * mm] * 3, rowHeights=[10 * mm, 12 * mm, 10 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    return table


def _unregistered_text(entry: CaseEntry, lines: dict[str, dict[str, Any]]) -> str:
    """The buildings without a title (办法第十八条): which were recognized or kept as temporary
    (paid in 未经登记建筑补偿) and which were found unlawful (unpaid); "" when there are none."""
    if not entry.unregistered:
        return ""
    line = lines.get("V_UNREG")
    paid = f"，补偿 {_money(line['amount'])} 元" if line and Decimal(line["amount"]) else ""
    return (f"未经登记建筑（办法第十八条，以区政府组织认定的结果为准）："
            f"{unregistered_text(entry, USE_LABELS)}。其中认定合法建筑和未超过批准期限的"
            f"临时建筑计入“未经登记建筑补偿”{paid}；认定违法的建筑不予补偿，"
            "也不计入补偿面积和奖励面积。")


def _money_values(entry: CaseEntry) -> dict[str, str]:
    """The money over time as the agreement prints it: the schedule's four parts (from the
    stored record), their terms (services/terms.py, in words), the houses' set-off, and all of
    it in one paragraph (付款安排); the payee's parts."""
    schedule = {key: Decimal(value) for key, value in entry.record.get("schedule", {}).items()}
    lines = {line["code"]: Decimal(line["amount"]) for line in entry.record["lines"]}
    terms = entry.terms
    exchange = entry.method == "exchange"

    def term(key: str) -> str:   # a line to fill in by hand while none is agreed
        return terms.get(key) or SHORT_BLANK

    before, transition = schedule.get("before_move", Decimal(0)), schedule.get("transition",
                                                                                 Decimal(0))
    after, overdue = schedule.get("after_move", Decimal(0)), schedule.get("overdue", Decimal(0))
    reward = min(lines.get("R7_ONTIME", Decimal(0)), after)
    second = after - reward
    parts = [f"搬迁前应付 {_money(before)} 元，{term('before_move')}支付"]
    if transition:
        parts.append(f"过渡期间应付 {_money(transition)} 元（按约定的过渡期限计），自乙方搬迁交房"
                     f"之日起支付，{term('transition')}")
    if after:
        later = f"，第二次搬迁补助 {_money(second)} 元于乙方接房后支付" if second else ""
        parts.append(f"按期搬迁后应付 {_money(after)} 元：乙方在搬迁期限内搬迁交房的，单户按期"
                     f"搬迁奖励 {_money(reward)} 元于搬迁交房后支付{later}，{term('after_move')}"
                     "支付；逾期搬迁的不予支付")
    if exchange:
        parts.append("甲方逾期交付产权调换房屋的，自逾期之日起按月加付临时安置补助和停产停业"
                     f"损失补偿，{term('overdue')}支付"
                     + (f"（已加付 {_money(overdue)} 元）" if overdue else ""))
        parts.append(f"产权调换房屋价款{terms.get('house_price') or '接房时与补偿款相抵'}")
    numbers = "一二三四五六"
    arrangement = "；".join(f"（{numbers[i]}）{text}" for i, text in enumerate(parts)) + "。"
    payee = entry.payee
    return {"搬迁前应付": _money(before), "过渡期间应付": _money(transition),
            "按期搬迁后应付": _money(after), "逾期交房加付": _money(overdue),
            "搬迁前付款期限": term("before_move"), "过渡期间付款期限": term("transition"),
            "按期搬迁后付款期限": term("after_move"), "逾期交房付款期限": term("overdue"),
            "房屋价款结算": terms.get("house_price") or "接房时与补偿款相抵",
            "付款安排": arrangement,
            "收款户名": payee.get("name") or BLANK, "收款开户行": payee.get("bank") or BLANK,
            "收款账号": payee.get("account") or BLANK}


def _settlement_body(st: dict[str, Any], project: dict[str, Any], entry: CaseEntry,
                     owners: list[dict[str, str]]) -> list[Any]:
    record = entry.record
    out: list[Any] = [
        _p(f"被征收人：{'、'.join(o['name'] for o in owners)}    案卷编号：{entry.case_no}    "
           f"补偿方式：{METHOD_LABELS[entry.method]}", st["base"]),
        _p(f"坐落：{entry.address or '—'}    产权证号：{entry.title_no or '—'}    "
           f"计算标准：{standard_name(record['standard'])}", st["base"]),
        Spacer(1, 4)]
    widths = [36 * mm, 74 * mm, 26 * mm, 34 * mm]
    rows: list[list[Any]] = [["项目", "计算式（含所用数据）", "金额（元）", "依据"]]
    for line in record["lines"]:
        rows.append([_p(line["label"], st["cell"], _cell(36)),
                     _p(line["formula"] + (f"（{line['note']}）" if line["note"] else ""),
                        st["cell"], _cell(74)),
                     _money(line["amount"]), _p(line["citation"], st["cell"], _cell(34))])
    lines = _table(rows, widths, right=(2,))
    lines.spaceAfter = 0
    out.append(lines)
    # the subtotals, the notes, the sum owed and the signatures stay together: if the page
    # breaks, they go on to the next one as one (the signatures alone on page 2 before)
    closing: list[Any] = [_table(
        [[_p(label, st["cell"], _cell(36)), "", _money(record["totals"][key]), ""]
         for key, label in (("value", "价值补偿小计"), ("loss", "损失补偿小计"),
                            ("reward", "奖励补助小计"), ("total", "补偿合计"))],
        widths, header=False, right=(2,))]
    for warning in record.get("warnings", []):
        code, _, text = warning.partition(": ")
        if code == "L1_INTERRUPT":   # the printed 5% monthly rate: said on the sheet too
            closing.append(_p(f"提示：{text}", st["base"]))
    unregistered = _unregistered_text(entry, {line["code"]: line for line in record["lines"]})
    if unregistered:
        closing.append(_p(unregistered, st["base"]))
    settlement = record["settlement"]
    if entry.method == "exchange":
        closing.append(Spacer(1, 4))
        closing.append(_p(f"产权调换房屋价款 {_money(settlement['exchange_price'])} 元；维修资金："
                          f"甲方 {_money(settlement['fund_department'])} 元，乙方 "
                          f"{_money(settlement['fund_household'])} 元。", st["base"]))
        net = Decimal(settlement["net_payable"])
    else:
        net = Decimal(record["totals"]["total"])
    word = "应付被征收人" if net >= 0 else "应收被征收人"
    closing.append(_p(f"{word}：{_money(abs(net))} 元（大写：{rmb_capitals(net)}）",
                      st["heading"]))
    sign = Table([["经办：", "审核：", "被征收人（签字）："],
                  ["日期：    年  月  日", "日期：    年  月  日", "日期：    年  月  日"]],
                 colWidths=[57 * mm] * 3, rowHeights=[12 * mm, 10 * mm])
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    out.append(keep_with_signatures([*closing, Spacer(1, 16)], sign))
    return out


def _cn(number: int) -> str:
    """Article numbers: 1 → 一 … 10 → 十, 11 → 十一 (agreements stay well below 20)."""
    digits = "零一二三四五六七八九十"
    return digits[number] if number <= 10 else "十" + digits[number - 10]


def write_pdf(kind: str, project: dict[str, Any], entry: CaseEntry, out: Path, *,
              number: str | None = None) -> Path:
    return write_atomically(Path(out), build_pdf(kind, project, entry, number=number),
                            private=True)

"""Agreement drafts (货币补偿协议, 产权调换协议, 预签协议) and settlement sheets (结算单), A4 PDF.

Every figure is read from the case's stored calculation record — the same record the screen and
the ledger show — and the total is also written in Chinese capitals. The wording is the team's
own. The same data gives the same bytes (reportlab's invariant mode).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wulong_desk.errors import UserError
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.exports.pdf_style import FONT, MARGIN, PAGE, numbered_canvas, styles
from wulong_desk.exports.records import CaseEntry, unregistered_text
from wulong_desk.fileio import write_atomically
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS
from wulong_desk.store.models import STATUSES

KINDS = ("money", "exchange", "presign", "settlement")
TITLES = {"money": "国有土地上房屋征收货币补偿协议", "exchange": "国有土地上房屋征收产权调换协议",
          "presign": "国有土地上房屋征收补偿预签协议", "settlement": "房屋征收补偿结算单"}
BANFA = "《重庆市武隆区国有土地上房屋征收与补偿实施办法》（武隆府发〔2023〕5号）"
BIAOZHUN = "《重庆市武隆区国有土地上房屋征收损失补偿和奖励补助标准》（武隆府办发〔2023〕8号）"
PRESIGN_MARK = "附生效条件"


def _money(text: str | Decimal) -> str:
    return f"{Decimal(str(text)):,.2f}"


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


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


def agreement_number(project: dict[str, Any], entry: CaseEntry) -> str:
    return f"WL-{project['uuid'][:8].upper()}-{entry.case_no}"


def build_pdf(kind: str, project: dict[str, Any], entry: CaseEntry) -> bytes:
    if kind not in KINDS:
        raise UserError(f"kind: 应为 {' | '.join(KINDS)} 之一")
    st = styles()
    story: list[Any] = []
    exchange = entry.method == "exchange"
    if kind == "exchange" and not exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是货币补偿，不能出具产权调换协议")
    if kind == "money" and exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是产权调换，不能出具货币补偿协议")
    story.append(_p(TITLES[kind] + ("" if kind == "settlement" else "（草拟稿）"), st["title"]))
    story.append(_p(f"{project['name']}    编号：{agreement_number(project, entry)}",
                    st["subtitle"]))

    owners = [o for o in entry.owners if o["role"] == "owner"] or entry.owners
    if kind == "settlement":
        story += _settlement_body(st, project, entry, owners)
    else:
        story += _parties(st, project, owners)
        story += _agreement_body(st, kind, project, entry)
    draft = STATUSES.index(entry.status) < STATUSES.index("reviewed")
    footer = f"{project['name']} · {entry.case_no} · {TITLES[kind]}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
                            title=f"{TITLES[kind]} {entry.case_no}", author="Wulong Desk",
                            invariant=1)
    doc.build(story, canvasmaker=numbered_canvas(draft, footer))
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
    out.append(_p(f"根据征收决定（{project['decision_no'] or '文号待填'}）及{BANFA}、{BIAOZHUN}，"
                  "甲乙双方就乙方被征收房屋的补偿事宜协商一致，订立本协议。", st["base"]))
    return out


def _agreement_body(st: dict[str, Any], kind: str, project: dict[str, Any], entry: CaseEntry
                    ) -> list[Any]:
    record = entry.record
    lines = {line["code"]: line for line in record["lines"]}
    quantities = record.get("quantities", {})
    uses = "、".join(dict.fromkeys(USE_LABELS.get(u, u) for u in entry.uses))
    out: list[Any] = [_p("第一条  被征收房屋", st["heading"]),
                      _p(f"坐落：{entry.address or '—'}；产权证号：{entry.title_no or '—'}；"
                         f"用途：{uses}；证载建筑面积合计 {quantities.get('area', '—')} 平方米，"
                         f"补偿面积合计 {quantities.get('comp_area', '—')} 平方米。", st["base"])]
    for code, text in (("V_SHARED", "公摊补足（办法第三十六条）"),
                       ("V_MIN", "最低住房保障补足至45平方米（办法第三十七条）")):
        if Decimal(lines[code]["amount"]):
            out.append(_p(f"{text}：{lines[code]['formula']}", st["base"]))
    out.extend(_unregistered_clause(st, entry, lines))
    out.append(_p("第二条  补偿方式", st["heading"]))
    out.append(_p(f"乙方选择{METHOD_LABELS[entry.method]}。", st["base"]))
    out.append(_p("第三条  补偿金额", st["heading"]))
    rows: list[list[Any]] = [["项目", "金额（元）", "依据"]]
    for line in record["lines"]:
        if Decimal(line["amount"]):
            rows.append([_p(line["label"], st["cell"]), _money(line["amount"]),
                         _p(line["citation"], st["cell"])])
    total = Decimal(record["totals"]["total"])
    rows.append([_p("补偿合计", st["cell"]), _money(total), ""])
    out.append(_table(rows, [70 * mm, 35 * mm, 65 * mm], right=(1,)))
    out.append(_p(f"补偿合计人民币 {_money(total)} 元（大写：{rmb_capitals(total)}）。",
                  st["base"]))
    out.extend(_readings_clause(st, project, entry))
    article = 4
    settlement = record["settlement"]
    if entry.method == "exchange":
        out.append(_p(f"第{_cn(article)}条  产权调换房屋与差价", st["heading"]))
        article += 1
        house_rows: list[list[Any]] = [
            ["位置", "用途", "建筑面积（m²）", "应付面积（m²）", "单价（元/m²）", "价款（元）"]]
        for index, house in enumerate(record.get("houses", [])):
            known = (entry.exchange_houses[index] if index < len(entry.exchange_houses)
                     else {})
            use = known.get("use") or "residential"
            house_rows.append([_p(known.get("location") or "—", st["cell"]),
                               _p(USE_LABELS.get(use, use), st["cell"]), house["area"],
                               house["payable_area"], _money(house["unit_price"]),
                               _money(house["price"])])
        out.append(_table(house_rows, [45 * mm, 16 * mm, 24 * mm, 24 * mm, 28 * mm, 33 * mm],
                          right=(2, 3, 4, 5)))
        out.append(_p("住宅调换房屋公摊系数超过15%的部分不计入应付面积，由甲方承担"
                      "（办法第三十六条第二款）；非住宅调换房屋按建筑面积计价。", st["small"]))
        net = Decimal(settlement["net_payable"])
        payer = ("甲方应向乙方支付差价" if net >= 0 else "乙方应向甲方补交差价")
        out.append(_p(f"调换房屋价款合计 {_money(settlement['exchange_price'])} 元；"
                      f"与补偿合计相抵，{payer} {_money(abs(net))} 元"
                      f"（大写：{rmb_capitals(net)}）。", st["base"]))
        transition = entry.transition_months
        if entry.turnover_house:
            way = "由甲方提供临时周转房过渡"
        else:
            way = "乙方自行过渡，甲方按标准第9项支付临时安置补助"
        if entry.turnover_premises:
            way += "；经营用房由甲方提供临时经营场所，不计停产停业损失"
        months = transition if transition is not None else "—"
        out.append(_p(f"过渡方式：{way}；过渡期限：{months}个月，自乙方搬迁交房之日起计算。",
                      st["base"]))
        out.append(_p(f"首次物业专项维修资金（办法第三十九条）：甲方承担 "
                      f"{_money(settlement['fund_department'])} 元，乙方承担 "
                      f"{_money(settlement['fund_household'])} 元。", st["base"]))
    else:
        out.append(_p(f"第{_cn(article)}条  付款", st["heading"]))
        article += 1
        out.append(_p(f"本协议生效且乙方按约腾空交付房屋后，甲方将补偿款 {_money(total)} 元"
                      "支付至乙方指定的银行账户。", st["base"]))
    out.append(_p(f"第{_cn(article)}条  搬迁期限", st["heading"]))
    article += 1
    deadline = project.get("move_deadline") or "＿＿＿＿年＿＿月＿＿日"
    out.append(_p(f"乙方应于 {deadline} 前搬迁完毕，并将房屋及其权属证书交甲方。", st["base"]))
    if kind == "presign":
        threshold = Decimal(project.get("presign_threshold") or "0.90") * 100
        out.append(_p(f"第{_cn(article)}条  生效条件（{PRESIGN_MARK}）", st["heading"]))
        article += 1
        out.append(_p(f"本协议为{PRESIGN_MARK}的预签协议。签约期限届满时，本项目签约户数占全部户数的"
                      f"比例达到 {threshold.normalize():f}% 及以上的，本协议生效；未达到的，本协议"
                      "不生效（办法第二十三条）。", st["base"]))
    out.append(_p(f"第{_cn(article)}条  权利告知", st["heading"]))
    article += 1
    out.append(_p("乙方对房屋征收补偿有异议的，可以依法申请行政复议，也可以依法提起行政诉讼。",
                  st["base"]))
    out.append(_p(f"第{_cn(article)}条  其他", st["heading"]))
    out.append(_p("本协议一式四份，甲乙双方及实施单位各执一份，一份备案；自双方签字盖章之日起生效"
                  + ("（预签协议另按上条生效条件）" if kind == "presign" else "") + "。",
                  st["base"]))
    out.append(Spacer(1, 14))
    sign = [["甲方（盖章）：", "实施单位（盖章）：", "乙方（签字）："],
            ["代表：", "代表：", ""],
            ["日期：    年  月  日", "日期：    年  月  日", "日期：    年  月  日"]]
    table = Table(sign, colWidths=[57 * mm] * 3, rowHeights=[10 * mm, 12 * mm, 10 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    out.append(KeepTogether([table]))
    return out


def _unregistered_clause(st: dict[str, Any], entry: CaseEntry,
                         lines: dict[str, dict[str, Any]]) -> list[Any]:
    """The buildings without a title (办法第十八条): which were recognized or kept as temporary
    (paid in 未经登记建筑补偿) and which were found unlawful (unpaid)."""
    if not entry.unregistered:
        return []
    line = lines.get("V_UNREG")
    paid = f"，补偿 {_money(line['amount'])} 元" if line and Decimal(line["amount"]) else ""
    return [_p(f"未经登记建筑（办法第十八条，以区政府组织认定的结果为准）："
               f"{unregistered_text(entry, USE_LABELS)}。其中认定合法建筑和未超过批准期限的"
               f"临时建筑计入“未经登记建筑补偿”{paid}；认定违法的建筑不予补偿，"
               "也不计入补偿面积和奖励面积。", st["base"])]


def _readings_clause(st: dict[str, Any], project: dict[str, Any],
                     entry: CaseEntry) -> list[Any]:
    """The readings the figures used (the project's choices for sentences the gazette leaves
    open), named so the household can see them. A record computed under calc contract
    revision 1 had no readings: it says so instead."""
    from wulong_desk.rules import default_standards

    record = entry.record
    if entry.contract_revision < 2:
        return [_p(f"上述金额为按计算规则第{entry.contract_revision}版计算并保存的记录。",
                   st["small"])]
    standard = default_standards().get(record.get("standard", ""))
    if standard is None or not standard.readings:
        return []
    chosen = "；".join(f"{reading.label}：{reading.label_for(project.get(key))}（{reading.cite}）"
                       for key, reading in standard.readings.items()
                       if project.get(key) is not None)
    if not chosen:
        return []
    return [_p(f"上述金额按本项目选定的读法计算：{chosen}。", st["small"])]


def _settlement_body(st: dict[str, Any], project: dict[str, Any], entry: CaseEntry,
                     owners: list[dict[str, str]]) -> list[Any]:
    record = entry.record
    out: list[Any] = [
        _p(f"被征收人：{'、'.join(o['name'] for o in owners)}    案卷编号：{entry.case_no}    "
           f"补偿方式：{METHOD_LABELS[entry.method]}", st["base"]),
        _p(f"坐落：{entry.address or '—'}    产权证号：{entry.title_no or '—'}    "
           f"计算标准：{record['standard']}", st["base"]),
        Spacer(1, 4)]
    rows: list[list[Any]] = [["项目", "计算式（含所用数据）", "金额（元）", "依据"]]
    for line in record["lines"]:
        rows.append([_p(line["label"], st["cell"]),
                     _p(line["formula"] + (f"（{line['note']}）" if line["note"] else ""),
                        st["cell"]),
                     _money(line["amount"]), _p(line["citation"], st["cell"])])
    for key, label in (("value", "价值补偿小计"), ("loss", "损失补偿小计"),
                       ("reward", "奖励补助小计"), ("total", "补偿合计")):
        rows.append([_p(label, st["cell"]), "", _money(record["totals"][key]), ""])
    out.append(_table(rows, [36 * mm, 74 * mm, 26 * mm, 34 * mm], right=(2,)))
    for warning in record.get("warnings", []):
        code, _, text = warning.partition(": ")
        if code == "L1_INTERRUPT":   # the printed 5% monthly rate: said on the sheet too
            out.append(_p(f"提示：{text}", st["base"]))
    out.extend(_unregistered_clause(st, entry, {line["code"]: line for line in record["lines"]}))
    settlement = record["settlement"]
    if entry.method == "exchange":
        out.append(Spacer(1, 4))
        out.append(_p(f"产权调换房屋价款 {_money(settlement['exchange_price'])} 元；维修资金：甲方 "
                      f"{_money(settlement['fund_department'])} 元，乙方 "
                      f"{_money(settlement['fund_household'])} 元。", st["base"]))
        net = Decimal(settlement["net_payable"])
    else:
        net = Decimal(record["totals"]["total"])
    word = "应付被征收人" if net >= 0 else "应收被征收人"
    out.append(_p(f"{word}：{_money(abs(net))} 元（大写：{rmb_capitals(net)}）", st["heading"]))
    out.append(Spacer(1, 16))
    sign = Table([["经办：", "审核：", "被征收人（签字）："],
                  ["日期：    年  月  日", "日期：    年  月  日", "日期：    年  月  日"]],
                 colWidths=[57 * mm] * 3, rowHeights=[12 * mm, 10 * mm])
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    out.append(KeepTogether([sign]))
    return out


def _cn(number: int) -> str:
    """Article numbers: 1 → 一 … 10 → 十, 11 → 十一 (agreements stay well below 20)."""
    digits = "零一二三四五六七八九十"
    return digits[number] if number <= 10 else "十" + digits[number - 10]


def write_pdf(kind: str, project: dict[str, Any], entry: CaseEntry, out: Path) -> Path:
    return write_atomically(Path(out), build_pdf(kind, project, entry), private=True)

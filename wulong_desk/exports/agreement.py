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
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wulong_desk.dates import add_months
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
from wulong_desk.exports.plain_words import calculation_words, plain_words
from wulong_desk.exports.records import (
    CaseEntry,
    owners_of,
    standard_name,
    unregistered_text,
)
from wulong_desk.exports.templates import AGREEMENT, Clause, Template, fill, only_placeholder
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS
from wulong_desk.statuses import is_frozen, is_signed

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


def build_agreement_pdf(kind: str, project: dict[str, Any], entry: CaseEntry, *,
                        number: str | None = None, template: Template | None = None) -> bytes:
    """An agreement or a settlement sheet as PDF bytes. `number` is the case's 协议编号 (a blank
    to fill in by hand when None); `template` the clause wording (the one in use when None)."""
    st = styles()
    story: list[Any] = []
    exchange = entry.method == "exchange"
    if kind == "exchange" and not exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是货币补偿，不能出具产权调换协议")
    if kind == "money" and exchange:
        raise UserError(f"案卷 {entry.case_no} 选择的是产权调换，不能出具货币补偿协议")
    if kind in ("exchange", "presign"):
        check_exchange_houses(entry)
    # before 已审核 the figures are not final: a draft (a reviewed, signed or void case is not)
    draft = entry.status != "reviewed" and not is_frozen(entry.status)
    mark = "（草拟稿）" if draft and kind != "settlement" else ""
    story.append(_p(TITLES[kind] + mark, st["title"]))
    label = "编号" if kind == "settlement" else "协议编号"
    story.append(_p(f"{project['name']}    {label}：{number or '＿＿＿＿＿＿＿＿'}",
                    st["subtitle"]))

    owners = owners_of(entry)
    if kind == "settlement":
        story += _settlement_body(st, project, entry, owners)
    else:
        story += _parties(st, project, owners)
        story += _agreement_body(st, kind, project, entry, template or templates.load(AGREEMENT),
                                 owners)
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


def missing_exchange_houses(entry: CaseEntry) -> list[str]:
    """What an exchange case lacks for its agreement: at least one house, each with its location
    and area (办法第二十九条 「用于产权调换房屋的地点和面积」), in Chinese naming the field."""
    if entry.method != "exchange":
        return []
    if not entry.exchange_houses:
        return ["没有调换房屋（至少要有一套，填写「位置」和「建筑面积」）"]
    found = []
    for index, house in enumerate(entry.exchange_houses, start=1):
        if not (house.get("location") or "").strip():
            found.append(f"调换房屋第{index}行「位置」未填写")
        if not house.get("area") or not Decimal(house["area"]):
            found.append(f"调换房屋第{index}行「建筑面积」未填写")
    return found


def check_exchange_houses(entry: CaseEntry) -> None:
    missing = missing_exchange_houses(entry)
    if missing:
        raise UserError(f"案卷 {entry.case_no} 选择产权调换，{'；'.join(missing)}，不能出具协议"
                        "（办法第二十九条：协议须写明用于产权调换房屋的地点和面积）")


# the parties as a document names them: an agreement's 甲方/乙方, a decision's own words
AGREEMENT_PARTIES = ("甲方", "乙方")


def _line_amount(lines: dict[str, dict[str, Any]], code: str) -> Decimal:
    line = lines.get(code)
    return Decimal(line["amount"]) if line else Decimal(0)


def _why_not(lines: dict[str, dict[str, Any]], code: str) -> str:
    note = plain_words(lines[code]["note"]) if code in lines and lines[code]["note"] else ""
    return f"无（{note}）" if note else "无"


def item_values(entry: CaseEntry, parties: tuple[str, str] = AGREEMENT_PARTIES
                ) -> dict[str, str]:
    """The items of 办法第二十九条 that are not the amount table, each in words and 无 where it
    does not apply (never left out), from the stored record: the exchange houses with their
    delivery and what a late delivery adds (第四十二条, 标准第9项), the value difference and the
    net amount apart (第二十八条), 搬迁费, 临时安置费或者周转房, 停产停业损失 (its months),
    设施设备损失, 过渡方式和过渡期限. `parties`: who pays and who is paid (甲方, 乙方)."""
    payer, payee = parties
    record = entry.record
    lines = {line["code"]: line for line in record["lines"]}
    settlement = record["settlement"]
    exchange = entry.method == "exchange"
    months = entry.transition_months
    out: dict[str, str] = {}
    # 用于产权调换房屋的地点和面积, its delivery and the late-delivery pay
    if exchange:
        out["调换房屋说明"] = "；".join(
            f"第{i}套：{h.get('location') or '（位置未填写）'}，"
            f"{USE_LABELS.get(h.get('use') or 'residential', '住宅')}，"
            f"建筑面积 {h.get('area')} 平方米"
            for i, h in enumerate(entry.exchange_houses, 1)) + "。"
        if months:
            by = f"自{payee}搬迁交房之日起 {months} 个月内"
            if entry.moved_on:
                end = add_months(date.fromisoformat(entry.moved_on), months)
                by += f"（即 {_day(end.isoformat())}前）"
        else:
            by = "过渡期限届满之日前（＿＿＿＿年＿＿月＿＿日前）"
        late = []
        if entry.turnover_house:
            late.append(f"{payer}提供的临时周转房继续使用至交房，不计临时安置补助")
        elif _line_amount(lines, "R9_TEMP") or months:
            each = entry.monthly.get("R9_TEMP")
            late.append(f"临时安置补助每月 {_money(each)} 元" if each
                        else "临时安置补助（按标准第9项的每月标准）")
        if _line_amount(lines, "L1_INTERRUPT") and not entry.turnover_premises:
            each = entry.monthly.get("L1_INTERRUPT")
            late.append(f"停产停业损失补偿每月 {_money(each)} 元" if each
                        else "停产停业损失补偿（每月按被征收房屋评估价值的5%）")
        addition = "、".join(late) if late else "无"
        out["交付说明"] = (f"交付日期：{payer}应当{by}交付上列房屋，并通知{payee}接房"
                         "（办法第四十四条）。"
                         f"{payer}没有按约定日期交付、使过渡期限延长的，自逾期之日起按月加付："
                         f"{addition}（办法第四十二条、标准第9项）。")
    else:
        out["调换房屋说明"] = "无（补偿方式为货币补偿）"
        out["交付说明"] = ""
    # 差价 (第二十八条: value − house price) and the net amount, named apart
    value = Decimal(record["totals"]["value"])
    difference = Decimal(settlement["value_difference"])
    net = Decimal(settlement["net_payable"])
    out["价值补偿"] = _money(value)
    out["差价"] = (f"{_money(difference)} 元" if difference >= 0
                 else f"−{_money(abs(difference))} 元（调换房屋价款高于房屋价值补偿）")
    out["应付净额说明"] = (f"{payer}应向{payee}支付 {_money(net)} 元（大写：{rmb_capitals(net)}）"
                       if net >= 0 else
                       f"{payee}应向{payer}补交 {_money(abs(net))} 元（大写：{rmb_capitals(net)}）")
    out["补交差价说明"] = (f"{payee}应补交的款项按上列期限支付至{payer}指定的账户。"
                       if exchange and net < 0 else "")
    # 搬迁费
    move = _line_amount(lines, "R8_MOVE")
    if move:
        text = f"搬迁补助费 {_money(move)} 元（标准第8项）"
        second = _second_move(entry, lines)
        if second:
            text += (f"，其中第二次搬迁补助 {_money(second)} 元在{payee}按期搬迁的前提下"
                     "于接房后支付")
        out["搬迁费说明"] = text + "。"
    else:
        out["搬迁费说明"] = _why_not(lines, "R8_MOVE") + "。"
    # 临时安置费或者周转房
    temp = _line_amount(lines, "R9_TEMP")
    if not exchange:
        out["临时安置说明"] = "无（补偿方式为货币补偿，不计临时安置费，也不提供周转房）。"
    elif entry.turnover_house:
        out["临时安置说明"] = f"{payer}提供临时周转房，不另付临时安置补助（标准第9项）。"
    elif temp:
        out["临时安置说明"] = (f"临时安置补助 {_money(temp)} 元（按过渡期限计，标准第9项），"
                           f"{payer}不提供周转房。")
    else:
        out["临时安置说明"] = _why_not(lines, "R9_TEMP") + "。"
    # 停产停业损失 and its months
    loss = _line_amount(lines, "L1_INTERRUPT")
    if exchange and entry.turnover_premises:
        out["停产停业说明"] = (f"无（{payer}提供临时经营场所，不计停产停业损失）；"
                          f"停产停业期限 {entry.interruption_months} 个月。")
    elif exchange and loss:
        out["停产停业说明"] = (f"停产停业损失补偿 {_money(loss)} 元；停产停业期限 "
                          f"{entry.interruption_months} 个月，自搬迁交房之日起计"
                          "（办法第四十二条）。")
    elif loss:
        out["停产停业说明"] = (f"停产停业损失补偿 {_money(loss)} 元，一次性支付（办法第四十二条）；"
                          "停产停业期限：无（货币补偿不按月计）。")
    else:
        out["停产停业说明"] = _why_not(lines, "L1_INTERRUPT") + "；停产停业期限：无。"
    # 设施设备损失
    equipment = _line_amount(lines, "L4_EQUIP")
    out["设施设备说明"] = (f"设施设备补偿 {_money(equipment)} 元（办法第四十三条）。" if equipment
                      else _why_not(lines, "L4_EQUIP") + "。")
    # 过渡方式和过渡期限
    if exchange:
        way = (f"由{payer}提供临时周转房过渡" if entry.turnover_house
               else f"{payee}自行安排住处过渡，{payer}支付临时安置补助")
        if entry.turnover_premises:
            way += f"；经营用房由{payer}提供临时经营场所"
        span = f"{months} 个月" if months is not None else "＿＿个月"
        out["过渡说明"] = f"过渡方式：{way}；过渡期限：{span}，自{payee}搬迁交房之日起计算。"
    else:
        out["过渡说明"] = "无（补偿方式为货币补偿，不设过渡）。"
    return out


def _second_move(entry: CaseEntry, lines: dict[str, dict[str, Any]]) -> Decimal:
    """The second move's part of R8 (exchange, moved on time): the schedule's after_move less the
    on-time reward (revision 3: after_move = R7 + the second move)."""
    schedule = entry.record.get("schedule", {})
    after = Decimal(schedule.get("after_move", "0"))
    return max(after - _line_amount(lines, "R7_ONTIME"), Decimal(0))


def _values(kind: str, project: dict[str, Any], entry: CaseEntry) -> dict[str, str]:
    """Every placeholder of the agreement template, filled from the case's stored record."""
    record = entry.record
    lines = {line["code"]: line for line in record["lines"]}
    quantities = record.get("quantities", {})
    settlement = record["settlement"]
    total = Decimal(record["totals"]["total"])
    topped = topped_areas(lines)
    net = Decimal(settlement["net_payable"])
    payer = "甲方应向乙方支付差价" if net >= 0 else "乙方应向甲方补交差价"
    if entry.turnover_house:
        way = "由甲方提供临时周转房过渡"
    else:
        way = "乙方自行过渡，甲方按标准第9项支付临时安置补助"
    if entry.turnover_premises:
        way += "；经营用房由甲方提供临时经营场所，不计停产停业损失"
    # (always written: services.projects.project)
    threshold = Decimal(project["presign_threshold"]) * 100
    presign = kind == "presign"
    decision_no = project.get("decision_no") or "文号待填"
    if presign:   # no decision exists when a presign is signed (办法第二十三条)
        basis = (f"本项目为旧城区改建，在房屋征收决定作出之前，依据{BANFA}第二十三条和{BIAOZHUN}，")
        copies = ("本协议一式四份，甲乙双方及实施单位各执一份，一份备案；自双方签字盖章之日起成立，"
                  "按“生效条件”条款生效或者不生效。")
        deeds = ("本协议转为补偿协议时，乙方应将被征收房屋的土地房屋权属证书等权属证明交回甲方，"
                 "由甲方依法申请办理权属登记（办法第三十二条）；预签时不交回。")
        value_note = ("本协议所列房屋价值按分户初步评估结果计算，以正式的分户评估报告为准；"
                      "本协议生效后按正式报告修正，补偿金额随之调整（办法第二十三、二十七条）。")
    else:
        basis = f"依据征收决定（{decision_no}）及{BANFA}、{BIAOZHUN}，"
        copies = "本协议一式四份，甲乙双方及实施单位各执一份，一份备案；自双方签字盖章之日起生效。"
        deeds = ("乙方应在签订本协议时将被征收房屋的土地房屋权属证书等权属证明交回甲方，由甲方"
                 "依法申请办理权属登记（办法第三十二条）。")
        value_note = ""
    return {
        "甲方": project.get("department") or BLANK,
        "实施单位": project.get("implementer") or BLANK,
        "征收决定文号": "（征收决定尚未作出）" if presign else decision_no,
        "订立依据": basis, "预签价值说明": value_note, "权属证书交回": deeds,
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
        **_money_values(entry, presign),
        **item_values(entry),
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
                    template: Template, owners: list[dict[str, str]]) -> list[Any]:
    values = _values(kind, project, entry)
    out: list[Any] = [_p(fill(text, values), st["base"]) for text in template.preamble]
    numbered = [c for c in template.clauses if _applies(c, kind, entry)
                and c.condition != "不编号"]
    trailing = [c for c in template.clauses if c.condition == "不编号"]
    for article, clause in enumerate(numbered, start=1):
        heading = _p(f"第{_cn(article)}条  {clause.title}", st["heading"])
        body = _paragraphs(st, clause, values, entry)
        if article == len(numbered):  # the last clause and the signatures share a page
            out.append(keep_with_signatures([heading, *body, Spacer(1, 14)],
                                            _signatures(entry, owners)))
        else:
            out += _with_heading(heading, body)
    if not numbered:
        out[-1:] = [keep_with_signatures([*out[-1:], Spacer(1, 14)],
                                         _signatures(entry, owners))]
    for clause in trailing:
        out.append(_p(f"{clause.title}：", st["heading"]))
        out += _paragraphs(st, clause, values, entry)
    out += _documents(st, entry)
    return out


def _with_heading(heading: Paragraph, body: list[Any]) -> list[Any]:
    """An article: its heading on the page of its first paragraph, and a first paragraph that
    leads to a table (「第1套：…」 before the exchange houses) on the page of the table's start
    (the heading and that line sat at a page's foot, the table on the next). Never inside
    another KeepTogether: reportlab then takes the whole for taller than any page."""
    start = 2 if len(body) > 1 and isinstance(body[1], Table) else 1
    if not body:
        return [heading]
    return [KeepTogether([heading, *body[:start]]), *body[start:]]


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
            if entry.method == "exchange":
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


def _signatures(entry: CaseEntry, owners: list[dict[str, str]]) -> Table:
    """Seals and signatures: 甲方 and the 实施单位, then one line for each 被征收人 (co-owners
    each sign); a signed case's signing date printed, else blanks to fill in."""
    signed = is_signed(entry.status)   # 预签 included; 作废 is not a signature in force
    day = f"日期：{_day(entry.signed_on)}" if signed and entry.signed_on else "日期：    年  月  日"
    rows = [["甲方（盖章）：", "实施单位（盖章）：", ""], ["代表：", "代表：", ""], [day, day, ""]]
    for owner in owners or [{"name": ""}]:
        rows.append([f"乙方（被征收人）：{owner['name']}", "（签字）：", day])
    table = Table(rows, colWidths=[70 * mm, 50 * mm, 51 * mm],
                  rowHeights=[10 * mm, 12 * mm, 10 * mm] + [12 * mm] * len(owners or [1]))
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


# the area top-ups a record may carry, in words (the same on every document)
TOPUPS = (("V_SHARED", "住宅公摊系数不超过15%的，按套内面积加15%补足（办法第三十六条）"),
          ("V_MIN", "按最低住房保障补足至45平方米（办法第三十七条）"))


def topped_areas(lines: dict[str, dict[str, Any]]) -> list[str]:
    """The top-ups the record applied (an amount above nothing), in words."""
    return [text for code, text in TOPUPS if code in lines and Decimal(lines[code]["amount"])]


def _money_values(entry: CaseEntry, presign: bool = False) -> dict[str, str]:
    """The money over time as the agreement prints it: the schedule's four parts (from the
    stored record), their terms (services/money/terms.py, in words), the houses' set-off, and all of
    it in one paragraph (付款安排) where each conditional sum is stated as its condition with its
    amount (按期搬迁的另付 …；逾期交房的按月加付 …); the payee's parts."""
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
    when = "本协议转为补偿协议后，" if presign else ""
    parts = [f"搬迁前应付 {_money(before)} 元，{when}{term('before_move')}支付"]
    if transition:
        parts.append(f"过渡期间应付 {_money(transition)} 元（按约定的过渡期限计），自乙方搬迁交房"
                     f"之日起支付，{term('transition')}")
    if after:
        # (each part with its own start: the reward once moved out, the second move once the
        # house is handed over — one term, never read as the date of both)
        later = (f"；第二次搬迁补助 {_money(second)} 元于乙方接房后支付，期限自接房之日起同样计算"
                 if second else "")
        parts.append(f"按期搬迁的另付 {_money(after)} 元：乙方在搬迁期限内搬迁交房的，单户按期"
                     f"搬迁奖励 {_money(reward)} 元，{term('after_move')}支付{later}；"
                     "逾期搬迁的不付")
    if exchange:
        monthly = [f"{label}每月 {_money(entry.monthly[code])} 元" for code, label in (
            ("R9_TEMP", "临时安置补助"), ("L1_INTERRUPT", "停产停业损失补偿"))
            if code in entry.monthly and not (code == "R9_TEMP" and entry.turnover_house)
            and not (code == "L1_INTERRUPT" and entry.turnover_premises)]
        what = ("、".join(monthly) if monthly
                else "临时安置补助和停产停业损失补偿（按适用的每月标准）")
        parts.append(f"逾期交房的按月加付：甲方没有按约定日期交付产权调换房屋的，自逾期之日起按月"
                     f"加付{what}，{term('overdue')}支付"
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
    rows: list[list[Any]] = [["项目", "计算（所用数据）", "金额（元）", "依据"]]
    for line in record["lines"]:
        rows.append([_p(line["label"], st["cell"], _cell(36)),
                     _p(calculation_words(line["formula"], line["note"]), st["cell"], _cell(74)),
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
    unregistered = _unregistered_text(entry, {line["code"]: line for line in record["lines"]})
    if unregistered:
        closing.append(_p(unregistered, st["base"]))
    settlement = record["settlement"]
    if entry.method == "exchange":
        closing.append(Spacer(1, 4))
        items = item_values(entry, ("征收部门", "被征收人"))
        closing.append(_p(f"产权调换房屋：{items['调换房屋说明']}价款合计 "
                          f"{_money(settlement['exchange_price'])} 元。", st["base"]))
        closing.append(_p(f"差价（办法第二十八条，房屋价值补偿 {items['价值补偿']} 元减去调换房屋"
                          f"价款）：{items['差价']} 元；补偿合计与调换房屋价款相抵后的应付净额："
                          f"{items['应付净额说明']}。", st["base"]))
        closing.append(_p(f"首次物业专项维修资金：征收部门 {_money(settlement['fund_department'])}"
                          f" 元，被征收人 {_money(settlement['fund_household'])} 元。",
                          st["base"]))
        net = Decimal(settlement["net_payable"])
    else:
        net = Decimal(record["totals"]["total"])
    word = "应付被征收人" if net >= 0 else "应收被征收人"
    closing.append(_p(f"{word}：{_money(abs(net))} 元（大写：{rmb_capitals(net)}）",
                      st["heading"]))
    blank_day = "日期：    年  月  日"
    signers = [[f"被征收人：{owner['name']}", "（签字）：", blank_day] for owner in owners]
    sign = Table([["经办：", "审核：", ""], [blank_day, blank_day, ""], *signers],
                 colWidths=[70 * mm, 50 * mm, 51 * mm],
                 rowHeights=[12 * mm, 10 * mm] + [12 * mm] * len(signers))
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    out.append(keep_with_signatures([*closing, Spacer(1, 16)], sign))
    return out


def _cn(number: int) -> str:
    """Article numbers: 1 → 一 … 10 → 十, 11 → 十一 (agreements stay well below 20)."""
    digits = "零一二三四五六七八九十"
    return digits[number] if number <= 10 else "十" + digits[number - 10]

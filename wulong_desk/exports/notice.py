"""The public notice (分户补偿情况公示), xlsx: only what 办法第二十九条 asks to be published.

Each household's compensation is published within the expropriation area; nothing else is. So
the notice carries the case number, the masked name (every name, one-character names too), the
坐落 cut to the building (no unit or room), the uses and areas, the compensation by group and in
total, the chosen method and the exchange settlement — never an ID number, a phone, a 产权证号, the
internal 备注 or the computation notes. It names the 公示期 and the publishing unit, with a line
for its seal; the sentences under the table come from the office's template (公示文字.txt).
Every text cell is written as text, never as a formula.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.exports import templates
from wulong_desk.exports.records import CaseEntry, ProjectRecords
from wulong_desk.exports.sheet_style import (
    AREA_FORMAT,
    BOLD,
    FONT_NAME,
    HEAD_FILL,
    MONEY_FORMAT,
    TITLE_FONT,
    page_footer,
    page_setup,
    styled_cell,
    text_width,
    workbook,
)
from wulong_desk.idcard import mask_name
from wulong_desk.rules.model import EXCHANGE, METHOD_LABELS, USE_LABELS
from wulong_desk.statuses import STATUS_LABELS, is_signed, is_void

TITLE = "分户补偿情况公示"
HEADER_ROWS = 4          # title, basis, group row, column row
GROUPS = (("value", "价值补偿"), ("loss", "损失补偿"), ("reward", "奖励补助"))

WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

# (key, header, width in characters)
COLUMNS = (
    ("index", "序号", 6), ("case_no", "案卷编号", 12), ("owner", "被征收人", 12),
    ("building", "房屋坐落（至楼栋）", 30), ("uses", "用途", 10), ("area", "证载面积", 11),
    ("comp_area", "补偿面积", 11), ("value", "价值补偿", 15), ("loss", "损失补偿", 14),
    ("reward", "奖励补助", 14), ("total", "补偿合计", 16), ("method", "补偿方式", 11),
    ("exchange_price", "产权调换房屋价款", 16), ("net_payable", "应付/应收差额", 16),
    ("signed", "签约情况", 11),
)
MONEY = {"value", "loss", "reward", "total", "exchange_price", "net_payable"}
AREA = {"area", "comp_area"}
# short words and the row number: centred, so a word never sits against the figure before it
CENTRED = {"index", "method", "signed"}
SETTLEMENT = ("exchange_price", "net_payable")  # only a household taking a house has these
NOT_APPLICABLE = "—"
SETTLEMENT_NOTE = ("注：产权调换房屋价款和应付/应收差额只涉及选择产权调换的户（货币补偿的户为"
                   "“—”）；差额为正数的，由征收部门付给被征收人，为负数的，由被征收人补交。")

# a unit, floor or room and everything after it: 3单元, 5层, 502室, 附1号, 2-3, 5楼3号 …
_BELOW_BUILDING = re.compile(
    r"(?:[0-9０-９一二三四五六七八九十]+\s*(?:单元|层|室|户|楼(?!栋))|附|[-－—]\s*[0-9０-９]"
    r"|[（(]).*$")
_LONG_NUMBER = re.compile(r"[0-9０-９Xx]{6,}")
_UP_TO_BUILDING = re.compile(r"^(.*[0-9０-９一二三四五六七八九十]\s*(?:号楼|号院|栋|幢|号))")


def building_of(address: str) -> str:
    """坐落 cut to the building: 武隆区芙蓉路12号3单元502室 → 武隆区芙蓉路12号; any run of six or
    more digits (an ID number or phone typed into the address) is removed."""
    value = _BELOW_BUILDING.sub("", address.strip())
    value = _LONG_NUMBER.sub("", value)
    building = _UP_TO_BUILDING.match(value)
    if building:  # whatever follows the last building number is below the building
        value = building.group(1)
    return value.rstrip(" ,，、;；:：-－—") or "—"


def _period(notice_period: tuple[date, date] | None, basis: str = "") -> str:
    """The 公示期 line; `basis` says how it was set (e.g. 7 working days from its start)."""
    if notice_period is None:
        return "公示期：＿＿＿＿年＿＿月＿＿日至＿＿＿＿年＿＿月＿＿日"
    start, end = notice_period
    return f"公示期：{_day(start)}至{_day(end)}{basis}"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _values(index: int, entry: CaseEntry) -> dict[str, Any]:
    record = entry.record
    owners = [o for o in entry.owners if o["role"] == "owner"] or entry.owners
    quantities = record.get("quantities", {})
    totals = record["totals"]
    return {
        "index": index, "case_no": entry.case_no,
        "owner": "、".join(mask_name(o["name"]) for o in owners),
        "building": building_of(entry.address),
        "uses": "、".join(dict.fromkeys(USE_LABELS.get(u, "其他") for u in entry.uses)),
        "area": Decimal(quantities.get("area", "0")),
        "comp_area": Decimal(quantities.get("comp_area", "0")),
        "value": Decimal(totals["value"]), "loss": Decimal(totals["loss"]),
        "reward": Decimal(totals["reward"]), "total": Decimal(totals["total"]),
        "method": METHOD_LABELS.get(entry.method, NOT_APPLICABLE),
        **{key: Decimal(record["settlement"][key]) if entry.method == EXCHANGE
           else NOT_APPLICABLE for key in SETTLEMENT},
        "signed": STATUS_LABELS[entry.status] if is_signed(entry.status) else "未签约",
    }


def build_notice(records: ProjectRecords, *, operator: str, exported_at: datetime | None = None,
                 notice_period: tuple[date, date] | None = None, notice_basis: str = ""
                 ) -> bytes:
    exported_at = exported_at or datetime.now()
    project = records.project
    wb = workbook()
    ws = wb.create_sheet(TITLE)
    width = len(COLUMNS)
    # a voided case is no longer owed: out of the rows and the totals (as in the ledger). The
    # entries may be read as they come (services.records.stream_records): only the row values
    # are kept, never the cases' records
    rows = [_values(number, entry) for number, entry in enumerate(
        (entry for entry in records.entries if not is_void(entry.status)), start=1)]
    widths = {key: chars for key, _header, chars in COLUMNS}
    for key, limit in (("owner", 24), ("building", 40), ("uses", 24), ("case_no", 16)):
        widths[key] = max([widths[key], *(min(limit, text_width(row[key])) for row in rows)])
    for index, (key, _header, _chars) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths[key] + 2
    ws.freeze_panes = f"D{HEADER_ROWS + 1}"
    page_setup(ws, paper=Worksheet.PAPERSIZE_A3, landscape=True,
               title_rows=f"{HEADER_ROWS - 1}:{HEADER_ROWS}")
    page_footer(ws, FONT_NAME)

    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROWS].height = 32
    centred = Alignment(horizontal="centerContinuous", vertical="center")
    ws.append([styled_cell(ws, f"{project['name']} {TITLE}", TITLE_FONT, alignment=centred,
                     border=False)]
              + [styled_cell(ws, None, alignment=centred, border=False) for _ in range(width - 1)])
    basis = (f"征收决定文号：{project['decision_no'] or '—'}    "
             f"{_period(notice_period, notice_basis)}    金额单位：元    面积单位：平方米")
    ws.append([styled_cell(ws, basis, border=False)])
    keys = [key for key, _h, _w in COLUMNS]
    group_row = [styled_cell(ws, None, BOLD, fill=HEAD_FILL) for _ in range(width)]
    group_row[keys.index("value")] = styled_cell(ws, "补偿金额", BOLD, fill=HEAD_FILL,
                                           alignment=Alignment(horizontal="centerContinuous"))
    for key in ("loss", "reward", "total"):
        group_row[keys.index(key)] = styled_cell(ws, None, BOLD, fill=HEAD_FILL,
                                           alignment=Alignment(horizontal="centerContinuous"))
    ws.append(group_row)
    ws.append([styled_cell(ws, header, BOLD, fill=HEAD_FILL, alignment=CENTER)
               for _k, header, _w in COLUMNS])
    for values in rows:
        row = []
        for key in keys:
            if key in CENTRED or values[key] == NOT_APPLICABLE:
                row.append(styled_cell(ws, values[key], alignment=CENTER))
            elif key in MONEY:
                row.append(styled_cell(ws, values[key], alignment=RIGHT,
                                       number_format=MONEY_FORMAT))
            elif key in AREA:
                row.append(styled_cell(ws, values[key], alignment=RIGHT,
                                       number_format=AREA_FORMAT))
            else:
                row.append(styled_cell(ws, values[key], alignment=WRAP))
        ws.append(row)
    first, last = HEADER_ROWS + 1, HEADER_ROWS + len(rows)
    totals: list[Any] = []
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        if key == "index":
            totals.append(styled_cell(ws, "合计", BOLD, alignment=CENTER))
        elif key == "case_no":
            totals.append(styled_cell(ws, f"{len(rows)}户", BOLD))
        elif (key in MONEY or key in AREA) and rows:
            totals.append(styled_cell(ws, f"=SUM({letter}{first}:{letter}{last})", BOLD,
                                alignment=RIGHT, formula=True,
                                number_format=AREA_FORMAT if key in AREA else MONEY_FORMAT))
        else:
            totals.append(styled_cell(ws, None, BOLD))
    ws.append(totals)
    ws.append([styled_cell(ws, SETTLEMENT_NOTE, border=False)])
    ws.append([])
    department = project.get("department") or "房屋征收部门"
    wording = {"公示单位": department, "征收决定文号": project.get("decision_no") or "—",
               "项目名称": project["name"]}
    for paragraph in templates.load(templates.NOTICE).preamble:  # the office's own words
        ws.append([styled_cell(ws, templates.fill(paragraph, wording), border=False)])
    ws.append([])
    seal_at = max(0, width - 5)
    ws.append([None] * seal_at + [styled_cell(ws, f"公示单位：{department}（盖章）", BOLD,
                                        border=False)])
    ws.append([None] * seal_at + [styled_cell(ws, "日期：＿＿＿＿年＿＿月＿＿日", border=False)])
    ws.append([])
    exported = f"导出：{exported_at:%Y-%m-%d %H:%M}"  # the operator only when one was given
    ws.append([styled_cell(ws, f"{exported}  {operator}" if operator else exported, border=False)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

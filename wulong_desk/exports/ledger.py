"""The household compensation ledger (分户补偿台账) and the public notice (分户补偿情况公示), xlsx.

One row per case, every figure taken from the stored record. The totals row is built from SUM
formulas; the 明细 sheet explains every line with its formula and citation; the 参数 sheet names
the standard, the options, the export time, the operator and the fingerprint of the figures.
Written in openpyxl's write-only mode (streaming), to a temporary file, then renamed into place.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.errors import Cancelled
from wulong_desk.exports.records import CaseEntry, ProjectRecords, standard_name, unregistered_text
from wulong_desk.exports.sheet_style import (
    AREA_FORMAT,
    BOLD,
    FONT_NAME,
    HEAD_FILL,
    LINE_HEIGHT,
    MONEY_FORMAT,
    TITLE_FONT,
    literal,
    page_footer,
    page_setup,
    styled_cell,
    text_width,
    workbook,
    wrapped_lines,
)
from wulong_desk.fileio import write_atomically
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS
from wulong_desk.rules.standard import LINE_CODES
from wulong_desk.statuses import is_out, is_void
from wulong_desk.tempfiles import private_temp_files

GROUPS = (("价值补偿", 5), ("损失补偿", 4), ("奖励补助", 5))
FINGERPRINT_LABEL = "数据指纹"
PROJECT_KEY_LABEL = "项目识别码"
DETAIL_WIDTHS = (12, 10, 28, 64, 14, 38, 44)  # 依据 fits on one line
STANDARD_LABEL = "计算标准"
TOTAL_HEADER = "合计"
HEADER_ROWS = 4          # title, basis, group row, column row
TITLE = "分户补偿台账"
SIGNATURE_HEIGHT = 36    # a body row tall enough to sign in
PROGRESS_EVERY = 200

WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
GROUP_ALIGN = Alignment(horizontal="centerContinuous", vertical="center")


def _columns(labels: dict[str, str]) -> list[tuple[str, str]]:
    """(key, header) for every column, in order."""
    head = [("case_no", "案卷编号"), ("owner", "被征收人"), ("id_number", "身份证号"),
            ("title_no", "产权证号"), ("address", "坐落"), ("uses", "用途"), ("area", "证载面积"),
             ("comp_area", "补偿面积"), ("prices", "评估单价")]
    lines = [(code, labels[code]) for code in LINE_CODES]
    tail = [("total", TOTAL_HEADER), ("method", "补偿方式"), ("exchange_price", "产权调换房屋价款"),
            ("fund_department", "维修资金（征收部门承担）"),
            ("fund_household", "维修资金（被征收人承担）"),
            ("net_payable", "应付/应收差额"), ("signed_on", "签约日期"),
            ("paid", PAID_HEADER), ("outstanding", OUTSTANDING_HEADER),
            ("documents", DOCUMENTS_HEADER), ("signature", "被征收人签字"),
            ("unregistered", "未经登记建筑（办法第十八条）"), ("remarks", "备注")]
    return head + lines + tail


PAID_HEADER, OUTSTANDING_HEADER = "已付", "未付"
DOCUMENTS_HEADER = "已交材料"
# paid and outstanding move with every payment: summed and printed, but not part of the
# computed figures `verify-ledger` holds against the stored records
PAYMENT_KEYS = {"paid", "outstanding"}
MONEY_KEYS = set(LINE_CODES) | {"total", "exchange_price", "fund_department", "fund_household",
                                 "net_payable"}
SUMMED_KEYS = MONEY_KEYS | {"area", "comp_area"}


def _values(entry: CaseEntry) -> dict[str, Any]:
    record = entry.record
    owners = [o for o in entry.owners if o["role"] == "owner"] or entry.owners
    names = [o["name"] for o in owners]
    ids = [o["id_number"] for o in owners if o["id_number"]]
    quantities = record.get("quantities", {})
    values: dict[str, Any] = {
        "case_no": entry.case_no, "owner": "、".join(names), "id_number": "\n".join(ids),
        "title_no": entry.title_no, "address": entry.address,
        "uses": "、".join(dict.fromkeys(USE_LABELS.get(u, u) for u in entry.uses)),
        "area": Decimal(quantities.get("area", "0")),
        "comp_area": Decimal(quantities.get("comp_area", "0")),
        "prices": (Decimal(entry.unit_prices[0]) if len(entry.unit_prices) == 1
                   else "/".join(entry.unit_prices)),
        "total": Decimal(record["totals"]["total"]),
        "method": METHOD_LABELS.get(entry.method, entry.method),
        "exchange_price": Decimal(record["settlement"]["exchange_price"]),
        "fund_department": Decimal(record["settlement"]["fund_department"]),
        "fund_household": Decimal(record["settlement"]["fund_household"]),
        "net_payable": Decimal(record["settlement"]["net_payable"]),
        "signed_on": entry.signed_on or "", "signature": "", "remarks": entry.remarks,
        "unregistered": unregistered_text(entry, USE_LABELS),
        # a record computed under contract revision 1 has no V_UNREG: it had none to pay
        **dict.fromkeys(LINE_CODES, Decimal("0.00")),
        "paid": None if entry.paid is None else Decimal(entry.paid),
        "outstanding": None if entry.outstanding is None else Decimal(entry.outstanding),
        "documents": documents_text(entry),
    }
    for line in record["lines"]:
        values[line["code"]] = Decimal(line["amount"])
    return values


def documents_text(entry: CaseEntry) -> str:
    """The document checklist in one cell: what was received and when, then what is missing."""
    received = [f"{d['label']}（{d['received_on']}）" for d in entry.documents
                if d["received_on"]]
    missing = [d["label"] for d in entry.documents if not d["received_on"]]
    lines = received + ([f"未交：{'、'.join(missing)}"] if missing else [])
    return "\n".join(lines)


def append_literal(ws: Worksheet, values: list[Any]) -> None:
    """Append a row of plain values or ready cells. openpyxl stores a value as exactly itself
    except text starting with "=" (a formula) or naming an error ("#N/A"): only those go
    through `literal`. (A cell made for every value, then refused by openpyxl as a value and
    caught, cost a 10,000-case ledger 2.5 of its 14 s: bench/bench_ledger.py.)"""
    ws.append([literal(ws, v) if isinstance(v, str) and (v.startswith("=") or v in ERROR_CODES)
               else v for v in values])


@private_temp_files  # openpyxl streams names and ID numbers through temporary files
def build_ledger(records: ProjectRecords, *, public: bool, operator: str,
                 exported_at: datetime | None = None,
                 progress: Callable[[int, int], bool | None] | None = None,
                 notice_period: tuple[date, date | None] | None = None) -> bytes:
    """The workbook as bytes. progress(done, total) may return False to cancel.
    The public notice is its own document (`wulong_desk.exports.notice`): with public=True,
    the 分户补偿情况公示 of the settled households, its 公示期 `notice_period`."""
    if public:
        from wulong_desk.exports.notice import build_notice

        return build_notice(records, period=notice_period).data
    exported_at = exported_at or datetime.now()
    project = records.project
    # a voided case is kept on record but is no longer owed: out of the rows and the totals,
    # listed on its own sheet instead
    entries = [entry for entry in records.entries if not is_out(entry.status)]
    voided = [entry for entry in records.entries if is_void(entry.status)]
    lapsed = [entry for entry in records.entries if is_out(entry.status)
              and not is_void(entry.status)]   # 不生效 presigns: apart, out of every total
    decided = [entry for entry in entries if entry.decision]
    labels = _line_labels(entries)
    columns = _columns(labels)
    keys = [key for key, _ in columns]
    wb = workbook()
    ws = wb.create_sheet(TITLE)
    width = len(columns)

    # column widths and page set-up: A3 landscape, one page wide, headers on every page
    fitted = _fitted_widths(entries)
    for index, (key, _) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = fitted.get(key) or (
            12 if key == "method" else 16 if key == "signature"
            else 30 if key == "documents" else 14)
    ws.freeze_panes = f"C{HEADER_ROWS + 1}"
    page_setup(ws, paper=Worksheet.PAPERSIZE_A3, landscape=True,
               title_rows=f"{HEADER_ROWS - 1}:{HEADER_ROWS}")
    _footer(ws, f"{project['name']}  {TITLE}")

    title = TITLE
    ws.row_dimensions[1].height = 28  # write-only: row sizes are set before the row is written
    ws.row_dimensions[HEADER_ROWS].height = 42
    ws.append([styled_cell(ws, f"{project['name']} {title}", font=TITLE_FONT, border=False,
                     alignment=Alignment(horizontal="centerContinuous"))]
              + [styled_cell(ws, None, border=False, alignment=Alignment(
                  horizontal="centerContinuous")) for _ in range(width - 1)])
    basis = (f"征收决定文号：{project['decision_no']}    "
             f"签约期限届满日：{project['signing_deadline']}    "
             f"{STANDARD_LABEL}：{_standard_names(entries)}    单位：元、平方米")
    ws.append([styled_cell(ws, basis, border=False)])

    # grouped header: the group names centred across their line columns
    first_line = keys.index(LINE_CODES[0])
    group_row: list[Any] = [styled_cell(ws, None, fill=HEAD_FILL) for _ in range(width)]
    position = first_line
    for name, span in GROUPS:
        for offset in range(span):
            group_row[position + offset] = styled_cell(ws, name if offset == 0 else None,
                                                 fill=HEAD_FILL, font=BOLD,
                                                 alignment=GROUP_ALIGN)
        position += span
    settle_from = keys.index("exchange_price")
    group_row[settle_from] = styled_cell(ws, "产权调换结算", fill=HEAD_FILL, font=BOLD,
                                   alignment=GROUP_ALIGN)
    for offset in range(1, 4):
        group_row[settle_from + offset] = styled_cell(ws, None, fill=HEAD_FILL,
                                                      alignment=GROUP_ALIGN)
    ws.append(group_row)
    ws.append([styled_cell(ws, header, fill=HEAD_FILL, font=BOLD, alignment=WRAP_CENTER)
               for _, header in columns])

    # Styling a cell hashes its font, border and fill to find their ids; for 10,000 rows that
    # is most of the time. So each kind of body cell is styled once, and its style ids copied.
    styled = {kind: styled_cell(ws, None, number_format=fmt, alignment=align)
              for kind, fmt, align in
              (("money", MONEY_FORMAT, RIGHT), ("area", AREA_FORMAT, RIGHT),
               ("price", MONEY_FORMAT, RIGHT), ("text", None, WRAP),
               ("word", None, WRAP_CENTER))}
    # 补偿方式 (货币补偿/产权调换) sits between two amounts: centred, clear of the one before
    kinds = ["money" if key in MONEY_KEYS or key in PAYMENT_KEYS
             else "area" if key in ("area", "comp_area")
             else "price" if key == "prices" else "word" if key == "method" else "text"
             for key in keys]
    total = len(entries)
    for done, entry in enumerate(entries, start=1):
        ws.row_dimensions[HEADER_ROWS + done].height = SIGNATURE_HEIGHT  # to sign in
        values = _values(entry)
        ws.append([literal(ws, values.get(key), styled[kind]._style)
                   for key, kind in zip(keys, kinds, strict=True)])
        if progress is not None and done % PROGRESS_EVERY == 0 and progress(done, total) is False:
            raise Cancelled
    first, last = HEADER_ROWS + 1, HEADER_ROWS + total
    totals_row: list[Any] = []
    for index, key in enumerate(keys, start=1):
        letter = get_column_letter(index)
        if key == "case_no":
            totals_row.append(styled_cell(ws, "合计", font=BOLD))
        elif key == "owner":
            totals_row.append(styled_cell(ws, f"{total}户", font=BOLD))
        elif (key in SUMMED_KEYS or key in PAYMENT_KEYS) and total:
            totals_row.append(styled_cell(ws, f"=SUM({letter}{first}:{letter}{last})", font=BOLD,
                                    formula=True,
                                    number_format=AREA_FORMAT if key in ("area", "comp_area")
                                    else MONEY_FORMAT))
        else:
            totals_row.append(styled_cell(ws, None))
    ws.append(totals_row)
    ws.append([])

    def plain(*texts: str | None) -> list[Any]:
        return [None if text is None else styled_cell(ws, text, border=False) for text in texts]

    ws.append(plain("制表人：", None, None, "审核人：", None, None, None, "负责人：", None, None,
                    None, "日期：    年    月    日"))
    ws.append(plain(f"{FINGERPRINT_LABEL}：{records.fingerprint}", None, None, None, None, None,
                    None, None, f"导出：{exported_at:%Y-%m-%d %H:%M}  {operator}".rstrip()))
    if records.incomplete:
        ws.append(plain(f"未列入（计算数据不完整）：{'、'.join(records.incomplete)}"))

    _detail_sheet(wb, entries)
    if voided:
        _void_sheet(wb, voided)
    if lapsed:
        _void_sheet(wb, lapsed, LAPSED_SHEET, "预签日期")
    if decided:
        _decision_sheet(wb, decided)
    _parameter_sheet(wb, records, operator, exported_at)
    buffer = io.BytesIO()
    wb.save(buffer)
    if progress is not None:
        progress(total, total)
    return buffer.getvalue()


def _line_labels(entries: list[CaseEntry]) -> dict[str, str]:
    """Each line's label as the records name it (a line a revision-1 record lacks: as the
    standard file names it)."""
    from wulong_desk.rules import default_standards

    labels = dict.fromkeys(LINE_CODES, "")
    for standard in default_standards():
        for code, spec in standard.lines.items():
            labels[code] = labels[code] or spec.label
    for entry in entries[:1]:
        labels.update({line["code"]: line["label"] for line in entry.record["lines"]})
    return labels


def _standard_names(entries: list[CaseEntry]) -> str:
    ids = sorted({entry.record["standard"] for entry in entries})
    return "、".join(standard_name(i) for i in ids) if ids else "—"


def _fitted_widths(entries: list[CaseEntry]) -> dict[str, int]:
    """Widths that show 产权证号, 坐落 and the names whole (坐落 wraps beyond 40)."""
    widest: dict[str, int] = {"case_no": 10, "owner": 10, "id_number": 20, "title_no": 12,
                              "address": 12, "uses": 8}
    for entry in entries:
        owners = [o for o in entry.owners if o["role"] == "owner"] or entry.owners
        names = "、".join(o["name"] for o in owners)
        uses = "、".join(dict.fromkeys(USE_LABELS.get(u, u) for u in entry.uses))
        for key, text in (("case_no", entry.case_no), ("title_no", entry.title_no),
                          ("address", entry.address), ("owner", names), ("uses", uses)):
            widest[key] = max(widest[key], text_width(text or ""))
    limits = {"case_no": 16, "owner": 24, "id_number": 20, "title_no": 40, "address": 40,
              "uses": 30}
    return {key: min(width, limits[key]) + 2 for key, width in widest.items()}


def _footer(ws: Worksheet, left: str) -> None:
    """Page x of y in every sheet's footer, in the sheet's font."""
    page_footer(ws, FONT_NAME, left)


def _detail_sheet(wb: Workbook, entries: list[CaseEntry]) -> None:
    ws = wb.create_sheet("明细")
    for letter, width in zip("ABCDEFG", DETAIL_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["B"].hidden = True  # the line code, for machines only
    ws.freeze_panes = "A2"
    page_setup(ws, paper=Worksheet.PAPERSIZE_A4, landscape=True, title_rows="1:1")
    ws.print_options.gridLines = ws.print_options.gridLinesSet = True  # printed grid
    _footer(ws, "分户补偿明细")
    ws.append([styled_cell(ws, h, font=BOLD, fill=HEAD_FILL, alignment=WRAP_CENTER) for h in
               ("案卷编号", "代码", "项目", "计算式（含所用数据）", "金额（元）", "依据", "说明")])
    # 13 rows a case, 130,000 rows for a large project: only the amount and a text too long
    # for its column get a style (copied from one styled cell, as in the ledger); the grid is
    # the sheet's printed grid, the font the workbook's default
    # aligned to the bottom like the unstyled cells beside them
    money = styled_cell(ws, None, number_format=MONEY_FORMAT, border=False,
                  alignment=Alignment(horizontal="right"))
    wrap = styled_cell(ws, None, alignment=Alignment(wrap_text=True), border=False)
    known: dict[tuple[str, int], int] = {}  # labels, citations and notes repeat case after case
    _no, _code, label_w, formula_w, _amount, citation_w, note_w = DETAIL_WIDTHS
    row_number = 1
    for entry in entries:
        for line in entry.record["lines"]:
            # the formula text already ends in "= amount"
            row_number += 1
            amount = literal(ws, Decimal(line["amount"]), money._style)
            row: list[Any] = [entry.case_no, line["code"], line["label"], line["formula"],
                              amount, line["citation"], line["note"]]
            tall = 1
            for column, width in ((2, label_w), (3, formula_w), (5, citation_w), (6, note_w)):
                text = row[column]
                if not text:
                    continue
                lines = known.get((text, width))
                if lines is None:
                    lines = known[(text, width)] = wrapped_lines(text, width)
                if lines > 1:
                    row[column] = literal(ws, text, wrap._style)
                    tall = max(tall, lines)
            if tall > 1:  # spreadsheet programs do not grow a written row to fit its text
                ws.row_dimensions[row_number].height = LINE_HEIGHT * tall
            append_literal(ws, row)  # text from outside is never a formula
        for warning in entry.record.get("warnings", []):
            code, _, text = warning.partition(": ")
            if code in LINE_CODES:  # a figure's warning (e.g. the printed 5% monthly rate)
                row_number += 1
                append_literal(ws, [entry.case_no, code, "提示", text, None, None, None])
    known.clear()


VOID_SHEET = "作废案卷"
LAPSED_SHEET = "不生效预签"      # a terminated project's presigns (办法第二十三条)
DECISION_SHEET = "补偿决定"      # the cases settled by the district's decision (第三十一条)


def _void_sheet(wb: Workbook, voided: list[CaseEntry], title: str = VOID_SHEET,
                day: str = "签约日期") -> None:
    """Voided agreements (or lapsed presigns): kept on record, not owed, not in any total."""
    ws = wb.create_sheet(title)
    page_setup(ws, paper=Worksheet.PAPERSIZE_A4, landscape=False, title_rows="1:1")
    _footer(ws, title)
    for letter, width in zip("ABCDE", (12, 16, 30, 16, 14), strict=True):
        ws.column_dimensions[letter].width = width
    append_literal(ws, [styled_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in
                        ("案卷编号", "被征收人", "坐落", "原合计（不计入总额）", day)])
    for entry in voided:
        values = _values(entry)
        append_literal(ws, [entry.case_no, values["owner"], entry.address,
                            styled_cell(ws, values["total"], number_format=MONEY_FORMAT,
                                        border=False),
                            entry.signed_on or ""])


def _decision_sheet(wb: Workbook, decided: list[CaseEntry]) -> None:
    """The cases settled by a 补偿决定, with the decision in force (they stay in the ledger's
    rows and totals: the compensation is owed as under an agreement)."""
    ws = wb.create_sheet(DECISION_SHEET)
    page_setup(ws, paper=Worksheet.PAPERSIZE_A4, landscape=True, title_rows="1:1")
    _footer(ws, DECISION_SHEET)
    for letter, width in zip("ABCDEFGH", (12, 16, 26, 14, 12, 12, 12, 16), strict=True):
        ws.column_dimensions[letter].width = width
    append_literal(ws, [styled_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in
                        ("案卷编号", "被征收人", "补偿决定文号", "作出日", "送达日", "搬迁期限",
                         "状态", "补偿合计")])
    for entry in decided:
        decision = entry.decision or {}
        values = _values(entry)
        append_literal(ws, [entry.case_no, values["owner"], decision.get("number", ""),
                            decision.get("made_on") or "", decision.get("served_on") or "",
                            decision.get("move_by") or "",
                            "已搬迁" if entry.status == "moved" else "补偿决定",
                            styled_cell(ws, values["total"], number_format=MONEY_FORMAT,
                                        border=False)])


def _parameter_sheet(wb: Workbook, records: ProjectRecords, operator: str,
                     exported_at: datetime) -> None:
    from wulong_desk.rules import default_standards

    ws = wb.create_sheet("参数")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
    page_setup(ws, paper=Worksheet.PAPERSIZE_A4, landscape=False, title_rows=None)
    _footer(ws, "台账参数")
    project = records.project

    def row(label: str, value: Any) -> None:
        ws.append([styled_cell(ws, label, font=BOLD, border=False),
                   styled_cell(ws, value, alignment=WRAP, border=False)])

    row("项目", project["name"])
    row(PROJECT_KEY_LABEL, project["uuid"])
    row("征收决定文号", project["decision_no"])
    row("征收决定公告日", project["announced_on"])
    standard_ids = sorted({e.record["standard"] for e in records.entries})
    standard = None
    for standard_id in standard_ids:
        standard = default_standards().get(standard_id)
        row(STANDARD_LABEL, standard_name(standard_id) if standard is None else
            f"{standard.title}（第{standard.edition}版，{standard.effective_from.isoformat()} "
            f"起施行；{'、'.join(standard.documents.values())}）")
    for key in ("zone", "guide_reward_for", "residential_extra_area", "nonresidential_guide_rate",
                "manufacturing_uplift", "equipment_rate", "maintenance_fund_rate"):
        option = standard.options.get(key) if standard is not None else None
        value = project.get(key)
        if option is not None and option.choices and value in option.choices:
            shown = option.choice_labels[option.choices.index(value)]
        else:
            shown = f"{value}{option.unit if option is not None and option.unit != '比率' else ''}"
        row(f"{option.label if option is not None else key}（{option.cite if option else ''}）",
            shown)
    row("签约期开始日", project.get("signing_start") or "—")
    row("签约期限届满日", project.get("signing_deadline"))
    readings = {}
    retired = {}
    for standard_id in standard_ids:
        known = default_standards().get(standard_id)
        if known is not None:
            readings.update(known.readings)
            retired.update(known.retired_readings)
            if "shared_ratio" in known.notes:
                row("公摊系数的读法", known.notes["shared_ratio"])
    for key, reading in readings.items():
        value = project.get(key)
        shown = reading.label_for(value) if value is not None else "—"
        row(f"读法 {reading.label}", f"{shown}（项目选定的读法；{reading.cite}）")
    for key, reading in retired.items():   # records computed under revision 2 (or 1)
        used: dict[str, int] = {}
        for entry in records.entries:
            if key in entry.record_readings:
                shown = reading.label_for(entry.record_readings[key])
                used[shown] = used.get(shown, 0) + 1
        if used:
            row(f"已取消的读法 {reading.label}",
                "；".join(f"{shown} {count}户" for shown, count in used.items())
                + "（第3版以前计算的记录所用）")
    revisions = sorted({e.contract_revision for e in records.entries})
    row("计算规则版本", "；".join(
        f"第{r}版 {sum(e.contract_revision == r for e in records.entries)}户"
        for r in revisions) or "—")
    row("户数", sum(not is_out(e.status) for e in records.entries))
    row("导出时间", exported_at.strftime("%Y-%m-%d %H:%M:%S"))
    row("导出人", operator)
    row("版本", "内部签字版")
    row(FINGERPRINT_LABEL, records.fingerprint)
    row("说明", "数据指纹由每户保存的计算记录算出，用于核对纸质或电子台账与数据库是否一致"
                "（系统的台账核对命令按它查验）。")


def write_bytes(data: bytes, out: Path, *, public: bool) -> Path:
    """The signed ledger is private to the operator; the public notice is not."""
    return write_atomically(Path(out), data, private=not public)


def write_ledger(records: ProjectRecords, out: Path, *, public: bool, operator: str,
                 exported_at: datetime | None = None,
                 progress: Callable[[int, int], bool | None] | None = None) -> Path:
    data = build_ledger(records, public=public, operator=operator,
                        exported_at=exported_at, progress=progress)
    return write_bytes(data, Path(out), public=public)

"""The formal appraisal (办法第二十七、五十二、五十三条): one spreadsheet for the whole project from
the appraisal firm, one row per house part, read all or nothing.

- `write_template` writes the rows to fill: 案卷编号, 产权证号, 部位序号, 用途, 证载面积 (locked,
  as stored) and 评估单价, 装饰装修评估值, 分户评估报告送达日 to fill — for every case still open
  to the formal values (调查登记 to 已审核, and 预签), each registered or recognized part.
- `import_appraisal` is allowed once the 分户初步评估结果 publicity of 第五十二条 has ended (as the
  程序时限 records it: its end, never before its 7 working days; refused before, naming the day).
  Every wrong cell is named and nothing is written; every figure that would move is listed first
  (`dry_run`: only the list). For an unsigned case the values are an ordinary audited edit (the
  case recomputed, 重算 audited); for a presign they wait beside its frozen record (the parts'
  formal values, audited as 正式评估结果) until it converts (services/procedure/conversion.py). A
  served day given is recorded as the case's 分户评估报告送达 (its clock, 第五十四条).
- A reviewer's work (on the office server the presign's values are the `stage_values` event).
Qt-free.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wulong_desk.dates import DateError, check_day, parse_date
from wulong_desk.errors import Cancelled, UserError
from wulong_desk.fileio import write_atomically
from wulong_desk.invisible import case_key
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.rules.inputs import MAX_AMOUNT, MAX_PRICE, InputError
from wulong_desk.rules.model import USE_LABELS
from wulong_desk.services.cases.calculation import (
    computation,
    figures_of,
    stored_figures,
    yuan_text,
)
from wulong_desk.services.cases.changes import save_in_session
from wulong_desk.services.cases.contract import calc_request
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.cases.versions import new_version
from wulong_desk.services.exchange.survey import (
    CellProblem,
    _cell_text,
    _letter,
    header_problems,
    header_row,
    read_sheet,
)
from wulong_desk.services.procedure.catalogue import STEP_BY_CODE, project_steps
from wulong_desk.services.procedure.path_events import on_server
from wulong_desk.services.procedure.workdays import WorkCalendar
from wulong_desk.statuses import STATUS_LABELS
from wulong_desk.store import Store, audit, server_events
from wulong_desk.store.models import Case, CaseDate, HousePart

SHEET = "正式评估结果"
# (key, header, to fill)
COLUMNS = [("case_no", "案卷编号", False), ("title_no", "产权证号", False),
           ("position", "部位序号", False), ("use", "用途", False), ("area", "证载面积", False),
           ("unit_price", "评估单价", True), ("decoration_value", "装饰装修评估值", True),
           ("served_on", "分户评估报告送达日", True)]
HEADERS = [header for _key, header, _fill in COLUMNS]
KEYS = [key for key, _header, _fill in COLUMNS]
OPEN_STAGES = ("surveyed", "assessed", "reviewed")
PRICED = ("registered", "recognized")
VALUE_LABELS = {"unit_price": "评估单价", "decoration_value": "装饰装修评估值"}
FORMAL_REASON = "正式的分户评估报告（办法第二十七条），预签转为补偿协议时采用"
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


class AppraisalImportError(UserError):
    exit_code = 2

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        lines = [f"{p.sheet}!{p.column}{p.row}（{_header(p.column)}）：{p.reason}"
                 for p in problems]
        super().__init__(f"正式评估结果表有 {len(problems)} 处问题，未导入任何内容：\n"
                         + "\n".join(lines))


def _header(letter: str) -> str:
    for index, header in enumerate(HEADERS):
        if _letter(index) == letter:
            return header
    return ""


def _open_cases(session: Session, project_id: int) -> list[Case]:
    return list(session.execute(
        select(Case).where(Case.project_id == project_id,
                           Case.status.in_((*OPEN_STAGES, "presigned")))
        .options(selectinload(Case.parts)).order_by(Case.case_no)).scalars())


def _priced(case: Case) -> list[HousePart]:
    return [part for part in case.parts if (part.registration or "registered") in PRICED]


def template_bytes(session: Session, project_id: int) -> tuple[bytes, int]:
    """The sheet to fill, and how many rows it has."""
    project = get_project(session, project_id)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_row(ws, [(header, fill) for _key, header, fill in COLUMNS], least=12, pad=4)
    ws.column_dimensions["B"].width = 36
    rows = 0
    for case in _open_cases(session, project_id):
        for part in _priced(case):
            ws.append([case.case_no, case.title_no, part.position + 1,
                       USE_LABELS.get(part.use, part.use), f"{part.area:f}", None, None, None])
            rows += 1
            for index, (_key, _header, fill) in enumerate(COLUMNS):
                cell = ws.cell(row=rows + 1, column=index + 1)
                cell.protection = Protection(locked=not fill)
                if not fill:
                    cell.fill = LOCKED_FILL
                elif index >= 5:
                    cell.number_format = "@" if _key == "served_on" else "0.00"
    # the rows' own columns are locked (as stored: they say which part a row is); the three to
    # fill are not. A sheet protection without a password: it guards against slips, not people
    ws.protection.sheet = True
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    for line in (f"项目：{project.name}",
                 "评估机构按正式的分户评估报告，每处房屋一行填写评估单价（元/平方米）和装饰装修"
                 "评估值（元，没有的填 0）；分户评估报告送达被征收人的日期可一并填写"
                 "（办法第五十三条）。",
                 "灰色各列按案卷记录写出，不能修改：它们说明这一行是哪一户的哪一处房屋。",
                 "导入须在分户初步评估结果公示期满之后（办法第五十二条）；全表无误才写入，"
                 "有错误会逐格列出。",
                 "尚未签约的案卷导入后即按新的评估值重新计算；已预签的案卷，新值先记在案卷旁，"
                 "征收决定作出后“转为补偿协议”时采用（办法第二十三、二十九条）。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), rows


def write_template(store: Store, project_id: int, out: Path) -> int:
    with store.read() as session:
        data, rows = template_bytes(session, project_id)
    if not rows:
        raise UserError("这个项目没有等待正式评估结果的案卷（调查登记至已审核，或预签）")
    write_atomically(Path(out), data)
    return rows


# --- the publicity of 第五十二条 ------------------------------------------------------------------

def publicity_end(session: Session, project_id: int,
                  calendar: WorkCalendar | None = None) -> date | None:
    """The last day of the 分户初步评估结果 publicity as recorded (never before its minimum of 7
    working days), or None while it is not recorded."""
    row = project_steps(session, project_id).get("appraisal_publicity")
    if row is None or row.started_on is None:
        return None
    step = STEP_BY_CODE["appraisal_publicity"]
    assert step.period is not None
    minimum = step.period.due(calendar or WorkCalendar.for_user(), row.started_on).on
    return max(row.done_on, minimum) if row.done_on is not None else minimum


def check_publicity(session: Session, project_id: int, today: date,
                    calendar: WorkCalendar | None = None) -> None:
    end = publicity_end(session, project_id, calendar)
    if end is None:
        raise UserError("分户初步评估结果公示（办法第五十二条）尚未记录：请先在 程序 → 程序时限与"
                        "征求意见… 中填写公示开始日（和结束日）；公示期满后才能导入正式评估结果")
    if today <= end:
        raise UserError(f"分户初步评估结果公示（办法第五十二条）到 {end.isoformat()} 才期满："
                        f"{_next(end)} 起才能导入正式评估结果（第五十三条：公示期满后评估机构"
                        "提交正式的分户评估报告）")


def _next(day: date) -> str:
    return date.fromordinal(day.toordinal() + 1).isoformat()


# --- reading the sheet ---------------------------------------------------------------------

@dataclass
class SheetRow:
    number: int
    values: dict[str, str]
    unit_price: Decimal | None = None
    decoration_value: Decimal | None = None
    served_on: date | None = None


def _read(path: Path) -> tuple[list[SheetRow], list[CellProblem]]:
    cells, formulas, _header = read_sheet(path, SHEET, len(COLUMNS), "正式评估结果表",
                                          AppraisalImportError)
    raw = [tuple(cell.value for cell in row) for row in cells]
    header = [_cell_text(v) for v in raw[0]]
    problems = header_problems(SHEET, header, HEADERS)
    if problems:
        raise AppraisalImportError(problems)
    rows: list[SheetRow] = []
    for number, cells in enumerate(raw[1:], start=2):
        values: dict[str, str] = {}
        for index, key in enumerate(KEYS):
            value = cells[index] if index < len(cells) else None
            if (number, index + 1) in formulas:
                problems.append(CellProblem(SHEET, number, _letter(index),
                                            "是公式：请填写数值本身"))
                value = None
            if isinstance(value, datetime):
                value = value.date().isoformat()
            elif isinstance(value, date):
                value = value.isoformat()
            values[key] = _cell_text(value)
        if any(values.values()):
            rows.append(SheetRow(number, values))
    return rows, problems


def _amount(text: str, limit: Decimal, *, positive: bool) -> Decimal | str:
    try:
        value = read_number(text, typed=True, plain=True)
    except NumberError as exc:
        return str(exc)
    if value < 0 or (positive and value == 0) or value != value.quantize(Decimal("0.01")):
        return ("应为大于 0 的数" if positive else "应为不小于 0 的数") + "，最多两位小数"
    if value > limit:
        return f"数值过大（不超过 {limit:,.0f}）"
    return value


# --- the plan: what would move -------------------------------------------------------------

@dataclass
class CaseChange:
    case_id: int
    case_no: str
    status: str
    cells: list[tuple[int, str, str, str]]      # (部位序号, 项目, old, new)
    total_old: str | None
    total_new: str | None
    served_on: date | None
    values: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)  # by position

    @property
    def pending(self) -> bool:
        return self.status == "presigned"

    def lines(self) -> list[str]:
        where = ("预签：新值记在案卷旁，转为补偿协议时采用" if self.pending
                 else "导入后即重新计算")
        out = [f"{self.case_no}（{where}）"]
        out += [f"  第{position}处 {what}：{old or '（空）'} → {new}"
                for position, what, old, new in self.cells]
        if self.total_old != self.total_new:
            after = "转为补偿协议后" if self.pending else ""
            out.append(f"  {after}补偿合计：{self.total_old or '（无）'} → "
                       f"{self.total_new or '（无法计算）'}")
        if self.served_on is not None:
            out.append(f"  分户评估报告送达日：{self.served_on.isoformat()}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "status": self.status, "pending": self.pending,
                "cells": [{"part": p, "what": w, "old": o, "new": n}
                          for p, w, o, n in self.cells],
                "total_old": self.total_old, "total_new": self.total_new,
                "served_on": self.served_on.isoformat() if self.served_on else None}


@dataclass
class AppraisalReport:
    changes: list[CaseChange]
    written: bool

    def lines(self) -> list[str]:
        return [line for change in self.changes for line in change.lines()]

    def to_json(self) -> dict[str, Any]:
        return {"written": self.written, "cases": [c.to_json() for c in self.changes]}


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def _plan(session: Session, project_id: int, rows: list[SheetRow],
          problems: list[CellProblem]) -> list[CaseChange]:
    def bad(row: SheetRow, key: str, reason: str) -> None:
        problems.append(CellProblem(SHEET, row.number, _letter(KEYS.index(key)), reason))

    cases = {case_key(case.case_no): case for case in session.execute(
        select(Case).where(Case.project_id == project_id)
        .options(selectinload(Case.parts))).scalars()}
    by_case: dict[int, list[tuple[SheetRow, HousePart]]] = {}
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        values = row.values
        for key in ("unit_price", "case_no", "position"):
            if not values[key]:
                bad(row, key, "必须填写")
        case = cases.get(case_key(values["case_no"])) if values["case_no"] else None
        if values["case_no"] and case is None:
            bad(row, "case_no", f"本项目没有案卷「{values['case_no']}」")
        elif case is not None and case.status not in (*OPEN_STAGES, "presigned"):
            bad(row, "case_no", f"案卷 {case.case_no} 已是{STATUS_LABELS.get(case.status)}："
                                "它的评估值不能由导入修改（复核、鉴定后请用“重新估价”）")
            case = None
        part = None
        if case is not None and values["position"]:
            try:
                position = int(read_number(values["position"], typed=True, plain=True))
            except (NumberError, ValueError):
                position = 0
            parts = {p.position + 1: p for p in _priced(case)}
            part = parts.get(position)
            if part is None:
                bad(row, "position", f"案卷 {case.case_no} 没有第 {values['position']} 处"
                                     "（应按模板的部位序号）")
            elif (case.id, position) in seen:
                bad(row, "position", f"与第 {seen[(case.id, position)]} 行是同一处房屋")
                part = None
            else:
                seen[(case.id, position)] = row.number
        if part is not None and case is not None:
            for key, stored in (("title_no", case.title_no),
                                ("use", USE_LABELS.get(part.use, part.use)),
                                ("area", f"{part.area:f}")):
                if values[key] and values[key] != stored and not (
                        key == "area" and _same_number(values[key], part.area)):
                    bad(row, key, f"与案卷记录「{stored}」不符（这一列不能修改：请用新写出的模板）")
        if values["unit_price"]:
            read = _amount(values["unit_price"], MAX_PRICE, positive=True)
            if isinstance(read, str):
                bad(row, "unit_price", read)
            else:
                row.unit_price = read
        read = _amount(values["decoration_value"] or "0", MAX_AMOUNT, positive=False)
        if isinstance(read, str):
            bad(row, "decoration_value", read)
        else:
            row.decoration_value = read
        if values["served_on"]:
            try:
                row.served_on = check_day(parse_date(values["served_on"]))
            except DateError as exc:
                bad(row, "served_on", str(exc))
        if part is not None and case is not None:
            by_case.setdefault(case.id, []).append((row, part))
    changes: list[CaseChange] = []
    for case in sorted((c for c in cases.values() if c.id in by_case), key=lambda c: c.case_no):
        listed = by_case[case.id]
        first = listed[0][0]
        missing = [p.position + 1 for p in _priced(case)
                   if p.position + 1 not in {part.position + 1 for _r, part in listed}]
        if missing:
            bad(first, "position", f"案卷 {case.case_no} 的第 {'、'.join(map(str, missing))} 处"
                                   "房屋不在表中：一户的各处房屋须一并导入")
        served = {r.served_on for r, _p in listed if r.served_on is not None}
        if len(served) > 1:
            bad(first, "served_on", f"案卷 {case.case_no} 各行的送达日不同")
        if problems:
            continue
        changes.append(_change(case, listed, next(iter(served), None)))
    return changes


def _same_number(text: str, value: Decimal) -> bool:
    try:
        return read_number(text, typed=True, plain=True) == value
    except NumberError:
        return False


def _change(case: Case, listed: list[tuple[SheetRow, HousePart]],
            served: date | None) -> CaseChange:
    pending = case.status == "presigned"
    cells = []
    values: dict[int, tuple[Decimal, Decimal]] = {}
    for row, part in sorted(listed, key=lambda item: item[1].position):
        assert row.unit_price is not None and row.decoration_value is not None
        values[part.position] = (row.unit_price, row.decoration_value)
        if pending:
            old_price = part.formal_unit_price if part.formal_unit_price is not None \
                else part.unit_price
            old_decor = part.formal_decoration_value \
                if part.formal_decoration_value is not None else part.decoration_value
        else:
            old_price, old_decor = part.unit_price, part.decoration_value
        for what, old, new in (("评估单价", old_price, row.unit_price),
                               ("装饰装修评估值", old_decor, row.decoration_value)):
            if old != new:
                cells.append((part.position + 1, what, _money_text(old), _money_text(new)))
    before = stored_figures(case.result)
    request = calc_request(case.project, case)
    for index, part in enumerate(case.parts):
        if part.position in values:
            price, decoration = values[part.position]
            request["case"]["parts"][index]["unit_price"] = f"{price:f}"
            request["case"]["parts"][index]["decoration_value"] = f"{decoration:f}"
    computed = computation(case, request)
    after = None if isinstance(computed, InputError) else figures_of(computed)["total"]
    return CaseChange(case.id, case.case_no, case.status, cells,
                      yuan_text(before["total"]) if before else None, yuan_text(after),
                      served, values)


# --- importing -----------------------------------------------------------------------------

def import_appraisal(store: Store, project_id: int, path: Path, *, dry_run: bool = False,
                     today: date | None = None,
                     progress: Callable[[int, int], bool | None] | None = None
                     ) -> AppraisalReport:
    """Read the firm's sheet (see the module): all or nothing; `dry_run` only lists."""
    store.require("导入正式评估结果")
    with store.read() as session:
        get_project(session, project_id)
        check_publicity(session, project_id, today or date.today())
    rows, problems = _read(Path(path))
    if not rows and not problems:
        problems.append(CellProblem(SHEET, 2, "A", "表中没有填写任何一行"))
    with store.transaction() as session:
        project = get_project(session, project_id)
        changes = _plan(session, project_id, rows, problems)
        if problems:
            problems.sort(key=lambda p: (p.row, p.column))
            raise AppraisalImportError(problems)
        if dry_run:
            return AppraisalReport(changes, written=False)
        by_id = {case.id: case for case in session.execute(
            select(Case).where(Case.id.in_([c.case_id for c in changes]))).scalars()}
        for done, change in enumerate(changes, start=1):
            case = by_id[change.case_id]
            if change.pending:
                stage_values_in_session(session, case, change.values)
            else:
                form = case_to_form(case)
                for index, part in enumerate(case.parts):
                    if part.position in change.values:
                        price, decoration = change.values[part.position]
                        form["case"]["parts"][index]["unit_price"] = f"{price:f}"
                        form["case"]["parts"][index]["decoration_value"] = f"{decoration:f}"
                save_in_session(session, project, form, case)
            if change.served_on is not None:
                _served(session, case, change.served_on)
            if progress is not None and progress(done, len(changes)) is False:
                raise Cancelled()
        return AppraisalReport(changes, written=True)


def _served(session: Session, case: Case, day: date) -> None:
    row = session.execute(select(CaseDate).where(CaseDate.case_id == case.id,
                                                 CaseDate.what == "report_served")
                          ).scalar_one_or_none()
    if row is None:
        session.add(CaseDate(case_id=case.id, what="report_served", on_date=day))
    else:
        row.on_date = day


def stage_values_in_session(session: Session, case: Case,
                            values: dict[int, tuple[Decimal, Decimal]]) -> None:
    """The formal values beside a presign's frozen record (by part position), audited as
    正式评估结果; on the office server by its event."""
    if case.status != "presigned":
        raise UserError(f"案卷 {case.case_no} 不是预签")
    new_version(case)   # (beside what it says: packages and sync see the values are new)
    if on_server(session):
        import json

        session.flush()
        server_events.call(session, "stage_values", case.id, json.dumps(
            [{"position": position, "unit_price": f"{price:f}",
              "decoration_value": f"{decoration:f}"}
             for position, (price, decoration) in sorted(values.items())]))
        for part in case.parts:   # (the event wrote them: read them again when next used)
            session.expire(part, ["formal_unit_price", "formal_decoration_value"])
        return
    for part in case.parts:
        if part.position not in values:
            continue
        price, decoration = values[part.position]
        old = (None if part.formal_unit_price is None
               else f"{part.formal_unit_price:f} / {part.formal_decoration_value or 0:f}")
        audit.record(session, "formal", case, f"parts[{part.position}].formal_values", old,
                     f"{price:f} / {decoration:f}", FORMAL_REASON)
        session.info.setdefault("told", set()).update(
            (id(part), name) for name in ("formal_unit_price", "formal_decoration_value"))
        audit.open_event(session, case, "正式评估结果")
        part.formal_unit_price, part.formal_decoration_value = price, decoration


def formal_values(case: Case) -> list[tuple[int, Decimal, Decimal]] | None:
    """A presign's formal values waiting for its conversion, (部位序号, 单价, 装修) for each
    priced part; None when one of them has none yet."""
    found = []
    for part in _priced(case):
        if part.formal_unit_price is None:
            return None
        found.append((part.position + 1, part.formal_unit_price,
                      part.formal_decoration_value or Decimal("0")))
    return found or None


def formal_values_text(case: Case) -> str:
    """The waiting values in words (the case window), "" when there are none."""
    waiting = [(part.position + 1, part.formal_unit_price, part.formal_decoration_value)
               for part in case.parts if part.formal_unit_price is not None]
    if not waiting:
        return ""
    shown = "；".join(f"第{n}处 评估单价 {price:f} 元/㎡、装饰装修 {(decoration or 0):f} 元"
                     for n, price, decoration in waiting)
    return f"正式评估结果（转为补偿协议时采用）：{shown}"

"""The project's stock of houses for exchange (办法第二十二、三十八、四十一、四十四条): imported
from the office's Excel list (all or nothing, every bad cell named), assigned to exchange cases,
handed over.

A house is assigned by becoming one exchange-house line of one case (its location, areas and
price copied into the case's figures, which are then recomputed). The assignment is one
conditional UPDATE (only while the house is free) backed by a unique constraint, so a house is
never assigned twice, even by two clerks at once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.fileio import write_atomically
from wulong_desk.rules.decimals import NumberError, money, read_number
from wulong_desk.services.cases.changes import save_in_session
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.lookup import get_case, get_project
from wulong_desk.services.exchange.survey import (
    CellProblem,
    _cell_text,
    _letter,
    header_problems,
    header_row,
)
from wulong_desk.statuses import USE_CHOICES_TEXT, use_code
from wulong_desk.store import Store
from wulong_desk.store.models import Case, ExchangeHouse, HousingUnit
from wulong_desk.xlsx_limits import check_workbook

SHEET = "安置房源"
USE_NAMES = {"住宅": "residential", "商业办公": "commercial", "生产用房": "production"}
# (key, header, required)
COLUMNS = [("use", "用途", True), ("building", "楼栋", True), ("unit", "单元", False),
           ("number", "房号", True), ("area", "建筑面积", True), ("inner_area", "套内面积", False),
           ("unit_price", "单价（元/㎡）", True)]
HEADERS = [h for _, h, _ in COLUMNS]
LIMITS = {"building": 50, "unit": 20, "number": 20}
AVAILABLE, RESERVED, HANDED_OVER = "available", "reserved", "handed_over"
STATE_LABELS = {AVAILABLE: "可选", RESERVED: "已分配", HANDED_OVER: "已交房"}


class HousingImportError(UserError):
    exit_code = 2

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        lines = [f"{p.sheet}!{p.column}{p.row}（{_header(p.column)}）：{p.reason}"
                 for p in problems]
        super().__init__(f"房源表有 {len(problems)} 处问题，未导入任何房源：\n" + "\n".join(lines))


def _header(letter: str) -> str:
    for index, header in enumerate(HEADERS):
        if _letter(index) == letter:
            return header
    return ""


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_row(ws, [(header, required) for _, header, required in COLUMNS])
    ws.freeze_panes = "A2"
    validation = DataValidation(type="list", formula1='"' + ",".join(USE_NAMES) + '"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="请从列表中选择", error="只能选择列表中的值")
    ws.add_data_validation(validation)
    validation.add("A2:A5000")
    notes = wb.create_sheet("说明")
    for line in ("每行一套用于产权调换的房屋；红色列名为必填。",
                 "同一项目中楼栋、单元、房号相同的房屋只能有一套。",
                 "面积最多两位小数，单价为元/平方米；住宅的套内面积用于计算公摊（办法第三十六条）。",
                 "导入时整张表全部无误才会写入；有错误会逐格列出行、列和原因。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(out: Path) -> Path:
    return write_atomically(Path(out), template_bytes())


def _number(text: str, places: int) -> Decimal | str:
    """The cell's number by the one strict reader, or the reason it is refused."""
    try:
        value = read_number(text, typed=True, plain=True)
    except NumberError as exc:
        return str(exc)
    if value <= 0 or value != value.quantize(Decimal(1).scaleb(-places)):
        return "应为大于 0 的数，最多两位小数"
    return value


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not Path(path).is_file():
        raise UserError(f"找不到房源表：{path}")
    check_workbook(path)  # not an xlsx, or a spreadsheet bomb: refused before it is loaded
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # the library's own message is English: never shown
        raise UserError(f"不是有效的 xlsx 文件：{path}（文件已损坏，或不是 Excel 工作簿）") from exc
    try:
        if SHEET not in wb.sheetnames:
            raise HousingImportError([CellProblem(SHEET, 1, "A", f"找不到工作表“{SHEET}”")])
        rows = list(wb[SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        raise HousingImportError([CellProblem(SHEET, 1, "A", "表是空的")])
    header = [_cell_text(v) for v in rows[0]]
    problems = header_problems(SHEET, header, HEADERS)
    if problems:
        raise HousingImportError(problems)
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _cell_text(row[i]) if i < len(row) else ""
                  for i, (key, _, _) in enumerate(COLUMNS)}
        if any(values.values()):
            out.append((number, values))
    return out


def import_stock(store: Store, project_id: int, path: Path) -> int:
    """Import a filled house list into the project; all or nothing. Returns the count."""
    rows = _read(Path(path))
    problems: list[CellProblem] = []
    houses: list[HousingUnit] = []
    seen: dict[tuple[str, str, str], int] = {}

    def bad(row: int, key: str, reason: str) -> None:
        index = [k for k, _, _ in COLUMNS].index(key)
        problems.append(CellProblem(SHEET, row, _letter(index), reason))

    for number, values in rows:
        for key, _, required in COLUMNS:
            if required and not values[key]:
                bad(number, key, "必须填写")
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                bad(number, key, f"太长（最多 {limit} 个字）")
        use = use_code(values["use"])
        if values["use"] and use is None:
            bad(number, "use", f"应为 {USE_CHOICES_TEXT} 之一，收到「{values['use']}」")
        figures: dict[str, Decimal | None] = {}
        for key, places in (("area", 2), ("inner_area", 2), ("unit_price", 2)):
            figures[key] = None
            if values[key]:
                read = _number(values[key], places)
                if isinstance(read, str):
                    bad(number, key, read)
                else:
                    figures[key] = read
        area, inner = figures["area"], figures["inner_area"]
        if area is not None and inner is not None and inner > area:
            bad(number, "inner_area", "套内面积不能大于建筑面积")
        key3 = (values["building"], values["unit"], values["number"])
        if values["building"] and values["number"]:
            if key3 in seen:
                bad(number, "number", f"与第 {seen[key3]} 行是同一套房")
            seen.setdefault(key3, number)
        if use and area is not None and figures["unit_price"] is not None:
            houses.append(HousingUnit(project_id=project_id, use=use, building=key3[0],
                                      unit=key3[1], number=key3[2], area=area, inner_area=inner,
                                      unit_price=figures["unit_price"]))
    if not rows:
        problems.append(CellProblem(SHEET, 2, "A", "表中没有房源"))
    with store.transaction() as session:
        get_project(session, project_id)
        existing = {(h.building, h.unit, h.number) for h in session.execute(
            select(HousingUnit).where(HousingUnit.project_id == project_id)).scalars()}
        for key3, row in seen.items():
            if key3 in existing:
                bad(row, "number", "本项目已有这套房源")
        if problems:
            problems.sort(key=lambda p: (p.row, p.column))
            raise HousingImportError(problems)
        session.add_all(houses)
    return len(houses)


@dataclass(frozen=True)
class HouseView:
    id: int
    use: str
    label: str
    area: Decimal
    inner_area: Decimal | None
    unit_price: Decimal
    state: str
    case_id: int | None
    case_no: str | None
    notice_on: date | None
    handed_over_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "use": self.use, "label": self.label, "area": money(self.area),
                "inner_area": None if self.inner_area is None else money(self.inner_area),
                "unit_price": money(self.unit_price), "state": self.state,
                "case_no": self.case_no,
                "notice_on": self.notice_on.isoformat() if self.notice_on else None,
                "handed_over_on": self.handed_over_on.isoformat() if self.handed_over_on
                else None}


def location(house: HousingUnit) -> str:
    """楼栋, 单元 and 房号 as one address: 3栋1单元101号, whether the sheet said 1 or 1单元,
    101 or 101号."""
    def ending(text: str, word: str) -> str:
        return text if not text or text.endswith(word) else f"{text}{word}"

    return f"{house.building}{ending(house.unit or '', '单元')}{ending(house.number, '号')}"


def list_stock(session: Session, project_id: int) -> list[HouseView]:
    get_project(session, project_id)
    rows = session.execute(
        select(HousingUnit, Case.id, Case.case_no)
        .outerjoin(ExchangeHouse, HousingUnit.exchange_house_id == ExchangeHouse.id)
        .outerjoin(Case, ExchangeHouse.case_id == Case.id)
        .where(HousingUnit.project_id == project_id)
        .order_by(HousingUnit.building, HousingUnit.unit, HousingUnit.number)).all()
    out = []
    for house, case_id, case_no in rows:
        if case_id is None:
            state = AVAILABLE
        else:
            state = HANDED_OVER if house.handed_over_on else RESERVED
        out.append(HouseView(house.id, house.use, location(house), house.area, house.inner_area,
                             house.unit_price, state, case_id, case_no, house.notice_on,
                             house.handed_over_on))
    return out


def stock(store: Store, project_id: int) -> list[HouseView]:
    """The project's houses (list_stock) in a read of their own, for a screen."""
    with store.read() as session:
        return list_stock(session, project_id)


def _house(session: Session, house_id: int) -> HousingUnit:
    house = session.get(HousingUnit, house_id)
    if house is None:
        raise UserError(f"没有编号为 {house_id} 的房源")
    return house


def _line_of(house: HousingUnit) -> dict[str, Any]:
    """The exchange-house entry of a case form for a house of the stock."""
    line = {"area": f"{house.area:f}", "unit_price": f"{house.unit_price:f}"}
    if house.inner_area is not None:
        line["inner_area"] = f"{house.inner_area:f}"
    return line


def assign(store: Store, case_id: int, house_id: int) -> None:
    """Give a free house of the stock to an exchange case. The case changes through the one
    owner of case changes (`cases.save_in_session`, a form of the case plus the house): an
    unsigned case is recomputed and a changed total audited as 重算; a signed case is refused
    unless unlocked for correction (then audited as a correction and locked again)."""
    with store.transaction() as session:
        case = get_case(session, case_id)
        house = _house(session, house_id)
        if house.project_id != case.project_id:
            raise UserError("房源不属于该案卷所在的项目")
        if case.method != "exchange":
            raise UserError(f"案卷 {case.case_no} 不是产权调换，不能分配安置房")
        if house.exchange_house_id is not None:
            raise UserError(f"房源 {location(house)} 已分配给其他案卷")
        linked = [h for h in case.exchange_houses if _stock_of(session, h.id) is not None]
        if linked:
            _check_several(session, case, house)
        form = case_to_form(case)
        form["case"]["exchange"]["houses"].append(_line_of(house))
        form["exchange_locations"] = [*form["exchange_locations"], location(house)]
        save_in_session(session, get_project(session, case.project_id), form, case)
        session.flush()
        line = case.exchange_houses[-1]
        taken = session.execute(
            update(HousingUnit).where(HousingUnit.id == house.id,
                                      HousingUnit.exchange_house_id.is_(None))
            .values(exchange_house_id=line.id)
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            raise UserError(f"房源 {location(house)} 刚刚已被分配给其他案卷")
        session.expire(house)


def _stock_of(session: Session, line_id: int) -> HousingUnit | None:
    return session.execute(select(HousingUnit).where(
        HousingUnit.exchange_house_id == line_id)).scalar_one_or_none()


def _check_several(session: Session, case: Case, house: HousingUnit) -> None:
    """办法第三十八条: several houses only for a residence larger than the largest residential
    house in the stock, only residential houses, and together comparable (相当) to the residence
    by area or by appraised value. Read here as: a further house only while those already
    assigned fall short of the residence's 建筑面积 or of its appraised value (V_AREA), so the
    last house may go beyond it (the excess is the household's under 第三十九条) but no house
    is added once both are reached."""
    largest = max((h.area for h in session.execute(select(HousingUnit).where(
        HousingUnit.project_id == case.project_id, HousingUnit.use == "residential")).scalars()),
        default=Decimal(0))
    own = sum((p.area for p in case.parts if p.use == "residential"), Decimal(0))
    if house.use != "residential" or own <= largest or any(
            p.use != "residential" for p in case.parts):
        raise UserError(f"案卷 {case.case_no} 已分配一套房；只有住宅建筑面积（{own:f}㎡）大于"
                        f"房源中最大住宅面积（{largest:f}㎡）时才可调换多套住宅（办法第三十八条）")
    assigned = [h for h in (_stock_of(session, line.id) for line in case.exchange_houses)
                if h is not None]
    area = sum((h.area for h in assigned), Decimal(0))
    value = sum((h.area * h.unit_price for h in assigned), Decimal(0))
    result = case.result
    own_value = Decimal(result.v_area).scaleb(-2) if result is not None and result.ok else None
    if area >= own and (own_value is None or value >= own_value):
        worth = "" if own_value is None else f"、评估价值 {own_value:,.2f} 元"
        raise UserError(
            f"案卷 {case.case_no} 已分配的 {len(assigned)} 套住宅合计建筑面积 {area:f}㎡、"
            f"价值 {Decimal(money(value)):,} 元，已达到被征收住宅的建筑面积 {own:f}㎡{worth}；"
            "办法第三十八条要求多套住宅的总面积或总价值与被征收房屋相当，不能再分配一套"
            "（本系统的理解：已分配的房屋尚未达到被征收房屋的面积或评估价值时，才可再加一套）")


def release(store: Store, house_id: int) -> None:
    """Take a house back from its case: the case's exchange line goes through the one owner of
    case changes (a form of the case minus that line), so an unsigned case's changed total is
    audited as 重算 and a signed case is refused unless unlocked for correction."""
    with store.transaction() as session:
        house = _house(session, house_id)
        if house.exchange_house_id is None:
            return
        if house.handed_over_on is not None:
            raise UserError(f"房源 {location(house)} 已交房，不能收回")
        line = session.get(ExchangeHouse, house.exchange_house_id)
        house.exchange_house_id = None
        if line is None:
            return
        case = line.case
        index = case.exchange_houses.index(line)
        # the form's lines are kept by position: the houses of the later lines move up one
        later = [(position, _stock_of(session, other.id))
                 for position, other in enumerate(case.exchange_houses) if position > index]
        for _, unit in later:
            if unit is not None:
                unit.exchange_house_id = None
        session.flush()
        form = case_to_form(case)
        del form["case"]["exchange"]["houses"][index]
        locations = list(form["exchange_locations"])
        del locations[index]
        form["exchange_locations"] = locations
        save_in_session(session, get_project(session, case.project_id), form, case)
        session.flush()
        for position, unit in later:
            if unit is not None:
                unit.exchange_house_id = case.exchange_houses[position - 1].id


def set_handover(store: Store, house_id: int, notice_on: date | None,
                 handed_over_on: date | None) -> None:
    """接房通知 and 交房 dates (办法第四十四条); only for an assigned house."""
    with store.transaction() as session:
        house = _house(session, house_id)
        if house.exchange_house_id is None and (notice_on or handed_over_on):
            raise UserError(f"房源 {location(house)} 尚未分配，不能登记交房")
        if notice_on and handed_over_on and handed_over_on < notice_on:
            raise UserError("交房日期不能早于接房通知日期")
        house.notice_on, house.handed_over_on = notice_on, handed_over_on

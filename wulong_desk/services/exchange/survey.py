"""Household survey sheets: a blank template with drop-down lists, and an all-or-nothing import.

One row per house part; rows with the same 案卷编号 form one household, whose owner, title and
method are read from its first row. Every bad cell is reported as sheet / row / column and a
reason in Chinese, and nothing is written unless the whole sheet is valid.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from wulong_desk.errors import UserError
from wulong_desk.fileio import write_atomically
from wulong_desk.invisible import case_key
from wulong_desk.rules import default_standards
from wulong_desk.rules.decimals import NumberError, read_number
from wulong_desk.rules.inputs import MAX_COUNT, InputError
from wulong_desk.rules.model import RETIRED_READING_KEYS
from wulong_desk.services.cases.changes import save_in_session
from wulong_desk.services.cases.form import check_form
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.statuses import REGISTRATION_LABELS, USE_CHOICES_TEXT, use_code
from wulong_desk.store import Store
from wulong_desk.store.models import Case
from wulong_desk.xlsx_limits import check_workbook

SHEET = "调查登记"
USE_NAMES = {"住宅": "residential", "商业办公": "commercial", "生产用房": "production"}
METHOD_NAMES = {"货币补偿": "money", "产权调换": "exchange"}
YES_NO = {"是": True, "否": False}
# 登记状态 (办法第十八条); blank = 证载
REGISTRATION_NAMES = {label: key for key, label in REGISTRATION_LABELS.items()}
# (key, header, required, kind)
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("case_no", "案卷编号", True, "text"),
    ("name", "被征收人姓名", True, "text"),
    ("id_number", "身份证号", False, "text"),
    ("phone", "电话", False, "text"),
    ("title_no", "产权证号", True, "text"),
    ("address", "坐落", False, "text"),
    ("method", "补偿方式", True, "method"),
    ("use", "用途", True, "use"),
    ("area", "证载面积", True, "number"),
    ("inner_area", "套内面积", False, "number"),
    ("unit_price", "评估单价", False, "number"),
    ("decoration_value", "装修评估值", False, "number"),
    ("water_accounts", "水表户数", False, "count"),
    ("power_accounts", "电表户数", False, "count"),
    ("gas_accounts", "气表户数", False, "count"),
    ("gas_cost", "燃气开户费", False, "number"),
    ("business_eligible", "停产停业", False, "yesno"),
    ("manufacturing", "生产制造", False, "yesno"),
    ("min_housing_eligible", "最低住房保障", False, "yesno"),
    ("remarks", "备注", False, "text"),
    # revision 2 (buildings without a title): a sheet made from an older template may end
    # before these two columns
    ("registration", "登记状态", False, "registration"),
    ("temporary_amount", "临时建筑核定金额", False, "number"),
]
OLDER_WIDTH = 20  # the columns every template has had
HEADERS = [header for _, header, _, _ in COLUMNS]
COLUMN_OF = {key: index for index, (key, _, _, _) in enumerate(COLUMNS)}
PART_KEYS = ("use", "area", "inner_area", "unit_price", "decoration_value", "water_accounts",
             "power_accounts", "gas_accounts", "gas_cost", "business_eligible", "manufacturing",
             "registration", "temporary_amount")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def header_row(ws, headers: list[tuple[str, bool]], least: int = 10, pad: int = 2) -> None:
    """A template's first row: each column's name in bold (a required one in red) on the
    template's fill, the column wide enough for its name (at least `least`); the sheets the
    office fills in (调查登记表, 安置房源表, 正式评估结果表) share it."""
    ws.append([header for header, _required in headers])
    for index, (header, required) in enumerate(headers):
        cell = ws.cell(row=1, column=index + 1)
        cell.font = Font(bold=True, color="C00000" if required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        ws.column_dimensions[_letter(index)].width = max(least, len(header) * 2 + pad)


def header_problems(sheet: str, header: list[str], headers: list[str]) -> list[CellProblem]:
    """Each column of `headers` the sheet's first row does not name as the template does."""
    return [CellProblem(sheet, 1, _letter(i), f"列名应为“{h}”")
            for i, h in enumerate(headers) if i >= len(header) or header[i] != h]


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_row(ws, [(header, required) for _, header, required, _ in COLUMNS])
    ws.freeze_panes = "A2"
    for kind, names in (("use", USE_NAMES), ("method", METHOD_NAMES), ("yesno", YES_NO),
                        ("registration", REGISTRATION_NAMES)):
        validation = DataValidation(type="list", formula1='"' + ",".join(names) + '"',
                                    allow_blank=True, showErrorMessage=True,
                                    errorTitle="请从列表中选择", error="只能选择列表中的值")
        ws.add_data_validation(validation)
        for index, (_, _, _, column_kind) in enumerate(COLUMNS):
            if column_kind == kind:
                validation.add(f"{_letter(index)}2:{_letter(index)}5000")
    notes = wb.create_sheet("说明")
    for line in (
        "每行填写一个房屋部分；同一户的多个部分（如住宅和门面）填多行，案卷编号相同。",
        "户的信息（姓名、身份证号、产权证号、补偿方式等）以该户第一行为准。",
        "红色列名为必填。面积、金额最多两位小数；用途、补偿方式、是/否请从下拉列表选择。",
        "评估单价可在评估后再填；住宅须填套内面积（无公摊时与证载面积相同）。",
        "未经登记的建筑（办法第十八条）按认定结果在“登记状态”中选择：认定合法的照常填面积和"
        "评估单价；临时建筑只填用途、面积和“临时建筑核定金额”；认定违法的只填用途和面积。"
        "登记状态留空即为证载。",
        "导入时整张表全部无误才会写入；有错误会逐格列出工作表、行、列和原因。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    for sheet in wb.worksheets:  # every text is stored as text, never read as a formula
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(out: Path) -> Path:
    return write_atomically(Path(out), template_bytes())


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        header = HEADERS_BY_LETTER.get(self.column, "")
        return f"{self.sheet}!{self.column}{self.row}（{header}）：{self.reason}"


HEADERS_BY_LETTER = {_letter(i): h for i, h in enumerate(HEADERS)}


class SurveyError(UserError):
    exit_code = 2

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__(f"调查表有 {len(problems)} 处问题，未导入任何数据：\n"
                         + "\n".join(str(p) for p in problems))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps numbers as binary doubles; repr gives the shortest decimal that round-trips,
        # i.e. what was typed. Read exactly from that text, never from the float.
        return repr(value)
    return str(value).strip()


def read_sheet(path: Path, sheet: str, width: int, what: str,
               refuse: Callable[[list[CellProblem]], Exception]
               ) -> tuple[list[tuple[Any, ...]], set[tuple[int, int]], list[str]]:
    """One sheet of a workbook from outside, as an import reads it: the cells of its rows (the
    first `width` columns, each value as last computed), the (row, column) of every cell holding
    a formula (a formula is never read as its text, nor a missing result as empty), and the
    text of the whole first row. A spreadsheet bomb, a missing file (named by `what`), a file
    that is not a workbook, a missing sheet and an empty one are refused in Chinese."""
    check_workbook(path)  # a spreadsheet bomb is refused before it is loaded
    try:
        values_book = load_workbook(path, read_only=True, data_only=True)
        formula_book = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError as exc:
        raise UserError(f"找不到{what}：{path}") from exc
    except Exception as exc:   # the library's own message is English: never shown
        raise UserError(f"不是有效的 xlsx 文件：{path}（文件已损坏，或不是 Excel 工作簿）") from exc
    try:
        if sheet not in values_book.sheetnames:
            raise refuse([CellProblem(sheet, 1, "A", f"找不到工作表“{sheet}”")])
        rows = list(values_book[sheet].iter_rows(max_col=width))
        whole_header = [_cell_text(cell.value) for cell in
                        next(values_book[sheet].iter_rows(min_row=1, max_row=1), ())]
        formulas = {(cell.row, cell.column) for row in
                    formula_book[sheet].iter_rows(max_col=width)
                    for cell in row if getattr(cell, "data_type", None) == "f"}
    finally:
        values_book.close()
        formula_book.close()
    if not rows:
        raise refuse([CellProblem(sheet, 1, "A", "表是空的")])
    return rows, formulas, whole_header


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[CellProblem]]:
    """The non-blank rows, and the cells that cannot be read: a formula without a computed
    value (never read as empty) or an error value such as #REF! (never read as text)."""
    width = len(COLUMNS)
    rows, formulas, whole_header = read_sheet(path, SHEET, width, "调查表", SurveyError)
    retired = _retired_columns(whole_header)
    if retired:
        raise SurveyError(retired)
    header = [_cell_text(c.value) for c in rows[0]]
    problems = [CellProblem(SHEET, 1, _letter(i), f"列名应为“{h}”")
                for i, h in enumerate(HEADERS)
                if (i >= len(header) and i < OLDER_WIDTH)
                or (i < len(header) and header[i] != h and (header[i] or i < OLDER_WIDTH))]
    if problems:
        raise SurveyError(problems)
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, str] = {}
        for i, (key, _, _, _) in enumerate(COLUMNS):
            cell = row[i] if i < len(row) else None
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "e":
                problems.append(CellProblem(SHEET, number, _letter(i),
                                            f"单元格是错误值 {value}，请改为实际数值或文字"))
                value = None
            elif value is None and (number, i + 1) in formulas:
                problems.append(CellProblem(
                    SHEET, number, _letter(i),
                    "公式没有计算结果（请在 Excel 或 WPS 中打开并保存一次，或直接填写数值）"))
            values[key] = _cell_text(value)
        if any(values.values()) or any(p.row == number for p in problems[-width:]):
            out.append((number, values))
    return out, problems


def _retired_columns(header: list[str]) -> list[CellProblem]:
    """A column headed by a reading calc contract revision 3 retired (its key or its name): the
    sheet means a figure by it that no case may carry any more — refused, naming it."""
    names: dict[str, str] = {key: key for key in RETIRED_READING_KEYS}
    for standard in default_standards():
        for key, reading in standard.retired_readings.items():
            names[reading.label] = key
    return [CellProblem(SHEET, 1, _letter(index),
                        f"计算规则第3版已取消读法“{text}”（{names[text]}），调查表不能填写此列，"
                        "请删去这一列")
            for index, text in enumerate(header) if text in names]


def _count(text: str) -> int | None:
    """A meter count as typed (full-width digits too), or None when it is not one."""
    try:
        value = read_number(text, typed=True, plain=True)
    except NumberError:
        return None
    if 0 <= value <= MAX_COUNT and value == value.to_integral_value():
        return int(value)
    return None


HOUSEHOLD_KEYS = ("name", "id_number", "phone", "title_no", "address", "method",
                  "min_housing_eligible", "remarks")


def _forms(rows: list[tuple[int, dict[str, str]]]
           ) -> tuple[dict[str, dict[str, Any]], dict[str, list[int]], list[CellProblem]]:
    problems: list[CellProblem] = []
    forms: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, list[int]] = {}

    def bad(row: int, key: str, reason: str) -> None:
        problems.append(CellProblem(SHEET, row, _letter(COLUMN_OF[key]), reason))

    household_keys = {"name", "id_number", "phone", "title_no", "address", "method",
                      "min_housing_eligible"}
    first_values: dict[str, dict[str, str]] = {}
    previous = ""
    for number, values in rows:
        case_no = values["case_no"]
        continuation = case_no in forms  # a further part of a household above …
        if continuation and (previous != case_no or any(
                values[key] and values[key] != first_values[case_no][key]
                for key in HOUSEHOLD_KEYS)):
            # … unless it is another household under the same number: never merged
            first = rows_of[case_no][0]
            bad(number, "case_no", f"案卷编号“{case_no}”与第 {first} 行重复。同一户的多个"
                f"部分须紧接着填写，户的信息（姓名、身份证号、产权证号等）留空或与第 {first} "
                "行相同；不同的户请用不同的案卷编号")
            previous = ""
            continue
        previous = case_no
        for key, _, required, kind in COLUMNS:
            text = values[key]
            if required and not text and not (continuation and key in household_keys):
                bad(number, key, "必须填写")
            elif text and kind == "use" and use_code(text) is None:
                bad(number, key, f"应为 {USE_CHOICES_TEXT} 之一，收到「{text}」")
            elif text and kind == "method" and text not in METHOD_NAMES:
                bad(number, key, f"应为 {'、'.join(METHOD_NAMES)} 之一")
            elif text and kind == "yesno" and text not in YES_NO:
                bad(number, key, "应为“是”或“否”")
            elif text and kind == "registration" and text not in REGISTRATION_NAMES:
                bad(number, key, f"应为 {'、'.join(REGISTRATION_NAMES)} 之一（办法第十八条）")
            elif text and kind == "count" and _count(text) is None:
                bad(number, key, f"应为0到{MAX_COUNT}之间的整数（阿拉伯数字）")
        if not case_no:
            continue
        part: dict[str, Any] = {"use": use_code(values["use"]) or "residential"}
        for key in PART_KEYS[1:]:
            text = values[key]
            if not text:
                continue
            kind = COLUMNS[COLUMN_OF[key]][3]
            if kind == "count":
                count = _count(text)
                part[key] = text if count is None else count
            elif kind == "yesno":
                part[key] = YES_NO.get(text, False)
            elif kind == "registration":
                part[key] = REGISTRATION_NAMES.get(text, "registered")
            else:
                part[key] = text
        if case_no not in forms:
            owner = {"role": "owner", "name": values["name"], "id_number": values["id_number"],
                     "phone": values["phone"]}
            forms[case_no] = {
                "case_no": case_no, "title_no": values["title_no"],
                "address": values["address"], "remarks": values["remarks"],
                "owners": [owner],
                "case": {"method": METHOD_NAMES.get(values["method"], "money"),
                         "min_housing_eligible": YES_NO.get(values["min_housing_eligible"],
                                                            False),
                         "parts": [], "equipment": []},
            }
            rows_of[case_no] = []
            first_values[case_no] = values
        forms[case_no]["case"]["parts"].append(part)
        rows_of[case_no].append(number)
    return forms, rows_of, problems


PATH = re.compile(r"^case\.parts\[(\d+)\]\.(\w+)$|^owners\[0\]\.(\w+)$|^(\w+)$")


def import_survey(store: Store, project_id: int, path: Path) -> list[str]:
    """Import a filled survey sheet into a project. Returns the new case numbers."""
    rows, unreadable = _read_rows(path)
    if not rows and not unreadable:  # a blank template: said, never "已导入 0 户"
        raise UserError(f"调查登记表“{SHEET}”中没有填写任何案卷：{path}")
    forms, rows_of, problems = _forms(rows)
    # a cell that could not be read is reported once, for why it could not
    reported = {(p.row, p.column) for p in unreadable}
    problems = unreadable + [p for p in problems if (p.row, p.column) not in reported]
    titles: dict[str, str] = {}
    for case_no, form in forms.items():
        first = rows_of[case_no][0]
        title = form["title_no"]
        if title and title in titles and titles[title] != case_no:
            problems.append(CellProblem(SHEET, first, _letter(COLUMN_OF["title_no"]),
                                        f"产权证号与 {titles[title]} 重复"))
        titles.setdefault(title, case_no)
        for problem in check_form(form):
            match = PATH.match(problem.path)
            row, key = first, None
            if match and match.group(1) is not None:
                index = int(match.group(1))
                row = rows_of[case_no][index] if index < len(rows_of[case_no]) else first
                key = match.group(2)
            elif match and match.group(3):
                key = {"name": "name", "id_number": "id_number", "phone": "phone"}.get(
                    match.group(3))
            elif match and match.group(4):
                key = match.group(4) if match.group(4) in COLUMN_OF else None
            column = _letter(COLUMN_OF[key]) if key in COLUMN_OF else "A"
            problems.append(CellProblem(SHEET, row, column, problem.message))
    with store.transaction() as session:
        project = get_project(session, project_id)
        existing_titles = dict(session.execute(select(Case.title_no, Case.case_no).where(
            Case.project_id == project_id, Case.title_no.in_(list(titles)))).all())
        # numbers compared as one household's (NFKC, case, invisible characters: case_key)
        keys = {number: case_key(number) for number in forms}
        existing_keys = dict(session.execute(select(Case.case_key, Case.case_no).where(
            Case.project_id == project_id, Case.case_key.in_(set(keys.values())))).all())
        seen: dict[str, str] = {}
        for case_no, form in forms.items():
            first = rows_of[case_no][0]
            if form["title_no"] in existing_titles:
                known = existing_titles[form["title_no"]]
                problems.append(CellProblem(SHEET, first, _letter(COLUMN_OF["title_no"]),
                                            f"产权证号已登记在案卷 {known}"))
            if keys[case_no] in existing_keys:
                known = existing_keys[keys[case_no]]
                same = "" if known == case_no else f"（与「{known}」只是写法不同）"
                problems.append(CellProblem(SHEET, first, "A", f"案卷编号在本项目中已存在{same}"))
            elif keys[case_no] in seen:
                other = seen[keys[case_no]]
                problems.append(CellProblem(
                    SHEET, first, "A", f"案卷编号“{case_no}”与第 {rows_of[other][0]} 行的"
                    f"“{other}”只是写法不同（全角/半角、大小写或不可见字符），是同一户"))
            seen.setdefault(keys[case_no], case_no)
        if problems:
            problems.sort(key=lambda p: (p.row, p.column))
            raise SurveyError(problems)
        for form in forms.values():
            try:
                save_in_session(session, project, form)
            except InputError as exc:  # pragma: no cover - check_form found these above
                raise SurveyError([CellProblem(SHEET, 0, "A", str(exc))]) from exc
    return list(forms)

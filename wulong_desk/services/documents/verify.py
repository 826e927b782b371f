"""Does a ledger file still say what the database says? `verify-ledger` reads it as a person
reads it.

The ledger's sheets are made again from the stored records (`exports.ledger_layout`, the same
description the writer wrote from) and held against the file, cell by cell, as each is shown:
its value through its number format, its font, fill, border and alignment, its row's height and
visibility. 一致 only when

1. the file's fingerprint (its hidden 核对 sheet) is the fingerprint of the stored records;
2. every household's row is found by its 案卷编号 exactly once (a second row for a case is
   refused) on the sheet its outcome puts it on, with its page in 分户明细, and reads what the
   records say — figures, names, ID numbers, 产权证号, dates, 补偿方式, 评估单价, every line,
   its basis and the schedule; the totals are the app's SUM formulas over exactly the household
   rows; the headers, notes, 参数 and signature lines are the app's;
3. nothing the app did not write is there: another number format, font, colour, fill, border or
   alignment, a formula where the app wrote a value (or another formula), rich text, a hidden
   or shrunken row or column, a conditional format, merged cells, pictures or comments, a
   filter, a print area, zeros hidden, another sheet — each named by sheet and cell.
The export time and operator and the payments so far (已付/未付, which move with each payment)
are printed as exported and not held against the records.

Streaming: the records are read a batch at a time, the file a row at a time. Each block of rows
(a household's row, its page, a sheet's header or tail) is reduced to a digest as it goes by;
only the blocks whose digests differ are read again and compared cell by cell, so a 50,000-case
ledger verifies in bounded memory (bench/bench_verify.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from wulong_desk.errors import UserError
from wulong_desk.exports.ledger_layout import (
    CHECK_SHEET,
    DETAIL_SHEET,
    DETAIL_TITLE,
    FINGERPRINT_LABEL,
    LOOKS,
    PROJECT_KEY_LABEL,
    SELECTION_LABEL,
    WHOLE_PROJECT,
    Block,
    Formula,
    Info,
    Look,
    SheetSpec,
    layout,
)
from wulong_desk.services.documents.records import stream_records
from wulong_desk.services.documents.sheet_reader import (
    FileRow,
    SheetEntry,
    SheetExtras,
    Workbook,
    shown,
)
from wulong_desk.store.models import Case, Project
from wulong_desk.xlsx_limits import LEDGER, check_workbook

DETAILED = 60            # blocks compared cell by cell and described; the others are named
MOST = 400               # differences listed one by one; the rest are counted
NARROWER = 0.9           # a column or row this much narrower than the app wrote is reported


@dataclass
class Verdict:
    matches: bool
    file_fingerprint: str
    database_fingerprint: str
    differing: list[str] = field(default_factory=list)      # case numbers with anything off
    missing: list[str] = field(default_factory=list)        # in the file, not in the database
    extra: list[str] = field(default_factory=list)          # in the database, not in the file
    duplicates: list[str] = field(default_factory=list)     # case numbers found twice or more
    details: list[str] = field(default_factory=list)        # each difference, in words


@dataclass(frozen=True)
class Facts:
    """What the hidden 核对 sheet says: the project, the fingerprint, the cases exported."""

    project_uuid: str
    fingerprint: str
    selection: list[str] | None


# ---- the looks, as the file's styles are compared with them ---------------------------------

def _color(color: Any) -> str:
    if color is None:
        return ""
    kind = getattr(color, "type", None)
    value = getattr(color, kind, None) if kind else None
    text = f"{kind}:{value}"
    # black by any name is the automatic colour
    if text in ("rgb:FF000000", "rgb:000000", "theme:1", "indexed:64", "indexed:8", "auto:True"):
        return ""
    return text


def signature(number_format: str, font: Any, fill: Any, border: Any, alignment: Any) -> str:
    """A cell style as it decides what a reader sees, in one comparable text."""
    parts = [f"fmt={number_format or 'General'}"]
    if font is not None:
        parts.append(f"font={font.name}|{float(font.sz or 11):g}|{bool(font.b)}|{bool(font.i)}|"
                     f"{font.u or ''}|{bool(font.strike)}|{_color(font.color)}|"
                     f"{font.vertAlign or ''}|{bool(font.outline)}|{bool(font.shadow)}")
    pattern = getattr(fill, "patternType", None)
    if pattern and pattern != "none":
        parts.append(f"fill={pattern}|{_color(fill.fgColor)}|{_color(fill.bgColor)}")
    elif fill is not None and getattr(fill, "stop", None):
        parts.append("fill=gradient")
    if border is not None:
        sides = []
        for side in ("left", "right", "top", "bottom", "diagonal"):
            line = getattr(border, side, None)
            if line is not None and line.style:
                sides.append(f"{side}:{line.style}:{_color(line.color)}")
        if sides:
            parts.append("border=" + ",".join(sides))
    if alignment is not None:
        horizontal = alignment.horizontal if alignment.horizontal != "general" else None
        vertical = alignment.vertical if alignment.vertical != "bottom" else None
        parts.append(f"align={horizontal or ''}|{vertical or ''}|{bool(alignment.wrap_text)}|"
                     f"{bool(alignment.shrink_to_fit)}|{int(alignment.indent or 0)}|"
                     f"{int(alignment.text_rotation or 0)}")
    return ";".join(parts)


def _look_signature(look: Look) -> str:
    return signature(look.number_format, look.font, look.fill, look.border, look.alignment)


LOOK_SIGNATURES = {name: _look_signature(look) for name, look in LOOKS.items()}


# ---- values as tokens -------------------------------------------------------------------------

def _number_token(value: Decimal) -> str:
    """A figure as it is stored, to 15 significant digits (what a spreadsheet keeps)."""
    if not value.is_finite():
        return f"n{value}"
    rounded = value if value.adjusted() < -20 else value.quantize(
        Decimal(1).scaleb(value.adjusted() - 14)) if value else Decimal(0)
    return f"n{rounded.normalize():f}"


def _value_token(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f"b{int(value)}"
    if isinstance(value, (Decimal, int)):
        return _number_token(Decimal(value))
    if isinstance(value, float):
        return _number_token(Decimal(repr(value)))
    return f"s{value}"


def _height_token(height: float | None) -> str:
    return "-" if height is None else f"{round(height)}"


class Digest:
    """A block's rows reduced to a digest, row by row."""

    def __init__(self) -> None:
        self.hash = hashlib.blake2b(digest_size=16)

    def row(self, offset: int, height: float | None, hidden: bool, outline: int,
            cells: list[str]) -> None:
        if not cells and height is None and not hidden and not outline:
            return
        self.hash.update(f"{offset}\x1e{_height_token(height)}\x1e{int(hidden)}\x1e{outline}"
                         f"\x1e{chr(29).join(cells)}\x1c".encode())

    def value(self) -> bytes:
        return self.hash.digest()


@dataclass
class Expected:
    digest: bytes
    info: frozenset[tuple[int, int]]      # (row offset, column) printed as exported
    sheet: str


def _expected_digest(block: Block) -> Expected:
    digest = Digest()
    info: set[tuple[int, int]] = set()
    for offset, row in enumerate(block.rows):
        cells = []
        for column, cell in enumerate(row.cells, start=1):
            if cell is None:
                continue
            value, look = cell
            if isinstance(value, Info):
                token = "i"
                info.add((offset, column))
            elif isinstance(value, Formula):
                token = "f" + value.text
            else:
                token = _value_token(value)
            cells.append(f"{column}\x1f{token}\x1f{LOOK_SIGNATURES[look]}")
        digest.row(offset, row.height, False, 0, cells)
    return Expected(digest.value(), frozenset(info), block.sheet)


def _key(block: Block, kinds: dict[str, str]) -> tuple[str, str]:
    return (DETAIL_SHEET, block.key) if kinds.get(block.sheet) == "detail" else (
        block.sheet, block.key)


# ---- the file's blocks ------------------------------------------------------------------------

@dataclass
class FileBlock:
    key: tuple[str, str]
    sheet: str
    first: int                                # its first row's number
    digest: Digest
    info: frozenset[tuple[int, int]]
    rows: list[FileRow] | None = None         # kept when it is to be compared in detail


@dataclass
class Scan:
    seen: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    differ: list[tuple[str, str]] = field(default_factory=list)
    kept: dict[tuple[str, str], FileBlock] = field(default_factory=dict)


class Reader:
    """Pass over the file: sheet by sheet, its blocks as digests, kept in full only when they
    differ from what the records make (up to DETAILED of them)."""

    def __init__(self, book: Workbook, specs: dict[str, SheetSpec],
                 expected: dict[tuple[str, str], Expected], verdict: Verdict):
        self.book, self.specs, self.expected, self.verdict = book, specs, expected, verdict
        self.scan = Scan()
        self.signatures: dict[int, str] = {}

    def style_signature(self, index: int) -> str:
        found = self.signatures.get(index)
        if found is None:
            styles = self.book.styles
            style = styles[index] if 0 <= index < len(styles) else None
            found = self.signatures[index] = ("?" if style is None else signature(
                style.number_format, style.font, style.fill, style.border, style.alignment))
        return found

    def file_tokens(self, row: FileRow, offset: int, info: frozenset[tuple[int, int]]
                    ) -> list[str]:
        cells = []
        for cell in row.cells:
            if (offset, cell.column) in info and cell.formula is None:
                token = "i"
            elif cell.formula is not None:
                token = "f" + cell.formula + ("c" if cell.value is not None else "")
            else:
                token = _value_token(cell.value) + ("r" if cell.rich else "")
            cells.append(f"{cell.column}\x1f{token}\x1f{self.style_signature(cell.style)}")
        return cells

    def run(self) -> Scan:
        present = {sheet.name: sheet for sheet in self.book.sheets}
        for name in self.specs:
            if name not in present:
                self.say(f"缺少工作表「{name}」")
        for sheet in self.book.sheets:
            spec = self.specs.get(sheet.name)
            if spec is None:
                self.say(f"多出工作表「{sheet.name}」：不是本系统所写")
                continue
            wanted = "hidden" if spec.hidden else "visible"
            if sheet.state != wanted:
                self.say(f"工作表「{sheet.name}」" + ("被隐藏" if wanted == "visible"
                                                    else "被改为显示"))
            self.read_sheet(sheet, spec)
        for name, local, text in self.book.defined_names:
            if name == "_xlnm.Print_Area":
                sheet = self._sheet_name(local)
                self.say(f"工作表「{sheet}」设定了打印区域 {text}：区域外的行列不会打印")
            elif name == "_xlnm._FilterDatabase":
                self.say(f"工作表「{self._sheet_name(local)}」设有筛选 {text}")
        return self.scan

    def _sheet_name(self, local: str | None) -> str:
        try:
            return self.book.sheets[int(local or "")].name
        except (ValueError, IndexError):
            return "?"

    def say(self, text: str) -> None:
        self.verdict.details.append(text)

    def read_sheet(self, sheet: SheetEntry, spec: SheetSpec) -> None:
        extras = SheetExtras()
        block: FileBlock | None = None
        tail = False
        for row in self.book.rows(sheet, extras):
            first = row.cells[0] if row.cells and row.cells[0].column == 1 else None
            mark = shown(first.value, "General") if first is not None and first.formula is None \
                else ""
            key: tuple[str, str] | None = None
            if spec.kind == "table":
                if row.number <= spec.header_rows:
                    if block is None:
                        key = (sheet.name, "表头")
                elif tail:
                    pass
                elif mark == spec.end_mark:
                    tail = True
                    key = (sheet.name, "表尾")
                elif row.cells or row.hidden or row.height is not None:
                    key = (sheet.name, mark or f"第{row.number}行")
            elif spec.kind == "detail":
                if mark == DETAIL_TITLE or block is None:
                    case = next((shown(c.value, "General") for c in row.cells
                                 if c.column == 4), "")
                    key = (DETAIL_SHEET, case if mark == DETAIL_TITLE and case
                           else f"{sheet.name}第{row.number}行")
            elif block is None:
                key = (sheet.name, "全部")
            if key is not None:
                self.close(block)
                want = self.expected.get(key)
                # a sheet's header and its own rows are counted from its first row
                start = 1 if key[1] in ("表头", "全部") else row.number
                block = FileBlock(key, sheet.name, start, Digest(),
                                  want.info if want else frozenset())
            if block is None:
                continue
            offset = row.number - block.first
            block.digest.row(offset, row.height, row.hidden, row.outline,
                             self.file_tokens(row, offset, block.info))
            if len(self.scan.kept) < DETAILED:   # kept until its digest is known
                if block.rows is None:
                    block.rows = []
                if len(block.rows) < 500:
                    block.rows.append(row)
        self.close(block)
        self.sheet_extras(sheet.name, spec, extras)

    def close(self, block: FileBlock | None) -> None:
        if block is None:
            return
        seen = self.scan.seen.setdefault(block.key, [])
        seen.append((block.sheet, block.first))
        want = self.expected.get(block.key)
        if want is not None and want.digest == block.digest.value() and len(seen) == 1:
            block.rows = None
            return
        if want is not None and len(seen) == 1:
            self.scan.differ.append(block.key)
            if len(self.scan.kept) < DETAILED:
                self.scan.kept[block.key] = block
                return
        block.rows = None

    def sheet_extras(self, name: str, spec: SheetSpec, extras: SheetExtras) -> None:
        for index, width in enumerate(spec.widths, start=1):
            found = extras.widths.get(index)
            letter = get_column_letter(index)
            if found is not None and found < width * NARROWER:
                self.say(f"「{name}」{letter} 列被改窄（宽 {found:g}，本系统写的是 {width:g}），"
                         "文字可能显示不全")
        for column in sorted(set(extras.hidden_columns)):
            self.say(f"「{name}」{get_column_letter(column)} 列被隐藏")
        for what, where in extras.found:
            self.say(f"「{name}」有{what}{f'（{where}）' if where else ''}：本系统不写{what}")
        if extras.zero_height:
            self.say(f"「{name}」设为隐藏所有未设行高的行")
        if extras.default_height is not None and extras.default_height < 8:
            self.say(f"「{name}」的默认行高被改为 {extras.default_height:g}，文字显示不出")
        if extras.hides_zeros:
            self.say(f"「{name}」设为不显示零值：金额为 0 的单元格看起来是空的")
        if spec.footer_right and spec.footer_right not in extras.footer:
            self.say(f"「{name}」页脚的{spec.footer_right.split()[0]}被改动或删去")


# ---- the verdict ------------------------------------------------------------------------------

def read_facts(book: Workbook) -> Facts:
    sheet = next((s for s in book.sheets if s.name == CHECK_SHEET), None)
    if sheet is None:
        if any(s.name == "参数" for s in book.sheets):
            raise UserError("这是旧版格式的台账（没有「核对」表），请用本版本重新导出后再核对")
        raise UserError("不是本系统导出的台账（缺少「核对」表）")
    values: dict[str, Any] = {}
    uuids: list[str] = []
    for row in book.rows(sheet, SheetExtras()):
        cells = {cell.column: cell.value for cell in row.cells}
        label, value = cells.get(1), cells.get(2)
        if label in (PROJECT_KEY_LABEL, FINGERPRINT_LABEL, SELECTION_LABEL):
            values[label] = value
        elif label is None and isinstance(value, str):
            uuids.append(value)
    if not values.get(PROJECT_KEY_LABEL) or not values.get(FINGERPRINT_LABEL):
        raise UserError("台账的「核对」表缺少项目识别码或数据指纹")
    whole = values.get(SELECTION_LABEL) in (None, WHOLE_PROJECT)
    return Facts(str(values[PROJECT_KEY_LABEL]), str(values[FINGERPRINT_LABEL]),
                 None if whole else uuids)


def _layout(records: Any, fingerprint: str) -> Iterator[SheetSpec | Block]:
    return layout(records, fingerprint=fingerprint)


def verify_ledger(session: Session, path: Path) -> Verdict:
    check_workbook(path, LEDGER)  # a spreadsheet bomb is refused before it is read
    with Workbook(path) as book:
        facts = read_facts(book)
        project = session.execute(select(Project).where(Project.uuid == facts.project_uuid)
                                  ).scalar_one_or_none()
        if project is None:
            raise UserError("数据库中没有这份台账所属的项目")
        case_ids = None
        if facts.selection is not None:
            case_ids = []
            for start in range(0, len(facts.selection), 500):
                case_ids += session.execute(select(Case.id).where(
                    Case.project_id == project.id,
                    Case.uuid.in_(facts.selection[start:start + 500]))).scalars().all()
        records = stream_records(session, project.id, case_ids)
        verdict = Verdict(True, facts.fingerprint, records.fingerprint)

        # pass 1: what the records make, as digests
        specs: dict[str, SheetSpec] = {}
        kinds: dict[str, str] = {}
        expected: dict[tuple[str, str], Expected] = {}
        # the printed 核对码 are held against the database's fingerprint
        database = verdict.database_fingerprint
        for item in _layout(records, database):
            if isinstance(item, SheetSpec):
                specs[item.name] = item
                kinds[item.name] = item.kind
            else:
                expected[_key(item, kinds)] = _expected_digest(item)
        # pass 2: the file, as digests
        scan = Reader(book, specs, expected, verdict).run()
        # pass 3: the blocks that differ, cell by cell
        if scan.kept:
            for item in _layout(records, database):
                if isinstance(item, Block):
                    key = _key(item, kinds)
                    if key in scan.kept:
                        _compare(item, scan.kept[key], book, verdict, kinds)
    _conclude(verdict, scan, expected, specs)
    return verdict


def _case_of(key: tuple[str, str], specs: dict[str, SheetSpec]) -> str | None:
    """The case number a block is about (None for a sheet's own rows)."""
    sheet, name = key
    if sheet == DETAIL_SHEET:
        return name
    spec = specs.get(sheet)
    if spec is not None and spec.kind == "table" and name not in ("表头", "表尾"):
        return name
    return None


def _conclude(verdict: Verdict, scan: Scan, expected: dict[tuple[str, str], Expected],
              specs: dict[str, SheetSpec]) -> None:
    differing: set[str] = set()
    for key, places in scan.seen.items():
        case = _case_of(key, specs)
        if key not in expected:
            sheet, first = places[0]
            if case is not None:
                verdict.missing.append(case)
                differing.add(case)
            what = "一页分户明细" if key[0] == DETAIL_SHEET else f"第 {first} 行"
            verdict.details.append(f"「{sheet}」{what}（{key[1]}）：台账中有，数据库中没有"
                                   "（或已作废、计算不完整），不是本系统为这些记录写的")
            continue
        if len(places) > 1:
            where = "、".join(f"「{sheet}」第 {first} 行" for sheet, first in places)
            if case is not None:
                verdict.duplicates.append(case)
                differing.add(case)
            verdict.details.append(f"{key[1]}：在台账中出现 {len(places)} 次（{where}）；"
                                   "每户只能有一处，重复的行不能采信")
    for key in expected:
        if key in scan.seen:
            continue
        case = _case_of(key, specs)
        if case is not None:
            differing.add(case)
            if case not in verdict.extra:
                verdict.extra.append(case)
            what = "分户明细页" if key[0] == DETAIL_SHEET else f"「{key[0]}」中的一行"
            verdict.details.append(f"{case}：数据库中有，台账中没有它的{what}")
        elif key[0] in {s for s in specs} and not any(d.startswith(f"缺少工作表「{key[0]}」")
                                                     for d in verdict.details):
            verdict.details.append(f"「{key[0]}」的{key[1]}不见了")
    for key in scan.differ:
        case = _case_of(key, specs)
        if case is not None:
            differing.add(case)
    unexplained = [key for key in scan.differ if key not in scan.kept]
    if unexplained:
        shown_keys = "、".join(key[1] for key in unexplained[:100])
        verdict.details.append(f"另有 {len(unexplained)} 处与数据库不一致，未逐格列出："
                               f"{shown_keys}{'…' if len(unexplained) > 100 else ''}")
    if len(verdict.details) > MOST:
        more = len(verdict.details) - MOST
        del verdict.details[MOST:]
        verdict.details.append(f"……另有 {more} 处不一致未列出")
    verdict.differing = sorted(differing)
    verdict.missing.sort()
    verdict.extra.sort()
    verdict.matches = (verdict.file_fingerprint == verdict.database_fingerprint
                       and not verdict.details)


# ---- a block compared cell by cell ----------------------------------------------------------

def _field(block: Block, offset: int, column: int, kinds: dict[str, str]) -> str:
    """What a cell is, in the words of the sheet (the column's header, or the row's label)."""
    row = block.rows[offset] if offset < len(block.rows) else None
    if row is None or column < 1:
        return ""
    cells = row.cells

    def text(at: int) -> str:
        cell = cells[at - 1] if 0 < at <= len(cells) else None
        value = cell[0] if cell else None
        return str(value).split("\n")[0].rstrip("：:") if isinstance(value, str) else ""

    if kinds.get(block.sheet) == "table":
        from wulong_desk.exports.ledger_layout import COLUMNS, outcomes

        if block.key in ("表头", "表尾"):
            return ""
        for outcome in outcomes():
            if outcome.sheet == block.sheet and column <= len(outcome.columns):
                return COLUMNS[outcome.columns[column - 1]].header
        return ""
    before = cells[column - 2] if column >= 2 and column - 1 <= len(cells) else None
    if before is not None and before[1] in ("label", "s_label"):
        return text(column - 1)
    titles = {1: "项目", 2: "计算与说明", 3: "依据", 4: "金额"} \
        if kinds.get(block.sheet) == "detail" else {1: "项目", 2: "内容"}
    label = text(1)
    return f"{label} {titles.get(column, '')}".strip() if column > 1 else label


def _compare(block: Block, found: FileBlock, book: Workbook, verdict: Verdict,
             kinds: dict[str, str]) -> None:
    rows = {row.number - found.first: row for row in found.rows or ()}
    where = f"「{found.sheet}」"
    case = block.key if block.key not in ("表头", "表尾", "全部") else ""

    def style_of(index: int) -> Any:
        styles = book.styles
        return styles[index] if 0 <= index < len(styles) else None

    def say(ref: str, offset: int, column: int, text: str) -> None:
        name = _field(block, offset, column, kinds)
        about = " ".join(part for part in (case, name) if part)
        verdict.details.append(f"{where}{ref}{f'（{about}）' if about else ''}：{text}")

    for offset in range(max(len(block.rows), max(rows, default=-1) + 1)):
        want = block.rows[offset] if offset < len(block.rows) else None
        got = rows.get(offset)
        number = found.first + offset
        if got is not None:
            if got.hidden:
                say(f"第 {number} 行", offset, 0, "这一行被隐藏")
            elif got.outline:
                say(f"第 {number} 行", offset, 0, "这一行被分组（可折叠隐藏）")
            expected_height = want.height if want is not None and want.height else 13.0
            if got.height is not None and got.height < expected_height * NARROWER:
                say(f"第 {number} 行", offset, 0,
                    f"行高被改小（{got.height:g}，本系统写的是 {expected_height:g}），"
                    "文字显示不全")
        wanted_cells = {column: cell for column, cell in
                        enumerate(want.cells if want is not None else [], start=1)
                        if cell is not None}
        got_cells = {cell.column: cell for cell in (got.cells if got is not None else [])}
        for column in sorted(set(wanted_cells) | set(got_cells)):
            ref = f"{get_column_letter(column)}{number}"
            wanted = wanted_cells.get(column)
            cell = got_cells.get(column)
            if wanted is None:
                if cell is not None and (cell.value not in (None, "") or cell.formula):
                    say(ref, offset, column, f"多出内容「{_file_text(cell, style_of)}」，"
                                             "不是本系统所写")
                continue
            value, look_name = wanted
            look = LOOKS[look_name]
            if cell is None:
                if value not in (None, "") and not isinstance(value, Info):
                    say(ref, offset, column, f"内容被删去（应为「{_wanted_text(value, look)}」）")
                continue
            style = style_of(cell.style)
            _compare_value(value, look, cell, style, lambda text, o=offset, c=column, r=ref:
                           say(r, o, c, text))
            if style is None:
                say(ref, offset, column, "单元格样式缺失")
                continue
            for difference in _style_differences(look, style):
                say(ref, offset, column, difference)
            if cell.rich:
                say(ref, offset, column, "单元格内部分文字另设了字体或颜色，不是本系统所写")


def _wanted_text(value: Any, look: Look) -> str:
    if isinstance(value, Formula):
        return shown(value.shows, look.number_format)
    return shown(value, look.number_format).strip()


def _file_text(cell: Any, style_of: Any) -> str:
    style = style_of(cell.style)
    code = style.number_format if style is not None else "General"
    return shown(cell.value, code).strip() if cell.formula is None else cell.formula


def _compare_value(value: Any, look: Look, cell: Any, style: Any, say: Any) -> None:
    code = style.number_format if style is not None else "General"
    if isinstance(value, Info):
        return
    if isinstance(value, Formula):
        if cell.formula is None:
            say(f"应为公式「{value.text}」（各户之和），台账中被改为数值「"
                f"{shown(cell.value, code).strip()}」")
        elif cell.formula.replace(" ", "").upper() != value.text.upper():
            say(f"公式「{cell.formula}」不是本系统所写（应为「{value.text}」）")
        elif cell.value is not None:
            printed = shown(cell.value, code).strip()
            want = shown(value.shows, look.number_format).strip()
            if _value_token(cell.value) != _value_token(value.shows) and printed != want:
                say(f"合计显示「{printed}」，各户之和为「{want}」")
        return
    want = _wanted_text(value, look)
    if cell.formula is not None:
        say(f"公式「{cell.formula}」替换了数值（应为「{want}」），不是本系统所写")
        return
    printed = shown(cell.value, code).strip()
    if _value_token(cell.value) == _value_token(value):
        if printed != want:
            say(f"显示为「{printed}」，记录为「{want}」（数字格式被改动）")
        return
    if printed == want:
        say(f"单元格的值 {cell.value} 与记录 {value} 不同（显示相同）")
    else:
        say(f"台账显示「{printed}」，数据库为「{want}」")


FONT_WORDS = (("name", "字体"), ("sz", "字号"), ("b", "加粗"), ("i", "斜体"), ("u", "下划线"),
              ("strike", "删除线"), ("vertAlign", "上下标"), ("outline", "空心"),
              ("shadow", "阴影"))


def _style_differences(look: Look, style: Any) -> list[str]:
    if signature(style.number_format, style.font, style.fill, style.border, style.alignment) \
            == LOOK_SIGNATURES[_look_name(look)]:
        return []
    out = []
    if (style.number_format or "General") != (look.number_format or "General"):
        out.append(f"数字格式「{style.number_format}」不是本系统所写（应为"
                   f"「{look.number_format}」）")
    font, want = style.font, look.font
    if font is None:
        out.append("字体缺失")
    else:
        for attribute, word in FONT_WORDS:
            got_value, want_value = getattr(font, attribute, None), getattr(want, attribute, None)
            if attribute == "sz":
                got_value, want_value = float(got_value or 11), float(want_value or 11)
            elif attribute in ("b", "i", "strike", "outline", "shadow"):
                got_value, want_value = bool(got_value), bool(want_value)
            if got_value != want_value:
                out.append(f"{word}被改为「{got_value}」（应为「{want_value}」）")
        if _color(font.color) != _color(want.color):
            out.append(f"字体颜色被改为 {_color(font.color) or '自动'}"
                       + ("（白色文字看不见）" if "FFFFFF" in _color(font.color).upper() else ""))
    fill_now = signature("", None, style.fill, None, None)
    fill_want = signature("", None, look.fill, None, None)
    if fill_now != fill_want:
        out.append("底纹（填充）被改动")
    if signature("", None, None, style.border, None) != signature("", None, None, look.border,
                                                                   None):
        out.append("边框被改动")
    if signature("", None, None, None, style.alignment) != signature("", None, None, None,
                                                                      look.alignment):
        out.append("对齐方式被改动（如缩小字体填充、缩进或旋转）")
    return out or ["格式不是本系统所写"]


def _look_name(look: Look) -> str:
    for name, candidate in LOOKS.items():
        if candidate is look:
            return name
    return ""

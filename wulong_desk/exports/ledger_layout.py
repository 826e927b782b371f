"""The signed ledger (分户补偿台账) as sheets of rows: the one description the writer
(`exports.ledger`) writes and the checker (`services.documents.verify`) holds a file against.

What a household and an auditor read, printed at 100 % with no text below 8 pt:
- **汇总** (A3 landscape): a title, the basis lines, one row per household — 案卷编号,
  被征收人, 身份证号, 坐落, 补偿方式, 证载面积, 价值补偿, 损失补偿, 奖励补助, 补偿合计,
  应付差额 (its header says who pays by its sign), 签约日期 and a cell tall enough to
  sign in — then a totals row of SUM
  formulas and the signature lines.
- **分户明细** (A4 portrait, one page per household): who and what (names, ID numbers,
  产权证号, 坐落, 用途, areas, 评估单价, 补偿方式, 签约日期), every line of the record with its
  amount, how it was figured and the article it rests on, the total (also in capitals), the
  exchange settlement, when each part is owed (the stored schedule), the documents received,
  the buildings without a title, 备注, and the signature lines. A page break follows each
  household; a large project's pages are spread over several sheets (分户明细, 分户明细2, …) so no
  sheet nears a spreadsheet's row limit.
- One sheet for each case outcome kept apart (作废案卷: title, reason and date; 不生效预签:
  a terminated project's presigns), 参数 (the
  standard, the options, the readings, the export) and 核对, a hidden sheet for machines: the
  project's identity, the full fingerprint and the selection. Paper carries no UUID and no hex:
  the fingerprint is printed as a ten-digit 核对码 (`records.short_code`).

Which sheet a case's row goes on is its outcome: `OUTCOMES` maps a status to its sheet, every
status not named there goes on 汇总 (a 补偿决定 case too: its row carries the decision's date and
补偿决定 where a household would sign). A new outcome is one entry in that mapping.

Everything is made from the stored records as they are streamed, one case at a time; the column
widths of a summary sheet come from the project's census (counts and figure magnitudes read
before the first row), so its totals never print as ###.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wulong_desk.errors import UserError
from wulong_desk.exports.capitals import rmb_capitals
from wulong_desk.exports.plain_words import calculation_words, plain_words
from wulong_desk.exports.records import (
    CaseEntry,
    ProjectRecords,
    StatusCensus,
    owners_of,
    short_code,
    standard_name,
    unregistered_text,
)
from wulong_desk.exports.sheet_style import (
    A3,
    AREA_FORMAT,
    BODY_FONT,
    BOLD,
    BORDER,
    HEAD_FILL,
    LINE_HEIGHT,
    MARGINS,
    MONEY_FORMAT,
    PAPER_UNITS,
    TITLE_FONT,
    break_lines,
    paper_for,
    text_width,
)
from wulong_desk.rules.breakdown import SCHEDULE_KEYS, SCHEDULE_LABELS
from wulong_desk.rules.model import METHOD_LABELS, USE_LABELS

TITLE = "分户补偿台账"
SUMMARY_SHEET = "汇总"
DETAIL_SHEET = "分户明细"
DETAIL_TITLE = "分户补偿明细"
VOID_SHEET = "作废案卷"
LAPSED_SHEET = "不生效预签"      # a terminated project's presigns (办法第二十三条)
DECISION_WORD = "补偿决定"       # in the signature cell of a case settled by a 补偿决定
PARAMETER_SHEET = "参数"
CHECK_SHEET = "核对"            # hidden: what a machine needs to find the records again
CODE_LABEL = "核对码"
FINGERPRINT_LABEL = "数据指纹"
PROJECT_KEY_LABEL = "项目识别码"
SELECTION_LABEL = "导出范围"
WHOLE_PROJECT = "全部"
STANDARD_LABEL = "计算标准"
TOTAL_MARK = "合计"             # column A of a counted sheet's totals row
COUNT_MARK = "共计"             # column A of an uncounted sheet's closing row
EXPORT_LABEL = "导出"
NOT_APPLICABLE = "—"

# points: a body row tall enough to sign in; a row's height when it has none of its own (the
# sheets' default, as openpyxl writes it); the printable height of an A4 portrait page with the
# margins below (a household's page is kept within it)
SIGNATURE_HEIGHT = 36
DEFAULT_ROW = 15
# a household's page, in 9-point text: its rows' own default height, a line of text in a row
PAGE_ROW, PAGE_LINE = 13.5, 12
PAGE_HEIGHT = 842 - 72 * (MARGINS["top"] + MARGINS["bottom"]) - 10
# a 分户明细 sheet holds at most this many households (at most ~55 rows each: far below both the
# 1,048,576 rows a spreadsheet allows and the reader's own limit, xlsx_limits.LEDGER)
PAGES_PER_DETAIL_SHEET = 8000


# ---- how cells look --------------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    font: Font
    alignment: Alignment
    number_format: str = "General"
    border: Border | None = BORDER
    fill: PatternFill | None = None


WRAP = Alignment(vertical="center", wrap_text=True)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
ACROSS = Alignment(horizontal="centerContinuous", vertical="center")
LEFT = Alignment(horizontal="left", vertical="center")
NO_BORDER = None

SMALL = Font(name=BODY_FONT.name, size=9)
SMALL_BOLD = Font(name=BODY_FONT.name, size=9, bold=True)

LOOKS: dict[str, Look] = {
    "title": Look(TITLE_FONT, ACROSS, border=NO_BORDER),
    "across": Look(BODY_FONT, ACROSS, border=NO_BORDER),
    "page_title": Look(Font(name=BODY_FONT.name, size=14, bold=True), LEFT, border=NO_BORDER),
    "line": Look(BODY_FONT, LEFT, border=NO_BORDER),          # a note line, never wrapped
    "note": Look(BODY_FONT, WRAP, border=NO_BORDER),
    "head": Look(BOLD, CENTER, fill=HEAD_FILL),
    "label": Look(BOLD, WRAP, fill=HEAD_FILL),
    "text": Look(BODY_FONT, WRAP),
    "word": Look(BODY_FONT, CENTER),
    "strong": Look(BOLD, WRAP),
    "strong_word": Look(BOLD, CENTER),
    "money": Look(BODY_FONT, RIGHT, MONEY_FORMAT),
    "money_bold": Look(BOLD, RIGHT, MONEY_FORMAT),
    "area": Look(BODY_FONT, RIGHT, AREA_FORMAT),
    "area_bold": Look(BOLD, RIGHT, AREA_FORMAT),
    "figure_text": Look(BODY_FONT, Alignment(horizontal="right", vertical="center",
                                             wrap_text=True)),
    "blank": Look(BODY_FONT, WRAP),                           # a bordered empty cell
    "plain": Look(BODY_FONT, WRAP, border=NO_BORDER),
    "sign": Look(BODY_FONT, Alignment(vertical="bottom"), border=NO_BORDER),
    # a household's page: 9 pt, so that it holds on one A4 page
    "s_head": Look(SMALL_BOLD, CENTER, fill=HEAD_FILL),
    "s_label": Look(SMALL_BOLD, WRAP, fill=HEAD_FILL),
    "s_text": Look(SMALL, WRAP),
    "s_word": Look(SMALL, CENTER),
    "s_strong": Look(SMALL_BOLD, WRAP),
    "s_money": Look(SMALL, RIGHT, MONEY_FORMAT),
    "s_money_bold": Look(SMALL_BOLD, RIGHT, MONEY_FORMAT),
    "s_area": Look(SMALL, RIGHT, AREA_FORMAT),
    "s_sign": Look(SMALL, Alignment(vertical="bottom"), border=NO_BORDER),
}


class Formula(NamedTuple):
    """A formula the app writes (e.g. "=SUM(G5:G39)") and the figure it shows."""

    text: str
    shows: Decimal


class Info(NamedTuple):
    """Printed as it was when exported (the export time, the payments so far): not held against
    the records by `verify-ledger`."""

    value: Any


Cell = tuple[Any, str] | None          # (value, look name) or no cell at all


@dataclass
class Row:
    cells: list[Cell]
    height: float | None = None        # points; None: the sheet's default height


@dataclass
class Block:
    """Rows of one sheet that belong together: one household's row or page, a sheet's header,
    its totals and tail. `key`: the case number, or the block's role on its sheet."""

    sheet: str
    key: str
    rows: list[Row]
    page_break: bool = False           # a page break after the block
    breaks: tuple[int, ...] = ()       # page breaks after these of its rows (0: the first)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    widths: tuple[float, ...]
    kind: str                          # table | detail | parameters | check
    paper: str = Worksheet.PAPERSIZE_A4
    landscape: bool = False
    header_rows: int = 0               # rows of a table before its first household
    repeat_rows: str | None = None     # e.g. "4:4": printed at the top of every page
    freeze: str | None = None
    footer: str = ""                   # the footer's left part ("第 x 页，共 y 页" in its centre)
    footer_right: str = ""
    default_height: float | None = None   # the height of a row without one of its own
    hidden: bool = False
    end_mark: str = TOTAL_MARK         # a table's first row after its households


# ---- the outcomes: which sheet a case's row goes on -------------------------------------------

@dataclass(frozen=True)
class Outcome:
    sheet: str                         # the sheet's name
    title: str                         # its printed title, after the project's name
    columns: tuple[str, ...]           # its columns (keys of COLUMNS)
    counted: bool                      # in the totals (owed); False: listed apart, never summed
    detail: bool                       # each household also gets a 分户明细 page
    note: str = ""                     # printed under the title


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int                         # spreadsheet units (a Chinese character takes two)
    look: str
    summed: bool = False


COLUMNS = {c.key: c for c in (
    Column("case_no", "案卷编号", 11, "text"),
    Column("owner", "被征收人", 16, "text"),
    Column("id_number", "身份证号", 20, "text"),
    Column("address", "坐落", 20, "text"),
    Column("method", "补偿方式", 10, "word"),
    Column("area", "证载面积（m²）", 10, "area", summed=True),
    Column("value", "价值补偿", 13, "money", summed=True),
    Column("loss", "损失补偿", 13, "money", summed=True),
    Column("reward", "奖励补助", 13, "money", summed=True),
    Column("total", "补偿合计", 13, "money", summed=True),
    # who pays, said in the header itself (a bare sign told nobody): three short lines
    Column("net_payable", "应付差额\n正数：征收部门付\n负数：被征收人付", 18, "money",
           summed=True),
    Column("signed_on", "签约日期", 12, "word"),
    Column("signature", "被征收人签字", 14, "blank"),
    Column("void_total", "原补偿合计（不计入合计）", 14, "money"),
    Column("voided_on", "作废日期", 12, "word"),
    Column("void_reason", "作废理由", 30, "text"),
)}

SUMMARY_COLUMNS = ("case_no", "owner", "id_number", "address", "method", "area", "value", "loss",
                   "reward", "total", "net_payable", "signed_on", "signature")
VOID_COLUMNS = ("case_no", "owner", "address", "void_total", "signed_on", "voided_on",
                "void_reason")
LAPSED_COLUMNS = ("case_no", "owner", "address", "void_total", "signed_on")

SUMMARY = Outcome(SUMMARY_SHEET, f"{TITLE}（汇总）", SUMMARY_COLUMNS, counted=True, detail=True)
VOIDED = Outcome(VOID_SHEET, VOID_SHEET, VOID_COLUMNS, counted=False, detail=False,
                 note="以下案卷的协议已作废，保留备查；不列入汇总，不计入任何合计。")
LAPSED = Outcome(LAPSED_SHEET, LAPSED_SHEET, LAPSED_COLUMNS, counted=False, detail=False,
                 note="项目已终止，以下预签协议不生效（办法第二十三条），保留备查；不列入汇总，"
                      "不计入任何合计。")
# a case's status → the sheet its row goes on; every status not named here: SUMMARY (a case
# settled by a 补偿决定 too: owed as under an agreement, its date that of the decision and
# 补偿决定 where a household would sign)
OUTCOMES: dict[str, Outcome] = {"void": VOIDED, "lapsed": LAPSED}


def outcome_of(status: str) -> Outcome:
    return OUTCOMES.get(status, SUMMARY)


def outcomes() -> list[Outcome]:
    """Every outcome, in the order its sheet comes in the workbook."""
    return list(dict.fromkeys([SUMMARY, *OUTCOMES.values()]))


# ---- what a household's row says --------------------------------------------------------------

def uses_text(entry: CaseEntry) -> str:
    return "、".join(dict.fromkeys(USE_LABELS.get(u, u) for u in entry.uses))


def money(text: str | Decimal) -> Decimal:
    return Decimal(str(text))


def shown_money(value: Decimal) -> str:
    return f"{value:,.2f}"


def row_values(entry: CaseEntry) -> dict[str, Any]:
    """Every column's value for a household, from its stored record only."""
    record = entry.record
    owners = owners_of(entry)
    exchange = entry.method == "exchange"
    return {
        "case_no": entry.case_no,
        "owner": "、".join(o["name"] for o in owners),
        "id_number": "\n".join(o["id_number"] for o in owners if o["id_number"]),
        "address": entry.address,
        "method": METHOD_LABELS.get(entry.method, entry.method),
        "area": money(record.get("quantities", {}).get("area", "0")),
        "value": money(record["totals"]["value"]),
        "loss": money(record["totals"]["loss"]),
        "reward": money(record["totals"]["reward"]),
        "total": money(record["totals"]["total"]),
        "net_payable": money(record["settlement"]["net_payable"]) if exchange
        else NOT_APPLICABLE,
        "signed_on": entry.signed_on or (entry.decision or {}).get("made_on") or "",
        "signature": DECISION_WORD if entry.decision and not entry.signed_on else None,
        "void_total": money(record["totals"]["total"]),
        "voided_on": entry.voided_on or "",
        "void_reason": entry.void_reason or "",
    }


def fitted(cells: list[Cell], widths: tuple[float, ...], least: float = 0) -> Row:
    """A row of `cells`, each wrapped text broken into the lines its column holds (by the
    Chinese rules: `sheet_style.break_lines`) and the row tall enough for the most of them
    (spreadsheet programs do not grow a written row to fit), at least `least` points; no height
    of its own when one line is enough and nothing asks for more."""
    tall = 0.0
    out: list[Cell] = []
    for index, cell in enumerate(cells):
        if cell is None:
            out.append(None)
            continue
        value, look = cell
        style = LOOKS[look]
        size = style.font.size or 10
        lines = 1
        text = value.value if isinstance(value, Info) else value
        if isinstance(text, str) and style.alignment.wrap_text and index < len(widths):
            text = break_lines(text, widths[index] * 10 / size)
            lines = text.count("\n") + 1
            value = Info(text) if isinstance(value, Info) else text
        out.append((value, look))
        line = LINE_HEIGHT if size >= 10 else PAGE_LINE   # points a line of the text takes
        tall = max(tall, line * lines + (3 if lines > 1 else 0))
    if least and tall <= least:
        return Row(out, None if least in (DEFAULT_ROW, PAGE_ROW) else least)
    return Row(out, round(tall, 1) if tall > LINE_HEIGHT else (least or None))


# ---- column widths ----------------------------------------------------------------------------

def figure_width(magnitude: Decimal, signed: bool = False) -> int:
    """Units a figure up to `magnitude` takes as the money format prints it (its digits and
    separators, a minus sign where it may be negative, the space the format keeps at the right
    and a little room): never ### however large the totals grow."""
    return len(f"{magnitude:,.2f}") + (1 if signed else 0) + 2


# the text columns a wide table narrows first (their text wraps), and how far
NARROWEST = {"address": 14, "owner": 12, "id_number": 19, "signature": 12}
# units a summary may take: A3 landscape printed at no less than this scale (10 pt → 8.5 pt)
WIDEST = PAPER_UNITS[A3] / 0.85


def table_widths(outcome: Outcome, census: StatusCensus | None) -> tuple[float, ...]:
    """A table's column widths: each column's own, a figure's widened for the largest total it
    may have to print (the census is read before the first row is written); when the figures
    grow so wide that A3 would print below 8.5 pt, the text columns give way (they wrap)."""
    widths = {}
    for key in outcome.columns:
        column = COLUMNS[key]
        width = column.width
        if census is not None and key in census.magnitude:
            width = max(width, figure_width(census.magnitude[key], key == "net_payable"))
        if key == "void_total" and census is not None:
            width = max(width, figure_width(census.magnitude["total"]))
        widths[key] = width
    for key, narrowest in NARROWEST.items():
        excess = sum(widths.values()) - WIDEST
        if excess > 0 and key in widths:
            widths[key] = max(narrowest, widths[key] - excess)
    return tuple(widths[key] for key in outcome.columns)


DETAIL_WIDTHS = (24, 30, 16, 14)
PARAMETER_WIDTHS = (24, 58)


# ---- the workbook -----------------------------------------------------------------------------

def _merge(census: dict[str, StatusCensus]) -> dict[str, StatusCensus]:
    out: dict[str, StatusCensus] = {}
    for status, counted in census.items():
        sheet = outcome_of(status).sheet
        if sheet in out:
            before = out[sheet]
            out[sheet] = StatusCensus(before.count + counted.count, {
                key: before.magnitude[key] + counted.magnitude[key] for key in before.magnitude},
                before.standards | counted.standards)
        else:
            out[sheet] = counted
    return out


def layout(records: ProjectRecords, *, fingerprint: str, operator: str = "",
           exported_at: datetime | None = None,
           tick: Callable[[int], None] | None = None) -> Iterator[SheetSpec | Block]:
    """The workbook: first every sheet (in tab order), then its blocks in the order they are
    written — the tables' heads, each household's row (and its page of 明细), the tables'
    tails, the 参数 sheet and the hidden check. `tick(n)` after each household (it may raise to
    cancel)."""
    project = records.project
    code = short_code(fingerprint)
    census = _merge(records.counted())
    present = [o for o in outcomes() if census.get(o.sheet) and census[o.sheet].count]
    present = present or [SUMMARY]
    detail_sheets = _detail_sheets(census, present)
    standard_ids = sorted({s for counted in census.values() for s in counted.standards})
    widths = {o.sheet: table_widths(o, census.get(o.sheet)) for o in present}
    standards = [standard_name(s) for s in standard_ids]
    heads = {o.sheet: _table_head(o, project, standards, code, widths[o.sheet]) for o in present}
    specs = _sheets(project, present, heads, widths, detail_sheets, code)
    yield from specs
    widths_of = {spec.name: spec.widths for spec in specs}
    yield from heads.values()

    rows_of = {outcome.sheet: 0 for outcome in present}
    sums: dict[str, dict[str, Decimal]] = {o.sheet: {} for o in present}
    used = Used()
    pages = 0
    for done, entry in enumerate(records.entries, start=1):
        used.add(entry)
        outcome = outcome_of(entry.status)
        if outcome.sheet not in rows_of:   # a census that missed it: the store changed meanwhile
            raise UserError("导出台账期间有案卷的状态发生了变化，请重新导出")
        rows_of[outcome.sheet] += 1
        yield _household_row(outcome, entry, widths_of[outcome.sheet], sums[outcome.sheet])
        if outcome.detail:
            sheet = detail_sheets[min(pages // PAGES_PER_DETAIL_SHEET, len(detail_sheets) - 1)]
            pages += 1
            yield _detail_block(sheet, project, entry)
        if tick is not None:
            tick(done)
    for outcome in present:
        yield _table_tail(outcome, heads[outcome.sheet], rows_of[outcome.sheet],
                          sums[outcome.sheet], records, code, operator, exported_at,
                          widths_of[outcome.sheet])
    yield _parameters(records, census, standard_ids, used, code, operator, exported_at)
    yield _check(records, fingerprint)


def _detail_sheets(census: dict[str, StatusCensus], present: list[Outcome]) -> list[str]:
    """The 明细 sheets' names: one more for each PAGES_PER_DETAIL_SHEET households detailed."""
    detailed = sum(census[o.sheet].count for o in present if o.detail and o.sheet in census)
    return [DETAIL_SHEET if n == 0 else f"{DETAIL_SHEET}{n + 1}"
            for n in range(max(1, -(-detailed // PAGES_PER_DETAIL_SHEET)))]


def _sheets(project: dict[str, Any], present: list[Outcome], heads: dict[str, Block],
            widths_of: dict[str, tuple[float, ...]], detail_sheets: list[str], code: str
            ) -> list[SheetSpec]:
    """Every sheet in tab order: the tables (landscape, their head repeated on each page), the
    明细 (A4 portrait), 参数 and the hidden check."""
    footer, footer_code = f"{project['name']}  {TITLE}", f"{CODE_LABEL} {code}"
    specs: list[SheetSpec] = []
    for outcome in present:
        head, widths = heads[outcome.sheet], widths_of[outcome.sheet]
        specs.append(SheetSpec(
            outcome.sheet, widths, "table",
            paper=paper_for(sum(widths)),
            landscape=True, header_rows=len(head.rows),
            repeat_rows=f"{len(head.rows)}:{len(head.rows)}",
            freeze=f"B{len(head.rows) + 1}", footer=footer, footer_right=footer_code,
            end_mark=TOTAL_MARK if outcome.counted else COUNT_MARK))
    for name in detail_sheets:   # A4 portrait: the project's name is on the page itself
        specs.append(SheetSpec(name, DETAIL_WIDTHS, "detail", footer=TITLE,
                               footer_right=footer_code, default_height=PAGE_ROW))
    specs.append(SheetSpec(PARAMETER_SHEET, PARAMETER_WIDTHS, "parameters", footer=TITLE,
                           footer_right=footer_code))
    specs.append(SheetSpec(CHECK_SHEET, (16, 70), "check", hidden=True))
    return specs


def _household_row(outcome: Outcome, entry: CaseEntry, widths: tuple[float, ...],
                   sums: dict[str, Decimal]) -> Block:
    """A household's row on its outcome's table; its summed figures added to `sums`."""
    values = row_values(entry)
    cells: list[Cell] = []
    for key in outcome.columns:
        column = COLUMNS[key]
        value = values[key]
        look = column.look
        if value == NOT_APPLICABLE:
            look = "word"
        elif column.summed and isinstance(value, Decimal):
            sums[key] = sums.get(key, Decimal(0)) + value
        cells.append((value, look))
    return Block(outcome.sheet, entry.case_no,
                 [fitted(cells, widths, SIGNATURE_HEIGHT if outcome.counted else 0)])


@dataclass
class Used:
    """What the 参数 sheet says of the records as a whole, counted as they stream past: the
    calc contract revisions and the retired readings the older records were computed with."""

    revisions: dict[int, int] = field(default_factory=dict)
    retired: dict[str, dict[Any, int]] = field(default_factory=dict)

    def add(self, entry: CaseEntry) -> None:
        revision = entry.contract_revision
        self.revisions[revision] = self.revisions.get(revision, 0) + 1
        for key, value in entry.record_readings.items():
            counts = self.retired.setdefault(key, {})
            counts[value] = counts.get(value, 0) + 1


def _table_head(outcome: Outcome, project: dict[str, Any], standards: list[str], code: str,
                widths: tuple[float, ...] | None = None) -> Block:
    count = len(outcome.columns)
    rows = [Row([(f"{project['name']} {outcome.title}", "title")]
                + [(None, "title")] * (count - 1), 28)]
    if outcome.counted:
        notes = [f"征收决定文号：{project['decision_no'] or NOT_APPLICABLE}",
                 f"签约期限届满日：{project['signing_deadline']}",
                 "金额单位：元", "面积单位：平方米", f"{CODE_LABEL}：{code}"]
        if standards:
            notes.insert(2, f"{STANDARD_LABEL}：{'、'.join(standards)}")
    else:
        notes = [outcome.note, "金额单位：元", f"{CODE_LABEL}：{code}"]
    units = sum(widths) if widths else 200
    for line in note_lines(notes, units):
        rows.append(Row([(line, "line")]))
    head = [(COLUMNS[key].header, "head") for key in outcome.columns]
    rows.append(fitted(head, widths or tuple(COLUMNS[k].width for k in outcome.columns), 30))
    return Block(outcome.sheet, "表头", rows)


def note_lines(parts: list[str], units: float, gap: str = "    ") -> list[str]:
    """Short notes joined into lines no wider than `units` (a note too long for a line is cut
    where a line may start: never before closing punctuation)."""
    lines: list[str] = []
    current = ""
    for part in parts:
        for piece in break_lines(part, units).split("\n"):
            joined = f"{current}{gap}{piece}" if current else piece
            if text_width(joined) <= units - 2:
                current = joined
            else:
                if current:
                    lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def _table_tail(outcome: Outcome, head: Block, count: int, sums: dict[str, Decimal],
                records: ProjectRecords, code: str, operator: str,
                exported_at: datetime | None, widths: tuple[float, ...]) -> Block:
    first = len(head.rows) + 1
    last = first + count - 1
    rows: list[Row] = []
    columns = outcome.columns
    if outcome.counted:
        cells: list[Cell] = []
        for index, key in enumerate(columns, start=1):
            column = COLUMNS[key]
            if index == 1:
                cells.append((TOTAL_MARK, "strong_word"))
            elif index == 2:
                cells.append((f"{count}户", "strong_word"))
            elif column.summed and count:
                letter = get_column_letter(index)
                look = "area_bold" if column.look == "area" else "money_bold"
                cells.append((Formula(f"=SUM({letter}{first}:{letter}{last})",
                                      sums.get(key, Decimal(0))), look))
            else:
                cells.append((None, "strong"))
        rows.append(Row(cells, 24))
        notes = ["应付差额：产权调换的户，补偿合计与调换房屋价款相抵后的差额，正数由征收部门"
                 "付给被征收人，负数由被征收人补交；货币补偿的户不适用（—）。每户的明细、应付"
                 "时间和依据见「分户明细」表。"]
        if records.incomplete:
            notes.append(f"未列入（计算数据不完整）：{'、'.join(records.incomplete)}")
        for line in note_lines(notes, sum(widths), gap=""):
            rows.append(Row([(line, "line")]))
        rows.append(Row([]))
        signatures: list[Cell] = [None] * len(columns)
        for at, text in ((0, "制表人："), (3, "审核人："), (6, "负责人："),
                         (9, "日期：    年    月    日")):
            signatures[min(at, len(columns) - 1)] = (text, "sign")
        rows.append(Row(signatures, 30))
    else:
        rows.append(Row([(COUNT_MARK, "strong_word"), (f"{count}户", "strong_word")]
                        + [(None, "strong")] * (len(columns) - 2), 24))
    stamp = f"{exported_at:%Y-%m-%d %H:%M}  {operator}".rstrip() if exported_at else operator
    rows.append(Row([(f"{EXPORT_LABEL}：", "line"), (Info(stamp), "line")]))
    return Block(outcome.sheet, "表尾", rows)


# ---- a household's page -----------------------------------------------------------------------

# when each part is owed, in words (spec "When each amount falls due"), and where it is said
SCHEDULE_WORDS = {
    "before_move": ("按协议约定的付款期限支付，在搬迁之前", "办法第二十九条"),
    "transition": ("自搬出之日起，过渡期间按月支付", "标准第1、9项"),
    "after_move": ("在搬迁期限内搬出后支付（逾期搬迁的不予支付）；第二次搬迁的补助于接房时",
                   "标准第7、8项"),
    "overdue": ("调换房屋逾期交付的，逾期期间按月加付", "办法第四十二条"),
}
PAYMENT_LABEL = "付款情况（导出时）"
ROW = PAGE_ROW          # points: a one-line row of a household's page
NOT_APPLIED = "不适用"


def _detail_block(sheet: str, project: dict[str, Any], entry: CaseEntry) -> Block:
    """A household's page: 9-point text in four columns (项目, 计算与说明, 依据, 金额), one A4
    portrait page, a page break after it."""
    record = entry.record
    values = row_values(entry)
    exchange = entry.method == "exchange"
    quantities = record.get("quantities", {})
    rows: list[Row] = []

    def add(cells: list[Cell], least: float = ROW) -> None:
        rows.append(fitted(cells, DETAIL_WIDTHS, least))

    def pair(label: str, value: Any, label2: str, value2: Any, look2: str = "s_text") -> None:
        add([(label, "s_label"), (value, "s_text"), (label2, "s_label"), (value2, look2)])

    add([(DETAIL_TITLE, "page_title"), (project["name"], "s_text"), ("案卷编号", "s_label"),
         (entry.case_no, "s_strong")], 24)
    pair("被征收人", values["owner"], "补偿方式", values["method"], "s_word")
    pair("身份证号", values["id_number"] or NOT_APPLICABLE, "签约日期",
         entry.signed_on or "未签约", "s_word")
    pair("产权证号", entry.title_no or NOT_APPLICABLE, "用途", uses_text(entry) or NOT_APPLICABLE)
    pair("坐落", entry.address or NOT_APPLICABLE, "证载面积（m²）", values["area"], "s_area")
    pair("评估单价（元/m²）", _prices(entry), "补偿面积（m²）",
         money(quantities.get("comp_area", "0")), "s_area")
    head = ("金额（元）", "s_head")
    add([("项目", "s_head"), ("计算与说明", "s_head"), ("依据", "s_head"), head])
    for line in record["lines"]:
        amount = money(line["amount"])
        # (the household signs this page: the calculation in plain words, plain_words.py;
        # the record's warnings are the office's, not printed here)
        how = calculation_words(line["formula"], line["note"]) if amount else \
            (plain_words(line["note"]) or NOT_APPLIED)
        add([(line["label"], "s_text"), (how, "s_text"),
             (line["citation"], "s_text"), (amount, "s_money")])
    total = money(record["totals"]["total"])
    add([("补偿合计", "s_strong"), (f"大写：{rmb_capitals(total)}", "s_text"), (None, "s_text"),
         (total, "s_money_bold")], 18)
    first_page = len(rows)   # a household's page too long for one sheet of paper goes on here
    continued = fitted([(f"{DETAIL_TITLE}（续）", "page_title"), (project["name"], "s_text"),
                        ("案卷编号", "s_label"), (entry.case_no, "s_strong")], DETAIL_WIDTHS, 24)
    settlement = record["settlement"]
    if exchange:
        houses = "；".join(f"{h.get('location') or '调换房屋'} {h['area']} m²"
                          for h in entry.exchange_houses)
        net = money(settlement["net_payable"])
        add([("产权调换房屋价款", "s_text"), (houses or NOT_APPLICABLE, "s_text"),
             ("办法第二十八条", "s_text"), (money(settlement["exchange_price"]), "s_money")])
        for key, label in (("fund_department", "维修资金（征收部门承担）"),
                           ("fund_household", "维修资金（被征收人承担）")):
            add([(label, "s_text"), (None, "s_text"), ("办法第三十九条", "s_text"),
                 (money(settlement[key]), "s_money")])
        add([("产权调换应付差额", "s_strong"),
             ("征收部门应付被征收人" if net >= 0 else "负数：被征收人应补交", "s_text"),
             (None, "s_text"), (net, "s_money_bold")])
    schedule = entry.schedule or record.get("schedule")
    if schedule:
        add([("应付时间", "s_head"), ("何时支付（各项之和即补偿合计）", "s_head"),
             ("依据", "s_head"), head])
        for key in SCHEDULE_KEYS:
            amount = money(schedule[key])
            if not amount and key != "before_move":
                continue
            words, basis = SCHEDULE_WORDS[key]
            if key == "before_move" and entry.payment_term:
                words = f"按协议约定的付款期限：{entry.payment_term}"
            if key == "before_move" and entry.status == "presigned":
                words += "；预签协议生效后支付"
            add([(SCHEDULE_LABELS[key], "s_text"), (words, "s_text"), (basis, "s_text"),
                 (amount, "s_money")])
    if entry.paid is not None:
        add([(PAYMENT_LABEL, "s_text"),
             (Info(f"已付 {shown_money(money(entry.paid))} 元，未付 "
                   f"{shown_money(money(entry.outstanding or '0'))} 元（以资金拨付台账为准）"),
              "s_text"), (None, "s_text"), (None, "s_text")])
    documents = documents_text(entry)
    if documents:
        add([("已交材料", "s_text"), (documents, "s_text"), (None, "s_text"), (None, "s_text")])
    unregistered = unregistered_text(entry, USE_LABELS)
    if unregistered:
        add([("未经登记建筑（办法第十八条）", "s_text"), (unregistered, "s_text"), (None, "s_text"),
             (None, "s_text")])
    if entry.remarks:
        add([("备注", "s_text"), (entry.remarks, "s_text"), (None, "s_text"), (None, "s_text")])
    add([("被征收人（签字）：", "s_sign"), (None, "s_sign"), ("经办人：", "s_sign"),
         (None, "s_sign")], 34)
    add([("日期：    年    月    日", "s_sign"), (None, "s_sign"), ("审核人：", "s_sign"),
         (None, "s_sign")], 24)
    if sum(row.height or ROW for row in rows) <= PAGE_HEIGHT:
        return Block(sheet, entry.case_no, rows, page_break=True)
    # two pages: the figures on the first, what follows them (with the signatures) on the
    # second, under the household's name again
    rows.insert(first_page, continued)
    return Block(sheet, entry.case_no, rows, page_break=True, breaks=(first_page - 1,))


def _prices(entry: CaseEntry) -> str:
    """The appraised unit prices of the titled parts, each with its use when they pair."""
    prices = [shown_money(money(p)) for p in entry.unit_prices]
    if len(prices) == len(entry.uses) and len(prices) > 1:
        return "；".join(f"{USE_LABELS.get(use, use)} {price}"
                        for use, price in zip(entry.uses, prices, strict=True))
    return "；".join(prices) or NOT_APPLICABLE


def documents_text(entry: CaseEntry) -> str:
    """The document checklist: what was received and when, then what is missing."""
    received = [f"{d['label']}（{d['received_on']}）" for d in entry.documents
                if d["received_on"]]
    missing = [d["label"] for d in entry.documents if not d["received_on"]]
    lines = received + ([f"未交：{'、'.join(missing)}"] if missing else [])
    return "\n".join(lines)


# ---- 参数 and 核对 -------------------------------------------------------------------------------

def _parameters(records: ProjectRecords, census: dict[str, StatusCensus],
                standard_ids: list[str], used: Used, code: str, operator: str,
                exported_at: datetime | None) -> Block:
    from wulong_desk.rules import default_standards

    project = records.project
    rows: list[Row] = []

    def row(label: str, value: Any) -> None:
        rows.append(fitted([(label, "label"), (value, "text")], PARAMETER_WIDTHS, 18))

    rows.append(Row([(f"{project['name']} {TITLE}参数", "page_title")], 26))
    row("项目", project["name"])
    row("征收决定文号", project["decision_no"] or NOT_APPLICABLE)
    row("征收决定公告日", project["announced_on"])
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
            unit = option.unit if option is not None and option.unit != "比率" else ""
            shown = f"{value}{unit}"
        row(f"{option.label}（{option.cite}）" if option is not None else "计算选项", shown)
    row("签约期开始日", project.get("signing_start") or NOT_APPLICABLE)
    row("签约期限届满日", project.get("signing_deadline"))
    row("搬迁期限", project.get("move_deadline") or NOT_APPLICABLE)
    for standard_id in standard_ids:
        known = default_standards().get(standard_id)
        if known is None:
            continue
        if "shared_ratio" in known.notes:
            row("公摊系数的读法", known.notes["shared_ratio"])
        for key, reading in known.readings.items():
            value = project.get(key)
            shown = reading.label_for(value) if value is not None else NOT_APPLICABLE
            row(f"读法 {reading.label}", f"{shown}（项目选定的读法；{reading.cite}）")
        for key, reading in known.retired_readings.items():   # records of revision 2 (or 1)
            counts = used.retired.get(key)
            if counts:
                row(f"已取消的读法 {reading.label}",
                    "；".join(f"{reading.label_for(value)} {count}户"
                             for value, count in counts.items())
                    + "（第3版以前计算的记录所用）")
    row("计算规则版本", "；".join(f"第{r}版 {n}户" for r, n in sorted(used.revisions.items()))
        or NOT_APPLICABLE)
    row("户数", "；".join(f"{sheet} {counted.count}户" for sheet, counted in census.items()))
    row(CODE_LABEL, code)
    row("说明", f"{CODE_LABEL}由每户保存的计算记录算出，印在每页页脚；用本系统核对台账，"
              "可查验这份台账与数据库是否一致。")
    rows.append(Row([(f"{EXPORT_LABEL}：", "label"),
                     (Info(f"{exported_at:%Y-%m-%d %H:%M:%S}  {operator}".rstrip()
                           if exported_at else operator), "text")], 18))
    return Block(PARAMETER_SHEET, "全部", rows)


def _check(records: ProjectRecords, fingerprint: str) -> Block:
    rows = [Row([(PROJECT_KEY_LABEL, "plain"), (records.project["uuid"], "plain")]),
            Row([(FINGERPRINT_LABEL, "plain"), (Info(fingerprint), "plain")]),
            Row([(SELECTION_LABEL, "plain"),
                 (WHOLE_PROJECT if records.selection is None
                  else f"选定 {len(records.selection)} 户", "plain")])]
    for uuid in records.selection or ():
        rows.append(Row([None, (uuid, "plain")]))
    return Block(CHECK_SHEET, "全部", rows)

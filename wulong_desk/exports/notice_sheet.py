"""How every public notice is laid out and printed (xlsx): the title, the article it is posted
under, the 公示期 the office entered, one table, the notes under it, the office's own words, and
the issuing unit with a line for its seal.

A notice prints readable: one font (宋体), body text at 10 pt on a page whose width is chosen so
that fitting the table to it never shrinks the print below 8 pt (`sheet_style.paper_for`; a
test prints each kind with LibreOffice and reads the sizes back); long text wraps inside merged
cells whose rows are tall enough for it, so nothing is cut; the table's header rows repeat on
every page and the footer says 第 x 页，共 y 页; the closing lines never print alone on a page
(exports/print_pages). A notice names no exporter and says nothing about how the app counted
(those go to the export log). Every text cell is written as text, never as a formula. The rows
are made one at a time from whatever iterable is given (a streamed project stays a batch of
cases in memory); only the printed values are kept until the sheet is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from wulong_desk.exports.print_pages import keep_closing_with_rows
from wulong_desk.exports.sheet_style import (
    AREA_FORMAT,
    BOLD,
    FONT_NAME,
    HEAD_FILL,
    LINE_HEIGHT,
    MARGINS,
    MONEY_FORMAT,
    TITLE_FONT,
    literal,
    page_footer,
    page_setup,
    paper_for,
    styled_cell,
    text_width,
    workbook,
    wrapped_lines,
)
from wulong_desk.tempfiles import private_temp_files

TEXT, MONEY, AREA, CENTRED = "text", "money", "area", "centred"
RIGHT_TEXT = "right_text"
NOT_APPLICABLE = "—"
BANFA = "《重庆市武隆区国有土地上房屋征收与补偿实施办法》（武隆府发〔2023〕5号）"

BLANK_DAY = "＿＿＿＿年＿＿月＿＿日"

WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LEFT_BLOCK = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT_BLOCK = Alignment(horizontal="right", vertical="center", wrap_text=True)
TITLE_BLOCK = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int                 # in characters of the body font (a Chinese character is two)
    kind: str = TEXT           # text | money | area | centred
    grow: int = 0              # widened to its longest text up to this width (0: fixed)
    summed: bool = False       # a SUM in the totals row


@dataclass(frozen=True)
class Layout:
    """One kind of notice: its title, the article, its table and the notes under it."""

    title: str                         # 分户补偿情况公示
    article: str                       # 第二十九条
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()        # printed under the table
    groups: tuple[tuple[str, str, str], ...] = ()   # (first key, last key, label) over columns
    counted: str = "户"                # the totals row counts rows as N户 (or N处)
    period_label: str = "公示期"       # the decision is announced: 公告日期, no period
    issuer_label: str = "公示单位"


@dataclass(frozen=True)
class NoticeFile:
    data: bytes                # the workbook
    rows: int                  # the rows listed


@dataclass(frozen=True)
class Heading:
    """What the office gives a notice: the project, the period it runs and who issues it."""

    project_name: str
    decision_no: str
    issuer: str
    period: tuple[date, date | None] | None = None   # None: left blank to fill by hand
    paragraphs: tuple[str, ...] = ()   # the office's own words (a template), after the notes


def day_text(value: date | None) -> str:
    return BLANK_DAY if value is None else f"{value.year}年{value.month}月{value.day}日"


def period_text(label: str, period: tuple[date, date | None] | None) -> str:
    if period is None:
        return f"{label}：{BLANK_DAY}至{BLANK_DAY}"
    start, end = period
    return f"{label}：{day_text(start)}至{day_text(end)}"


def fitted_widths(layout: Layout, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Each column's width on the sheet (its characters and a little room either side): a text
    column widened to its longest text up to its `grow` limit (longer text wraps); a figure's
    column always wide enough for its longest figure as printed, the totals row's sum included
    (a figure never wraps: too narrow, it would print as ###)."""
    widths = {c.key: c.width + 2 for c in layout.columns}
    for column in layout.columns:
        if column.kind in (MONEY, AREA):
            figures = [row[column.key] for row in rows
                       if isinstance(row.get(column.key), Decimal)]
            if column.summed:  # the totals row's sum is printed in the column too
                figures.append(sum(figures, Decimal(0)))
            written = [line for row in rows if isinstance(row.get(column.key), str)
                       for line in row[column.key].split("\n")]  # several figures, a line each
            longest = max([len(f"{figure:,.2f}") + 1 for figure in figures]
                          + [len(line) + 1 for line in written], default=0)
            widths[column.key] = max(widths[column.key], longest)
        elif column.grow:
            longest = max((min(column.grow, text_width(str(row[column.key])))
                           for row in rows if isinstance(row.get(column.key), str)), default=0)
            widths[column.key] = max(widths[column.key], longest + 2)
    return widths


def lines_of(text: str, width: int) -> int:
    """The lines a wrapped text takes in a column `width` units wide, its own breaks kept."""
    return sum(wrapped_lines(part, width) for part in text.split("\n"))


@private_temp_files  # openpyxl streams names through temporary files
def write_notice(layout: Layout, heading: Heading, rows: Iterable[dict[str, Any]], *,
                 tick: Callable[[int], None] | None = None) -> NoticeFile:
    """The notice as an xlsx workbook. `rows` are the printed values by column key (text, Decimal or
    NOT_APPLICABLE); `tick(n)` is called as rows are read (it may raise to cancel)."""
    kept: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        kept.append({"index": number, **row})
        if tick is not None:
            tick(number)
    columns = layout.columns
    keys = [c.key for c in columns]
    widths = fitted_widths(layout, kept)
    units = sum(widths[k] for k in keys)
    wb = workbook()
    ws = wb.create_sheet(layout.title)
    for index, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths[key]
    last_letter = get_column_letter(len(keys))
    header_rows = 4 + (1 if layout.groups else 0)
    ws.freeze_panes = f"C{header_rows + 1}"
    page_setup(ws, paper=paper_for(units), landscape=True, title_rows=f"4:{header_rows}")
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    page_footer(ws, FONT_NAME)
    row_number = 0

    def block(text: str, font: Any = None, alignment: Alignment = LEFT_BLOCK,
              scale: float = 1.0, line_height: float = LINE_HEIGHT) -> None:
        """A paragraph across the table's width, wrapped, its row tall enough for it."""
        nonlocal row_number
        row_number += 1
        lines = lines_of(text, int(units / scale))
        ws.row_dimensions[row_number].height = max(line_height * lines, line_height) + 4
        ws.append([styled_cell(ws, text, font, alignment=alignment, border=False)]
                   + [styled_cell(ws, None, border=False) for _ in range(len(keys) - 1)])
        ws.merged_cells.add(f"A{row_number}:{last_letter}{row_number}")

    block(f"{heading.project_name}\n{layout.title}", TITLE_FONT, TITLE_BLOCK, scale=1.6,
          line_height=24)
    block(f"依据：{BANFA}{layout.article}    征收决定文号：{heading.decision_no or '—'}")
    if layout.period_label == "公示期":
        block(f"{period_text('公示期', heading.period)}    金额单位：元    面积单位：平方米")
    else:
        announced = heading.period[0] if heading.period else None
        block(f"{layout.period_label}：{day_text(announced)}    金额单位：元    面积单位：平方米")
    if layout.groups:
        row_number += 1
        group_row = [styled_cell(ws, None, BOLD, fill=HEAD_FILL) for _ in keys]
        for first, last, label in layout.groups:
            start, end = keys.index(first), keys.index(last)
            group_row[start] = styled_cell(ws, label, BOLD, fill=HEAD_FILL, alignment=CENTER)
            ws.merged_cells.add(f"{get_column_letter(start + 1)}{row_number}:"
                                f"{get_column_letter(end + 1)}{row_number}")
        ws.append(group_row)
    row_number += 1
    header_lines = max(lines_of(c.header, widths[c.key]) for c in columns)
    ws.row_dimensions[row_number].height = LINE_HEIGHT * header_lines + 6
    ws.append([styled_cell(ws, c.header, BOLD, fill=HEAD_FILL, alignment=CENTER)
               for c in columns])
    first = row_number + 1
    styles = {TEXT: styled_cell(ws, None, alignment=WRAP),
              CENTRED: styled_cell(ws, None, alignment=CENTER),
              MONEY: styled_cell(ws, None, alignment=RIGHT, number_format=MONEY_FORMAT),
              AREA: styled_cell(ws, None, alignment=RIGHT, number_format=AREA_FORMAT),
              RIGHT_TEXT: styled_cell(ws, None, alignment=RIGHT_BLOCK)}
    for values in kept:
        row_number += 1
        tall = max((lines_of(values[c.key], widths[c.key]) for c in columns
                    if isinstance(values.get(c.key), str)), default=1)
        if tall > 1:
            ws.row_dimensions[row_number].height = LINE_HEIGHT * tall + 2
        cells = []
        for column in columns:
            value = values.get(column.key)
            kind = column.kind
            if value is None or value == NOT_APPLICABLE:
                value, kind = NOT_APPLICABLE, CENTRED
            elif isinstance(value, str) and kind in (MONEY, AREA):
                kind = RIGHT_TEXT  # several figures in words (one 评估单价 per use)
            cells.append(literal(ws, value, styles[kind]._style))
        ws.append(cells)
    last = row_number
    if any(c.summed for c in columns):
        row_number += 1
        totals: list[Any] = []
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            if index == 1:
                totals.append(styled_cell(ws, "合计", BOLD, alignment=CENTER))
            elif index == 2:
                totals.append(styled_cell(ws, f"{len(kept)}{layout.counted}", BOLD,
                                          alignment=CENTER))
            elif column.summed and kept:
                totals.append(styled_cell(
                    ws, f"=SUM({letter}{first}:{letter}{last})", BOLD, alignment=RIGHT,
                    formula=True, number_format=AREA_FORMAT if column.kind == AREA
                    else MONEY_FORMAT))
            else:
                totals.append(styled_cell(ws, None, BOLD))
        ws.append(totals)
    for note in layout.notes:
        block(note)
    for paragraph in heading.paragraphs:
        block(paragraph)
    row_number += 1
    ws.append([])
    block(f"{layout.issuer_label}：{heading.issuer}（盖章）", BOLD, RIGHT_BLOCK)
    block(f"日期：{BLANK_DAY}", None, RIGHT_BLOCK)
    # the totals, notes and seal lines never alone on the last page
    keep_closing_with_rows(ws, units=units, first=first, last=last, end=row_number,
                           title_rows=(4, header_rows))
    buffer = io.BytesIO()
    wb.save(buffer)
    return NoticeFile(buffer.getvalue(), len(kept))

"""How the exported sheets look and print: one font on every cell, the borders, the header
fill, the number formats, column widths for Chinese text; the paper, one page wide and
centred, the rows repeated on every page, and "page x of y" in the footer. The ledger, the
public notice and the payment ledger share it."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "宋体"          # one font on every cell, totals row included
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16)
_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
MONEY_FORMAT = "#,##0.00"
AREA_FORMAT = "0.00"
PAGE_NUMBER = "第 &P 页，共 &N 页"
LINE_HEIGHT = 14         # points a line of 10-point text takes in a row


def workbook() -> Workbook:
    """A streaming (write-only) workbook whose default font is the sheets' one font: a cell
    without a style of its own (most of the ledger's 明细) is in 宋体 too."""
    wb = Workbook(write_only=True)
    wb._fonts = IndexedList([BODY_FONT])
    return wb


def text_width(text: str) -> int:
    """Spreadsheet column units for a text: a Chinese character takes two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped text takes in a column `width` units wide (spreadsheet
    programs do not grow a written row to fit its text: the row is given LINE_HEIGHT each)."""
    if 2 * len(text) <= width - 2:  # fits even if every character is a wide one
        return 1
    return max(1, -(-text_width(text) // max(1, width - 2)))


def page_setup(ws: Worksheet, *, paper: str, landscape: bool, title_rows: str | None) -> None:
    """Paper and orientation; one page wide, as many pages tall as needed; title_rows (e.g.
    "3:4") repeat at the top of every printed page."""
    ws.page_setup.paperSize = paper
    ws.page_setup.orientation = (Worksheet.ORIENTATION_LANDSCAPE if landscape
                                 else Worksheet.ORIENTATION_PORTRAIT)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def page_footer(ws: Worksheet, font: str, left: str | None = None) -> None:
    """Page x of y in the footer's centre (and `left` at its left), in the sheet's font."""
    if left is not None:
        ws.oddFooter.left.text = left
        ws.oddFooter.left.font = font
    ws.oddFooter.center.text = PAGE_NUMBER
    ws.oddFooter.center.font = font


def literal(ws: Worksheet, value: Any, style: StyleArray | None = None) -> Cell:
    """A cell holding exactly `value`: text is always stored as text, never read as a formula
    (a name or 备注 starting with "=" from a package or a sheet must not run in Excel). `style`:
    another cell's style, copied (cheaper than styling each cell: bench/bench_ledger.py)."""
    cell = Cell(ws, row=1, column=1, value=value, style_array=style)  # as WriteOnlyCell makes it
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def styled_cell(ws: Worksheet, value: Any, font: Font | None = None, *,
                fill: PatternFill | None = None, alignment: Alignment | None = None,
                number_format: str | None = None, border: bool = True,
                formula: bool = False) -> Cell:
    """A write-only cell in the sheets' style; its text is literal unless formula=True."""
    cell = WriteOnlyCell(ws, value=value) if formula else literal(ws, value)
    if number_format:
        cell.number_format = number_format
    cell.font = font or BODY_FONT
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    if border:
        cell.border = BORDER
    return cell

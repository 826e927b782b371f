"""How the exported sheets look and print: one font on every cell, the borders, the header
fill, the number formats, column widths for Chinese text; the paper, one page wide and
centred, the rows repeated on every page, and "page x of y" in the footer. The ledger, the
public notice and the payment ledger share it."""

from __future__ import annotations

import functools
import re
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
MONEY_FORMAT = "#,##0.00_)"    # a figure stands a little clear of the right border
AREA_FORMAT = "0.00_)"
PAGE_NUMBER = "第 &P 页，共 &N 页"
LINE_HEIGHT = 14         # points a line of 10-point text takes in a row


def workbook() -> Workbook:
    """A streaming (write-only) workbook whose default font is the sheets' one font: a cell
    without a style of its own (most of the ledger's 明细) is in 宋体 too."""
    wb = Workbook(write_only=True)
    wb._fonts = IndexedList([BODY_FONT])
    return wb


# printed a full character wide in 宋体 though below the CJK blocks
WIDE = frozenset("×²³·—…‘’“”")
# Chinese line-breaking: a line never starts with closing punctuation, never ends with opening
CLOSING = frozenset("，。、；：？！）》」』】〕〉”’,.;:?!)]}%")
OPENING = frozenset("（《「『【〔〈“‘([{")
PAUSES = "、，；： "


_WIDE_CHARACTERS = re.compile("[\u2e81-\U0010ffff" + "".join(sorted(WIDE)) + "]")


def text_width(text: str) -> int:
    """Spreadsheet column units for a text: a Chinese character takes two."""
    return len(text) + len(_WIDE_CHARACTERS.findall(text))


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped text takes in a column `width` units wide (spreadsheet
    programs do not grow a written row to fit its text: the row is given LINE_HEIGHT each)."""
    if 2 * len(text) <= width - 2:  # fits even if every character is a wide one
        return 1
    return max(1, -(-text_width(text) // max(1, width - 2)))


def break_pieces(text: str) -> list[str]:
    """The text in pieces a line may break between: a run of Latin letters and digits (a
    figure such as 511,542.00) stays whole; closing punctuation joins the piece before it,
    opening punctuation the piece after it."""
    pieces: list[str] = []
    run = ""
    for char in text:
        if char.isascii() and (char.isalnum() or char in ".,-%") and char != " ":
            run += char
            continue
        if run:
            pieces.append(run)
            run = ""
        pieces.append(char)
    if run:
        pieces.append(run)
    glued: list[str] = []
    pending = ""
    for piece in pieces:
        if pending:
            piece, pending = pending + piece, ""
        if piece in OPENING or (len(piece) > 1 and piece[-1] in OPENING):
            pending = piece
            continue
        if glued and piece[0] in CLOSING:
            glued[-1] += piece
        else:
            glued.append(piece)
    if pending:
        glued.append(pending)
    return glued


@functools.lru_cache(maxsize=16384)   # labels, citations and notes repeat case after case
def break_lines(text: str, width: float) -> str:
    """`text` with its lines broken where a cell `width` units wide (less a little room) would
    wrap it, by the Chinese rules (a line never starts with closing punctuation nor ends with
    opening punctuation; a figure is never cut). Spreadsheet programs wrap by their own rules
    otherwise (LibreOffice started a line with 「；」); a text that fits is left as it is."""
    limit = max(4, int(width) - 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if text_width(paragraph) <= limit:
            lines.append(paragraph)
            continue
        line = ""
        for piece in break_pieces(paragraph):
            if piece.isspace():   # a space stays at the end of its line: nothing is lost
                line += piece
            elif line.strip() and text_width(line.rstrip() + piece) > limit:
                # rather after a pause (、，；space) in the line's second half: a name or a
                # phrase stays whole
                cut = max(line.rfind(mark) for mark in PAUSES) + 1
                if cut <= 0 or text_width(line[:cut]) < limit / 2:
                    cut = len(line)
                lines.append(line[:cut])
                line = line[cut:] + piece
            else:
                line += piece
            while text_width(line.rstrip()) > limit:   # a piece longer than a line: cut it
                cut = len(line)
                while cut > 1 and text_width(line[:cut]) > limit:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


A3, A4 = Worksheet.PAPERSIZE_A3, Worksheet.PAPERSIZE_A4
# printable width in spreadsheet column units (one unit: a digit of the 10-point body font) of
# landscape paper with the margins below, at 100 % — measured with LibreOffice; and the least
# scale allowed: 10 pt body text printed no smaller than 8 pt
PAPER_UNITS = {A4: 116, A3: 170}
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6, "footer": 0.25}  # inches
MIN_SCALE = 0.8


def paper_for(total_units: float) -> str:
    """A4 landscape if a table this wide fits it at no less than MIN_SCALE, else A3
    landscape (a table too wide even for A3 at MIN_SCALE must be narrowed by its writer)."""
    return A4 if total_units * MIN_SCALE <= PAPER_UNITS[A4] else A3


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

"""A sheet's closing block (the totals row, the notes, the seal or signature lines) never prints
alone on a page. A sheet longer than a page gets its page breaks from here, as manual breaks,
measured the way a spreadsheet program lays the pages out (one page wide, the title rows repeated
on each page, each row at its height, the print scaled to the page's width), and the last break
is put before the table's last few rows, so they go over with the closing block.

The true heights are the program's (its fonts): the pages are measured with rows a little
taller, the print a little larger and the page a little shorter than expected, so each page set
here holds on paper and the program adds no break of its own (a page may hold a few rows fewer
than it could). A sheet that fits one page by this measure is left as it is.
Used by the public notices (notice_sheet) and the 资金拨付台账 (payments_ledger)."""

from __future__ import annotations

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

# points per spreadsheet column unit as LibreOffice prints the sheets (measured 6.4: fewer
# points, a larger print), a row whose height is not set (one line of 10-point text;
# LibreOffice gives it 15), and the share of the page's height counted on (a page held at
# least 94 % of its height between the margins)
UNIT_POINTS = 6.1
DEFAULT_ROW = 16.0
PAGE_SHARE = 0.9
KEEP_ROWS = 3          # the table's rows that go over with the closing block
PAPER_POINTS = {int(Worksheet.PAPERSIZE_A4): (595.3, 841.9),
                int(Worksheet.PAPERSIZE_A3): (841.9, 1190.6)}


def _heights(ws: Worksheet, end: int, default: float) -> list[float]:
    """Each row's height in points (index 0: row 1), `default` where it is not set."""
    dimensions = ws.row_dimensions
    return [float(dimensions[row].height) if row in dimensions and dimensions[row].height
            else default for row in range(1, end + 1)]


def _page_height(ws: Worksheet, units: float) -> float:
    """A page's printable height in the sheet's points (the print scaled to the page's width)."""
    paper = PAPER_POINTS.get(int(ws.page_setup.paperSize or Worksheet.PAPERSIZE_A4),
                             PAPER_POINTS[int(Worksheet.PAPERSIZE_A4)])
    wide, tall = (paper[1], paper[0]) if ws.page_setup.orientation == "landscape" else paper
    margins = ws.page_margins
    printable = wide - 72 * (margins.left + margins.right)
    scale = min(1.0, printable / (units * UNIT_POINTS))
    return (tall - 72 * (margins.top + margins.bottom)) / scale * PAGE_SHARE


def _breaks(heights: list[float], page: float, titles: tuple[int, int]) -> list[int]:
    """The rows that start a new page (rows after the title rows print below the titles)."""
    title_height = sum(heights[titles[0] - 1:titles[1]])
    starts, used = [], 0.0
    for row, height in enumerate(heights, start=1):
        if used + height > page and used > 0:
            starts.append(row)
            used = title_height if row > titles[1] else 0.0
        used += height
    return starts


def keep_closing_with_rows(ws: Worksheet, *, units: float, first: int, last: int,
                           end: int, title_rows: tuple[int, int]) -> list[int]:
    """Set the page breaks of a sheet longer than a page so that the closing block (rows
    last+1 … end) prints with the table's last KEEP_ROWS rows. `units`: the sheet's width in
    column units; `first`…`last`: the table's rows; `title_rows`: the rows repeated on every
    page. Reads the sheet's paper, orientation and margins (set them first). Returns the rows
    that start a page (none: the sheet is left to the program)."""
    heights = _heights(ws, end, DEFAULT_ROW)
    page = _page_height(ws, units)
    starts = _breaks(heights, page, title_rows)
    if last < first or not starts:
        return []
    keep = max(first, last - KEEP_ROWS + 1)
    if starts and starts[-1] > keep:   # the closing block (or part of it) on a page of its own
        kept = [row for row in starts if row < keep]
        title_height = sum(heights[title_rows[0] - 1:title_rows[1]])
        if title_height + sum(heights[keep - 1:end]) <= page and keep > first:
            starts = [*kept, keep]
    for row in starts:
        ws.row_breaks.append(Break(id=row - 1))
    return starts

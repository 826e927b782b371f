"""How an exported sheet prints: the paper, one page wide and centred, the rows repeated on
every page, and "page x of y" in the footer. The ledger and the public notice share it."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

PAGE_NUMBER = "第 &P 页，共 &N 页"


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

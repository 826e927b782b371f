"""The household compensation ledger (分户补偿台账), xlsx; with public=True the public notice.

The sheets and every row are described once, in `exports.ledger_layout` (汇总, 分户明细, the
sheets of the outcomes kept apart, 参数 and the hidden 核对); this module writes them. Written in
openpyxl's write-only mode: each household's rows are written as its record is read (a streamed
project keeps one batch of cases in memory), a row's height is forgotten once the row is
written, and the workbook goes to a temporary file, then is renamed into place. A cancelled or
failed export closes every sheet's stream before its temporary files are removed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak

from wulong_desk.errors import Cancelled
from wulong_desk.exports.ledger_layout import (
    LOOKS,
    Block,
    Formula,
    Info,
    Look,
    SheetSpec,
    layout,
)
from wulong_desk.exports.records import ProjectRecords
from wulong_desk.exports.sheet_style import (
    FONT_NAME,
    MARGINS,
    literal,
    page_footer,
    page_setup,
    workbook,
)
from wulong_desk.fileio import write_atomically
from wulong_desk.tempfiles import private_temp_files

PROGRESS_EVERY = 200


class SheetWriter:
    """One write-only sheet: set up from its SheetSpec, then written block after block."""

    def __init__(self, wb: Workbook, spec: SheetSpec):
        self.ws = ws = wb.create_sheet(spec.name)
        self.row = 0
        self.breaks: list[int] = []   # page breaks, after these rows (given to the sheet at the
        # end: openpyxl copies all of a sheet's breaks each time one is added)
        # each kind of cell is styled once, its style copied (styling a cell hashes its font,
        # border and fill: for 50,000 households that was most of the time)
        self.styles: dict[str, StyleArray] = {}
        for index, width in enumerate(spec.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if spec.default_height is not None:
            ws.sheet_format.defaultRowHeight = spec.default_height
            ws.sheet_format.customHeight = True
        if spec.hidden:
            ws.sheet_state = "hidden"
            return
        if spec.freeze:
            ws.freeze_panes = spec.freeze
        page_setup(ws, paper=spec.paper, landscape=spec.landscape, title_rows=spec.repeat_rows)
        for side, inches in MARGINS.items():
            setattr(ws.page_margins, side, inches)
        page_footer(ws, FONT_NAME, spec.footer or None)
        if spec.footer_right:
            ws.oddFooter.right.text = spec.footer_right
            ws.oddFooter.right.font = FONT_NAME

    def style(self, name: str) -> StyleArray:
        style = self.styles.get(name)
        if style is None:
            look: Look = LOOKS[name]
            cell = literal(self.ws, None)
            cell.font = look.font
            cell.alignment = look.alignment
            cell.number_format = look.number_format
            if look.border is not None:
                cell.border = look.border
            if look.fill is not None:
                cell.fill = look.fill
            style = self.styles[name] = cell._style
        return style

    def write(self, block: Block) -> None:
        ws = self.ws
        first = self.row + 1
        for row in block.rows:
            self.row += 1
            if row.height is not None:  # write-only: a row's size is set before it is written
                ws.row_dimensions[self.row].height = row.height
            cells: list[Any] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                value, look = cell
                if isinstance(value, Info):
                    value = value.value
                if isinstance(value, Formula):
                    made = WriteOnlyCell(ws, value=value.text)
                    made._style = StyleArray(self.style(look))
                    cells.append(made)
                else:
                    cells.append(literal(ws, value, self.style(look)))
            ws.append(cells)
            if row.height is not None:
                del ws.row_dimensions[self.row]   # written: kept no longer
        self.breaks += [first + offset for offset in block.breaks]
        if block.page_break:
            self.breaks.append(self.row)

    def finish(self) -> None:
        """What is written after the rows: the page breaks."""
        if self.breaks:
            self.ws.row_breaks = RowBreak(brk=[Break(id=row) for row in self.breaks])


def close_sheets(wb: Workbook) -> None:
    """Finish every sheet's stream (a cancelled or failed export): otherwise openpyxl finishes
    them when they are collected, writing to files already removed ("I/O operation on closed
    file")."""
    for ws in wb.worksheets:
        if not ws.closed:
            try:
                ws.close()
            except Exception:  # closing after a failure: that failure is the one reported
                pass


@private_temp_files  # openpyxl streams names and ID numbers through temporary files
def build_ledger(records: ProjectRecords, *, public: bool, operator: str,
                 exported_at: datetime | None = None,
                 progress: Callable[[int, int], bool | None] | None = None,
                 notice_period: tuple[date, date | None] | None = None) -> bytes:
    """The workbook as bytes. progress(done, total) may return False to cancel.
    The public notice is its own document (`wulong_desk.exports.notice`): with public=True,
    the 分户补偿情况公示 of the settled households, its 公示期 `notice_period`."""
    if public:
        from wulong_desk.exports.notice import build_notice

        return build_notice(records, period=notice_period).data
    exported_at = exported_at or datetime.now()
    total = len(records.entries)

    def tick(done: int) -> None:
        if progress is not None and done % PROGRESS_EVERY == 0 and progress(done, total) is False:
            raise Cancelled

    wb = workbook()
    sheets: dict[str, SheetWriter] = {}
    try:
        for item in layout(records, fingerprint=records.fingerprint, operator=operator,
                           exported_at=exported_at, tick=tick):
            if isinstance(item, SheetSpec):
                sheets[item.name] = SheetWriter(wb, item)
            else:
                sheets[item.sheet].write(item)
        for sheet in sheets.values():
            sheet.finish()
        buffer = io.BytesIO()
        wb.save(buffer)
    except BaseException:
        close_sheets(wb)
        raise
    if progress is not None:
        progress(total, total)
    return buffer.getvalue()


def write_bytes(data: bytes, out: Path, *, public: bool) -> Path:
    """The signed ledger is private to the operator; the public notice is not."""
    return write_atomically(Path(out), data, private=not public)


"""Reading the signed ledger back as a person finds things in it: a table by its 案卷编号
header, a household's row by its case number, its 分户明细 page by its title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wulong_desk.exports.ledger import build_ledger, write_bytes
from wulong_desk.exports.ledger_layout import DETAIL_SHEET, DETAIL_TITLE, TOTAL_MARK

HEADER = "案卷编号"


def write_ledger(records: Any, out: Path, *, public: bool, operator: str, **options: Any) -> Path:
    """The ledger written as the export writes it (build, then the atomic write)."""
    return write_bytes(build_ledger(records, public=public, operator=operator, **options),
                       Path(out), public=public)


def plain(value: Any) -> str:
    """A cell's text without the line breaks the ledger puts in long text."""
    return "" if value is None else str(value).replace("\n", "")


def header_row(ws) -> int:
    return next(r for r in range(1, 12) if plain(ws.cell(row=r, column=1).value) == HEADER)


def table(ws) -> tuple[list[str], dict[str, list[Any]], list[Any] | None, int]:
    """(headers, household rows by case number, the totals row, the header's row number)."""
    top = header_row(ws)
    headers = [plain(c.value) for c in ws[top]]
    body: dict[str, list[Any]] = {}
    totals = None
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        if row[0] in (TOTAL_MARK, "共计"):
            totals = list(row)
            break
        if row[0]:
            body[row[0]] = list(row)
    return headers, body, totals, top


def pages(wb) -> dict[str, list[list[Any]]]:
    """Every household's 分户明细 page as its rows' values, by case number."""
    out: dict[str, list[list[Any]]] = {}
    current = None
    for ws in wb.worksheets:
        if not ws.title.startswith(DETAIL_SHEET):
            continue
        for row in ws.iter_rows(values_only=True):
            if row and row[0] == DETAIL_TITLE:
                current = out.setdefault(row[3], [])
            if current is not None:
                current.append(list(row))
    return out


def page_line(page: list[list[Any]], label: str) -> list[Any]:
    return next(row for row in page if plain(row[0]) == label)


def params(wb) -> dict[str, str]:
    return {plain(r[0]).rstrip("："): plain(r[1]) for r in wb["参数"].iter_rows(values_only=True)
            if r and r[0] and len(r) > 1}

"""A survey workbook (调查登记) for import tests: the real template with the given rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from wulong_desk.services.survey import write_template


def survey_sheet(folder: Path, rows: list[list[Any]], name: str = "s.xlsx") -> Path:
    path = folder / name
    write_template(path)
    wb = load_workbook(path)
    ws = wb["调查登记"]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path

"""Workbooks for import tests: the app's own template (调查登记 survey, 房源 housing stock) with
the given rows appended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from wulong_desk.services.exchange.survey import write_template
from wulong_desk.services.money import housing


def survey_sheet(folder: Path, rows: list[list[Any]], name: str = "s.xlsx") -> Path:
    path = folder / name
    write_template(path)
    wb = load_workbook(path)
    ws = wb["调查登记"]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def housing_sheet(folder: Path, rows: list[list[Any]], name: str = "房源.xlsx") -> Path:
    path = folder / name
    path.write_bytes(housing.template_bytes())
    wb = load_workbook(path)
    ws = wb[housing.SHEET]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path

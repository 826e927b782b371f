"""A spreadsheet from outside is parsed with defusedxml (openpyxl's documented defence): XML that
declares entities — the way to an "XML bomb" or to reading local files — is refused, never
expanded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from wulong_desk.errors import UserError
from wulong_desk.services.exchange.survey import write_template

ENTITY = '<!DOCTYPE worksheet [<!ENTITY head "案卷编号">]>'


def test_openpyxl_parses_with_defusedxml():
    import defusedxml
    import openpyxl.xml

    assert defusedxml.__version__
    assert openpyxl.xml.DEFUSEDXML is True


def _with_an_entity(template: Path, out: Path) -> Path:
    """The survey template with its first heading given through a declared entity."""
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                start = text.index("<worksheet")
                text = text[:start] + ENTITY + text[start:]
                text = text.replace("<t>案卷编号</t>", "<t>&head;</t>", 1)
                assert "&head;" in text
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out


def test_a_survey_sheet_declaring_an_entity_is_refused(tmp_path):
    from store_helpers import project_form

    from wulong_desk.services.exchange.survey import import_survey
    from wulong_desk.services.projects import project as projects
    from wulong_desk.store import open_memory

    sheet = _with_an_entity(write_template(tmp_path / "blank.xlsx"), tmp_path / "bomb.xlsx")
    store = open_memory("甲")
    try:
        project_id = projects.create_project(store, project_form())
        with pytest.raises(UserError) as refused:
            import_survey(store, project_id, sheet)
        assert "不是有效的 xlsx 文件" in str(refused.value)
    finally:
        store.close()

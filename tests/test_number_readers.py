"""Review finding 6 (issue 15, one number reader): the payment amount on the command line and in
the payments dialog and the housing sheet's figures are read by rules.decimals.read_number, as
typed (full-width digits are read); separators, underscores, other scripts' digits and exponents
are refused with the field's name in Chinese, and nothing is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from store_helpers import case_form, project_form

from wulong_desk.cli import main
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.money import housing, payments
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store

BAD = ("1,000", "1_0", "٨٠", "1e3")


def _signed(store) -> int:
    project_id = projects.create_project(store, project_form(1))
    return cases.save_case(store, project_id, case_form(1, "A-001", status="signed"),
                           reason="测试：直接录入到这一阶段").case_id


def _paid(store, case_id) -> Decimal:
    with store.read() as session:
        return payments.case_account(session, case_id).paid


def test_payments_add_amount_is_read_strictly(tmp_path, capsys):
    db = tmp_path / "p.sqlite"
    store = open_store(db, "甲")
    case_id = _signed(store)
    store.close()
    base = ["payments", "add", "--case", str(case_id), "--date", "2023-08-02",
            "--db", str(db), "--operator", "出纳"]
    for text in BAD:
        assert main([*base, "--amount", text, "--voucher", f"V-{text}"]) == 2, text
        assert "金额" in capsys.readouterr().err
    assert main([*base, "--amount", "１０００．５", "--voucher", "V-ok"]) == 0
    store = open_store(db, "甲")
    assert _paid(store, case_id) == Decimal("1000.5")
    store.close()


@pytest.mark.usefixtures("no_blocking_boxes")
def test_payments_dialog_reads_strictly(qtbot, tmp_path, no_blocking_boxes):
    from wulong_desk.ui.payments_dialog import PaymentsDialog

    store = open_store(tmp_path / "d.sqlite", "甲")
    case_id = _signed(store)
    dialog = PaymentsDialog(store, case_id)
    qtbot.addWidget(dialog)
    for text in BAD:
        dialog.amount.setText(text)
        dialog.on.setText("2023-08-02")
        dialog.voucher.setText("V-1")
        dialog.record()
        assert "金额" in no_blocking_boxes[-1], text
        assert _paid(store, case_id) == 0
    dialog.amount.setText("２００")
    dialog.record()
    assert _paid(store, case_id) == Decimal("200")
    store.close()


def _sheet(tmp_path, rows):
    path = tmp_path / "房源.xlsx"
    path.write_bytes(housing.template_bytes())
    wb = load_workbook(path)
    for row in rows:
        wb[housing.SHEET].append(row)
    wb.save(path)
    return path


def test_housing_sheet_figures_are_read_strictly(tmp_path):
    store = open_store(tmp_path / "h.sqlite", "甲")
    project_id = projects.create_project(store, project_form(2))
    rows = [["住宅", "1栋", "1", str(100 + i), text, "", "4500"] for i, text in enumerate(BAD)]
    rows.append(["住宅", "1栋", "1", "201", "80", "", "4,800"])
    with pytest.raises(housing.HousingImportError) as caught:
        housing.import_stock(store, project_id, _sheet(tmp_path, rows))
    text = str(caught.value)
    for row in range(2, 2 + len(BAD)):
        assert f"安置房源!E{row}（建筑面积）" in text
    assert f"安置房源!G{2 + len(BAD)}（单价（元/㎡））" in text
    assert "千位分隔符" in text and "科学计数法" in text
    with store.read() as session:
        assert housing.list_stock(session, project_id) == []
    # full-width digits, as an input method types them, are read
    housing.import_stock(store, project_id,
                         _sheet(tmp_path, [["住宅", "1栋", "1", "101", "６０．５", "", "4500"]]))
    with store.read() as session:
        [unit] = housing.list_stock(session, project_id)
    assert Decimal(str(unit.area)) == Decimal("60.5")
    store.close()


@pytest.mark.parametrize("text", ["1e3", "1E3", "８e３"])
def test_a_typed_area_or_project_figure_in_scientific_notation_is_refused(tmp_path, text):
    """What a clerk types into the case editor or 项目设置 is written out: 1e3 is refused with
    the field named, never read as 1000 (it was, and saved 1000 m²)."""
    from wulong_desk.errors import InputError

    store = open_store(tmp_path / "d.sqlite", "甲")
    project_id = projects.create_project(store, project_form(1))
    form = case_form(1, "A-001")
    form["case"]["parts"][0]["area"] = text
    with pytest.raises(InputError) as refused:
        cases.save_case(store, project_id, form)
    assert "科学计数法" in str(refused.value.problems[0]) and "area" in \
        refused.value.problems[0].path
    with store.read() as session:
        assert cases.get_project(session, project_id) is not None
        from wulong_desk.store.models import Case
        assert session.query(Case).count() == 0
    bad = project_form(1) | {"residential_extra_area": text}
    with pytest.raises(InputError):
        projects.create_project(store, bad)
    store.close()

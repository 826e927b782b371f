"""The readings in the app: the project dialog shows each with its two choices, the article and
the money it moves; a change is audited (who, when, old → new) and recomputes only unsigned
cases, even in a project with signed ones; the GUI's 按新规则重算 shows the dry run first.

Expected figures are the spec's example 4 and its alternatives worked by hand
(tests/test_examples.py: L1 at 5% = 0.05 × 360000 × 8 = 144000.00; at 5‰ 14400.00)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import example
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from store_helpers import walk_to

from wulong_desk.rules import InputError
from wulong_desk.services import cases, examples, projects
from wulong_desk.services.calculation import stored_breakdown
from wulong_desk.store import open_memory, open_store
from wulong_desk.store.models import AuditEntry, Case, CaseResult, Project

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")

FIXTURE = Path(__file__).parent / "fixtures" / "contract1.sqlite"


def example_4_project(store, **extra) -> int:
    form = examples.project_form(example(4), 4, **extra)
    return projects.create_project(store, form)


def l1(store, case_id: int) -> str:
    with store.read() as session:
        line = next(line for line in stored_breakdown(session.get(Case, case_id))["lines"]
                    if line["code"] == "L1_INTERRUPT")
        return line["amount"], line["formula"]


def test_example_4_is_stored_with_its_figures_and_readings():
    store = open_memory("甲")
    project_id = example_4_project(store)
    saved = cases.save_case(store, project_id, examples.case_form(example(4), "E4-1"))
    with store.read() as session:
        record = stored_breakdown(session.get(Case, saved.case_id))
        assert record["totals"]["total"] == "908900.00"
        assert record["settlement"]["net_payable"] == "181720.00"
        parts = session.get(Case, saved.case_id).parts
        assert [p.registration for p in parts] == [
            "registered", "registered", "recognized", "temporary", "illegal"]
        assert [h.use for h in session.get(Case, saved.case_id).exchange_houses] == [
            "residential", "commercial"]
        assert session.get(CaseResult, saved.case_id).contract_revision == 2
    assert "项目选定的读法" in l1(store, saved.case_id)[1]
    store.close()


def test_a_reading_change_is_audited_and_recomputes_only_unsigned_cases():
    store = open_memory("王经办")
    project_id = example_4_project(store)
    unsigned = cases.save_case(store, project_id, examples.case_form(example(4), "E4-1"))
    in_period = examples.case_form(example(4), "E4-2")
    in_period["case"]["signed_on"] = "2023-09-15"   # signed within the period, not a presign
    signed = cases.save_case(store, project_id, in_period)
    walk_to(store, signed.case_id, "signed")
    assert l1(store, unsigned.case_id)[0] == l1(store, signed.case_id)[0] == "14400.00"
    with store.read() as session:
        form = projects.project_to_dict(session.get(Case, unsigned.case_id).project)
    form["exchange_interruption_rate"] = "0.05"      # back to the printed 5%
    projects.update_project(store, project_id, form)  # allowed though a case is signed
    amount, formula = l1(store, unsigned.case_id)
    assert amount == "144000.00" and "5%" in formula and "项目选定的读法" in formula
    assert l1(store, signed.case_id)[0] == "14400.00"    # the signed record is kept
    with store.read() as session:
        change = session.query(AuditEntry).filter(
            AuditEntry.entity == "project", AuditEntry.field == "exchange_interruption_rate"
        ).one()
        assert (change.old, change.new, change.operator) == ("0.005", "0.05", "王经办")
        assert change.at is not None
        warnings = stored_breakdown(session.get(Case, unsigned.case_id))["warnings"]
        assert any(w.startswith("L1_INTERRUPT") and "5%" in w for w in warnings)
    store.close()


def test_an_unknown_reading_is_refused_by_name():
    store = open_memory("甲")
    with pytest.raises(InputError, match=r"project\.ontime_reward_mixed"):
        example_4_project(store, ontime_reward_mixed="sometimes")
    store.close()


def test_the_project_dialog_shows_each_reading_with_its_article_and_money(qtbot, tmp_path):
    from wulong_desk.ui.project_dialog import ProjectDialog

    store = open_store(tmp_path / "r.sqlite", "甲")
    project_id = example_4_project(store)
    dialog = ProjectDialog(store, project_id)
    qtbot.addWidget(dialog)
    assert set(dialog.readings) == {"exchange_interruption_rate", "early_days_from",
                                    "second_move_requires_on_time", "ontime_reward_mixed"}
    combo = dialog.readings["exchange_interruption_rate"]
    assert combo.count() == 2 and "5‰" in combo.currentText()   # example 4 chose 5‰
    assert "标准第1项" in combo.toolTip()
    label = dialog.findChild(QLabel, "reading_exchange_interruption_rate_explain")
    assert "金额影响" in label.text()
    combo.setCurrentIndex(0)                    # the printed 5% (the default)
    dialog.dates["signing_start"][0].setChecked(True)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with store.read() as session:
        project = session.get(Project, project_id)
        assert str(project.exchange_interruption_rate) == "0.05"
    store.close()


def test_the_main_window_recalc_shows_the_dry_run_then_writes(qtbot, tmp_path):
    from wulong_desk.ui.main_window import MainWindow

    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, path)
    store = open_store(path, "界面测试")
    window = MainWindow(store)
    qtbot.addWidget(window)
    job = window.recalc()
    qtbot.waitUntil(lambda: getattr(window, "recalc_dialog", None) is not None, timeout=20000)
    assert job.outcome == "succeeded"
    dialog = window.recalc_dialog
    assert dialog.table.rowCount() == 36
    with store.read() as session:     # the dry run wrote nothing
        assert {r.contract_revision for r in session.query(CaseResult)} == {1}
    dialog.accept()
    qtbot.waitUntil(lambda: getattr(window, "recalc_job", None) is not None
                    and window.recalc_job.outcome is not None, timeout=20000)
    assert window.recalc_job.outcome == "succeeded"
    with store.read() as session:
        revisions = {c.case_no: c.result.contract_revision for c in session.query(Case)}
        statuses = {c.case_no: c.status for c in session.query(Case)}
    assert all(revisions[no] == (1 if statuses[no] == "signed" else 2) for no in revisions)
    window.close()
    store.close()


def test_documents_name_the_readings_and_list_the_buildings_without_a_title(tmp_path):
    """Example 4 (5‰ chosen) and the same case under the printed 5%: the agreement names the
    reading and lists the buildings without a title; the settlement sheet warns only under
    5%; the ledger has the V_UNREG column (28500.00, the spec's figure) and its 参数 sheet
    names every reading."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from wulong_desk.exports.agreement import build_pdf
    from wulong_desk.exports.ledger import build_ledger
    from wulong_desk.services.records import load_case, load_records

    def text_of(data: bytes) -> str:
        return "".join("".join(page.extract_text() for page in
                               PdfReader(io.BytesIO(data)).pages).split())

    store = open_memory("甲")
    permille = example_4_project(store)
    printed = example_4_project(store, name="示例项目4（按5%）",
                                exchange_interruption_rate="0.05")
    ids = {}
    for project_id in (permille, printed):
        ids[project_id] = cases.save_case(store, project_id,
                                          examples.case_form(example(4), "E4-1")).case_id
    with store.read() as session:
        project, entry = load_case(session, ids[permille])
        agreement = text_of(build_pdf("exchange", project, entry))
        sheet = text_of(build_pdf("settlement", project, entry))
        _, entry_5 = load_case(session, ids[printed])
        sheet_5 = text_of(build_pdf("settlement", load_case(session, ids[printed])[0], entry_5))
        records = load_records(session, permille)
    assert "按每月5‰（标准第1项；办法第四十二条）" in agreement
    assert "认定合法建筑（住宅）12.00m²" in agreement
    assert "认定违法建筑（生产用房）20.00m²" in agreement
    assert "不予补偿" in agreement and "商业" in agreement      # the commercial exchange house
    assert "提示" not in sheet
    assert "提示：" in sheet_5 and "5%" in sheet_5
    book = load_workbook(io.BytesIO(build_ledger(records, public=False, operator="甲")))
    ws = book.worksheets[0]
    header = [c.value for c in next(ws.iter_rows(min_row=4, max_row=4))]
    row = [c.value for c in next(ws.iter_rows(min_row=5, max_row=5))]
    assert str(row[header.index("未经登记建筑补偿")]) == "28500"
    assert "认定合法建筑" in row[header.index("未经登记建筑（办法第十八条）")]
    params = {r[0]: r[1] for r in book["参数"].iter_rows(values_only=True) if r and r[0]}
    assert "按每月5‰" in params["读法 产权调换停产停业损失的月比例"]
    assert len([k for k in params if str(k).startswith("读法 ")]) == 4
    assert params["计算规则版本"] == "第2版 1户"
    assert "GB/T 17986" in params["公摊系数的读法"]
    store.close()


def test_the_case_editor_shows_buildings_without_a_title_and_both_turnover_flags(qtbot,
                                                                                  tmp_path):
    """Example 4 in the editor: each part's 登记状态, V_UNREG 28,500.00 with the unpaid
    unlawful 20.00 m² beside it, the exchange houses' use; ticking 临时经营场所 stops L1 only
    (the spec: no L1 with turnover_premises; R9 stays 19,600.00)."""
    from wulong_desk.ui.case_editor import CaseEditor

    store = open_store(tmp_path / "e.sqlite", "甲")
    project_id = example_4_project(store)
    saved = cases.save_case(store, project_id, examples.case_form(example(4), "E4-1"))
    editor = CaseEditor(store, project_id, saved.case_id)
    qtbot.addWidget(editor)
    table = editor.ui.partsTable
    column = [c.key for c in editor.parts.columns].index("registration")
    assert [table.item(r, column).text() for r in range(5)] == [
        "证载", "证载", "认定合法", "临时建筑", "认定违法"]
    houses = editor.ui.housesTable
    use = [c.key for c in editor.houses.columns].index("use")
    assert [houses.item(r, use).text() for r in range(2)] == ["住宅", "商业/办公"]

    def shown(code: str) -> tuple[str, str]:
        lines = editor.panel.table
        for row in range(lines.rowCount()):
            if lines.item(row, 0).data(Qt.ItemDataRole.UserRole) == code:
                return lines.item(row, 1).text(), lines.item(row, 2).text()
        raise KeyError(code)

    amount, formula = shown("V_UNREG")
    assert amount == "28,500.00" and "20.00 m² 不予补偿" in formula
    assert shown("L1_INTERRUPT")[0] == "14,400.00"
    editor.premisesCheck.setChecked(True)
    editor.refresh()
    assert shown("L1_INTERRUPT")[0] == "0.00"
    assert shown("R9_TEMP")[0] == "19,600.00"
    assert editor.save()
    with store.read() as session:
        assert session.get(Case, saved.case_id).turnover_premises is True
    editor.close()
    store.close()


def test_a_package_carries_registration_turnover_premises_house_use_and_readings(tmp_path):
    """Example 4 through a case package: the other machine stores the same figures (the
    spec's 908,900.00), the same registrations, house uses and readings."""
    from wulong_desk.services.packages import export_cases, import_cases

    office = open_store(tmp_path / "office.sqlite", "甲")
    project_id = example_4_project(office)
    form = examples.case_form(example(4), "E4-1")
    form["case"]["exchange"]["turnover_premises"] = True    # L1 0: 908900.00 − 14400.00
    cases.save_case(office, project_id, form)
    out = tmp_path / "pkg.json"
    export_cases(office, project_id, out)
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    report = import_cases(laptop, out)
    with laptop.read() as session:
        case = session.query(Case).one()
        assert stored_breakdown(case)["totals"]["total"] == "894500.00"
        assert case.turnover_premises is True and case.turnover_house is False
        assert [p.registration for p in case.parts][2:] == ["recognized", "temporary",
                                                            "illegal"]
        assert case.parts[3].temporary_amount == Decimal("4500")
        assert [h.use for h in case.exchange_houses] == ["residential", "commercial"]
        project = session.get(Project, report.project_id)
        assert project.exchange_interruption_rate == Decimal("0.005")
        assert str(project.signing_start) == "2023-09-10"
    office.close()
    laptop.close()


def test_the_demo_project_has_every_kind_revision_2_added():
    from wulong_desk.services.demo import create_demo

    store = open_memory("甲")
    project_id = create_demo(store)
    with store.read() as session:
        demo = session.query(Case).filter(Case.project_id == project_id).all()
        registrations = {p.registration for c in demo for p in c.parts}
        assert registrations == {"registered", "recognized", "temporary", "illegal"}
        assert any(c.method == "exchange" and c.turnover_premises
                   and {p.use for p in c.parts} >= {"residential", "commercial"} for c in demo)
        assert any(c.status == "presigned" for c in demo)
        assert any(c.method == "exchange" and c.overdue_months for c in demo)
        assert any(h.use == "commercial" for c in demo for h in c.exchange_houses)
        computed = [c for c in demo if c.result is not None and c.result.ok]
        assert len(computed) == len(demo) - 1          # FR-0036 waits for its assessment
        unreg = [stored_breakdown(c) for c in computed
                 if any(p.registration != "registered" for p in c.parts)]
        amounts = sorted(next(line["amount"] for line in r["lines"] if line["code"] == "V_UNREG")
                         for r in unreg)
        assert amounts == ["0.00", "24000.00", "4500.00"]   # illegal; 12 × 2000; temporary
    store.close()

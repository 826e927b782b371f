"""The readings in the app (revision 3: `ontime_reward_mixed` and `decision_guide_reward`): the
project dialog shows each with its two choices, the article and the money it moves, and the
presign period and the decision's day; a change is audited (who, when, old → new) and recomputes
only unsigned cases, even in a project with signed ones; the GUI's 按新规则重算 shows the dry run
first.

Expected figures are the spec's example 4 worked by hand (tests/test_examples.py): total
1053200.00; moved on time, its mixed title earns R7 10000 + 20000 = 30000.00 under `both`,
20000.00 under `larger`."""

from __future__ import annotations

import errno
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import example
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from store_helpers import walk_to

from wulong_desk.errors import Cancelled
from wulong_desk.rules import InputError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.projects import examples
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory, open_store
from wulong_desk.store.models import AuditEntry, Case, CaseResult, Project

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")

FIXTURE = Path(__file__).parent / "fixtures" / "contract1.sqlite"


def example_4_project(store, **extra) -> int:
    form = examples.project_form(example(4), 4, **extra)
    return projects.create_project(store, form)


def line_of(store, case_id: int, code: str) -> tuple[str, str]:
    with store.read() as session:
        line = next(line for line in stored_breakdown(session.get(Case, case_id))["lines"]
                    if line["code"] == code)
        return line["amount"], line["formula"]


def l1(store, case_id: int) -> tuple[str, str]:
    return line_of(store, case_id, "L1_INTERRUPT")


def r7(store, case_id: int) -> str:
    return line_of(store, case_id, "R7_ONTIME")[0]


def on_time(case_no: str, **changes) -> dict:
    """Example 4 moved on time (its mixed title earns R7 under the reading), optionally signed
    in the signing period instead of as a presign."""
    form = examples.case_form(example(4), case_no)
    form["case"].update(moved_on_time=True, **changes)
    form["case"]["exchange"]["overdue_months"] = 0
    return form


IN_PERIOD = {"signed_on": "2023-09-15", "presign": False}   # a signing in the signing period


def test_example_4_is_stored_with_its_figures_and_readings():
    store = open_memory("甲")
    project_id = example_4_project(store)
    saved = cases.save_case(store, project_id, examples.case_form(example(4), "E4-1"))
    with store.read() as session:
        record = stored_breakdown(session.get(Case, saved.case_id))
        assert record["totals"]["total"] == "1053200.00"
        assert record["settlement"]["net_payable"] == "326020.00"
        assert record["schedule"] == {"before_move": "889600.00", "transition": "124800.00",
                                      "after_move": "0.00", "overdue": "38800.00"}
        result = session.get(CaseResult, saved.case_id)
        assert (result.before_move_cents, result.transition_cents, result.after_move_cents,
                result.overdue_cents) == (88960000, 12480000, 0, 3880000)
        assert session.get(Case, saved.case_id).presign is True
        parts = session.get(Case, saved.case_id).parts
        assert [p.registration for p in parts] == [
            "registered", "registered", "recognized", "temporary", "illegal"]
        assert [h.use for h in session.get(Case, saved.case_id).exchange_houses] == [
            "residential", "commercial"]
        assert session.get(CaseResult, saved.case_id).contract_revision == 3
        assert session.get(CaseResult, saved.case_id).exchange_interruption_rate is None
    assert l1(store, saved.case_id) == ("144000.00", "0.05 × 360000.00 × 8 = 144000.00")
    store.close()


def test_a_reading_change_is_audited_and_recomputes_only_unsigned_cases():
    store = open_memory("王经办")
    project_id = example_4_project(store)
    unsigned = cases.save_case(store, project_id, on_time("E4-1"))
    signed = cases.save_case(store, project_id, on_time("E4-2", **IN_PERIOD))
    walk_to(store, signed.case_id, "signed")
    assert r7(store, unsigned.case_id) == r7(store, signed.case_id) == "30000.00"
    with store.read() as session:
        form = projects.project_to_dict(session.get(Case, unsigned.case_id).project)
    form["ontime_reward_mixed"] = "larger"           # one 户 earns the larger reward
    projects.update_project(store, project_id, form)  # allowed though a case is signed
    amount, formula = line_of(store, unsigned.case_id, "R7_ONTIME")
    assert amount == "20000.00" and "一户只计较高的一项，项目选定的读法" in formula
    assert r7(store, signed.case_id) == "30000.00"    # the signed record is kept
    with store.read() as session:
        change = session.query(AuditEntry).filter(
            AuditEntry.entity == "project", AuditEntry.field == "ontime_reward_mixed").one()
        assert (change.old, change.new, change.operator) == ("both", "larger", "王经办")
        assert change.at is not None
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
    assert set(dialog.readings) == {"ontime_reward_mixed", "decision_guide_reward"}
    combo = dialog.readings["decision_guide_reward"]
    assert combo.count() == 2 and "照常" in combo.currentText()   # the default, as_plan
    assert "标准第5项说明1" in combo.toolTip()
    label = dialog.findChild(QLabel, "reading_decision_guide_reward_explain")
    assert "金额影响" in label.text()
    # the presign period came from example 4; the decision's day is not set yet
    for key, shown in (("presign_start", "2023-08-15"), ("presign_end", "2023-08-31")):
        field = dialog.dates[key]
        assert field.iso() == shown
        assert "办法第二十三条" in field.edit.toolTip()
    field = dialog.dates["decision_made_on"]
    assert field.iso() is None
    qtbot.keyClicks(field.edit, "2023/08/25")   # typed as a clerk types it
    combo.setCurrentIndex(1)                    # none: the plan limits it to signed households
    assert dialog.save().wait() == "succeeded"
    assert dialog.result() == dialog.DialogCode.Accepted
    with store.read() as session:
        project = session.get(Project, project_id)
        assert project.decision_guide_reward == "none"
        assert str(project.decision_made_on) == "2023-08-25"
    store.close()


# ---- saving 项目设置 recomputes the unsigned cases on a worker thread (ui/jobs.py)

@pytest.fixture
def three_unsigned_one_signed(tmp_path):
    """Example 4's project with three unsigned cases and one signed, all moved on time."""
    store = open_store(tmp_path / "settings.sqlite", "王经办")
    project_id = example_4_project(store)
    unsigned = [cases.save_case(store, project_id, on_time(f"E4-{n}")).case_id
                for n in (1, 2, 3)]
    signed = cases.save_case(store, project_id, on_time("E4-9", **IN_PERIOD)).case_id
    walk_to(store, signed, "signed")
    yield store, project_id, unsigned, signed
    store.close()


def test_the_service_reports_each_recomputed_case_and_stops_when_told(
        three_unsigned_one_signed):
    store, project_id, unsigned, signed = three_unsigned_one_signed
    with store.read() as session:
        form = projects.project_to_dict(session.get(Project, project_id))
    form["ontime_reward_mixed"] = "larger"
    told: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):      # answering False after the second case: nothing kept
        projects.update_project(store, project_id, form,
                                progress=lambda done, total: told.append((done, total))
                                or done < 2)
    assert told == [(1, 3), (2, 3)]
    assert [r7(store, case_id) for case_id in (*unsigned, signed)] == ["30000.00"] * 4
    told.clear()
    projects.update_project(store, project_id, form,
                            progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 3), (2, 3), (3, 3)]     # the signed case is not counted: never touched
    assert [r7(store, case_id) for case_id in unsigned] == ["20000.00"] * 3
    assert r7(store, signed) == "30000.00"


class HeldAtTheSecondCase:
    """Stands in for the service's refigure_in_session where a project's unsigned cases are
    recomputed (services/cases/recalc.py): records the thread each case is recomputed on, and
    holds a worker thread at the second case until `go_on` (the GUI thread never waits: there
    it would hang). `fail` is raised there instead of recomputing."""

    def __init__(self, monkeypatch, fail: Exception | None = None):
        from wulong_desk.services.cases import recalc

        self.real = recalc.refigure_in_session
        self.seen: list[tuple[threading.Thread, int]] = []
        self.at_second, self.go_on = threading.Event(), threading.Event()
        self.fail = fail
        monkeypatch.setattr(recalc, "refigure_in_session", self)

    def __call__(self, session, case, **options):
        self.seen.append((threading.current_thread(), case.id))
        if len(self.seen) == 2 and threading.current_thread() is not threading.main_thread():
            self.at_second.set()
            self.go_on.wait(timeout=30)
            if self.fail is not None:
                raise self.fail
        self.real(session, case, **options)


def _settings_dialog(qtbot, store, project_id):
    from wulong_desk.ui.project_dialog import ProjectDialog

    dialog = ProjectDialog(store, project_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.readings["ontime_reward_mixed"].setCurrentIndex(1)   # the larger reward only
    return dialog


def test_saving_settings_recomputes_on_a_worker_thread_with_progress_the_form_locked(
        qtbot, three_unsigned_one_signed, monkeypatch):
    store, project_id, unsigned, signed = three_unsigned_one_signed
    held = HeldAtTheSecondCase(monkeypatch)
    dialog = _settings_dialog(qtbot, store, project_id)
    job = dialog.save()
    assert job is not None, "项目设置 was saved on the GUI thread"
    qtbot.waitUntil(held.at_second.is_set)
    # the worker is held at the second case; the GUI thread goes on and shows the first counted
    qtbot.waitUntil(lambda: (job.dialog.maximum(), job.dialog.value()) == (3, 1))
    assert "正在保存项目设置" in job.dialog.labelText()
    assert not dialog.buttons.isEnabled() and not dialog.readings[
        "ontime_reward_mixed"].isEnabled()       # no second change meanwhile
    assert dialog.save() is job                          # (nor a second save)
    dialog.reject()                                      # Esc while saving: it stays open
    assert dialog.isVisible() and "正在保存" in dialog.note.text()
    held.go_on.set()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert job.outcome == "succeeded" and dialog.saved_id == project_id
    assert all(thread is not threading.main_thread() for thread, _ in held.seen)
    assert sorted(case_id for _, case_id in held.seen) == sorted(unsigned)
    assert [r7(store, case_id) for case_id in unsigned] == ["20000.00"] * 3
    assert r7(store, signed) == "30000.00"            # the signed record is kept


@pytest.mark.parametrize("ending", ["failed", "cancelled"])
def test_a_failed_or_cancelled_save_keeps_the_dialog_open_with_the_input_and_writes_nothing(
        qtbot, three_unsigned_one_signed, monkeypatch, no_blocking_boxes, ending):
    store, project_id, unsigned, signed = three_unsigned_one_signed
    full = OSError(errno.ENOSPC, "No space left on device")
    held = HeldAtTheSecondCase(monkeypatch, fail=full if ending == "failed" else None)
    dialog = _settings_dialog(qtbot, store, project_id)
    dialog.texts["appraiser"].setText("重庆某评估公司")
    job = dialog.save()
    assert job is not None, "项目设置 was saved on the GUI thread"
    qtbot.waitUntil(held.at_second.is_set)
    if ending == "cancelled":
        job.cancel()                    # the progress dialog's 取消
    held.go_on.set()
    qtbot.waitUntil(lambda: job.outcome is not None)
    assert job.outcome == ending
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.buttons.isEnabled()
    assert dialog.readings["ontime_reward_mixed"].currentIndex() == 1
    assert dialog.texts["appraiser"].text() == "重庆某评估公司"
    if ending == "failed":
        assert no_blocking_boxes == [
            "不能保存: 磁盘已满。请删除不需要的文件、清出空间（或换一个有空间的位置）后重试。"
            "已保存的数据没有丢失，本次操作未完成。"]
    else:
        assert no_blocking_boxes == []
        assert "已取消保存" in dialog.note.text()
    with store.read() as session:
        project = session.get(Project, project_id)
        assert project.ontime_reward_mixed == "both"   # as it was
        assert project.appraiser != "重庆某评估公司"
    assert [r7(store, case_id) for case_id in (*unsigned, signed)] == ["30000.00"] * 4


def test_a_refused_setting_names_its_field_in_chinese(qtbot, three_unsigned_one_signed,
                                                      no_blocking_boxes):
    store, project_id, _unsigned, _signed = three_unsigned_one_signed
    dialog = _settings_dialog(qtbot, store, project_id)
    dialog.threshold.setText("0.85")   # 办法第二十三条: not below 0.90
    job = dialog.save()
    assert job is not None and job.wait() == "failed"
    assert dialog.isVisible() and dialog.threshold.text() == "0.85"
    assert len(no_blocking_boxes) == 1
    assert "「预签生效比例」：不能小于 0.90（办法第二十三条" in no_blocking_boxes[0]
    assert "project." not in no_blocking_boxes[0]


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
    assert all(revisions[no] == (1 if statuses[no] == "signed" else 3) for no in revisions)
    window.close()
    store.close()


def test_documents_name_the_readings_and_list_the_buildings_without_a_title(tmp_path):
    """Example 4: the agreement lists the buildings without a title and no longer states the
    readings (issue 26: {读法说明} prints nothing; the figures' formulas name them); the
    settlement sheet says nothing of the gazette's print (issue 28); the ledger has the V_UNREG
    column (28500.00, the spec's figure) and its 参数 sheet names both readings and the
    revision."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from wulong_desk.exports.household_papers import build_pdf
    from wulong_desk.exports.ledger import build_ledger
    from wulong_desk.services.documents.records import load_case, load_records

    def text_of(data: bytes) -> str:
        return "".join("".join(page.extract_text() for page in
                               PdfReader(io.BytesIO(data)).pages).split())

    store = open_memory("甲")
    project_id = example_4_project(store)
    case_id = cases.save_case(store, project_id,
                              examples.case_form(example(4), "E4-1")).case_id
    with store.read() as session:
        project, entry = load_case(session, case_id)
        agreement = text_of(build_pdf("exchange", project, entry))
        sheet = text_of(build_pdf("settlement", project, entry))
        records = load_records(session, project_id)
    assert "读法" not in agreement and "分别计奖" not in agreement
    assert "5‰" not in agreement
    assert "认定合法建筑（住宅）12.00m²" in agreement
    assert "认定违法建筑（生产用房）20.00m²" in agreement
    assert "不予补偿" in agreement and "商业" in agreement      # the commercial exchange house
    # nothing about the gazette's print on a sheet a household gets (issue 28)
    assert "提示：" not in sheet and "公报" not in sheet and "所印" not in sheet
    from ledger_helpers import page_line, pages, plain
    from ledger_helpers import params as params_of

    book = load_workbook(io.BytesIO(build_ledger(records, public=False, operator="甲")))
    page = pages(book)["E4-1"]
    assert Decimal(str(page_line(page, "未经登记建筑补偿")[3])) == Decimal("28500.00")
    assert "认定合法建筑" in plain(page_line(page, "未经登记建筑（办法第十八条）")[1])
    params = params_of(book)
    assert [k for k in params if str(k).startswith("读法 ")] == [
        "读法 同一产权既有住宅又有非住宅的按期搬迁奖励", "读法 以补偿决定结案的引导奖励"]
    assert not [k for k in params if str(k).startswith("已取消的读法")]
    assert params["计算规则版本"] == "第3版 1户"
    assert "GB/T 17986" in params["公摊系数的读法"]
    store.close()


def test_the_case_editor_shows_buildings_without_a_title_and_both_turnover_flags(qtbot,
                                                                                  tmp_path):
    """Example 4 in the editor: each part's 登记状态, V_UNREG 28,500.00 with the unpaid
    unlawful 20.00 m² beside it, the exchange houses' use, 预签协议 ticked; ticking 临时经营场所
    stops L1 only (the spec: no L1 with turnover_premises; R9 stays 19,600.00)."""
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
    assert shown("L1_INTERRUPT")[0] == "144,000.00"
    assert editor.presignCheck.isChecked()
    assert not editor.ui.basicForm.isRowVisible(editor.decidedLabel)   # no 补偿决定
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
    spec's 1,053,200.00 less its L1 of 144,000.00), the same registrations, house uses, presign
    and presign period."""
    from wulong_desk.services.exchange.packages import export_cases, import_cases

    office = open_store(tmp_path / "office.sqlite", "甲")
    project_id = example_4_project(office)
    form = examples.case_form(example(4), "E4-1")
    form["case"]["exchange"]["turnover_premises"] = True    # L1 0: 1053200.00 − 144000.00
    cases.save_case(office, project_id, form)
    out = tmp_path / "pkg.json"
    export_cases(office, project_id, out)
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    report = import_cases(laptop, out)
    with laptop.read() as session:
        case = session.query(Case).one()
        assert stored_breakdown(case)["totals"]["total"] == "909200.00"
        assert case.presign is True and str(case.signed_on) == "2023-08-20"
        assert case.turnover_premises is True and case.turnover_house is False
        assert [p.registration for p in case.parts][2:] == ["recognized", "temporary",
                                                            "illegal"]
        assert case.parts[3].temporary_amount == Decimal("4500")
        assert [h.use for h in case.exchange_houses] == ["residential", "commercial"]
        project = session.get(Project, report.project_id)
        assert str(project.signing_start) == "2023-09-10"
        assert (str(project.presign_start), str(project.presign_end)) == ("2023-08-15",
                                                                          "2023-08-31")
    office.close()
    laptop.close()


def test_the_demo_project_has_every_kind_revisions_2_and_3_added():
    from wulong_desk.services.projects.demo import create_demo

    store = open_memory("甲")
    project_id = create_demo(store)
    with store.read() as session:
        demo = session.query(Case).filter(Case.project_id == project_id).all()
        registrations = {p.registration for c in demo for p in c.parts}
        assert registrations == {"registered", "recognized", "temporary", "illegal"}
        assert any(c.method == "exchange" and c.turnover_premises
                   and {p.use for p in c.parts} >= {"residential", "commercial"} for c in demo)
        # revision 3: presigns inside the project's presign period, before the decision; the
        # demo is after its decision (issue 27): both became 补偿协议 and are still computed
        # from their presign days, effective from the service of their reports
        project = session.get(Project, project_id)
        assert project.presign_start and project.presign_end and project.decision_made_on
        assert project.decision_state == "decided"
        presigns = [c for c in demo if c.presign]
        assert len(presigns) == 2 and {c.status for c in presigns} == {"signed"}
        assert all(c.converted_on is not None for c in presigns)
        assert all(project.presign_start <= c.signed_on <= project.presign_end
                   and c.signed_on < project.decision_made_on for c in presigns)
        # unsigned cases are computed at signing, with the undertaking to move on time
        assert all(c.moved_on_time for c in demo if c.status in ("surveyed", "assessed",
                                                                 "reviewed"))
        assert any(c.status == "moved" and not c.moved_on_time for c in demo)
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


def test_the_case_editor_checks_a_presign_against_its_period(qtbot, tmp_path):
    """Revision 3 in the editor: 预签协议 ticked, a date after the presign period is marked at
    the 签约日期 and listed naming the other fields by their form labels; unticked, the same
    date before the announcement is refused as a signing; a 补偿决定's date is shown read-only."""

    from wulong_desk.ui.case_editor import CaseEditor

    store = open_store(tmp_path / "p.sqlite", "甲")
    project_id = example_4_project(store)
    saved = cases.save_case(store, project_id, examples.case_form(example(4), "E4-1"))
    editor = CaseEditor(store, project_id, saved.case_id)
    qtbot.addWidget(editor)
    def listed() -> list[str]:
        return [editor.panel.messages.item(i).text()
                for i in range(editor.panel.messages.count())]

    assert editor.presignCheck.isChecked()
    assert not [text for text in listed() if "签约日期" in text]   # 2023-08-20 is in its period
    editor.ui.signedDate.edit.clear()
    qtbot.keyClicks(editor.ui.signedDate.edit, "2023-09-05")
    editor.refresh()
    period = "不在预签期限「预签期限首日」2023-08-15 至「预签期限末日」2023-08-31 之内"
    assert any("「签约日期」" in text and period in text for text in listed()), listed()
    assert "#ffd6d6" in editor.ui.signedDate.edit.styleSheet()
    assert "project." not in editor.ui.signedDate.toolTip()
    qtbot.mouseClick(editor.presignCheck, Qt.MouseButton.LeftButton)   # not a presign, then
    assert not editor.presignCheck.isChecked()
    editor.refresh()
    start = "早于「签约期限首日」2023-09-10"
    assert any(start in text for text in listed()), listed()
    assert not editor.ui.basicForm.isRowVisible(editor.decidedLabel)
    editor.close()
    decided = examples.case_form(example(2), "D-1")
    decided["case"].update(signed_on=None, decided_on="2023-08-15")
    other = projects.create_project(store, examples.project_form(example(2), 2))
    case_id = cases.save_case(store, other, decided).case_id
    editor = CaseEditor(store, other, case_id)
    qtbot.addWidget(editor)
    assert editor.ui.basicForm.isRowVisible(editor.decidedLabel)
    assert editor.decidedLabel.text() == "2023-08-15"
    assert editor.form()["case"]["decided_on"] == "2023-08-15"   # carried on a save
    assert not editor.dirty()
    editor.close()
    store.close()


def test_the_decision_day_may_be_set_after_the_presigns_if_they_stay_valid():
    """The day the decision was made is often known only after the presigns: it (and the
    presign period) may be set while signed cases exist — they change no figure — unless a
    signed presign would no longer be before the decision or inside its period."""
    from wulong_desk.errors import UserError

    store = open_memory("甲")
    project_id = example_4_project(store, old_town=True)
    form = examples.case_form(example(4), "E4-1")
    form["case"]["exchange"]["overdue_months"] = 0   # (a delay is an event after the move)
    presign = cases.save_case(store, project_id, form).case_id
    walk_to(store, presign, "reviewed")
    cases.set_status(store, presign, "presigned")          # signed 2023-08-20
    with store.read() as session:
        form = projects.project_to_dict(session.get(Project, project_id))
    with pytest.raises(UserError, match=r"E4-1.*须早于征收决定作出日"):
        projects.update_project(store, project_id, form | {"decision_made_on": "2023-08-18"})
    with pytest.raises(UserError, match=r"E4-1.*不在预签期限"):
        projects.update_project(store, project_id, form | {"presign_end": "2023-08-19"})
    projects.update_project(store, project_id, form | {"decision_made_on": "2023-08-25"})
    with store.read() as session:
        assert str(session.get(Project, project_id).decision_made_on) == "2023-08-25"
        # example 4's total 1,053,200.00 less its overdue bucket 38,800.00 (no delay at
        # signing): untouched by the decision day
        assert session.get(Case, presign).result.total_cents == 101440000
    with pytest.raises(UserError, match="不能修改影响金额的项目选项"):   # a figure: still locked
        projects.update_project(store, project_id, form | {"zone": "outer"})
    store.close()

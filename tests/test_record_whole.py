"""The record is whole before it moves, and the screens tell the truth (issue 29 items 3 and 5):
a case needs its household and a house; a project's dates in order, the rule named; nothing
typed is dropped by a save; full-width search; a deleted case brought back; the due list of an
empty project; counts beside totals; history in words; the lock names the stage."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select
from store_helpers import case_form, project_form, project_with_case, walk_to

from wulong_desk.errors import InputError, UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.history import describe
from wulong_desk.services.cases.removed import removed_cases
from wulong_desk.services.cases.search import search_cases, sum_totals
from wulong_desk.services.procedure.due_list import due_list
from wulong_desk.services.projects import project as projects
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.store import open_store
from wulong_desk.store.models import Case

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "whole.sqlite", "王经办")
    yield s
    s.close()


def paths(caught) -> list[str]:
    return [p.path for p in caught.value.problems]


# ---- a case names its household and holds a house ----------------------------------------------

@pytest.mark.parametrize(("remove", "named"), [
    ("owners", ["owners"]), ("parts", ["case.parts"]), ("both", ["owners", "case.parts"])])
def test_a_case_without_its_household_or_a_house_is_not_saved(store, remove, named):
    project_id = projects.create_project(store, project_form(2))
    form = case_form(2)
    if remove in ("owners", "both"):
        form["owners"] = []
    if remove in ("parts", "both"):
        form["case"]["parts"] = []
    with pytest.raises(InputError) as caught:
        cases.save_case(store, project_id, form)
    assert paths(caught) == named
    with store.read() as session:
        assert session.execute(select(Case)).first() is None


def test_an_owner_cannot_be_taken_off_a_saved_case_either(store):
    project_id, case_id = project_with_case(store)
    with store.read() as session:
        form = case_to_form(cases.get_case(session, case_id))
    form["owners"] = []
    with pytest.raises(InputError) as caught:
        cases.save_case(store, project_id, form, case_id)
    assert paths(caught) == ["owners"]
    assert "至少要有一位被征收人" in caught.value.problems[0].message


# ---- nothing typed is dropped by a save ------------------------------------------------------

@pytest.mark.parametrize(("item", "refused"), [
    ({"name": "车床", "reusable": True, "net_value": "8000", "assessed_value": "5000"},
     "assessed_value"),
    ({"name": "烘干线", "reusable": False, "assessed_value": "15000", "net_value": "9000"},
     "net_value"),
    ({"name": "烘干线", "reusable": False, "assessed_value": "15000", "rate": "0.15"}, "rate"),
])
def test_a_value_of_the_other_kind_of_equipment_is_refused_not_dropped(store, item, refused):
    """A movable item's 评估价值 was stored, read back as blank and cleared by the next save."""
    project_id = projects.create_project(store, project_form(2))
    form = case_form(2)
    form["case"]["equipment"] = [item]
    with pytest.raises(InputError) as caught:
        cases.save_case(store, project_id, form)
    assert paths(caught) == [f"case.equipment[0].{refused}"]


def test_what_is_saved_reads_back_exactly(store):
    project_id = projects.create_project(store, project_form(3))
    form = case_form(3)
    saved = cases.save_case(store, project_id, form)
    with store.read() as session:
        again = case_to_form(cases.get_case(session, saved.case_id))
    # the editor's next save sends exactly this: nothing changes, nothing is audited
    cases.save_case(store, project_id, copy.deepcopy(again), saved.case_id)
    assert [e.action for e in cases.history(store, saved.case_id)].count("update") == 0


def test_a_temporary_amount_on_a_titled_part_is_refused_not_dropped(store):
    project_id = projects.create_project(store, project_form(2))
    form = case_form(2)
    form["case"]["parts"][0]["temporary_amount"] = "3000"
    with pytest.raises(InputError) as caught:
        cases.save_case(store, project_id, form)
    assert paths(caught) == ["case.parts[0].temporary_amount"]


# ---- project dates in order, the rule named ----------------------------------------------------

@pytest.mark.parametrize(("extra", "path", "before"), [
    ({"move_deadline": "2023-07-01"}, "project.move_deadline", "签约期限届满日"),
    ({"signing_deadline": "2023-05-01"}, "project.signing_deadline", "征收决定公告日"),
    ({"signing_start": "2023-05-01"}, "project.signing_start", "征收决定公告日"),
])
def test_project_dates_out_of_order_are_refused_naming_the_rule(store, extra, path, before):
    form = project_form(2, **extra)      # announced 2023-05-10, deadline 2023-07-10
    with pytest.raises(InputError) as caught:
        projects.create_project(store, form)
    assert paths(caught) == [path]
    message = caught.value.problems[0].message
    assert f"早于「{before}」" in message
    assert "征收决定公告日 ≤ 签约期限首日 ≤ 签约期限届满日 ≤ 搬迁期限" in message


def test_an_old_town_projects_presigns_have_their_own_period_before_the_announcement(store):
    """Revision 3: its presigns are signed in their own period before the decision (办法第二十三
    条); the 签约期限 opens after the announcement, as in any project."""
    form = project_form(2, signing_start="2023-05-01", old_town=True,
                        move_deadline="2023-09-30")
    with pytest.raises(InputError) as caught:
        projects.create_project(store, form)
    assert paths(caught) == ["project.signing_start"]
    assert "征收决定公告日" in str(caught.value)
    form = project_form(2, signing_start="2023-05-10", old_town=True, move_deadline="2023-09-30",
                        presign_start="2023-04-20", presign_end="2023-05-05")
    assert projects.create_project(store, form)


def test_dates_in_order_are_taken(store):
    form = project_form(2, signing_start="2023-05-10", move_deadline="2023-07-10")
    assert projects.create_project(store, form)


def test_a_project_date_outside_1990_to_2100_is_refused(store):
    with pytest.raises(InputError) as caught:
        projects.create_project(store, project_form(2, move_deadline="9999-12-31"))
    assert paths(caught) == ["project.move_deadline"]


def test_a_locked_option_is_named_by_its_form_label(store):
    project_id, case_id = project_with_case(store)
    walk_to(store, case_id, "signed")
    with store.read() as session:
        form = projects.project_to_dict(cases.get_project(session, project_id))
    form["equipment_rate"] = "0.12"
    with pytest.raises(UserError) as caught:
        projects.update_project(store, project_id, form)
    assert "「可搬迁设备补助比例」" in str(caught.value)
    assert "equipment_rate" not in str(caught.value)


# ---- full-width search -------------------------------------------------------------------------

def test_full_width_digits_and_letters_are_searched(store):
    project_id = projects.create_project(store, project_form(2))
    cases.save_case(store, project_id, case_form(2, "FR-0008", address="巷口街８号"))
    cases.save_case(store, project_id, case_form(2, "FR-0009", address="巷口街9号"))
    with store.read() as session:
        def found(text: str) -> list[str]:
            return [row.case_no for row in search_cases(session, project_id, text)]

        assert found("ＦＲ－０００９") == ["FR-0009"]   # typed full-width, stored half-width
        assert found("8号") == ["FR-0008"]             # typed half-width, stored full-width
        assert found("８号") == ["FR-0008"]
        assert found("巷口街") == ["FR-0008", "FR-0009"]
        assert sum_totals(session, project_id, "ｆｒ－０００９").count == 1


# ---- the screens tell the truth ---------------------------------------------------------------

def test_a_deleted_case_is_listed_and_brought_back_once(store):
    project_id, case_id = project_with_case(store)
    cases.delete_case(store, case_id)
    [gone] = removed_cases(store, project_id)
    assert (gone.case_no, gone.operator) == ("A-001", "王经办") and gone.owners
    restored = cases.restore_removed(store, gone.entry_id)
    assert removed_cases(store, project_id) == []      # back: no longer listed
    with pytest.raises(UserError, match="已经恢复过"):
        cases.restore_removed(store, gone.entry_id)
    with store.read() as session:
        assert cases.get_case(session, restored.case_id).case_no == "A-001"


def test_an_empty_projects_deadlines_are_ahead_not_done(store):
    project_id = projects.create_project(store, project_form(
        2, announced_on="2026-06-01", signing_deadline="2026-12-31",
        move_deadline="2027-03-31"))
    with store.read() as session:
        items = due_list(session, project_id, date(2026, 7, 1))
    states = {item.what.split("（")[0]: item.state_label for item in items}
    assert states == {"签约期限届满": "未到期", "搬迁期限届满": "未到期"}


def test_the_count_says_how_many_voids_the_total_leaves_out(store):
    project_id, case_id = project_with_case(store)
    cases.save_case(store, project_id, case_form(2, "A-002"))
    walk_to(store, case_id, "signed")
    cases.void_case(store, case_id, "协议解除，另行重签")
    with store.read() as session:
        totals = sum_totals(session, project_id)
    assert (totals.count, totals.voided) == (2, 1)
    assert f"{totals.total:.2f}" == "235004.00"       # the one case still owed (spec example 2)


@pytest.mark.parametrize(("action", "reason", "change", "why"), [
    ("unlock", "评估报告单价更正", "解锁，可更正金额相关数据", "评估报告单价更正"),
    ("relock", "更正后保存，自动锁定", "重新锁定", "更正后保存，自动锁定"),
    ("relock", None, "重新锁定", "未保存更正即关闭案卷，自动重新锁定"),
])
def test_unlocking_and_relocking_are_told_in_words(action, reason, change, why):
    old, new = ("true", "false") if action == "unlock" else ("false", "true")
    row = describe("2026-03-01 02:00:00", "甲", action, "case", "locked", old, new, reason)
    assert (row.change, row.reason) == (change, why)
    assert "是" not in row.change and "否" not in row.change


@pytest.mark.parametrize(("status", "shown"), [
    ("presigned", "预签"), ("signed", "已签约"), ("moved", "已搬迁"), ("void", "作废")])
def test_the_lock_label_names_the_stage_the_case_is_locked_at(qtbot, tmp_path, status, shown):
    from wulong_desk.ui.case_editor import CaseEditor

    store = open_store(tmp_path / "lock.sqlite", "甲")
    # (presigns wait for the decision in the demo before it; the other one is after it)
    project_id = create_demo(store, stage="presign" if status == "presigned" else "decided")
    with store.read() as session:
        wanted = "signed" if status in ("moved", "void") else status
        case_id = session.execute(select(Case.id).where(Case.status == wanted)
                                  .order_by(Case.id)).scalar()
    if status == "moved":
        cases.set_status(store, case_id, "moved", moved_on=date(2023, 10, 1))
    if status == "void":
        cases.void_case(store, case_id, "协议解除，另行重签")
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    assert editor.ui.lockLabel.text() == f"【已锁定】{shown}，金额相关数据不能修改"
    editor.close()
    store.close()


def test_backspace_clears_a_cell_and_a_locked_table_keeps_it(qtbot, tmp_path):
    from wulong_desk.ui.case_editor import CaseEditor

    store = open_store(tmp_path / "keys.sqlite", "甲")
    project_id, case_id = project_with_case(store)
    editor = CaseEditor(store, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.ui.partsTable
    table.setFocus()
    table.setCurrentCell(0, 3)                          # 评估单价
    QTest.keyClick(table, Qt.Key.Key_Backspace)
    assert table.item(0, 3).text() == "" and editor.dirty()
    editor.revert()
    walk_to(store, case_id, "signed")
    editor.load()
    table.setFocus()
    table.setCurrentCell(0, 3)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert table.item(0, 3).text() != ""                # a locked figure is not cleared
    editor.close()
    store.close()


def test_every_line_of_the_dashboard_has_its_label_and_its_bar(qtbot, tmp_path):
    """The chart labelled 7 of its 14 bars on a laptop screen."""
    from wulong_desk.ui.dashboard import SHARE_ROLE, Dashboard

    store = open_store(tmp_path / "board.sqlite", "甲")
    project_id = create_demo(store)
    board = Dashboard(store)
    qtbot.addWidget(board)
    board.show()
    board.set_project(project_id)
    board.wait()
    table = board.lines_table
    labels = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert len(labels) == 15 and labels[-1] == "合计" and "其他" not in labels
    shares = [table.item(row, 2).data(SHARE_ROLE) for row in range(14)]
    assert all(share is not None for share in shares)
    assert abs(sum(shares) - 1) < Decimal("1e-20")     # the shares of one total
    store.close()


def test_a_project_field_is_named_in_messages_as_the_dialog_labels_it(qtbot, store):
    """「住宅增加面积」 in a message, 住宅额外奖励面积 on the form: one name, from one place."""
    from PySide6.QtWidgets import QFormLayout

    from wulong_desk.services.cases.field_names import describe
    from wulong_desk.ui.project_dialog import ProjectDialog

    dialog = ProjectDialog(store)
    qtbot.addWidget(dialog)
    fields = {**dialog.texts, **dialog.dates, **dialog.options,
              "presign_threshold": dialog.threshold}
    named = {}
    for layout in dialog.findChildren(QFormLayout):
        for key, widget in fields.items():
            label = layout.labelForField(widget)
            if label is not None:
                named[key] = label.text().split("（")[0]
    assert set(named) == set(fields)
    for key, label in named.items():
        assert describe(f"project.{key}", "应为数字") == f"「{label}」：应为数字", key

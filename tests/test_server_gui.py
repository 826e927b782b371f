"""Several people at once, on screen (issue 18, item 4): a save that meets someone else's newer
save shows both versions field by field and saves only what the user chooses; the main window
notices others' changes (on focus and every minute)."""

from __future__ import annotations

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services import cases, projects
from wulong_desk.services.case_form import case_to_form
from wulong_desk.store import open_store
from wulong_desk.ui.case_editor import CaseEditor
from wulong_desk.ui.versions_dialog import VersionsDialog

pytestmark = pytest.mark.usefixtures("no_blocking_boxes")


@pytest.fixture
def two_people(tmp_path, qapp):
    """One database, two people: `mine` has the editor open, `other` saves meanwhile."""
    path = tmp_path / "office.sqlite"
    mine = open_store(path, "甲")
    project_id = projects.create_project(mine, project_form())
    case_id = cases.save_case(mine, project_id, case_form(case_no="A-001")).case_id
    other = open_store(path, "乙")
    yield mine, other, project_id, case_id
    other.close()
    mine.close()


def save_by_other(other, project_id, case_id):
    with other.read() as session:
        form = case_to_form(cases.get_case(session, case_id))
    form["remarks"] = "乙写的备注"
    form["case"]["parts"][0]["decoration_value"] = "6500"
    cases.save_case(other, project_id, form, case_id)


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_conflicting_save_shows_both_versions_and_keeps_the_chosen_one(qtbot, two_people,
                                                                         monkeypatch, choice):
    mine, other, project_id, case_id = two_people
    editor = CaseEditor(mine, project_id, case_id)
    qtbot.addWidget(editor)
    editor.show()
    save_by_other(other, project_id, case_id)
    editor.ui.remarksEdit.setText("甲写的备注")
    shown = []

    def choose(dialog):
        shown.append({d.field: (d.mine, d.theirs) for d in dialog.differences})
        dialog.choice = choice
        return 1

    monkeypatch.setattr(VersionsDialog, "exec", choose)
    assert editor.save()
    assert shown == [{"「备注」": ("甲写的备注", "乙写的备注"),
                      "房屋第1行「装修评估值」": ("6000", "6500")}]
    with mine.read() as session:
        case = cases.get_case(session, case_id)
        remarks, decoration = case.remarks, str(case.parts[0].decoration_value)
    if choice == "mine":    # kept mine, knowingly over theirs: both saves are in the audit
        assert (remarks, decoration) == ("甲写的备注", "6000")
        changes = [(e.operator, e.new) for e in cases.history(mine, case_id)
                   if e.field == "remarks"]
        assert changes == [("乙", "乙写的备注"), ("甲", "甲写的备注")]
    else:                   # took theirs: nothing of mine saved, the editor shows theirs
        assert (remarks, decoration) == ("乙写的备注", "6500")
        assert editor.ui.remarksEdit.text() == "乙写的备注"
        assert not editor.dirty()


def test_cancelling_the_comparison_saves_nothing(qtbot, two_people, monkeypatch):
    mine, other, project_id, case_id = two_people
    editor = CaseEditor(mine, project_id, case_id)
    qtbot.addWidget(editor)
    save_by_other(other, project_id, case_id)
    editor.ui.remarksEdit.setText("甲写的备注")
    monkeypatch.setattr(VersionsDialog, "exec", lambda dialog: 0)
    assert not editor.save()
    with mine.read() as session:
        assert cases.get_case(session, case_id).remarks == "乙写的备注"
    assert editor.dirty()   # the user's typing is still there

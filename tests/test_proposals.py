"""Outside input never outranks the receiver (issue 25, item 2): no package signs or corrects a
case by itself. A signing or a correction from outside waits as a proposal (待确认) until a
reviewer accepts it — applied as theirs, naming the sender — or refuses it with a reason;
`import-cases` applies everything else and exits 4; `corrections list/accept/reject`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url
from store_helpers import case_form, project_form, walk_to
from test_cli_calc import run_cli

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.exchange.packages import ConflictError, export_cases, import_cases
from wulong_desk.services.exchange.proposals import accept, list_proposals, reject
from wulong_desk.services.exchange.sync import sync
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case
from wulong_desk.store.server import add_user
from wulong_desk.store.server_errors import ForbiddenError

HOUSEHOLDS = [f"C-{n:03d}" for n in range(1, 7)]


def statuses(store):
    with store.read() as session:
        return {c.case_no: c.status for c in session.query(Case)}


def case_id(store, case_no):
    with store.read() as session:
        return session.query(Case.id).filter(Case.case_no == case_no).scalar()


@pytest.fixture
def clerk_package(tmp_path):
    """A clerk's laptop with households at 已审核, exported; and the same package tampered:
    every `reviewed` changed to `signed` (with a signing date)."""
    store = open_store(tmp_path / "clerk.sqlite", "外业")
    project_id = projects.create_project(store, project_form())
    for number in HOUSEHOLDS:
        saved = cases.save_case(store, project_id, case_form(case_no=number))
        walk_to(store, saved.case_id, "reviewed")
    honest = tmp_path / "honest.json"
    export_cases(store, project_id, honest)
    store.close()
    package = json.loads(honest.read_text(encoding="utf-8"))
    for entry in package["cases"]:
        assert entry["status"] == "reviewed"
        entry["status"] = "signed"
        entry["case"]["signed_on"] = "2023-07-01"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return honest, tampered


def test_reviewed_changed_to_signed_signs_nothing(clerk_package, tmp_path):
    """The issue's tampering: into an office that does not have the cases yet, and into one
    that holds them at 已审核 — no case is signed; each is listed 签约待确认; exit 4."""
    honest, tampered = clerk_package
    db = tmp_path / "office.sqlite"
    proc = run_cli("import-cases", str(tampered), "--db", str(db), "--operator", "内业")
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout.count("签约待确认") == len(HOUSEHOLDS)
    with open_store(db, "内业") as office:
        assert statuses(office) == {}
    proc = run_cli("import-cases", str(honest), "--db", str(db), "--operator", "内业")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("import-cases", str(tampered), "--db", str(db), "--operator", "内业",
                   "--json")
    assert proc.returncode == 4
    report = json.loads(proc.stdout)
    assert not report["updated"] and len(report["proposed"]) == len(HOUSEHOLDS)
    with open_store(db, "内业") as office:
        assert set(statuses(office).values()) == {"reviewed"}
        waiting = list_proposals(office)
        assert {p.kind for p in waiting} == {"stage"}
        accept(office, waiting[0].id)                   # a reviewer takes one, refuses one
        reject(office, waiting[1].id, "签约日期与纸质协议不符，不予采纳")
        signed = [no for no, status in statuses(office).items() if status == "signed"]
        assert signed == [waiting[0].case_no]
        history = cases.history(office, case_id(office, waiting[1].case_no))
        assert [(e.action, e.reason) for e in history if e.action == "reject"] == [
            ("reject", "签约日期与纸质协议不符，不予采纳")]
    # the refused version is not proposed again
    proc = run_cli("import-cases", str(tampered), "--db", str(db), "--operator", "内业",
                   "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 4 and len(report["proposed"]) == len(HOUSEHOLDS) - 2
    assert any("已被拒绝" in line for line in report["kept_local"])


def test_the_corrections_command(clerk_package, tmp_path):
    _, tampered = clerk_package
    db = tmp_path / "office.sqlite"
    base = ("--db", str(db), "--operator", "审核员甲")
    assert run_cli("import-cases", str(tampered), *base).returncode == 4
    proc = run_cli("corrections", "list", "--json", *base)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert len(listed) == len(HOUSEHOLDS)
    first = listed[0]
    assert (first["kind"], first["state"], first["sender"]) == ("stage", "pending", "外业")
    assert "签约待确认" in first["what"]
    short = run_cli("corrections", "reject", "--id", str(first["id"]), "--reason",
                    "\u200b\u200b\u200b\u200b", *base)
    assert short.returncode == 2 and "至少4个字" in short.stderr
    proc = run_cli("corrections", "accept", "--id", str(first["id"]), *base)
    assert proc.returncode == 0, proc.stderr
    again = run_cli("corrections", "accept", "--id", str(first["id"]), *base)
    assert again.returncode == 2 and "已经已采纳" not in again.stderr and "已采纳" in again.stderr
    proc = run_cli("corrections", "list", "--json", *base)
    assert len(json.loads(proc.stdout)) == len(HOUSEHOLDS) - 1
    with open_store(db, "x") as office:
        history = cases.history(office, case_id(office, first["case_no"]))
        accepted = [e for e in history if e.action == "accept"]
        assert [(e.operator, e.new) for e in accepted] == [("审核员甲", "外业的阶段")]


def test_a_stage_is_taken_only_by_plain_steps_forward(tmp_path):
    """An unsigned case's stage moves forward from outside (several plain steps at once: the
    sender walked them), never back (a conflict) and never to 预签 outside 旧城区改建."""
    a = open_store(tmp_path / "a.sqlite", "甲")
    project_id = projects.create_project(a, project_form())
    saved = cases.save_case(a, project_id, case_form(case_no="A-001"))
    export_cases(a, project_id, tmp_path / "p0.json")
    b = open_store(tmp_path / "b.sqlite", "乙")
    import_cases(b, tmp_path / "p0.json")
    walk_to(a, saved.case_id, "reviewed")
    export_cases(a, project_id, tmp_path / "p1.json")
    assert len(import_cases(b, tmp_path / "p1.json").updated) == 1
    assert statuses(b) == {"A-001": "reviewed"}
    package = json.loads((tmp_path / "p1.json").read_text(encoding="utf-8"))
    package["cases"][0].update(status="presigned")
    package["cases"][0]["case"]["signed_on"] = "2023-05-01"
    (tmp_path / "p2.json").write_text(json.dumps(package, ensure_ascii=False),
                                      encoding="utf-8")
    with pytest.raises(UserError, match="不是生命周期中按顺序的步骤"):
        import_cases(b, tmp_path / "p2.json")
    cases.set_status(a, saved.case_id, "assessed", reason="评估报告需要补正，退回")
    export_cases(a, project_id, tmp_path / "p3.json")
    with pytest.raises(ConflictError, match="退回"):
        import_cases(b, tmp_path / "p3.json")
    assert statuses(b) == {"A-001": "reviewed"}
    a.close()
    b.close()


def test_a_signed_case_moves_on_from_outside(tmp_path):
    """Signed here already: 已签约 → 已搬迁 from outside is a plain step, taken."""
    a = open_store(tmp_path / "a.sqlite", "甲")
    project_id = projects.create_project(a, project_form())
    saved = cases.save_case(a, project_id, case_form(case_no="A-001"))
    walk_to(a, saved.case_id, "signed")
    export_cases(a, project_id, tmp_path / "p1.json")
    b = open_store(tmp_path / "b.sqlite", "乙")
    import_cases(b, tmp_path / "p1.json")
    [waiting] = list_proposals(b)
    accept(b, waiting.id)
    from datetime import date
    walk_to(a, saved.case_id, "moved", moved_on=date(2023, 8, 1))
    export_cases(a, project_id, tmp_path / "p2.json")
    report = import_cases(b, tmp_path / "p2.json")
    assert len(report.updated) == 1 and not report.proposed
    assert statuses(b) == {"A-001": "moved"}
    a.close()
    b.close()


def test_a_proposal_is_not_applied_over_a_later_change(tmp_path):
    a = open_store(tmp_path / "a.sqlite", "甲")
    project_id = projects.create_project(a, project_form())
    saved = cases.save_case(a, project_id, case_form(case_no="A-001"))
    walk_to(a, saved.case_id, "reviewed")
    export_cases(a, project_id, tmp_path / "p1.json")
    b = open_store(tmp_path / "b.sqlite", "乙")
    import_cases(b, tmp_path / "p1.json")
    walk_to(a, saved.case_id, "signed")
    export_cases(a, project_id, tmp_path / "p2.json")
    assert len(import_cases(b, tmp_path / "p2.json").proposed) == 1
    with b.read() as session:
        case = session.query(Case).one()
        form, b_id = case_to_form(case), case.id
    form["remarks"] = "本机补充了备注"
    cases.save_case(b, project_id, form, b_id)
    [waiting] = list_proposals(b)
    with pytest.raises(UserError, match="又有了修改"):
        accept(b, waiting.id)
    assert statuses(b) == {"A-001": "reviewed"}
    a.close()
    b.close()


def test_on_the_server_a_clerk_login_takes_only_what_it_may_set(tmp_path, pg_url,
                                                                 monkeypatch):
    """A clerk's sync: a case it marked 已审核 on its laptop waits on the server for a reviewer
    (审核待确认); a correction made on its laptop waits too; a reviewer accepts them there."""
    laptop = tmp_path / "laptop.sqlite"
    with open_store(laptop, "外业") as store:
        project_id = projects.create_project(store, project_form())
        first = cases.save_case(store, project_id, case_form(case_no="A-001")).case_id
        second = cases.save_case(store, project_id, case_form(case_no="A-002")).case_id
        walk_to(store, second, "signed")
    with open_store(laptop, "外业") as local, open_store(pg_url, "") as server:
        assert not sync(local, server).conflicts
    add_user(pg_url, "clerk_qian", "clerk", "clerk-password-3")
    with open_store(laptop, "外业") as store:
        walk_to(store, first, "reviewed")
        cases.unlock_case(store, second, "评估单价录入有误需更正")
        with store.read() as session:
            form = case_to_form(session.get(Case, second))
        form["case"]["parts"][0]["decoration_value"] = "9100"
        cases.save_case(store, project_id, form, second)
    clerk_url = make_url(pg_url).set(username="clerk_qian").render_as_string(
        hide_password=False)
    with monkeypatch.context() as env:
        env.setenv("PGPASSWORD", "clerk-password-3")
        with open_store(laptop, "外业") as local, open_store(clerk_url, "") as server:
            report = sync(local, server)
            assert not report.conflicts and not report.problems
            assert len(report.proposed) == 2
            assert all(line.startswith("服务器：") for line in report.proposed)
            assert statuses(server) == {"A-001": "surveyed", "A-002": "signed"}  # held whole
            waiting = list_proposals(server)
            with pytest.raises(ForbiddenError, match="审核人员"):
                accept(server, waiting[0].id)
    with open_store(pg_url, "") as server:   # the owner (a reviewer) accepts both
        for proposal in list_proposals(server):
            accept(server, proposal.id)
        assert statuses(server) == {"A-001": "reviewed", "A-002": "signed"}
        with server.read() as session:
            corrected = session.query(Case).filter(Case.case_no == "A-002").one()
            assert str(corrected.parts[0].decoration_value) == "9100"
    with open_store(laptop, "外业") as local, open_store(pg_url, "") as server:
        report = sync(local, server)
        assert (report.pushed, report.pulled, report.conflicts, report.proposed) == (
            0, 0, [], [])


def test_the_window_s_menu_lists_accepts_and_refuses(clerk_package, tmp_path, qtbot,
                                                     no_blocking_boxes):
    """数据 → 待确认的更正…: the real menu action, the real buttons."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from wulong_desk.ui.main_window import MainWindow

    _, tampered = clerk_package
    store = open_store(tmp_path / "office.sqlite", "审核员乙")
    assert len(import_cases(store, tampered).proposed) == len(HOUSEHOLDS)
    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        data_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "数据(&D)")
        action = next(a for a in data_menu.actions() if a.text() == "待确认的更正…")
        action.trigger()
        dialog = window.proposals_dialog
        assert dialog.windowTitle() == "待确认的更正"
        assert dialog.table.rowCount() == len(HOUSEHOLDS)
        texts = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
        assert "签约待确认" in texts[3] and texts[4] == "外业"
        first = dialog.views[0]
        QTest.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == len(HOUSEHOLDS) - 1, timeout=10000)
        assert statuses(store)[first.case_no] == "signed"
        second = dialog.views[0]
        QTest.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)   # no reason yet
        assert any("请先在“拒绝理由”中写明理由" in said for said in no_blocking_boxes)
        assert dialog.table.rowCount() == len(HOUSEHOLDS) - 1
        dialog.reason.setFocus()
        QTest.keyClicks(dialog.reason, "paper agreement differs")
        QTest.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == len(HOUSEHOLDS) - 2, timeout=10000)
        assert second.case_no not in statuses(store)   # new here: nothing of it taken
        [refused] = [p for p in list_proposals(store, every=True) if p.id == second.id]
        assert (refused.state, refused.decision_reason, refused.decided_by) == (
            "rejected", "paper agreement differs", "审核员乙")
        dialog.close()
    finally:
        window.close()
        store.close()

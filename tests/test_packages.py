"""Case packages: round trip, idempotent import, fast-forward, kept local edits, conflicts."""

from __future__ import annotations

import json

import pytest
from store_helpers import case_form, project_form, walk_to

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.calculation import stored_breakdown
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.cases.search import search_cases
from wulong_desk.services.exchange.packages import FORMAT, ConflictError, export_cases, import_cases
from wulong_desk.services.exchange.proposals import accept, list_proposals
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry


@pytest.fixture
def office(backend):
    """The office's database: a file, and the office server."""
    store = open_store(backend, "办公室")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    cases.save_case(store, project_id, case_form(1, case_no="A-002") | {"case": case_form(
        2)["case"] | {"method": "money"}})
    yield store, project_id
    store.close()


def totals(store, project_id):
    with store.read() as session:
        return {r.case_no: (r.uuid, str(r.total)) for r in search_cases(session, project_id)}


def test_package_shape_and_round_trip(office, tmp_path):
    store, project_id = office
    out = tmp_path / "pkg.json"
    assert export_cases(store, project_id, out) == 2
    package = json.loads(out.read_text(encoding="utf-8"))
    assert package["format"] == FORMAT
    assert package["project"]["zone"] == "outer" and package["project"]["uuid"]
    entry = package["cases"][0]
    assert set(entry) >= {"uuid", "case_no", "owners", "case"}
    assert set(entry["case"]) <= {"method", "min_housing_eligible", "signed_on",
                                  "moved_on_time", "land_area", "land_unit_price", "parts",
                                  "equipment", "exchange"}
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    report = import_cases(laptop, out)
    assert report.project_created and len(report.created) == 2
    assert totals(laptop, report.project_id) == totals(store, project_id)
    # importing the same file twice changes nothing, not even the audit trail
    with laptop.read() as session:
        audit_rows = session.query(AuditEntry).count()
    again = import_cases(laptop, out)
    assert not again.project_created and len(again.unchanged) == 2
    assert not again.created and not again.updated
    with laptop.read() as session:
        assert session.query(AuditEntry).count() == audit_rows
    laptop.close()


def test_changes_flow_back_and_both_side_changes_conflict(office, tmp_path):
    store, project_id = office
    out = tmp_path / "to-laptop.json"
    export_cases(store, project_id, out)
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    laptop_project = import_cases(laptop, out).project_id
    # the laptop edits A-001; the office edits nothing
    with laptop.read() as session:
        row = next(r for r in search_cases(session, laptop_project) if r.case_no == "A-001")
    form = case_form(case_no="A-001")
    form["case"]["parts"][0]["decoration_value"] = "9000"
    cases.save_case(laptop, laptop_project, form, row.id)
    back = tmp_path / "to-office.json"
    export_cases(laptop, laptop_project, back)
    report = import_cases(store, back)
    assert [label.split("（")[0] for label in report.updated] == ["A-001"]
    with store.read() as session:
        case = next(c for c in cases.get_project(session, project_id).cases
                    if c.case_no == "A-001")
        assert stored_breakdown(case)["totals"]["total"] == "238004.00"
    # now both sides edit A-001 before the next exchange: a conflict, nothing written
    office_form = case_form(case_no="A-001")
    office_form["case"]["parts"][0]["decoration_value"] = "9500"
    with store.read() as session:
        office_case_id = next(c.id for c in cases.get_project(session, project_id).cases
                              if c.case_no == "A-001")
    cases.save_case(store, project_id, office_form, office_case_id)
    form["case"]["parts"][0]["decoration_value"] = "9900"
    cases.save_case(laptop, laptop_project, form, row.id)
    export_cases(laptop, laptop_project, back)
    before = totals(store, project_id)
    with pytest.raises(ConflictError, match="两边都有修改") as exc:
        import_cases(store, back)
    assert exc.value.exit_code == 3
    assert totals(store, project_id) == before
    laptop.close()


def test_only_local_change_is_kept(office, tmp_path):
    store, project_id = office
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    with store.read() as session:
        case_id = next(c.id for c in cases.get_project(session, project_id).cases
                       if c.case_no == "A-001")
    form = case_form(case_no="A-001")
    form["remarks"] = "办公室补充了备注"
    cases.save_case(store, project_id, form, case_id)
    report = import_cases(store, out)  # the old package says nothing new
    assert len(report.kept_local) == 1
    with store.read() as session:
        assert cases.get_case(session, case_id).remarks == "办公室补充了备注"


def test_import_is_all_or_nothing(office, tmp_path):
    store, project_id = office
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][1]["case"]["parts"][0]["area"] = "-1"
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    with pytest.raises(UserError) as caught:
        import_cases(laptop, out)
    # the path for programs, the clerk's words in the message (review finding 11)
    assert caught.value.problems[0].path == "cases[1].case.parts[0].area"
    case_no = package["cases"][1]["case_no"]
    assert str(caught.value).startswith(f"第2户（{case_no}）房屋第1行「证载面积」：")
    assert "cases[" not in str(caught.value) and "case.parts" not in str(caught.value)
    assert projects.list_projects(laptop) == []
    laptop.close()


def test_not_a_package(tmp_path, office):
    store, _ = office
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(UserError, match=FORMAT):
        import_cases(store, bad)


@pytest.mark.parametrize(("text", "says"), [
    ("{oops", "JSON 格式错误"),
    ("[" * 100_000 + "]" * 100_000, "嵌套层数过多"),
    ('{"format": ' + "9" * 5000 + "}", "位的整数"),
])
def test_unreadable_package_is_a_clear_message(tmp_path, office, text, says):
    store, _ = office
    bad = tmp_path / "x.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=says):
        import_cases(store, bad)
    bad.write_bytes(b"\xff\xfe{")
    with pytest.raises(UserError, match="UTF-8"):
        import_cases(store, bad)
    with pytest.raises(UserError, match="无法读取案卷包"):
        import_cases(store, tmp_path)  # a folder, not a file


# ---- a sync protocol (issue 15, finding 1) --------------------------------------------------

def _case_id(store, project_id, case_no):
    with store.read() as session:
        return next(r.id for r in search_cases(session, project_id) if r.case_no == case_no)


def _edit(store, project_id, case_no, decoration):
    form = case_form(case_no=case_no)
    form["case"]["parts"][0]["decoration_value"] = decoration
    cases.save_case(store, project_id, form, _case_id(store, project_id, case_no))


def _total(store, project_id, case_no):
    return totals(store, project_id)[case_no][1]


def test_an_unchanged_copy_sent_back_never_undoes_newer_work(office, tmp_path):
    a, project_id = office
    to_b = tmp_path / "a-to-b.json"
    export_cases(a, project_id, to_b)
    b = open_store(tmp_path / "b.sqlite", "乙")
    b_project = import_cases(b, to_b).project_id
    _edit(a, project_id, "A-001", "9000")            # A edits, and exports again
    export_cases(a, project_id, tmp_path / "again.json")
    edited = _total(a, project_id, "A-001")
    back = tmp_path / "b-to-a.json"
    export_cases(b, b_project, back)                  # B changed nothing and sends it back
    report = import_cases(a, back)
    assert [label.split("（")[0] for label in report.kept_local] == ["A-001"]
    assert not report.updated
    assert _total(a, project_id, "A-001") == edited
    # several edits on A since the first exchange still fast-forward B
    _edit(a, project_id, "A-001", "9100")
    export_cases(a, project_id, to_b)
    assert [label.split("（")[0] for label in import_cases(b, to_b).updated] == ["A-001"]
    assert _total(b, b_project, "A-001") == _total(a, project_id, "A-001")
    b.close()


def test_an_edit_built_on_an_older_version_is_a_conflict(office, tmp_path):
    a, project_id = office
    out = tmp_path / "a.json"
    export_cases(a, project_id, out)
    b, c = open_store(tmp_path / "b.sqlite", "乙"), open_store(tmp_path / "c.sqlite", "丙")
    b_project, c_project = import_cases(b, out).project_id, import_cases(c, out).project_id
    _edit(c, c_project, "A-001", "9300")
    export_cases(c, c_project, tmp_path / "c.json")
    assert len(import_cases(a, tmp_path / "c.json").updated) == 1   # A takes C's edit
    taken = _total(a, project_id, "A-001")
    _edit(b, b_project, "A-001", "9900")                            # B edits the old version
    export_cases(b, b_project, tmp_path / "b.json")
    with pytest.raises(ConflictError, match="A-001"):
        import_cases(a, tmp_path / "b.json")
    assert _total(a, project_id, "A-001") == taken
    b.close()
    c.close()


def test_exporting_changes_nothing_locally(office, tmp_path):
    store, project_id = office

    def rows():
        with store.engine.connect() as conn:
            return [conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all()
                    for table in ("cases", "audit_log", "case_results")]

    before = rows()
    export_cases(store, project_id, tmp_path / "p.json")
    assert rows() == before


@pytest.mark.parametrize("field", ["uuid", "case_no"])
def test_a_package_naming_one_household_twice_is_refused(office, tmp_path, field):
    store, project_id = office
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][1][field] = package["cases"][0][field]
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    before = totals(store, project_id)
    with pytest.raises(UserError, match=r"^第2户（A-00[12]）「案卷(标识|编号)」：与第1户"):
        import_cases(store, out)
    assert totals(store, project_id) == before


@pytest.mark.parametrize(("change", "says"), [
    (lambda p: p.update(standard={"id": "wulong-2031", "sha256": "0" * 64}),
     "本机没有案卷包使用的补偿标准“wulong-2031”"),
    (lambda p: p["standard"].update(sha256="0" * 64), "不是同一份文件"),
    (lambda p: p.update(contract_revision=99), "第 99 版"),
    (lambda p: p.update(contract_revision=2), "第 2 版"),   # made before revision 3
    # a project naming a reading revision 3 retired: refused naming the key
    (lambda p: p["project"].update(exchange_interruption_rate="0.005"),
     r"project\.exchange_interruption_rate.*第3版已取消"),
    (lambda p: p["project"].update(second_move_requires_on_time=False),
     r"project\.second_move_requires_on_time.*第3版已取消"),
])
def test_a_package_under_another_standard_or_contract_is_refused(office, tmp_path, change, says):
    store, project_id = office
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    assert package["standard"]["id"] == "wulong-2023" and package["contract_revision"] == 3
    change(package)
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    with pytest.raises(UserError, match=says):
        import_cases(laptop, out)
    assert projects.list_projects(laptop) == []
    laptop.close()


def _correct(store, case_id, decoration, reason):
    """解锁更正 → edit a figure's input → save (locked again), as a reviewer does."""
    cases.unlock_case(store, case_id, reason)
    with store.read() as session:
        case = cases.get_case(session, case_id)
        form, project_id = case_to_form(case), case.project_id
    form["case"]["parts"][0]["decoration_value"] = decoration
    cases.save_case(store, project_id, form, case_id)


def _audited(store, case_id, action):
    return [(e.field, e.reason) for e in cases.history(store, case_id) if e.action == action]


def _accept_all(store):
    for waiting in list_proposals(store):
        accept(store, waiting.id)


def test_a_correction_and_a_void_travel_by_package(office, tmp_path):
    """A signed project handed to B: its signings wait for B's reviewer (签约待确认), then are
    B's. A correction made on A (解锁更正, audited) waits as 更正待确认 with A's reason and the
    figures it would move, applied only when accepted (audited as B's, naming A's reason); a
    void on A travels with A's reason."""
    a, project_id = office
    first, second = (_case_id(a, project_id, n) for n in ("A-001", "A-002"))
    walk_to(a, first, "signed")
    walk_to(a, second, "signed")
    to_b = tmp_path / "a-to-b.json"
    export_cases(a, project_id, to_b)
    b = open_store(tmp_path / "b.sqlite", "乙")
    report = import_cases(b, to_b)
    b_project = report.project_id
    assert not report.created and len(report.proposed) == 2
    assert all("签约待确认" in line for line in report.proposed)
    assert totals(b, b_project) == {}          # nothing of them is taken before it is accepted
    _accept_all(b)
    signed_total = _total(b, b_project, "A-001")
    assert signed_total == _total(a, project_id, "A-001")
    _correct(a, first, "9000", "评估单价录入有误需更正")
    assert _total(a, project_id, "A-001") != signed_total      # the correction moved a figure
    cases.void_case(a, second, "住户放弃协议已解除")
    export_cases(a, project_id, to_b)
    report = import_cases(b, to_b)
    assert [label.split("（")[0] for label in report.updated] == ["A-002"]
    [line] = report.proposed
    assert line.startswith("A-001") and "更正待确认" in line and "评估单价录入有误需更正" in line
    assert f"补偿合计 {signed_total} → {_total(a, project_id, 'A-001')}" in line
    assert _total(b, b_project, "A-001") == signed_total       # not applied by the import
    [waiting] = list_proposals(b)
    corrector = next(e.operator for e in cases.history(a, first) if e.action == "correct")
    assert (waiting.kind, waiting.reason, waiting.sender) == (
        "correction", "评估单价录入有误需更正", corrector)
    accept(b, waiting.id)
    assert _total(b, b_project, "A-001") == _total(a, project_id, "A-001")
    b_first, b_second = (_case_id(b, b_project, n) for n in ("A-001", "A-002"))
    with b.read() as session:
        corrected, voided = cases.get_case(session, b_first), cases.get_case(session, b_second)
        assert (corrected.status, corrected.locked) == ("signed", True)
        assert (voided.status, voided.void_reason) == ("void", "住户放弃协议已解除")
    [(field, reason)] = _audited(b, b_first, "unlock")
    assert field == "locked" and reason.startswith("评估单价录入有误需更正") and corrector in reason
    assert any(f == "total" and r.startswith("评估单价录入有误需更正")
               for f, r in _audited(b, b_first, "correct"))
    assert {e.operator for e in cases.history(b, b_first) if e.action == "correct"} == {"乙"}
    assert _audited(b, b_second, "void") == [("status", "住户放弃协议已解除")]
    # taken in once: the same package again changes nothing, and B's copy sent back to A is
    # A's own version
    again = import_cases(b, to_b)
    assert len(again.unchanged) == 2 and not again.updated and not again.proposed
    export_cases(b, b_project, tmp_path / "b-to-a.json")
    assert len(import_cases(a, tmp_path / "b-to-a.json").unchanged) == 2
    b.close()


def test_a_money_change_without_a_correction_is_still_refused(office, tmp_path):
    """The correction path needs the sender's audited correction: a signed case's figures
    edited by hand in a package (no correction reason) are refused, naming the case."""
    a, project_id = office
    walk_to(a, _case_id(a, project_id, "A-001"), "signed")
    out = tmp_path / "a.json"
    export_cases(a, project_id, out)
    b = open_store(tmp_path / "b.sqlite", "乙")
    import_cases(b, out)
    _accept_all(b)
    package = json.loads(out.read_text(encoding="utf-8"))
    entry = next(e for e in package["cases"] if e["case_no"] == "A-001")
    entry["case"]["parts"][0]["decoration_value"] = "9000"
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match=r"A-001.*已锁定"):
        import_cases(b, out)
    b.close()


def test_a_package_without_a_standard_is_refused(office, tmp_path):
    store, project_id = office
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["standard"] = None
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    with pytest.raises(UserError, match="没有写明使用的补偿标准"):
        import_cases(laptop, out)
    assert projects.list_projects(laptop) == []
    laptop.close()

"""Case packages carry the decision path (format wulong-desk-cases/4, issue 27): the project's
decision and termination, the formal values waiting beside a presign, conversions, 补偿决定 with
their appeals, and re-valuations — taken in by running the same events (a case's events wait
as proposals for a reviewer, as a correction does); a /3 package is still read."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from store_helpers import case_form, example_4_at_signing, project_form, walk_to
from test_decision_path import old_town, presign

from wulong_desk.errors import UserError
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange import proposals
from wulong_desk.services.exchange.packages import FORMAT, export_cases, import_cases
from wulong_desk.services.procedure.appraisal import stage_values_in_session
from wulong_desk.services.procedure.case_decisions import DecisionFacts, decide_case, record_appeal
from wulong_desk.services.procedure.conversion import convert_presigns, revalue_case
from wulong_desk.services.procedure.dated import set_case_date
from wulong_desk.services.procedure.project_decision import decide_project, terminate_project
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case, CaseRevaluation, Project


def accept_all(store) -> list[str]:
    taken = []
    for waiting in proposals.list_proposals(store):
        proposals.accept(store, waiting.id)
        taken.append(f"{waiting.case_no}：{waiting.what}")
    return taken


def state(store, project_uuid: str) -> dict[str, tuple]:
    """Each case by number: its stage, figures, conversion day, decisions and re-valuations."""
    with store.read() as session:
        project = session.execute(select(Project).where(Project.uuid == project_uuid)).scalar_one()
        found = {}
        for case in session.execute(select(Case).where(Case.project_id == project.id)).scalars():
            revalued = sorted(session.execute(select(CaseRevaluation.uuid).where(
                CaseRevaluation.case_id == case.id)).scalars())
            found[case.case_no] = (
                case.status, cases.stored_figures(case.result), case.converted_on,
                [(d.uuid, d.number, d.state, d.review_filed_on) for d in case.decisions],
                revalued, [(p.unit_price, p.formal_unit_price) for p in case.parts])
        return found


def test_a_package_carries_the_decision_the_conversions_and_the_decisions(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "甲")
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    try:
        project_id = old_town(office, 3)
        p1, p2 = presign(office, project_id, "P-1"), presign(office, project_id, "P-2")
        p3 = presign(office, project_id, "P-3")   # its formal values will wait beside it
        form = example_4_at_signing(case_no="R-1")
        form["case"].update(presign=False, signed_on=None)   # a household that never signed
        unclear = cases.save_case(office, project_id, form).case_id
        walk_to(office, unclear, "reviewed")
        before = tmp_path / "before.json"
        export_cases(office, project_id, before)
        import_cases(laptop, before)
        accept_all(laptop)   # (the presigns came as signings: the laptop's reviewer took them)
        with office.read() as session:
            uuid = session.get(Project, project_id).uuid
        assert state(laptop, uuid) == state(office, uuid)

        # at the office: the decision, the formal values, the conversions, a 补偿决定 with a 复议
        # brought against it, and a 复核 of one converted presign
        decide_project(office, project_id, date(2023, 9, 1), date(2023, 9, 5),
                       "武隆府征〔2023〕4号", today=date(2023, 9, 6))
        with office.transaction() as session:
            for case_id in (p1, p2, p3):
                case = session.get(Case, case_id)
                stage_values_in_session(session, case, {
                    0: (Decimal("5200"), Decimal("10000")), 1: (Decimal("9100"), Decimal(20000)),
                    2: (Decimal("2000"), Decimal("1000"))})
        for case_id in (p1, p2):
            set_case_date(office, case_id, "report_served", date(2023, 9, 20))
        convert_presigns(office, project_id, p2)   # one converted, one still waiting
        convert_presigns(office, project_id, p1)
        decide_case(office, unclear, DecisionFacts(
            "补决1号", date(2023, 9, 10), date(2023, 10, 31), None, date(2023, 9, 12),
            ground="owner_unclear"), today=date(2023, 9, 13))
        record_appeal(office, unclear, "review_filed", date(2023, 9, 30),
                      today=date(2023, 10, 1))
        revalue_case(office, p1, "review", date(2023, 10, 8),
                     {1: (Decimal("5300"), None)}, "复核第1号", today=date(2023, 10, 9))

        after = tmp_path / "after.json"
        export_cases(office, project_id, after)
        package = json.loads(after.read_text(encoding="utf-8"))
        assert package["format"] == FORMAT == "wulong-desk-cases/4"
        assert package["decision"] == {"state": "decided", "made_on": "2023-09-01",
                                       "announced_on": "2023-09-05",
                                       "number": "武隆府征〔2023〕4号"}
        entry = next(e for e in package["cases"] if e["case_no"] == "R-1")
        assert [d["number"] for d in entry["path"]["decisions"]] == ["补决1号"]

        report = import_cases(laptop, after)
        with laptop.read() as session:   # the project's decision is taken at once
            assert session.execute(select(Project.decision_state)).scalar() == "decided"
        # each case's events wait for the laptop's reviewer, then are run as events there
        assert sorted(line.split("（")[0] for line in report.proposed) == [
            "P-1", "P-2", "P-3", "R-1"]
        assert any("P-3" in line and "正式评估结果" in line for line in report.proposed)
        assert all("程序事件待确认" in line for line in report.proposed)
        accept_all(laptop)
        assert state(laptop, uuid) == state(office, uuid)
        converted = [e for e in cases.history(laptop, case_id_of(laptop, "P-2"))
                     if e.action == "convert" and e.field == "total"]
        assert [(e.old, e.new) for e in converted] == [("1014400.00", "1035740.00")]
        # taken again: nothing more
        again = import_cases(laptop, after)
        assert not again.proposed and not again.updated and not again.created
    finally:
        office.close()
        laptop.close()


def case_id_of(store, number: str) -> int:
    with store.read() as session:
        return session.execute(select(Case.id).where(Case.case_no == number)).scalar_one()


def test_a_termination_travels_and_a_format_3_package_is_still_read(tmp_path):
    office = open_store(tmp_path / "office.sqlite", "甲")
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    older = open_store(tmp_path / "older.sqlite", "丙")
    try:
        project_id = old_town(office, 3)
        presign(office, project_id, "P-1")
        first = tmp_path / "first.json"
        export_cases(office, project_id, first)
        import_cases(laptop, first)
        accept_all(laptop)
        terminate_project(office, project_id, date(2023, 9, 5), "武隆府〔2023〕终1号",
                          "预签比例未达到", today=date(2023, 9, 10))
        ended = tmp_path / "ended.json"
        export_cases(office, project_id, ended)
        import_cases(laptop, ended)
        with laptop.read() as session:
            assert session.execute(select(Project.decision_state)).scalar() == "terminated"
            assert session.execute(select(Case.status)).scalar() == "lapsed"
        # the previous format, without the decision path: read as before
        package = json.loads(first.read_text(encoding="utf-8"))
        package["format"] = "wulong-desk-cases/3"
        del package["decision"]
        for entry in package["cases"]:
            del entry["path"]
        old = tmp_path / "format3.json"
        old.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
        report = import_cases(older, old)
        assert report.project_created and report.proposed   # (a presign from outside waits)
    finally:
        for store in (office, laptop, older):
            store.close()


def test_a_packages_revaluation_is_checked_as_the_service_checks_it(tmp_path):
    """A 重新估价 taken in from a package goes through revalue_case's own check: what the
    service refuses — a case not signed, a report served after today, an unknown ground — is
    refused from a package too, naming why, and nothing is written."""
    office = open_store(tmp_path / "office.sqlite", "甲")
    try:
        project_id = projects.create_project(office, project_form(1))
        case_id = cases.save_case(office, project_id, case_form(1)).case_id
        walk_to(office, case_id, "signed")
        revalue_case(office, case_id, "review", date(2023, 10, 8),
                     {1: (Decimal("5300"), None)}, "复核第1号", today=date(2023, 10, 9))
        sent = tmp_path / "sent.json"
        export_cases(office, project_id, sent)
    finally:
        office.close()
    package = json.loads(sent.read_text(encoding="utf-8"))
    [entry] = package["cases"]
    [revaluation] = entry["path"]["revaluations"]
    assert (revaluation["kind"], revaluation["served_on"]) == ("review", "2023-10-08")
    later = (date.today() + timedelta(days=30)).isoformat()
    for number, (change, why) in enumerate((
            ({"status": "reviewed"}, "案卷 A-001 是已审核：复核、鉴定后重新估价只用于已签约"),
            ({"served_on": later}, f"修改后的评估报告送达日 {later} 在今天之后"),
            ({"kind": "appeal"}, "重新估价的依据应为 复核评估、专家鉴定 之一"))):
        tampered = json.loads(json.dumps(package))
        if "status" in change:
            tampered["cases"][0].update(change)
        else:
            tampered["cases"][0]["path"]["revaluations"][0].update(change)
        path = tmp_path / f"tampered-{number}.json"
        path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
        laptop = open_store(tmp_path / f"laptop-{number}.sqlite", "乙")
        try:
            # (its events would wait for a reviewer: the proposal is made by running them)
            with pytest.raises(UserError, match="第1户（A-001）：" + why):
                import_cases(laptop, path)
            with laptop.read() as session:
                assert session.execute(select(Case.id)).all() == []
                assert session.execute(select(CaseRevaluation.id)).all() == []
            assert proposals.list_proposals(laptop) == []
        finally:
            laptop.close()


def test_a_case_still_reviewed_here_takes_the_signing_and_then_the_revaluation(tmp_path):
    """The laptop had the case at 已审核; the office signed it and re-valued it after a 复核.
    The package brings it to 已签约 first and then runs the 重新估价 (the stage its check asks
    for): the laptop ends where the office is, the re-valuation recorded once."""
    office = open_store(tmp_path / "office.sqlite", "甲")
    laptop = open_store(tmp_path / "laptop.sqlite", "乙")
    try:
        project_id = projects.create_project(office, project_form(1))
        case_id = cases.save_case(office, project_id, case_form(1)).case_id
        walk_to(office, case_id, "reviewed")
        export_cases(office, project_id, tmp_path / "first.json")
        import_cases(laptop, tmp_path / "first.json")
        walk_to(office, case_id, "signed")
        revalue_case(office, case_id, "review", date(2023, 10, 8),
                     {1: (Decimal("5300"), None)}, "复核第1号", today=date(2023, 10, 9))
        export_cases(office, project_id, tmp_path / "second.json")
        import_cases(laptop, tmp_path / "second.json")
        accept_all(laptop)
        with office.read() as session:
            project_uuid = session.get(Project, project_id).uuid
        theirs, ours = state(office, project_uuid)["A-001"], state(laptop, project_uuid)["A-001"]
        assert ours[0] == "signed" and len(ours[4]) == 1
        assert ours == theirs
    finally:
        office.close()
        laptop.close()


def test_a_sync_takes_the_decision_and_a_conversion_to_the_office_server(tmp_path, pg_url):
    """A push by a login that may correct runs the events on the server itself (its
    SECURITY DEFINER functions), the figures coming out as the laptop's."""
    from wulong_desk.services.exchange.sync import sync

    laptop = open_store(tmp_path / "laptop.sqlite", "外业")
    server = open_store(pg_url, "")
    try:
        project_id = old_town(laptop, 1)
        case_id = presign(laptop, project_id, "P-1")
        first = sync(laptop, server)
        assert first.pushed == 1 and not first.conflicts and not first.problems
        decide_project(laptop, project_id, date(2023, 9, 1), date(2023, 9, 5),
                       "武隆府征〔2023〕4号", today=date(2023, 9, 6))
        with laptop.transaction() as session:
            stage_values_in_session(session, session.get(Case, case_id), {
                0: (Decimal("5200"), Decimal("10000")), 1: (Decimal("9100"), Decimal(20000)),
                2: (Decimal("2000"), Decimal("1000"))})
        set_case_date(laptop, case_id, "report_served", date(2023, 9, 25))
        convert_presigns(laptop, project_id)
        second = sync(laptop, server)
        assert not second.conflicts and not second.problems and not second.proposed, second
        with laptop.read() as session:
            uuid = session.get(Project, project_id).uuid
        assert state(server, uuid) == state(laptop, uuid)
        with server.read() as session:
            case = session.execute(select(Case)).scalar_one()
            assert (case.status, case.converted_on, case.result.total_cents) == (
                "signed", date(2023, 9, 25), 103574000)
    finally:
        laptop.close()
        server.close()

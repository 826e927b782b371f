"""Laptops that sync with the office server (issue 18, item 5): round trips both ways, a case
changed on both sides is a conflict that changes neither side until resolved, an unreachable
server changes nothing, and a sync killed half-way is completed by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy.engine import make_url
from store_helpers import case_form, project_form, walk_to
from test_cli_calc import run_cli

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.exchange.sync import resolve, versions
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import Case
from wulong_desk.store.server import add_user


def sync_cli(laptop, url):
    proc = run_cli("sync", "--db", str(laptop), "--server", url, "--json")
    assert "Traceback" not in proc.stderr
    return proc


def decoration(store, case_no):
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == case_no).one()
        return str(case.parts[0].decoration_value), case.uuid


def edit(store, case_no, value):
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == case_no).one()
        form, case_id, project_id = case_to_form(case), case.id, case.project_id
    form["case"]["parts"][0]["decoration_value"] = value
    cases.save_case(store, project_id, form, case_id)


@pytest.fixture
def laptop(tmp_path):
    """A laptop that started the project (an owner's login pushes it up on the first sync)."""
    path = tmp_path / "laptop.sqlite"
    store = open_store(path, "外业")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    cases.save_case(store, project_id, case_form(case_no="A-002"))
    store.close()
    return path


def test_changes_flow_both_ways_and_a_both_sides_change_is_a_conflict(laptop, pg_url):
    first = sync_cli(laptop, pg_url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"pushed": 2, "pulled": 0, "conflicts": [], "proposed": []}
    again = sync_cli(laptop, pg_url)
    assert json.loads(again.stdout) == {"pushed": 0, "pulled": 0, "conflicts": [], "proposed": []}

    with open_store(pg_url, "") as server:
        edit(server, "A-001", "7100")        # the office edits one case …
    with open_store(laptop, "外业") as local:
        edit(local, "A-002", "7200")         # … the laptop another
    proc = sync_cli(laptop, pg_url)
    assert json.loads(proc.stdout) == {"pushed": 1, "pulled": 1, "conflicts": [], "proposed": []}
    with open_store(pg_url, "") as server, open_store(laptop, "外业") as local:
        assert decoration(local, "A-001")[0] == "7100" and decoration(server, "A-002")[0] == "7200"
        edit(server, "A-001", "8100")        # both change the same case
        edit(local, "A-001", "8200")
    proc = sync_cli(laptop, pg_url)
    assert proc.returncode == 3
    assert json.loads(proc.stdout) == {"pushed": 0, "pulled": 0,
                                       "conflicts": ["A-001"], "proposed": []}
    with open_store(pg_url, "") as server, open_store(laptop, "外业") as local:
        assert decoration(server, "A-001")[0] == "8100"     # neither side overwritten
        value, uuid = decoration(local, "A-001")
        assert value == "8200"
        mine, theirs = versions(local, server, uuid)
        assert mine["case"]["parts"][0]["decoration_value"] == "8200"
        assert theirs["case"]["parts"][0]["decoration_value"] == "8100"
        resolve(local, server, uuid, keep="server")
        assert decoration(local, "A-001")[0] == "8100"
    settled = sync_cli(laptop, pg_url)
    assert settled.returncode == 0
    assert json.loads(settled.stdout) == {"pushed": 0, "pulled": 0, "conflicts": [], "proposed": []}


def test_an_unreachable_server_is_a_clear_message_and_changes_nothing(laptop, tmp_path):
    import socket

    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = sync_cli(laptop, f"postgresql://clerk@127.0.0.1:{port}/office")
    assert proc.returncode == 1
    assert "无法连接办公室服务器" in proc.stderr and "本机的数据没有任何改动" in proc.stderr
    with open_store(laptop, "外业") as local:
        assert decoration(local, "A-001")[0] == decoration(local, "A-002")[0] == "6000"


KILL_IN_PULL = """
import os, signal, sys
from wulong_desk.services.exchange import sync
original = sync._import
calls = []
def killed(session, package, conflicted=None, receiver=None):
    report = original(session, package, conflicted, receiver)
    calls.append(1)
    if len(calls) == 2:   # the pull has been applied but not committed: kill the process
        session.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return report
sync._import = killed
from wulong_desk.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL exists on POSIX only")
def test_a_killed_sync_leaves_both_sides_consistent_and_the_next_completes_it(laptop, pg_url):
    assert sync_cli(laptop, pg_url).returncode == 0
    with open_store(pg_url, "") as server:
        edit(server, "A-001", "7300")
    with open_store(laptop, "外业") as local:
        edit(local, "A-002", "7400")
    proc = subprocess.run([sys.executable, "-c", KILL_IN_PULL, "sync", "--db", str(laptop),
                           "--server", pg_url, "--json"], capture_output=True, text=True,
                          env=os.environ.copy())
    assert proc.returncode == -signal.SIGKILL
    with open_store(pg_url, "") as server, open_store(laptop, "外业") as local:
        assert decoration(server, "A-002")[0] == "7400"   # the push had committed
        assert decoration(local, "A-001")[0] != "7300"    # the pull had not: nothing half-done
    proc = sync_cli(laptop, pg_url)
    assert json.loads(proc.stdout) == {"pushed": 0, "pulled": 1, "conflicts": [], "proposed": []}
    with open_store(laptop, "外业") as local:
        assert decoration(local, "A-001")[0] == "7300"


def correct(store, case_no, value, reason):
    """解锁更正 → edit a figure's input → save (locked again)."""
    with store.read() as session:
        case_id = session.query(Case).filter(Case.case_no == case_no).one().id
    cases.unlock_case(store, case_id, reason)
    edit(store, case_no, value)


def void(store, case_no, reason):
    with store.read() as session:
        case_id = session.query(Case).filter(Case.case_no == case_no).one().id
    cases.void_case(store, case_id, reason)


def signed_laptop(path):
    with open_store(path, "外业") as local:
        for case_id in (1, 2):
            walk_to(local, case_id, "signed")


def audited(store, case_no, action):
    with store.read() as session:
        case_id = session.query(Case).filter(Case.case_no == case_no).one().id
    return [(e.field, e.reason) for e in cases.history(store, case_id) if e.action == action]


def test_a_correction_and_a_void_travel_by_sync(laptop, pg_url):
    """Review finding 3: a correction made in the office reaches the laptop as 更正待确认 (the
    laptop's file takes no correction from outside by itself) and is applied when accepted; a
    void made on the laptop reaches the office; each audited with the reason it was made
    with."""
    from wulong_desk.services.exchange.proposals import accept, list_proposals

    signed_laptop(laptop)
    assert sync_cli(laptop, pg_url).returncode == 0
    with open_store(pg_url, "") as server:
        correct(server, "A-001", "9100", "评估单价录入有误需更正")
    with open_store(laptop, "外业") as local:
        void(local, "A-002", "住户放弃协议已解除")
    proc = sync_cli(laptop, pg_url)
    assert proc.returncode == 4, proc.stderr
    result = json.loads(proc.stdout)
    assert (result["pushed"], result["pulled"], result["conflicts"]) == (1, 0, [])
    [line] = result["proposed"]
    assert line.startswith("本机：A-001") and "更正待确认" in line
    assert "评估单价录入有误需更正" in line
    with open_store(laptop, "外业") as local:
        assert decoration(local, "A-001")[0] != "9100"      # waits for the laptop's reviewer
        [waiting] = list_proposals(local)
        accept(local, waiting.id)
    with open_store(pg_url, "") as server, open_store(laptop, "外业") as local:
        assert decoration(local, "A-001")[0] == "9100"
        assert any(reason.startswith("评估单价录入有误需更正")
                   for field, reason in audited(local, "A-001", "correct"))
        assert audited(server, "A-002", "void") == [("status", "住户放弃协议已解除")]
        with server.read() as session:
            case = session.query(Case).filter(Case.case_no == "A-002").one()
            assert (case.status, case.void_reason) == ("void", "住户放弃协议已解除")
        with local.read() as session:
            case = session.query(Case).filter(Case.case_no == "A-001").one()
            assert (case.status, case.locked) == ("signed", True)
    again = sync_cli(laptop, pg_url)
    assert json.loads(again.stdout) == {"pushed": 0, "pulled": 0, "conflicts": [],
                                        "proposed": []}


def test_a_case_the_server_refuses_stops_no_other(laptop, pg_url, monkeypatch):
    """A clerk's laptop holding a void (only reviewers void on the server): that case is named
    in Chinese and listed, the laptop's other change still goes up."""
    signed_laptop(laptop)
    assert sync_cli(laptop, pg_url).returncode == 0
    add_user(pg_url, "clerk_zhao", "clerk", "clerk-password-2")
    with open_store(laptop, "外业") as local:
        void(local, "A-002", "住户放弃协议已解除")
        with local.read() as session:
            case = session.query(Case).filter(Case.case_no == "A-001").one()
            case_id, project_id, form = case.id, case.project_id, case_to_form(case)
        form["remarks"] = "已电话回访"
        cases.save_case(local, project_id, form, case_id)
    clerk_url = make_url(pg_url).set(username="clerk_zhao").render_as_string(
        hide_password=False)
    with monkeypatch.context() as env:
        env.setenv("PGPASSWORD", "clerk-password-2")
        proc = sync_cli(laptop, clerk_url)
    assert proc.returncode == 3
    assert json.loads(proc.stdout) == {"pushed": 1, "pulled": 0,
                                       "conflicts": ["A-002"], "proposed": []}
    assert "A-002" in proc.stderr and "作废只能由审核人员操作" in proc.stderr
    with open_store(pg_url, "") as server:
        with server.read() as session:
            first = session.query(Case).filter(Case.case_no == "A-001").one()
            second = session.query(Case).filter(Case.case_no == "A-002").one()
            assert (first.remarks, second.status) == ("已电话回访", "signed")


def test_a_case_that_fails_half_way_leaves_nothing_and_stops_no_other(tmp_path, backend):
    """Each case is taken in all or nothing, on the laptop's file as on the server: a changed
    case and a new one whose procedure data turns out bad after the case itself was written
    are named and skipped, with none of their writes left; the others land."""
    from wulong_desk.services.exchange.packages import _import, build_package
    from wulong_desk.store.models import AuditEntry

    source = open_store(tmp_path / "source.sqlite", "外业")
    project_id = projects.create_project(source, project_form())
    for case_no in ("A-001", "A-002", "A-003"):
        cases.save_case(source, project_id, case_form(case_no=case_no))
    target = open_store(backend, "办公室")
    try:
        with target.transaction() as session:
            first = _import(session, build_package(source, project_id), [])
        assert len(first.created) == 3 and not first.failed
        kept_value = decoration(target, "A-002")[0]
        edit(source, "A-002", "7300")
        edit(source, "A-003", "7400")
        cases.save_case(source, project_id, case_form(case_no="A-004"))
        package = build_package(source, project_id)
        for entry in package["cases"]:
            if entry["case_no"] in ("A-002", "A-004"):   # read only after the case is written
                entry["procedure"]["dates"] = {"no_such_date": "2023-07-01"}
        with target.read() as session:
            a002 = session.query(Case).filter(Case.case_no == "A-002").one()
            a002_id, a002_version = a002.id, a002.version
            last_entry = session.query(AuditEntry.id).order_by(AuditEntry.id.desc()).first()[0]
        conflicted: list[str] = []
        with target.transaction() as session:
            report = _import(session, package, conflicted)
        assert conflicted == ["A-002", "A-004"]
        assert [f.split("（")[0] for f in report.failed] == ["案卷 A-002", "案卷 A-004"]
        assert all("未能同步" in f and "未知的案卷日期项" in f for f in report.failed)
        assert [label.split("（")[0] for label in report.updated] == ["A-003"]
        assert not report.created
        with target.read() as session:
            numbers = sorted(session.query(Case.case_no))
            assert [n for (n,) in numbers] == ["A-001", "A-002", "A-003"]   # no A-004 at all
            a002 = session.get(Case, a002_id)
            assert (str(a002.parts[0].decoration_value), a002.version) == (kept_value,
                                                                          a002_version)
            a003_id = session.query(Case.id).filter(Case.case_no == "A-003").scalar()
            written = {case_id for (case_id,) in session.query(AuditEntry.case_id)
                       .filter(AuditEntry.id > last_entry)}
            assert written == {a003_id}   # nothing of A-002's or A-004's writes is audited
        assert decoration(target, "A-003")[0] == "7400"
    finally:
        target.close()
        source.close()


def test_a_case_whose_procedure_data_conflicts_is_left_alone_on_sync(tmp_path, backend):
    """A newer version of a case is taken in only whole: when its procedure data conflicts
    with ours (two different dates of 权属证书交回), found after the case itself was written,
    the case is listed as a conflict and none of the new version is kept."""
    from wulong_desk.services.exchange.packages import _import, build_package
    from wulong_desk.services.procedure.catalogue import case_dates
    from wulong_desk.services.procedure.dated import set_case_date

    source = open_store(tmp_path / "source.sqlite", "外业")
    project_id = projects.create_project(source, project_form())
    for case_no in ("A-001", "A-002"):
        cases.save_case(source, project_id, case_form(case_no=case_no))
    target = open_store(backend, "办公室")
    try:
        with target.transaction() as session:
            _import(session, build_package(source, project_id), [])
        kept_value = decoration(target, "A-002")[0]
        with target.read() as session:
            ours = session.query(Case).filter(Case.case_no == "A-002").one()
            ours_id, ours_version = ours.id, ours.version
        set_case_date(target, ours_id, "doc_title", date(2023, 8, 15))
        with source.read() as session:
            theirs_id = session.query(Case.id).filter(Case.case_no == "A-002").scalar()
        set_case_date(source, theirs_id, "doc_title", date(2023, 8, 30))
        edit(source, "A-002", "7300")
        edit(source, "A-001", "7100")
        conflicted: list[str] = []
        with target.transaction() as session:
            report = _import(session, build_package(source, project_id), conflicted)
        assert conflicted == ["A-002"] and not report.failed
        assert [label.split("（")[0] for label in report.updated] == ["A-001"]
        with target.read() as session:
            a002 = session.get(Case, ours_id)
            assert (str(a002.parts[0].decoration_value), a002.version) == (kept_value,
                                                                          ours_version)
            assert case_dates(session, [ours_id])[ours_id] == {
                "doc_title": date(2023, 8, 15)}
        assert decoration(target, "A-001")[0] == "7100"
    finally:
        target.close()
        source.close()


def test_an_unchanged_case_whose_procedure_data_conflicts_is_listed_once(tmp_path, backend):
    """A case the same on both sides but for a conflicting date (权属证书交回) is a conflict,
    and only that: not also listed as unchanged."""
    from wulong_desk.services.exchange.packages import _import, build_package
    from wulong_desk.services.procedure.dated import set_case_date

    source = open_store(tmp_path / "source.sqlite", "外业")
    project_id = projects.create_project(source, project_form())
    cases.save_case(source, project_id, case_form(case_no="A-001"))
    target = open_store(backend, "办公室")
    try:
        with target.transaction() as session:
            _import(session, build_package(source, project_id), [])
        for store, day in ((target, date(2023, 8, 15)), (source, date(2023, 8, 30))):
            with store.read() as session:
                case_id = session.query(Case.id).filter(Case.case_no == "A-001").scalar()
            set_case_date(store, case_id, "doc_title", day)
        conflicted: list[str] = []
        with target.transaction() as session:
            report = _import(session, build_package(source, project_id), conflicted)
        assert conflicted == ["A-001"]
        assert not (report.unchanged or report.kept_local or report.updated or report.created)
    finally:
        target.close()
        source.close()

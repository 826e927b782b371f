"""Nothing old overwrites anything new (issue 25, item 1): a case's version is a fresh id per
saved change. The three scenarios, through packages and through sync (the laptop's SQLite file
and the office's PostgreSQL): the same package twice changes nothing; A → B → A is newer than
A; two laptops syncing converge or report a conflict."""

from __future__ import annotations

import json
import shutil

import pytest
from store_helpers import case_form, project_form
from test_cli_calc import run_cli

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.cases.form import case_to_form
from wulong_desk.services.exchange.packages import (
    ConflictError,
    Receiver,
    _import,
    build_package,
    export_cases,
    import_cases,
)
from wulong_desk.services.exchange.sync import sync
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.models import AuditEntry, Case


def _case(store, case_no="A-001"):
    with store.read() as session:
        case = session.query(Case).filter(Case.case_no == case_no).one()
        return case.id, case.project_id, case_to_form(case), case.version_id, case.status


def edit(store, value, case_no="A-001"):
    case_id, project_id, form, _, _ = _case(store, case_no)
    form["case"]["parts"][0]["decoration_value"] = value
    cases.save_case(store, project_id, form, case_id)


def decoration(store, case_no="A-001"):
    return _case(store, case_no)[2]["case"]["parts"][0]["decoration_value"]


def audit_rows(store):
    with store.read() as session:
        return session.query(AuditEntry).count()


@pytest.fixture
def source(tmp_path):
    store = open_store(tmp_path / "source.sqlite", "外业")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    cases.save_case(store, project_id, case_form(case_no="A-002"))
    yield store, project_id
    store.close()


def test_a_save_that_changes_nothing_makes_no_version(source):
    store, _ = source
    case_id, project_id, form, version, _ = _case(store)
    cases.save_case(store, project_id, form, case_id)
    assert _case(store)[3] == version
    edit(store, "7000")
    edit(store, "6000")   # back to what it said: a third version, not the first
    assert len({version, _case(store)[3]}) == 2
    with store.read() as session:
        trail = json.loads(session.get(Case, case_id).version_trail)
    assert trail[0] == version and len(trail) == 3 and len(set(trail)) == 3


# ---- through packages ----------------------------------------------------------------------

def test_the_same_package_twice_changes_nothing(source, tmp_path, backend):
    a, project_id = source
    out = tmp_path / "p.json"
    export_cases(a, project_id, out)
    b = open_store(backend, "乙")
    try:
        assert len(import_cases(b, out).created) == 2
        rows = audit_rows(b)
        again = import_cases(b, out)
        assert len(again.unchanged) == 2 and not (again.created or again.updated)
        assert audit_rows(b) == rows
        edit(b, "7100")                      # the receiver moves on …
        late = import_cases(b, out)          # … and the same old package again
        assert [x.split("（")[0] for x in late.kept_local] == ["A-001"]
        assert decoration(b) == "7100"
    finally:
        b.close()


def test_a_to_b_to_a_is_newer_than_a(source, tmp_path, backend):
    """B holds A; the sender goes A → B → A. B takes the last A; the package of the middle B
    arriving afterwards changes nothing (a content hash would have called it newer)."""
    a, project_id = source
    export_cases(a, project_id, tmp_path / "first.json")
    b = open_store(backend, "乙")
    try:
        import_cases(b, tmp_path / "first.json")
        edit(a, "7200")
        export_cases(a, project_id, tmp_path / "middle.json")
        edit(a, "6000")                                   # back to what it said
        export_cases(a, project_id, tmp_path / "last.json")
        assert [x.split("（")[0] for x in import_cases(b, tmp_path / "last.json").updated] \
            == ["A-001"]
        report = import_cases(b, tmp_path / "middle.json")
        assert not report.updated and [x.split("（")[0] for x in report.kept_local] == ["A-001"]
        assert decoration(b) == "6000"
        assert _case(b)[3] == _case(a)[3]                 # both hold the same version
        # and the sender, given its own middle version back, keeps the newer A
        assert [x.split("（")[0] for x in import_cases(a, tmp_path / "middle.json").kept_local] \
            == ["A-001"]
        assert decoration(a) == "6000"
    finally:
        b.close()


def test_the_issue_s_reproducer_on_the_command_line(tmp_path):
    """set-status 已评估 → 已审核, export P1, set-status back to 已评估 with a reason, import P1:
    the case stays 已评估 (it was 「更新 1 户」 and 已审核 again)."""
    db = tmp_path / "office.sqlite"
    store = open_store(db, "内业")
    project_id = projects.create_project(store, project_form())
    case_id = cases.save_case(store, project_id, case_form(case_no="A-001")).case_id
    store.close()
    base = ("--db", str(db), "--operator", "内业")
    for args in (("set-status", "--case", str(case_id), "--to", "已评估"),
                 ("set-status", "--case", str(case_id), "--to", "已审核"),
                 ("export-cases", "--project", str(project_id), "--out",
                  str(tmp_path / "p1.json")),
                 ("set-status", "--case", str(case_id), "--to", "已评估", "--reason",
                  "评估报告需要补正，退回重新审核")):
        proc = run_cli(*args, *base)
        assert proc.returncode == 0, proc.stderr
    proc = run_cli("import-cases", str(tmp_path / "p1.json"), "--json", *base)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert not report["updated"] and len(report["kept_local"]) == 1
    with open_store(db, "内业") as store:
        assert _case(store)[4] == "assessed"


def test_two_copies_edited_apart_conflict_and_never_flip(source, tmp_path):
    """B and C both hold A's version; each edits it; A takes B's, then C's is a conflict, and
    B's package again changes nothing: A never flips between them."""
    a, project_id = source
    export_cases(a, project_id, tmp_path / "a.json")
    b, c = open_store(tmp_path / "b.sqlite", "乙"), open_store(tmp_path / "c.sqlite", "丙")
    try:
        import_cases(b, tmp_path / "a.json")
        import_cases(c, tmp_path / "a.json")
        edit(b, "7300")
        edit(c, "7400")
        export_cases(b, project_id, tmp_path / "b.json")
        export_cases(c, project_id, tmp_path / "c.json")
        for _ in range(2):
            import_cases(a, tmp_path / "b.json")
            assert decoration(a) == "7300"
            with pytest.raises(ConflictError, match="A-001"):
                import_cases(a, tmp_path / "c.json")
            assert decoration(a) == "7300"
    finally:
        b.close()
        c.close()


def test_the_same_words_reached_two_ways_converge(source, tmp_path, backend):
    """B and C make the same edit apart: not a conflict; after an exchange both ways they hold
    one version, so C's next edit reaches B as an update."""
    a, project_id = source
    export_cases(a, project_id, tmp_path / "a.json")
    b = open_store(backend, "乙")
    c = open_store(tmp_path / "c.sqlite", "丙")
    try:
        import_cases(b, tmp_path / "a.json")
        import_cases(c, tmp_path / "a.json")
        edit(b, "7500")
        edit(c, "7500")
        export_cases(c, project_id, tmp_path / "c.json")
        assert len(import_cases(b, tmp_path / "c.json").unchanged) == 2
        export_cases(b, project_id, tmp_path / "b.json")
        import_cases(c, tmp_path / "b.json")
        assert _case(b)[3] == _case(c)[3]
        edit(c, "7600")
        export_cases(c, project_id, tmp_path / "c2.json")
        assert len(import_cases(b, tmp_path / "c2.json").updated) == 1
        assert decoration(b) == "7600"
    finally:
        b.close()
        c.close()


def test_an_old_format_package_is_read_but_never_trusted_for_order(source, tmp_path):
    """wulong-desk-cases/2 named versions by content hash: a case new here or saying the same
    is taken or unchanged; any other difference is a conflict, never an update."""
    a, project_id = source
    out = tmp_path / "old.json"
    export_cases(a, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["format"] = "wulong-desk-cases/2"
    for entry in package["cases"]:
        entry["base"], entry["trail"] = None, []
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    b = open_store(tmp_path / "b.sqlite", "乙")
    try:
        assert len(import_cases(b, out).created) == 2
        assert len(import_cases(b, out).unchanged) == 2
        edit(b, "7700")
        with pytest.raises(ConflictError, match="旧格式"):
            import_cases(b, out)
        assert decoration(b) == "7700"
    finally:
        b.close()


# ---- through sync: the laptop's file and the office server ----------------------------------

def _sync(laptop_path, url):
    with open_store(laptop_path, "外业") as laptop, open_store(url, "") as server:
        return sync(laptop, server)


def _counts(report):
    return report.pushed, report.pulled, report.conflicts


@pytest.fixture
def laptops(tmp_path, pg_url):
    """Two laptops holding the same project, both in step with the office server."""
    first = tmp_path / "l1.sqlite"
    store = open_store(first, "外业一")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="A-001"))
    cases.save_case(store, project_id, case_form(case_no="A-002"))
    store.close()
    assert _counts(_sync(first, pg_url)) == (2, 0, [])
    second = tmp_path / "l2.sqlite"
    shutil.copy(first, second)
    assert _counts(_sync(second, pg_url)) == (0, 0, [])
    return first, second


def test_syncing_twice_changes_nothing(laptops, pg_url):
    first, _ = laptops
    with open_store(pg_url, "") as server:
        rows = audit_rows(server)
    assert _counts(_sync(first, pg_url)) == (0, 0, [])
    with open_store(pg_url, "") as server:
        assert audit_rows(server) == rows


def test_a_to_b_to_a_through_sync(laptops, pg_url):
    """Laptop 1 goes A → B → A, syncing each time; laptop 2 pulled B in between and changed
    nothing: its sync neither puts B back on the server nor keeps B itself."""
    first, second = laptops
    with open_store(first, "外业一") as store:
        edit(store, "7800")
    assert _counts(_sync(first, pg_url)) == (1, 0, [])
    assert _counts(_sync(second, pg_url)) == (0, 1, [])
    with open_store(first, "外业一") as store:
        edit(store, "6000")
    assert _counts(_sync(first, pg_url)) == (1, 0, [])
    assert _counts(_sync(second, pg_url)) == (0, 1, [])
    with open_store(pg_url, "") as server, open_store(second, "外业二") as store:
        assert decoration(server) == decoration(store) == "6000"


def test_two_laptops_converge_or_report_a_conflict(laptops, pg_url):
    first, second = laptops
    with open_store(first, "外业一") as store:
        edit(store, "7100", "A-001")
    with open_store(second, "外业二") as store:
        edit(store, "7200", "A-002")
    for _ in range(2):   # different cases: both reach everyone, then nothing moves
        _sync(first, pg_url)
        _sync(second, pg_url)
    assert _counts(_sync(first, pg_url)) == (0, 0, [])
    assert _counts(_sync(second, pg_url)) == (0, 0, [])
    with open_store(first, "外业一") as one, open_store(second, "外业二") as two:
        assert (decoration(one, "A-001"), decoration(one, "A-002")) == ("7100", "7200")
        assert (decoration(two, "A-001"), decoration(two, "A-002")) == ("7100", "7200")
    # both edit one case: the second to sync is told, every time, and nothing flips
    with open_store(first, "外业一") as store:
        edit(store, "8100")
    with open_store(second, "外业二") as store:
        edit(store, "8200")
    assert _counts(_sync(first, pg_url)) == (1, 0, [])
    for _ in range(2):
        assert _counts(_sync(second, pg_url)) == (0, 0, ["A-001"])
        assert _counts(_sync(first, pg_url)) == (0, 0, [])
        with open_store(pg_url, "") as server:
            assert decoration(server) == "8100"
    with open_store(second, "外业二") as store:
        assert decoration(store) == "8200"


def test_a_pull_taken_twice_changes_nothing(source, backend):
    """The same sync package taken twice into either database (pull and push halves)."""
    a, project_id = source
    target = open_store(backend, "办公室")
    try:
        package = build_package(a, project_id)
        for via in ("push", "pull"):
            with target.transaction() as session:
                _import(session, package, [], Receiver(via))
            rows = audit_rows(target)
            with target.transaction() as session:
                report = _import(session, package, [], Receiver(via))
            assert len(report.unchanged) == 2 and audit_rows(target) == rows
    finally:
        target.close()

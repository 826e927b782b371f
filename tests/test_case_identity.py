"""Case numbers that only look alike are one household (issue 25, item 4): compared after NFKC,
case folding and removing invisible characters, by a unique key per project in both databases
(migration 0009) and in packages; the migration refuses, changing nothing, when existing numbers
collide under the key."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from store_helpers import case_form, project_form
from test_migrations import _insert_rev0002_rows

from wulong_desk.errors import UserError
from wulong_desk.invisible import case_key
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.exchange.packages import export_cases, import_cases
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.store.migrate import head_revision, upgrade
from wulong_desk.store.models import Case

LOOKALIKES = ["ＦＲ-0001", "FR-0001\u200b", "fr-0001", "F\u200dR-0001", " FR\u3000-0001",
              "\u202eFR-0001"]


@pytest.mark.parametrize("number", LOOKALIKES)
def test_lookalike_numbers_have_one_key(number):
    assert case_key(number) == case_key("FR-0001") == "fr-0001"


def test_different_numbers_keep_different_keys():
    assert len({case_key(n) for n in ("FR-0001", "FR-0002", "FR-00010", "FR0001-")}) == 4


@pytest.mark.parametrize("number", LOOKALIKES)
def test_a_lookalike_number_enters_no_new_household(backend, number):
    store = open_store(backend, "内业")
    try:
        project_id = projects.create_project(store, project_form())
        cases.save_case(store, project_id, case_form(case_no="FR-0001"))
        with pytest.raises(UserError, match=r"在本项目中已存在.*只是写法不同"):
            cases.save_case(store, project_id, case_form(case_no=number))
        other = projects.create_project(store, project_form(name="另一个项目"))
        cases.save_case(store, other, case_form(case_no=number))   # another project: fine
        with store.read() as session:
            assert session.query(Case).count() == 2
    finally:
        store.close()


def test_a_package_with_lookalike_numbers_is_refused(tmp_path):
    store = open_store(tmp_path / "a.sqlite", "甲")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form(case_no="FR-0001"))
    cases.save_case(store, project_id, case_form(case_no="FR-0002"))
    out = tmp_path / "p.json"
    export_cases(store, project_id, out)
    package = json.loads(out.read_text(encoding="utf-8"))
    package["cases"][1]["case_no"] = "ＦＲ-0001"
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    laptop = open_store(tmp_path / "b.sqlite", "乙")
    with pytest.raises(UserError, match=r"第2户.*与第1户的案卷编号重复"):
        import_cases(laptop, out)
    # one household of the package whose number is another household's here
    package["cases"] = package["cases"][1:]
    out.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="已存在"):
        import_cases(store, out)
    store.close()
    laptop.close()


def _database_at_0007(path, extra_numbers=()):
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        upgrade(conn, "0002")
        _insert_rev0002_rows(conn)
        upgrade(conn, "0007")
        conn.execute(text("UPDATE cases SET status = 'signed', case_no = 'ＦＲ-0001'"))
        for n, number in enumerate(extra_numbers, 2):
            conn.execute(text(
                "INSERT INTO cases (id, uuid, project_id, case_no, title_no, address, status, "
                "method, min_housing_eligible, moved_on_time, interruption_months, "
                "overdue_months, remarks, search_text, created_at, updated_at, version, "
                "version_trail) VALUES (:id, :uuid, 1, :no, '', '', 'surveyed', 'money', 0, 0, "
                "0, 0, '', '', '2023-05-01 08:00:00', '2023-05-01 08:00:00', 1, '[]')"),
                {"id": n, "uuid": f"c-{n}", "no": number})
    engine.dispose()


def test_migration_0009_fills_the_key_and_keeps_every_figure(tmp_path):
    path = tmp_path / "r7.sqlite"
    _database_at_0007(path, ["FR-0002"])
    with sqlite3.connect(path) as conn:
        before = [conn.execute(f"SELECT * FROM {t}").fetchall()
                  for t in ("case_results", "case_records")]
    store = open_store(path, "t")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalar() == head_revision()
            after = [conn.exec_driver_sql(f"SELECT * FROM {t}").all()
                     for t in ("case_results", "case_records")]
            keys = dict(conn.exec_driver_sql("SELECT case_no, case_key FROM cases").all())
            versions = conn.exec_driver_sql("SELECT version_id FROM cases").scalars().all()
        # every stored column as it was (later revisions add columns after them)
        assert [[tuple(row)[:len(old)] for row, old in zip(table, was, strict=True)]
                for table, was in zip(after, before, strict=True)] == before
        assert keys == {"ＦＲ-0001": "fr-0001", "FR-0002": "fr-0002"}
        assert versions == [None, None]   # still named by content until their next change
        with pytest.raises(UserError, match="已存在"):
            cases.save_case(store, 1, case_form(case_no="fr-0001"))
    finally:
        store.close()


def test_migration_0009_refuses_numbers_that_collide_and_changes_nothing(tmp_path):
    path = tmp_path / "r7.sqlite"
    _database_at_0007(path, ["FR-0001\u200b", "FR-0003"])
    with sqlite3.connect(path) as conn:
        original = list(conn.iterdump())
    with pytest.raises(UserError) as caught:
        open_store(path, "t")
    message = str(caught.value)
    assert "数据库未升级，保持原样" in message
    assert "「ＦＲ-0001」、「FR-0001\u200b」" in message and "FR-0003" not in message
    assert "升级前的版本" in message
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    with sqlite3.connect(path) as conn:   # (opening it turned on WAL: nothing else differs)
        assert list(conn.iterdump()) == original


def test_a_survey_sheet_names_lookalike_numbers_by_cell(tmp_path):
    from sheet_helpers import survey_sheet

    from wulong_desk.services.exchange.survey import SurveyError, import_survey
    from wulong_desk.store import open_memory

    row = ["S-001", "赵一", None, None, "渝权001", "芙蓉路1号", "货币补偿", "住宅", 78.5, 68,
           5200, 15000, 1, 1, 1, None, None, None, "否", None]
    store = open_memory("外业")
    project_id = projects.create_project(store, project_form(1))
    with pytest.raises(SurveyError) as caught:   # two spellings of one number in one sheet
        import_survey(store, project_id, survey_sheet(tmp_path, [
            row, ["ｓ-001", "钱二", *row[2:4], "渝权002", *row[5:]]]))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "A") and "只是写法不同" in problem.reason
    import_survey(store, project_id, survey_sheet(tmp_path, [row]))
    with pytest.raises(SurveyError) as caught:   # one already in the project
        import_survey(store, project_id, survey_sheet(tmp_path, [
            ["S-001\u200b", "钱二", *row[2:4], "渝权002", *row[5:]]]))
    [problem] = caught.value.problems
    assert "已存在（与「S-001」只是写法不同）" in problem.reason
    store.close()

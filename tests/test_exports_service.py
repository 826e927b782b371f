"""The export use cases (shared by the CLI and the app): progress, cancelling without leaving
anything behind, locked targets; the problems list; drafts; the redacting log; the self-test."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_examples import EXPECTED

from wulong_desk.errors import Cancelled, UserError
from wulong_desk.services.cases.drafts import discard_draft, draft_path, list_drafts, save_draft
from wulong_desk.services.cases.problems import MISSING, WARNING, problem_cases
from wulong_desk.services.documents import exports, output
from wulong_desk.services.documents.verify import verify_ledger
from wulong_desk.services.projects.demo import create_demo
from wulong_desk.services.projects.examples import expected
from wulong_desk.services.projects.summary import project_summary
from wulong_desk.store import open_store


@pytest.fixture
def demo(tmp_path):
    store = open_store(tmp_path / "demo.sqlite", "导出测试")
    project_id = create_demo(store)
    yield store, project_id
    store.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_ledger_export_reports_progress_and_matches_the_store(demo, tmp_path):
    store, project_id = demo
    seen: list[tuple[int, int]] = []
    out = tmp_path / "台账.xlsx"
    result = exports.export_ledger(store, project_id, out, public=False, operator="甲",
                                   progress=lambda d, t: seen.append((d, t)) or True)
    assert result.count == 35 and result.incomplete == ["FR-0036"]
    assert seen[0] == (0, 35) and seen[-1] == (35, 35)
    with store.read() as session:
        assert verify_ledger(session, out).matches
    assert load_workbook(out).sheetnames[0] == "汇总"


@pytest.mark.parametrize("stop_at", [0, 35])
def test_cancelled_ledger_leaves_no_file(demo, tmp_path, stop_at):
    store, project_id = demo
    out = tmp_path / "台账.xlsx"
    with pytest.raises(Cancelled):
        exports.export_ledger(store, project_id, out, public=False, operator="甲",
                              progress=lambda done, total: done < stop_at)
    assert not out.exists() and leftovers(tmp_path) == []


def test_cancelling_keeps_an_earlier_file_intact(demo, tmp_path):
    store, project_id = demo
    out = tmp_path / "台账.xlsx"
    out.write_bytes(b"earlier export")
    with pytest.raises(Cancelled):
        exports.export_ledger(store, project_id, out, public=True, operator="甲",
                              progress=lambda done, total: False)
    assert out.read_bytes() == b"earlier export"


def test_documents_for_chosen_cases_arrive_all_at_once(demo, tmp_path):
    store, project_id = demo
    with store.read() as session:
        from wulong_desk.services.cases.search import search_cases

        rows = search_cases(session, project_id, "", None, limit=3)
    out = tmp_path / "协议"
    result = exports.export_documents(store, project_id, out, case_ids=[r.id for r in rows])
    assert result.count == 3
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f.name for f in result.files) and len(names) == 3
    assert all(p.read_bytes().startswith(b"%PDF-") for p in out.iterdir())
    settlement = exports.export_documents(store, project_id, out, kind="settlement",
                                          case_ids=[rows[0].id])
    assert settlement.files[0].name.endswith("-结算单.pdf")
    assert len(list(out.iterdir())) == 4 and leftovers(tmp_path) == []


@pytest.mark.parametrize("existing", [False, True])
def test_cancelled_documents_leave_nothing(demo, tmp_path, existing):
    store, project_id = demo
    out = tmp_path / "协议"
    if existing:
        out.mkdir()
    with pytest.raises(Cancelled):
        exports.export_documents(store, project_id, out, progress=lambda done, total: done < 3)
    assert (list(out.iterdir()) == []) if existing else not out.exists()
    assert leftovers(tmp_path) == []


def test_a_target_held_open_by_another_program_is_refused_before_work(demo, tmp_path,
                                                                      monkeypatch):
    store, project_id = demo
    out = tmp_path / "台账.xlsx"
    out.write_bytes(b"open in WPS")
    real_open = open

    def locked(path, *args, **kwargs):
        if Path(path) == out:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    # (the check lives in services/documents/output.py since the exports' shared output moved)
    monkeypatch.setattr(output, "open", locked, raising=False)
    with pytest.raises(UserError, match="Excel、WPS"):
        exports.export_ledger(store, project_id, out, public=False, operator="甲")
    assert out.read_bytes() == b"open in WPS"


def test_a_target_locked_at_the_last_moment_gets_the_same_message(demo, tmp_path,
                                                                  monkeypatch):
    store, project_id = demo
    out = tmp_path / "台账.xlsx"

    def replace(src, dst):  # what Windows does when Excel opened the file meanwhile
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(UserError, match="Excel、WPS"):
        exports.export_ledger(store, project_id, out, public=False, operator="甲")
    assert not out.exists() and leftovers(tmp_path) == []


def test_problem_cases_list_missing_inputs_first(demo):
    store, project_id = demo
    with store.read() as session:
        problems = problem_cases(session, project_id)
        summary = project_summary(session, project_id)
    assert problems[0].case_no == "FR-0036" and problems[0].kind == MISSING
    assert "房屋第1行「评估单价」：必须填写" in problems[0].messages
    missing = [p for p in problems if p.kind == MISSING]
    assert len(missing) == summary.with_problems == 1
    assert all(p.messages for p in problems if p.kind == WARNING)


def test_drafts_round_trip_per_database(tmp_path):
    db = tmp_path / "a.sqlite"
    form = {"case_no": "A-1", "owners": [{"name": "王五"}], "case": {"method": "money"}}
    path = save_draft(draft_path(db, 7), 1, 7, form)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    (path.parent / "garbage.json").write_text("{not json", encoding="utf-8")
    [draft] = list_drafts(db)
    assert (draft.project_id, draft.case_id, draft.form) == (1, 7, form)
    assert list_drafts(tmp_path / "other.sqlite") == []
    discard_draft(path)
    assert list_drafts(db) == []


def test_log_masks_personal_data(tmp_path):
    from wulong_desk.logs import crash_report, log, log_file, redact, setup_logging

    assert redact("身份证 11010519491231002X 电话 13912345678 座机 023-77221234") == \
        "身份证 [身份证号] 电话 [电话] 座机 [电话]"
    setup_logging()
    try:
        raise RuntimeError("(sqlite3.IntegrityError) UNIQUE constraint failed\n"
                           "[SQL: INSERT INTO persons (name, id_number) VALUES (?, ?)]\n"
                           "[parameters: ('张三', '11010519491231002X')]\n"
                           "(Background on this error at: https://example.invalid/e)")
    except RuntimeError as exc:
        report = crash_report(type(exc), exc, exc.__traceback__)
    assert "张三" not in report and "11010519491231002X" not in report
    assert "UNIQUE constraint failed" in report and "test_exports_service.py" in report
    log().info("办理 %s", "13912345678")
    for handler in logging.getLogger("wulong_desk").handlers:
        handler.flush()
    text = log_file().read_text(encoding="utf-8")
    assert "办理 [电话]" in text and "13912345678" not in text


def test_bundled_expected_figures_are_the_specs(tmp_path):
    for n, want in EXPECTED.items():
        assert expected(n) == json.loads(json.dumps(want))


def test_self_test_passes_and_fails_when_a_figure_is_off(monkeypatch):
    from wulong_desk import selftest
    from wulong_desk.services.projects import examples

    lines: list[str] = []
    assert selftest.run_self_test(lines.append, gui=False)
    assert lines[-1].startswith("自检通过") and any("-23746.00" in line for line in lines)
    assert "外来表格：以 defusedxml 解析" in lines
    wrong = dict(examples.expected(3), totals={"total": "1.00"})
    monkeypatch.setattr(examples, "expected", lambda n: wrong if n == 3 else
                        json.loads(json.dumps(EXPECTED[n])))
    lines.clear()
    assert not selftest.run_self_test(lines.append, gui=False)
    assert lines[-1] == "自检失败：SelfTestFailure: 算例3合计与规则说明不符"


def test_self_test_command_opens_the_window_offscreen(tmp_path):
    env = dict(os.environ, WULONG_DESK_HOME=str(tmp_path / "user-data"))
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    proc = subprocess.run([sys.executable, "-m", "wulong_desk", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "主窗口：已在屏幕外打开" in proc.stdout and "自检通过" in proc.stdout
    assert not (tmp_path / "user-data").exists()  # nothing written to the user's data folder


@pytest.mark.parametrize(("line", "said"), [
    ("case.parts[1].unit_price: 必须填写", "房屋第2行「评估单价」：必须填写"),
    ("owners[0].id_number: 校验位不符", "被征收人第1行「身份证号」：校验位不符"),
    ("case.exchange.houses[2].area: 必须大于0", "调换房屋第3行「建筑面积」：必须大于0"),
    ("case.exchange.transition_months: 超出范围", "「过渡期限（月）」：超出范围"),
    ("case.signed_on: 日期格式应为 YYYY-MM-DD", "「签约日期」：日期格式应为 YYYY-MM-DD"),
    ("没有生效的补偿标准", "没有生效的补偿标准"),
])
def test_stored_problems_read_in_a_clerks_words(line, said):
    from wulong_desk.services.cases.field_names import describe_stored

    assert describe_stored(line) == said


def test_nothing_to_export_is_said_not_written(demo, tmp_path):
    from sqlalchemy import select

    from wulong_desk.store.models import Case

    store, project_id = demo
    with store.read() as session:
        incomplete = session.execute(select(Case.id).where(Case.case_no == "FR-0036")).scalar()
    with pytest.raises(UserError, match="FR-0036"):
        exports.export_ledger(store, project_id, tmp_path / "t.xlsx", public=False,
                              operator="甲", case_ids=[incomplete])
    with pytest.raises(UserError, match="还没有案卷"):
        exports.export_documents(store, project_id, tmp_path / "docs", case_ids=[])
    assert not (tmp_path / "t.xlsx").exists() and not (tmp_path / "docs").exists()
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(UserError, match="文件夹不存在"):
        exports.check_target(tmp_path / "nowhere" / "台账.xlsx")
    with pytest.raises(UserError, match="这是一个文件夹"):
        exports.check_target(tmp_path)


def test_a_grown_log_is_rotated_at_start(monkeypatch):
    import logging

    from wulong_desk import logs

    monkeypatch.setattr(logs, "MAX_BYTES", 1000)
    path = logs.log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    for older in range(1, logs.KEEP + 1):
        path.with_name(f"{path.name}.{older}").write_text(f"旧日志 {older}\n", encoding="utf-8")
    path.write_text("昨天\n" * 400, encoding="utf-8")
    logs.setup_logging()
    logs.log().info("今天开始")
    for handler in logging.getLogger(logs.LOGGER).handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").strip().endswith("今天开始")
    assert "昨天" not in path.read_text(encoding="utf-8")
    assert path.with_name(f"{path.name}.1").read_text(encoding="utf-8").startswith("昨天")
    assert path.with_name(f"{path.name}.2").read_text(encoding="utf-8") == "旧日志 1\n"
    kept = sorted(p.name for p in path.parent.iterdir())
    assert len(kept) == logs.KEEP + 1  # the oldest went
    logs.setup_logging()  # again: the same file, not rotated twice
    assert path.read_text(encoding="utf-8").strip().endswith("今天开始")

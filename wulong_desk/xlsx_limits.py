"""Looking inside a spreadsheet from outside before loading it.

An xlsx is a zip of XML files; a few kilobytes of it can declare a sheet of 17 billion cells,
a million rows or a shared string of hundreds of megabytes, and a reader that trusts it runs
out of memory. So the zip's directory, each sheet's declared dimension and its rows are looked
at first — streamed, a chunk at a time, never the whole — and a workbook past any limit is
refused with a message naming the limit. (The zip reader never returns more bytes than the
directory declares, so the declared sizes bound what any later reader sees.)
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import column_index_from_string

from wulong_desk.errors import UserError

MB = 1024 * 1024
_CHUNK = 1 * MB
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})'
                        rb'(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
_ROW = re.compile(rb'<(?:\w+:)?row[\s>/]')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d{1,9})"')


@dataclass(frozen=True)
class Limits:
    rows: int            # rows of one sheet (declared, numbered or present)
    columns: int         # columns of one sheet's declared dimension
    total_bytes: int     # all the zip's files, uncompressed
    shared_strings: int  # the shared-strings file, uncompressed
    files: int = 2000    # files in the zip


SURVEY = Limits(rows=20_000, columns=200, total_bytes=64 * MB, shared_strings=16 * MB)
# a ledger of this app: 14 明细 rows a household (and a warning row beside a figure, such as the
# printed 5% monthly rate), some 30,000 households at most
LEDGER = Limits(rows=500_000, columns=100, total_bytes=512 * MB, shared_strings=64 * MB)


class WorkbookTooLarge(UserError):
    exit_code = 2


def check_workbook(path: Path, limits: Limits = SURVEY) -> None:
    """Refuse (UserError) a file that is not an xlsx or is past a limit; never loads it."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise UserError(f"找不到文件：{path}") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(f"不是有效的 xlsx 文件：{path}（无法作为 zip 打开）") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.files:
            _refuse(path, f"包含 {len(infos)} 个内部文件，上限 {limits.files} 个")
        total = sum(info.file_size for info in infos)
        if total > limits.total_bytes:
            _refuse(path, f"解压后共 {_mb(total)}，上限 {_mb(limits.total_bytes)}")
        for info in infos:
            name = info.filename.lower()
            if name.endswith("sharedstrings.xml") and info.file_size > limits.shared_strings:
                _refuse(path, f"共享文字表解压后 {_mb(info.file_size)}，"
                              f"上限 {_mb(limits.shared_strings)}")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                try:
                    _check_sheet(archive, info, limits, path)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    raise UserError(f"不是有效的 xlsx 文件：{path}（{info.filename} 无法读取）"
                                    ) from exc


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                 path: Path) -> None:
    rows = 0
    highest = 0
    seen_dimension = False
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if not seen_dimension:
                found = _DIMENSION.search(text)
                if found is not None:
                    seen_dimension = True
                    _check_dimension(found, limits, path, info.filename)
                elif b"<sheetData" in text or b":sheetData" in text:
                    seen_dimension = True  # no dimension declared: the rows are counted
            # a row tag wholly inside the overlap kept from the last chunk was counted then
            rows += sum(1 for row in _ROW.finditer(text) if row.end() > len(tail))
            for number in _ROW_NUMBER.findall(text):
                highest = max(highest, int(number))
            if rows > limits.rows or highest > limits.rows:
                _refuse(path, f"工作表 {info.filename} 超过 {limits.rows} 行")
            tail = text[-64:]


def _check_dimension(found: re.Match[bytes], limits: Limits, path: Path, name: str) -> None:
    first_col, first_row, last_col, last_row = found.groups()
    last_col = last_col or first_col
    last_row = last_row or first_row
    columns = column_index_from_string(last_col.decode()) - column_index_from_string(
        first_col.decode()) + 1
    rows = int(last_row) - int(first_row) + 1
    if rows > limits.rows or int(last_row) > limits.rows:
        _refuse(path, f"工作表 {name} 声明了 {last_row.decode()} 行，上限 {limits.rows} 行")
    if columns > limits.columns:
        _refuse(path, f"工作表 {name} 声明了 {columns} 列，上限 {limits.columns} 列")


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _refuse(path: Path, why: str) -> None:
    raise WorkbookTooLarge(f"表格过大，未读取：{path.name}（{why}）。"
                           "请只保留需要的工作表和行，另存为新的 xlsx 后再导入。")

"""Looking inside a spreadsheet from outside before loading it.

An xlsx is a zip of XML files; a few kilobytes of it can declare a sheet of 17 billion cells,
a million rows or a shared string of hundreds of megabytes, and a reader that trusts it runs
out of memory. So the zip's directory, each sheet's declared dimension and its rows are looked
at first — streamed, a chunk at a time, never the whole — and a workbook past any limit is
refused with a message naming the limit. (The zip reader never returns more bytes than the
directory declares, so the declared sizes bound what any later reader sees.)

A sheet is read by a namespace-aware XML parser (defusedxml's: no DTDs, no entities), as the
spreadsheet reader will read it: a row is a row whatever prefix it is written with (`x-:row`
bound to the spreadsheet namespace passed a pattern that looked for `row` or `x:row`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from openpyxl.utils import column_index_from_string

from wulong_desk.errors import UserError

MB = 1024 * 1024
_CHUNK = 1 * MB
# the spreadsheet namespaces: transitional (what every program writes) and strict
SHEET_NAMESPACES = frozenset({"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                              "http://purl.oclc.org/ooxml/spreadsheetml/main"})
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@dataclass(frozen=True)
class Limits:
    rows: int            # rows of one sheet (declared, numbered or present)
    columns: int         # columns of one sheet's declared dimension
    total_bytes: int     # all the zip's files, uncompressed
    shared_strings: int  # the shared-strings file, uncompressed
    files: int = 2000    # files in the zip


SURVEY = Limits(rows=20_000, columns=200, total_bytes=64 * MB, shared_strings=16 * MB)
# a ledger of this app: a 分户明细 sheet holds at most 8,000 households' pages (some 40 rows
# each), the 汇总 a row a household; some 11 KB of sheet text a household (read a row at a time
# by `verify-ledger`): 1.5 GB is some 130,000 households
LEDGER = Limits(rows=500_000, columns=100, total_bytes=1536 * MB, shared_strings=64 * MB)


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


class _Refused(Exception):
    """Stops the parser at the first limit passed (the message says which)."""


class _SheetCounter(DefusedExpatParser):
    """defusedxml's expat reader, namespace-aware, that counts a sheet's rows and reads its
    declared dimension straight from expat's start-of-element events (the SAX layer's
    attribute objects, built for every cell, tripled the time of a large sheet)."""


    def __init__(self, limits: Limits, name: str):
        super().__init__(namespaceHandling=1)
        self.limits, self.name = limits, name
        self.rows = 0
        self.setContentHandler(ContentHandler())

    def start_element_ns(self, name: str, attrs: dict[str, str]) -> None:
        # expat names an element "namespace local" or, written with a prefix, "namespace local
        # prefix": the prefix is whatever the file chose and says nothing
        uri, _, rest = name.partition(" ")
        if uri not in SHEET_NAMESPACES:
            return
        local = rest.partition(" ")[0]
        if local == "row":
            self.rows += 1
            number = attrs.get("r", "").strip()
            if self.rows > self.limits.rows or (
                    number.isdigit() and (len(number) > 9 or int(number) > self.limits.rows)):
                raise _Refused(f"工作表 {self.name} 超过 {self.limits.rows} 行")
        elif local == "dimension":
            _check_dimension(attrs.get("ref", "").strip(), self.limits, self.name)

    def end_element_ns(self, name: str) -> None:
        pass


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                 path: Path) -> None:
    parser = _SheetCounter(limits, info.filename)
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
            parser.close()
    except _Refused as exc:
        _refuse(path, str(exc))
    except (SAXException, DefusedXmlException) as exc:
        raise UserError(f"不是有效的 xlsx 文件：{path}（{info.filename} 不是有效的 XML）") from exc


def _check_dimension(ref: str, limits: Limits, name: str) -> None:
    """A declared dimension (A1:N200000) past the limits refuses the sheet."""
    cells = [_REFERENCE.fullmatch(part) for part in ref.split(":")[:2]] if ref else []
    if not cells or any(cell is None for cell in cells):
        return   # no readable dimension: the rows are counted
    first_col, first_row = cells[0].groups()   # type: ignore[union-attr]
    last_col, last_row = cells[-1].groups()    # type: ignore[union-attr]
    columns = column_index_from_string(last_col.upper()) - column_index_from_string(
        first_col.upper()) + 1
    if int(last_row) - int(first_row) + 1 > limits.rows or int(last_row) > limits.rows:
        raise _Refused(f"工作表 {name} 声明了 {last_row} 行，上限 {limits.rows} 行")
    if columns > limits.columns:
        raise _Refused(f"工作表 {name} 声明了 {columns} 列，上限 {limits.columns} 列")


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _refuse(path: Path, why: str) -> None:
    raise WorkbookTooLarge(f"表格过大，未读取：{path.name}（{why}）。"
                           "请只保留需要的工作表和行，另存为新的 xlsx 后再导入。")

"""A workbook read as a person sees it, a row at a time: for `verify-ledger`.

Each sheet is streamed (defusedxml's parser; each row is forgotten once it is handed on), and
every cell comes with what decides how it reads: its value or formula, its number format,
font, fill, border and alignment, whether part of its text is formatted on its own (rich
text), and its row's height and visibility. What a sheet holds beside its cells — column
widths and hidden columns, conditional formats, merged cells, pictures and comments, filters,
views that hide zeros, the page footer — is gathered as the sheet is read. The workbook's own
parts (its sheets and their visibility, print areas) are read first.

`shown(value, format)` renders a number as a spreadsheet program prints it with a number format
(the formats the app writes exactly; any other well enough to say what it shows).
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from defusedxml.expatreader import DefusedExpatParser
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.styles.stylesheet import Stylesheet

from wulong_desk.errors import UserError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _tag(name: str) -> str:
    return f"{{{MAIN}}}{name}"


TEXT, RUN, RUN_PROPERTIES = _tag("t"), _tag("r"), _tag("rPr")
_CHUNK = 1024 * 1024
# what a sheet may hold beside its cells that changes what a reader sees (reported when the app
# did not write it), by element name
EXTRAS = {"conditionalFormatting": "条件格式", "mergeCells": "合并单元格", "drawing": "图形或图片",
          "legacyDrawing": "批注", "legacyDrawingHF": "页眉页脚中的图片", "picture": "背景图片",
          "oleObjects": "嵌入的对象", "controls": "控件", "autoFilter": "筛选",
          "tableParts": "表格对象", "extLst": "扩展格式（可能含条件格式）",
          "dataValidations": "数据验证", "sheetProtection": "工作表保护"}
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


@dataclass(slots=True)
class FileCell:
    column: int                    # 1 for A
    value: Any                     # str, Decimal (a number), bool, or None
    formula: str | None            # "=SUM(G5:G39)" when the cell holds a formula
    style: int                     # index into the workbook's cell styles
    rich: bool = False             # part of its text formatted on its own
    kind: str = "n"                # the cell's type as written (n, s, str, inlineStr, b, e, …)


@dataclass(slots=True)
class FileRow:
    number: int
    cells: list[FileCell]
    height: float | None = None
    hidden: bool = False
    outline: int = 0


@dataclass
class SheetExtras:
    """What the sheet holds beside its cells, known once its rows have been read."""

    widths: dict[int, float] = field(default_factory=dict)   # column → width
    hidden_columns: list[int] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)   # (what, where)
    zero_height: bool = False      # rows without a height of their own are hidden
    default_height: float | None = None
    hides_zeros: bool = False
    footer: str = ""


@dataclass(frozen=True)
class Style:
    """One cell style, in the terms that decide how a cell reads."""

    number_format: str
    font: Any
    fill: Any
    border: Any
    alignment: Any


@dataclass(frozen=True)
class SheetEntry:
    name: str
    state: str                     # visible | hidden | veryHidden
    part: str                      # the sheet's file inside the zip


class Workbook:
    """An xlsx opened for reading its sheets one row at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise UserError(f"不是有效的 xlsx 台账文件：{self.path}") from exc
        try:
            self.sheets = self._sheets()
            self.styles = self._styles()
            self.strings, self.rich_strings = self._shared_strings()
        except (KeyError, ValueError, SyntaxError) as exc:
            self.zip.close()
            raise UserError(f"不是有效的 xlsx 台账文件：{self.path}（{exc}）") from exc

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the workbook's parts

    def _xml(self, name: str) -> Any:
        return fromstring(self.zip.read(name))

    def _sheets(self) -> list[SheetEntry]:
        root = self._xml("xl/workbook.xml")
        if root.tag.startswith(f"{{{STRICT}}}"):
            raise ValueError("以 Strict Open XML 格式保存，不是本系统所写的格式")
        targets = {}
        for rel in self._xml("xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                      else posixpath.normpath(posixpath.join("xl", target)))
        out = []
        sheets = root.find(_tag("sheets"))
        for sheet in sheets if sheets is not None else ():
            part = targets.get(sheet.get(f"{{{REL}}}id"), "")
            out.append(SheetEntry(sheet.get("name", ""), sheet.get("state", "visible"), part))
        self.defined_names = []
        names = root.find(_tag("definedNames"))
        for name in names if names is not None else ():
            self.defined_names.append((name.get("name", ""), name.get("localSheetId"),
                                       name.text or ""))
        return out

    def _styles(self) -> list[Style]:
        try:
            sheet = Stylesheet.from_tree(self._xml("xl/styles.xml"))
        except KeyError:
            return []
        formats = dict(BUILTIN_FORMATS)
        if sheet.numFmts is not None:
            formats.update({n.numFmtId: n.formatCode for n in sheet.numFmts.numFmt})
        out = []
        for xf in sheet.cellXfs.xf:
            out.append(Style(formats.get(xf.numFmtId, "General"),
                             _at(sheet.fonts, xf.fontId), _at(sheet.fills, xf.fillId),
                             _at(sheet.borders, xf.borderId), xf.alignment))
        return out

    def _shared_strings(self) -> tuple[list[str], set[int]]:
        """The shared strings (the app writes none: its text is inline) and which of them
        format part of their text on their own."""
        name = "xl/sharedStrings.xml"
        if name not in self.zip.namelist():
            return [], set()
        strings: list[str] = []
        rich: set[int] = set()
        with self.zip.open(name) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if element.tag == _tag("si"):
                    text, formatted = _text_of(element)
                    if formatted:
                        rich.add(len(strings))
                    strings.append(text)
                    element.clear()
        return strings, rich

    # ---- a sheet

    def rows(self, sheet: SheetEntry, extras: SheetExtras) -> Iterator[FileRow]:
        """The sheet's rows in order; `extras` is filled as the sheet is read (complete once
        the rows are exhausted)."""
        try:
            stream = self.zip.open(sheet.part)
        except KeyError as exc:
            raise UserError(f"台账文件不完整：找不到工作表「{sheet.name}」的内容") from exc
        parser = _SheetParser(self, extras)
        try:
            with stream:
                while chunk := stream.read(_CHUNK):
                    parser.feed(chunk)
                    yield from parser.ready
                    parser.ready.clear()
                parser.close()
        except (SAXException, DefusedXmlException) as exc:
            raise UserError(f"不是有效的 xlsx 台账文件：工作表「{sheet.name}」不是有效的 XML"
                            ) from exc
        yield from parser.ready


class _SheetParser(DefusedExpatParser):
    """defusedxml's expat reader (no DTDs' entities, nothing fetched), namespace-aware, that
    turns a sheet's elements into rows straight from expat's events (as xlsx_limits counts
    them): the rows read so far are in `ready`, what the sheet holds beside them in `extras`."""

    def __init__(self, book: Workbook, extras: SheetExtras):
        super().__init__(namespaceHandling=1)
        self.book, self.extras = book, extras
        handler = ContentHandler()
        handler.characters = self.characters   # type: ignore[method-assign]
        self.setContentHandler(handler)
        self.ready: list[FileRow] = []
        self.shared: dict[str, tuple[str, int, int]] = {}
        self.row: FileRow | None = None
        self.cell: dict[str, Any] | None = None
        self.text: list[str] | None = None     # character data being collected
        self.in_inline = False
        self.column = 0

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def start_element_ns(self, name: str, attrs: dict[Any, str]) -> None:
        uri, _, rest = name.partition(" ")
        if uri != MAIN:
            return
        local = rest.partition(" ")[0]
        if local == "c":
            kind = attrs.get("t") or "n"
            ref = attrs.get("r") or ""
            match = _CELL_REF.fullmatch(ref)
            self.column = _column_number(match.group(1)) if match else self.column + 1
            self.cell = {"kind": kind, "style": int(attrs.get("s") or 0), "v": None,
                         "f": None, "is": None, "rich": False}
        elif local in ("v", "t") and self.cell is not None:
            self.text = []
        elif local == "f" and self.cell is not None:
            self.text = []
            self.cell["f_attrs"] = (attrs.get("t"), attrs.get("si"))
        elif local == "is" and self.cell is not None:
            self.in_inline = True
            self.cell["is"] = []
        elif local == "rPr" and self.in_inline and self.cell is not None:
            self.cell["rich"] = True
        elif local == "row":
            self.row = FileRow(int(attrs.get("r") or 0), [], _float(attrs.get("ht")),
                               attrs.get("hidden") in ("1", "true"),
                               int(attrs.get("outlineLevel") or 0))
            self.column = 0
        elif local == "col":
            _column(attrs, self.extras)
        elif local == "sheetFormatPr":
            self.extras.zero_height = attrs.get("zeroHeight") in ("1", "true")
            if attrs.get("customHeight") in ("1", "true"):
                self.extras.default_height = _float(attrs.get("defaultRowHeight"))
        elif local == "sheetView":
            if attrs.get("showZeros") in ("0", "false"):
                self.extras.hides_zeros = True
        elif local in HEADERS_FOOTERS:
            self.text = []
        elif local == "mergeCell":
            self.extras.found.append((EXTRAS["mergeCells"], attrs.get("ref", "")))
        elif local in EXTRAS and local != "mergeCells":
            self.extras.found.append((EXTRAS[local], attrs.get("sqref") or attrs.get("ref")
                                      or ""))

    def end_element_ns(self, name: str) -> None:
        uri, _, rest = name.partition(" ")
        if uri != MAIN:
            return
        local = rest.partition(" ")[0]
        cell = self.cell
        if local == "v" and cell is not None and self.text is not None:
            cell["v"] = "".join(self.text)
            self.text = None
        elif local == "t" and cell is not None and self.text is not None:
            if self.in_inline:
                cell["is"].append("".join(self.text))
            self.text = None
        elif local == "f" and cell is not None and self.text is not None:
            cell["f"] = "".join(self.text)
            self.text = None
        elif local == "is":
            self.in_inline = False
        elif local == "c" and cell is not None and self.row is not None:
            self.row.cells.append(self._cell(cell))
            self.cell = None
        elif local == "row" and self.row is not None:
            self.ready.append(self.row)
            self.row = None
        elif local in HEADERS_FOOTERS and self.text is not None:
            text = "".join(self.text)
            self.text = None
            if local == "oddFooter":
                self.extras.footer = text
            elif text:
                self.extras.found.append(("页眉页脚", text))

    def _cell(self, cell: dict[str, Any]) -> FileCell:
        kind, raw = cell["kind"], cell["v"] or None   # (a formula's empty cached value: none)
        number = self.row.number if self.row is not None else 0
        formula = None
        if cell["f"] is not None or "f_attrs" in cell:
            formula = _formula(cell["f"] or "", cell["f_attrs"], number, self.column,
                               self.shared)
        value: Any = None
        rich = cell["rich"]
        if kind == "inlineStr":
            if cell["is"] is not None:
                value = "".join(cell["is"])
        elif kind == "s" and raw is not None:
            try:
                index = int(raw)
                value = self.book.strings[index]
                rich = index in self.book.rich_strings
            except (ValueError, IndexError):
                value = raw
        elif kind in ("str", "e"):
            value = raw
        elif kind == "b":
            value = raw in ("1", "true")
        elif raw is not None:
            value = _decimal(raw)
        return FileCell(self.column, value, formula, cell["style"], rich, kind)


HEADERS_FOOTERS = ("oddFooter", "evenFooter", "firstFooter", "oddHeader", "evenHeader",
                   "firstHeader")


def _at(items: Any, index: int | None) -> Any:
    try:
        return items[index or 0]
    except (IndexError, TypeError):
        return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | str:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return text


@functools.lru_cache(maxsize=512)
def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column(col: Any, extras: SheetExtras) -> None:
    """A <col> element's attributes: the width and visibility of the columns it covers."""
    try:
        first, last = int(col.get("min")), int(col.get("max"))
    except (TypeError, ValueError):
        return
    width = _float(col.get("width"))
    hidden = col.get("hidden") in ("1", "true")
    for number in range(first, min(last, first + 200) + 1):   # a range to the sheet's end
        if width is not None:
            extras.widths[number] = width
        if hidden:
            extras.hidden_columns.append(number)


def _text_of(element: Any) -> tuple[str, bool]:
    """A string item's text, and whether a run of it has formatting of its own."""
    direct = element.find(TEXT)
    runs = element.findall(RUN)
    if not runs:
        return (direct.text or "") if direct is not None else "", False
    text = "".join(run.findtext(TEXT) or "" for run in runs)
    return text, any(run.find(RUN_PROPERTIES) is not None for run in runs)


def _formula(text: str, kind: tuple[str | None, str | None], row: int, column: int,
             shared: dict[str, tuple[str, int, int]]) -> str:
    """The formula as written; a shared formula's copy as its master reads at this cell."""
    formula = "=" + text
    how, index = kind
    if how == "shared":
        if text:
            shared[index or ""] = (formula, row, column)
        elif (index or "") in shared:
            from openpyxl.formula.translate import Translator
            from openpyxl.utils import get_column_letter

            master, master_row, master_column = shared[index or ""]
            origin = f"{get_column_letter(master_column)}{master_row}"
            formula = Translator(master, origin).translate_formula(
                f"{get_column_letter(column)}{row}")
    return formula


# ---- number formats ---------------------------------------------------------------------------

def _sections(code: str) -> list[str]:
    out, current, quoted, escaped = [], "", False, False
    for char in code:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == '"':
            quoted = not quoted
            current += char
        elif char == ";" and not quoted:
            out.append(current)
            current = ""
        else:
            current += char
    out.append(current)
    return out


def _render(section: str, number: Decimal | None, text: str | None) -> str:
    """One section of a number format applied: literals as written, a space for `_x`, the
    number with its decimals, thousands separators and percent."""
    literal_before, literal_after, digits = [], [], ""
    into = literal_before
    i = 0
    decimals = 0
    grouped = percent = False
    seen_digit = False
    while i < len(section):
        char = section[i]
        if char == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            into.append(section[i + 1:end])
            i = end + 1
            continue
        if char == "\\" and i + 1 < len(section):
            into.append(section[i + 1])
            i += 2
            continue
        if char == "_" and i + 1 < len(section):
            into.append(" ")
            i += 2
            continue
        if char == "*" and i + 1 < len(section):
            i += 2
            continue
        if char == "[":
            end = section.find("]", i)
            i = len(section) if end < 0 else end + 1
            continue
        if char in "0#?":
            seen_digit = True
            into = literal_after
            digits += char
        elif char == "." and (seen_digit or (i + 1 < len(section) and section[i + 1] in "0#?")):
            seen_digit = True
            into = literal_after
            digits += char
        elif char == "," and seen_digit:
            grouped = True
        elif char == "%":
            percent = True
            into.append("%")
        elif char == "@":
            into.append(text or "")
        else:
            into.append(char)
        i += 1
    if text is not None or number is None:
        return "".join(literal_before) + "".join(literal_after)
    if not seen_digit:
        return "".join(literal_before) + "".join(literal_after)
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
    value = abs(number) * (100 if percent else 1)
    shown = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    if digits.startswith("#") and shown.startswith("0") and decimals == 0 and value < 1:
        shown = ""
    return "".join(literal_before) + shown + "".join(literal_after)


def shown(value: Any, code: str) -> str:
    """The text a spreadsheet program prints for `value` with the number format `code`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    code = code or "General"
    sections = _sections(code)
    if isinstance(value, str):
        if len(sections) >= 4:
            return _render(sections[3], None, value)
        if "@" in sections[-1] and len(sections) in (1, 4):
            return _render(sections[-1], None, value)
        return value
    number = value
    if code.lower() == "general":
        return _general(number)
    if number < 0 and len(sections) >= 2:
        return _render(sections[1], number, None)
    if number == 0 and len(sections) >= 3:
        return _render(sections[2], number, None)
    text = _render(sections[0], number, None)
    return f"-{text}" if number < 0 and len(sections) < 2 and text.strip() else text


def _general(number: Decimal) -> str:
    rounded = number.quantize(Decimal(1)) if number == number.to_integral_value() else number
    text = f"{rounded.normalize():f}" if rounded != 0 else "0"
    return text

"""Fonts, styles and the page furniture shared by every PDF (A4, CJK font embedded as a subset,
page x of y, a 草稿 watermark for cases not yet reviewed), and the paper rules every PDF keeps:
no text below 8 pt (the smallest style is 8.5 pt), Chinese line-breaking (`paragraph`: no line
starts with closing punctuation such as 「；」「）」「，」 nor ends with opening punctuation; a
figure is never cut) and a signature block kept on the page of what precedes it
(`keep_with_signatures`)."""

from __future__ import annotations

import threading
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, KeepTogether, Paragraph

from wulong_desk.exports.sheet_style import CLOSING, OPENING, break_pieces
from wulong_desk.paths import resources_dir

FONT = "WQYMicroHei"
PAGE = A4
MARGIN = 20 * mm
TEXT_WIDTH = PAGE[0] - 2 * MARGIN - 12   # a paragraph's width in the page's frame (its padding)
CELL_PADDING = 6                    # reportlab's padding either side of a table cell's text
SMALLEST = 8.5                      # no text on paper below 8 pt
# The bundled font is one object shared by every PDF the process builds. The app builds
# documents on two worker threads at once (a preview switched to another document, a preview
# beside an export); reportlab subsets the font through one read cursor
# (TTFontFile.makeSubset), so two builds interleaving there fail (KeyError) or embed the wrong
# glyphs. The font is registered, and each document built, holding this lock.
_FONT_IN_USE = threading.RLock()


def register_font() -> str:
    """Register the bundled TrueType CJK font once (reportlab embeds the glyphs used)."""
    with _FONT_IN_USE:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            font = resources_dir() / "fonts" / "wqy-microhei.ttc"
            pdfmetrics.registerFont(TTFont(FONT, str(font), subfontIndex=0))
    return FONT


def build(doc: BaseDocTemplate, story: list[Any], canvasmaker: type[canvas.Canvas]) -> None:
    """doc.build(story) with the font to itself: one document at a time (see _FONT_IN_USE)."""
    with _FONT_IN_USE:
        doc.build(story, canvasmaker=canvasmaker)


def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24,
                                alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9.5, alignment=TA_CENTER,
                                   textColor="#444444", spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11.5, leading=18,
                                  spaceBefore=8, spaceAfter=2, keepWithNext=1),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
    }


def numbered_canvas(draft: bool, footer: str) -> type[canvas.Canvas]:
    """A canvas that knows the page count at the end (第 x 页，共 y 页) and marks drafts."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            # no stray reference to Helvetica: the document template passes None explicitly
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, _height = PAGE
            self.saveState()
            self.setFont(FONT, 8.5)
            self.setFillColorRGB(0.35, 0.35, 0.35)
            self.drawCentredString(width / 2, 10 * mm,
                                   f"{footer}    第 {self._pageNumber} 页，共 {total} 页")
            if draft:
                self.setFont(FONT, 96)
                self.setFillColorRGB(0.85, 0.85, 0.85, alpha=0.5)
                self.translate(width / 2, PAGE[1] / 2)
                self.rotate(35)
                self.drawCentredString(0, 0, "草稿")
            self.restoreState()

    return NumberedCanvas


def wrap_cjk(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` as lines no wider than `width` points in `font` at `size`, broken by the Chinese
    rules: a line never starts with closing punctuation (「，」「；」「：」「）」「。」…) nor ends
    with opening punctuation, a figure (511,542.00) or a Latin word stays whole when it fits.
    reportlab's own CJK wrapping knows only part of the closing marks (it started lines with
    「；」「：」「，」), so the lines are made here and given to it already broken."""
    register_font()
    limit = width - 0.05   # (reportlab measures the same widths)

    def fits(line: str) -> bool:
        return pdfmetrics.stringWidth(line, font, size) <= limit

    lines: list[str] = []

    def cut(line: str) -> str:
        """Lines cut off the front of a piece longer than a whole line; the rest."""
        while not fits(line.rstrip()) and len(line) > 1:
            at = len(line) - 1
            while at > 1 and not fits(line[:at]):
                at -= 1
            while at > 1 and (line[at] in CLOSING or line[at - 1] in OPENING):
                at -= 1          # the mark goes with the character before it
            lines.append(line[:at])
            line = line[at:]
        return line

    for paragraph in text.split("\n"):
        line = ""
        for piece in break_pieces(paragraph):
            if not line or piece.isspace() or fits(line + piece):
                line = cut(line + piece)
            else:
                lines.append(line.rstrip())
                line = cut(piece)
        lines.append(line.rstrip())
    return lines


def paragraph(text: str, style: ParagraphStyle, width: float = TEXT_WIDTH) -> Paragraph:
    """A paragraph of plain text (escaped: never markup), broken into lines for `width` points
    by the Chinese rules (`wrap_cjk`)."""
    from xml.sax.saxutils import escape

    lines = wrap_cjk(text, style.fontName, style.fontSize, width)
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def keep_with_signatures(before: list[Any], signatures: Any) -> KeepTogether:
    """The signature block on the same page as what comes just before it (never alone on a
    page of its own)."""
    return KeepTogether([*before, signatures])

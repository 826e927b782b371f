"""Fonts, styles and the page furniture shared by every PDF (A4, CJK font embedded as a subset,
page x of y, a 草稿 watermark for cases not yet reviewed)."""

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
from reportlab.platypus import BaseDocTemplate

from wulong_desk.paths import resources_dir

FONT = "WQYMicroHei"
PAGE = A4
MARGIN = 20 * mm
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

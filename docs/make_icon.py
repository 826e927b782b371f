"""Draw the app's icon (a roof over the character 武 on a seal-red tile) and save it as
resources/icons/wulong-desk.png (256 px) and wulong-desk.ico (16–256 px) for the bundle.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_icon.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int):
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setBrush(QColor("#b3261e"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 36 * s, 36 * s)
    p.setPen(QPen(QColor("#fff4e0"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(40 * s, 104 * s), QPointF(128 * s, 40 * s),
                              QPointF(216 * s, 104 * s)]))
    font = QFont("WenQuanYi Micro Hei")
    font.setPixelSize(int(132 * s))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#fff4e0"))
    p.drawText(QRectF(0, 86 * s, size, 160 * s), Qt.AlignmentFlag.AlignCenter, "武")
    p.end()
    return image


def main() -> int:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QFontDatabase.addApplicationFont(str(OUT.parent / "fonts" / "wqy-microhei.ttc"))
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "wulong-desk.png"))
    # Qt's ico writer stores one image; a multi-size .ico is assembled here from PNG entries
    import struct

    from PySide6.QtCore import QBuffer, QIODevice

    entries = []
    for size in (16, 24, 32, 48, 64, 128, 256):
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        draw(size).save(buffer, "PNG")
        entries.append((size, bytes(buffer.data())))
    header = struct.pack("<HHH", 0, 1, len(entries))
    offset = 6 + 16 * len(entries)
    directory, blobs = b"", b""
    for size, data in entries:
        edge = 0 if size == 256 else size
        directory += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    (OUT / "wulong-desk.ico").write_bytes(header + directory + blobs)
    del app
    print(f"saved to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

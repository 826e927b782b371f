"""Once the window is usable the app loads the PDF library and the CJK font in the background,
so the first preview does not wait for them; a preview asking for the font meanwhile gets the
one registration."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_warm_up_loads_the_pdf_library_and_the_font_off_the_gui_thread():
    script = """
import sys, threading
from reportlab.pdfbase import pdfmetrics
from wulong_desk.exports.pdf_style import FONT, register_font
from wulong_desk.ui.app import warm_up_documents
assert "wulong_desk.exports.agreement" not in sys.modules
assert FONT not in pdfmetrics.getRegisteredFontNames()
thread = warm_up_documents()
assert thread is not threading.current_thread()
asked = [register_font() for _ in range(3)]  # a preview asking meanwhile
thread.join()
assert "wulong_desk.exports.agreement" in sys.modules
assert pdfmetrics.getRegisteredFontNames().count(FONT) == 1
print(asked)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['WQYMicroHei', 'WQYMicroHei', 'WQYMicroHei']"

"""What ships matches forms/: every Designer form compiles to exactly the committed module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "wulong_desk" / "ui" / "generated"


def _body(text: str) -> str:
    # the header names the uic version; everything after it must be identical
    rule = "#" * 80 + "\n"
    return text.split(rule, 2)[-1]


def test_every_form_is_compiled_and_current(tmp_path):
    uic = Path(sys.executable).parent / "pyside6-uic"
    forms = sorted((ROOT / "forms").glob("*.ui"))
    assert forms
    for form in forms:
        shipped = GENERATED / f"ui_{form.stem}.py"
        assert shipped.exists(), f"{form.name} has no compiled module; run tools: pyside6-uic"
        out = tmp_path / shipped.name
        subprocess.run([str(uic), str(form), "-o", str(out)], check=True, timeout=60)
        assert _body(out.read_text(encoding="utf-8")) == _body(
            shipped.read_text(encoding="utf-8")), f"{shipped.name} is stale: recompile {form.name}"


def test_the_editor_uses_the_compiled_form():
    from wulong_desk.ui import case_editor

    assert case_editor.Ui_CaseEditor.__module__ == "wulong_desk.ui.generated.ui_case_editor"

"""The settings the app remembers (operator, last project) are written only when they change:
each write saves the whole file."""

from __future__ import annotations

import os


def test_a_remembered_setting_is_written_only_when_it_changes(tmp_path, monkeypatch):
    from wulong_desk.ui.settings import remember, settings

    monkeypatch.setenv("WULONG_DESK_HOME", str(tmp_path))
    remember("last_project", 3)
    remember("operator", "张三")
    kept = next(tmp_path.rglob("settings.ini"))
    written = kept.stat().st_mtime_ns, kept.read_bytes()
    kept.touch()
    os.utime(kept, ns=(1, 1))  # a write from here on would change the time
    remember("last_project", 3)
    remember("operator", "张三")
    assert kept.stat().st_mtime_ns == 1 and kept.read_bytes() == written[1]
    remember("last_project", 4)
    assert settings().value("last_project", None, int) == 4
    assert kept.stat().st_mtime_ns != 1

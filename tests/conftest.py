"""Test set-up: Qt offscreen, and the FloatOperation trap on so no float sneaks into money."""

from __future__ import annotations

import decimal
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


def _trap_floats() -> None:
    decimal.getcontext().traps[decimal.FloatOperation] = True


_trap_floats()


@pytest.fixture(autouse=True)
def float_trap():
    _trap_floats()
    yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each test gets its own user data folder; nothing touches the real one."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WULONG_DESK_HOME", str(home))
    return home

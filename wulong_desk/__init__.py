"""Wulong Desk — 武隆征收补偿案卷系统."""

import os

__version__ = "0.1.0"
ENGINE_VERSION = "1"

if os.environ.get("WULONG_DESK_TRAP_FLOATS"):  # set by tests/conftest.py
    import decimal

    # every thread's context is copied from DefaultContext: no float may reach a Decimal
    decimal.DefaultContext.traps[decimal.FloatOperation] = True
    decimal.getcontext().traps[decimal.FloatOperation] = True

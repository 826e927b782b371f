"""Amounts in Chinese capitals (大写) for agreements, via cn2an's RMB mode."""

from __future__ import annotations

from decimal import Decimal

import cn2an


def rmb_capitals(amount: Decimal) -> str:
    """235004.00 → 贰拾叁万伍仟零肆元整. Negative amounts are spelled by their size; the
    document says who pays (应付 / 应收) in words beside it."""
    value = abs(amount).quantize(Decimal("0.01"))
    return cn2an.an2cn(f"{value:f}", "rmb")

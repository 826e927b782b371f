"""Wulong Desk — 武隆征收补偿案卷系统."""

__version__ = "0.1.0"
ENGINE_VERSION = "1"

"""Where the app's bundled files and the user's data live (no Qt here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "WulongDesk"
DB_NAME = "wulong-desk.sqlite"


def _bundle_root() -> Path | None:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else None


def resources_dir() -> Path:
    """The resources/ folder: beside the package in a checkout, inside it in a wheel or bundle."""
    candidates: list[Path] = []
    bundle = _bundle_root()
    if bundle is not None:
        candidates.append(bundle / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "resources", here / "resources"]
    for candidate in candidates:
        if (candidate / "standards").is_dir():
            return candidate
    raise FileNotFoundError("找不到程序资源目录 resources/（安装不完整）")


def user_data_dir() -> Path:
    """The per-user data folder; WULONG_DESK_HOME overrides it (tests, portable use)."""
    override = os.environ.get("WULONG_DESK_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The case database in the user's data folder."""
    return user_data_dir() / DB_NAME


def standard_dirs() -> list[Path]:
    """Bundled standards first, then any the office dropped into the user data folder."""
    dirs = [resources_dir() / "standards"]
    extra = user_data_dir() / "standards"
    if extra.is_dir():
        dirs.append(extra)
    return dirs

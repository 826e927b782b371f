"""What every export shares: the target checked before any work is done, progress reported
(and a cancel honoured) as it goes, and the result it hands back."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wulong_desk.errors import Cancelled, UserError
from wulong_desk.fileio import check_output

Progress = Callable[[int, int], bool | None]

@dataclass
class ExportResult:
    path: Path
    count: int
    incomplete: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notice: str = ""           # a public notice's 公示期 and how it was set (never printed on it)
    unit: str = "户"           # what `count` counts (a notice of buildings: 处)


def tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled


def check_target(path: Path) -> None:
    """Refuse early a target another program holds open (Excel and WPS lock the file on Windows)
    or a folder that cannot be written, before any work is done."""
    path = Path(path)
    check_output(path)   # a folder, a device or a pipe: only a regular file is written
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"文件夹不存在：{folder}")
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except PermissionError as exc:
            raise UserError(f"无法写入 {path}：文件正被其他程序（如 Excel、WPS）打开，"
                            "或文件只读。请关闭文件后重试。") from exc
    if not os.access(folder, os.W_OK):
        raise UserError(f"无法写入文件夹 {folder}（只读或没有权限），请换个位置")

"""Safe file writing: temporary file beside the target, then an atomic rename; private modes."""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from wulong_desk.errors import EnvironmentFailure, UserError
from wulong_desk.invisible import without_format_characters


def temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def private_file(path: Path) -> None:
    """Create (or restrict) a file so only its owner can read it (POSIX; a no-op elsewhere)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def replace_atomically(tmp: Path, target: Path) -> None:
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    if os.name == "posix":
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _plain(exc: OSError) -> str:
    from wulong_desk.failures import plain_message

    return plain_message(exc) or str(exc.strerror or exc)


def check_output(target: Path) -> None:
    """Refuse an output that is not a regular file: a folder, a device (/dev/full, /dev/null),
    a pipe or a socket. The atomic rename would replace the device's node with a file (or
    fail late); a regular file, or a name not yet taken, is fine."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return   # not there yet (or unreadable: the write says why)
    if stat.S_ISDIR(mode):
        raise UserError(f"无法写入 {target}：这是一个文件夹，请给出文件名")
    if not stat.S_ISREG(mode):
        raise UserError(f"无法写入 {target}：这不是普通文件（是设备、管道等），"
                        "只能保存为普通文件，请换一个文件名")


def write_atomically(target: Path, data: bytes, private: bool = False) -> Path:
    """Write bytes to target via a temporary file and rename; a clear message if it cannot."""
    return write_streamed(target, [data], private=private)


def write_streamed(target: Path, chunks: Iterable[bytes], private: bool = False) -> Path:
    """Write the chunks, as they come, to target via a temporary file and rename (nothing is
    held in memory whole); only a regular file is written (check_output)."""
    target = Path(target)
    check_output(target)
    tmp = temp_beside(target)
    try:
        if private:
            private_file(tmp)
        with open(tmp, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        replace_atomically(tmp, target)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise EnvironmentFailure(f"无法写入 {target}：文件正被其他程序（如 Excel、WPS）打开，"
                        "或所在文件夹只读。请关闭文件或换个位置后重试。") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EnvironmentFailure(f"无法写入 {target}：{_plain(exc)}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


# Windows refuses these characters and names in a file name; "/" and "\\" would leave the folder
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³")}
NAME_LIMIT = 120


def safe_name(text: str) -> str:
    """A file name from text that came from outside (a case number): no separators, no "..",
    no characters or names Windows refuses, no direction controls (U+202E shows
    "A-001\u202efdp.exe" as "A-001exe.pdf") or other invisible format characters, not hidden,
    not empty, not too long."""
    name = _UNSAFE.sub("_", without_format_characters(text)).replace("..", "_").strip(" .")
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = f"_{name}"
    return name[:NAME_LIMIT] or "_"


def unique_names(names: list[str]) -> list[str]:
    """The names, made distinct ignoring letter case (as Windows and macOS compare them):
    a later clash gets -2, -3 … before its extension."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, number = name, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem}-{number}{dot}{ext}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def inside(folder: Path, name: str) -> Path:
    """folder/name, refused (UserError) unless it stays directly inside folder."""
    target = Path(folder) / name
    if Path(name).name != name or target.resolve().parent != Path(folder).resolve():
        raise UserError(f"文件名不安全，已拒绝：{name!r}")
    return target

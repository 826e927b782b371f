"""The app's log: a file in the user data folder, rotated at start once it has grown past
MAX_BYTES (KEEP older files are kept), with no personal data in it, readable by its owner only.

The code logs what happened (opened, saved case #id, exported N households), never names, ID
numbers or phone numbers. As a second line of defence every record and every crash report
passes through `redact`, which masks anything shaped like an ID number or a phone number and
drops the SQL parameters a database error would otherwise quote.
"""

from __future__ import annotations

import logging
import re
import traceback
from pathlib import Path
from types import TracebackType

from wulong_desk import __version__
from wulong_desk.fileio import private_file
from wulong_desk.paths import user_data_dir

LOGGER = "wulong_desk"
MAX_BYTES = 1_000_000
KEEP = 5

_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[0-9]{7}[0-9Xx](?![0-9])")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")
# a database error quotes its statement and the values bound to it: drop both
_SQL = re.compile(r"\[SQL: .*?(?=\(Background on this error|\Z)", re.S)


def redact(text: str) -> str:
    text = _SQL.sub("[SQL 语句和参数已略去]\n", text)
    text = _ID.sub("[身份证号]", text)
    text = _PHONE.sub("[电话]", text)
    return _LANDLINE.sub("[电话]", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_dir() -> Path:
    return user_data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / "wulong-desk.log"


class _LogFile(logging.FileHandler):
    """The app's own log file handler (told apart from any other handler a host attaches)."""


def setup_logging() -> Path:
    """Attach the log file to the app's logger (once); returns the log file. A file past
    MAX_BYTES is rotated first, by the standard library's rotating handler (imported only
    then: the module is a noticeable part of the start, and a day's log is a few kilobytes)."""
    logger = logging.getLogger(LOGGER)
    path = log_file()
    for handler in logger.handlers:
        if isinstance(handler, _LogFile) and Path(handler.baseFilename) == path:
            return path
    for handler in list(logger.handlers):  # a different data folder (tests): start afresh
        if isinstance(handler, _LogFile):
            logger.removeHandler(handler)
            handler.close()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size >= MAX_BYTES:
        from logging.handlers import RotatingFileHandler

        rotating = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=KEEP,
                                       encoding="utf-8", delay=True)
        rotating.doRollover()
        rotating.close()
        for kept in path.parent.glob(path.name + ".*"):
            private_file(kept)
    private_file(path)   # owner-only (0600) before the first line is written
    handler = _LogFile(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path


def _platform() -> str:
    import platform

    return f"{platform.python_version()} · {platform.platform()}"


def log() -> logging.Logger:
    return logging.getLogger(LOGGER)


def crash_report(kind: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> str:
    """What a maintainer needs (versions, where it failed), with personal data masked."""
    lines = [f"Wulong Desk {__version__}",
             f"Python {_platform()}",
             f"时间：{_now()}", ""]
    lines += traceback.format_exception(kind, exc, tb)
    return redact("\n".join(line.rstrip("\n") for line in lines))


def _now() -> str:
    from datetime import datetime

    return datetime.now().isoformat(timespec="seconds")


def log_crash(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    report = crash_report(kind, exc, tb)
    log().error("未处理的错误：\n%s", report)
    return report

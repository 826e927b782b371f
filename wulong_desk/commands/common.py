"""Options shared by the commands that use the case database, and how they open it."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wulong_desk.server_address import is_server_url

if TYPE_CHECKING:
    from wulong_desk.store import Store


def db_target(value: str) -> Path | str:
    """--db: a database file, or the office server's postgresql://user@host:port/dbname."""
    return value.strip() if is_server_url(value) else Path(value)


def add_store_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--db and --operator, accepted before or after the subcommand."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", type=db_target, default=default, metavar="PATH|URL",
                        help="案卷数据库文件（默认在用户数据目录），或办公室服务器地址 "
                             "postgresql://用户名@主机:端口/数据库名（密码用 PGPASSWORD 或 "
                             ".pgpass）")
    parser.add_argument("--operator", default=default, metavar="NAME",
                        help="操作人姓名（记入审计日志）")


def given_operator(args: argparse.Namespace) -> str:
    """The operator named by --operator or WULONG_DESK_OPERATOR; "" when none was given (a
    printed sheet then names nobody, never the computer's login)."""
    return getattr(args, "operator", None) or os.environ.get("WULONG_DESK_OPERATOR") or ""


def operator_name(args: argparse.Namespace) -> str:
    name = given_operator(args)
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name on some systems
            name = "未署名"
    return name


def open_from_args(args: argparse.Namespace) -> Store:
    """The store --db names (the store is imported here: the calc command never needs it)."""
    from wulong_desk.instance_lock import COMMAND, acquire
    from wulong_desk.paths import default_db_path
    from wulong_desk.services.cases.maintenance import compute_missing
    from wulong_desk.store import open_store

    target = getattr(args, "db", None)
    if isinstance(target, str):   # the office server: its own locks, no file to guard
        store = open_store(target, operator_name(args))
        compute_missing(store)
        return store
    db = (target or default_db_path()).expanduser().resolve()
    lock = acquire(db, COMMAND)  # refused while the app (or another command) has it open
    try:
        store = open_store(db, operator_name(args))
        if store.read_only:
            print(f"注意：{store.read_only}", file=sys.stderr)
        if store.backup_warning:
            print(f"注意：{store.backup_warning}", file=sys.stderr)
        else:
            compute_missing(store)
    except BaseException:
        lock.unlock()
        raise
    store.instance_lock = lock  # let go when the store is closed
    return store


def date_argument(text: str, label: str) -> date:
    """A date argument, read by the one date reader (2026-03-01, 2026/3/1, 20260301,
    2026年3月1日; years 1990–2100); anything else is refused naming the argument."""
    from wulong_desk.dates import DateError, parse_date
    from wulong_desk.errors import UsageError

    try:
        return parse_date(text)
    except DateError as exc:
        raise UsageError(f"「{label}」：{exc}") from None


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def stage_word(allowed: Sequence[str]) -> Callable[[str], str]:
    """An argparse type for a stage: its Chinese name (已签约) or its code (signed)."""
    from wulong_desk.statuses import STATUS_LABELS

    by_word = {STATUS_LABELS[code]: code for code in allowed}

    def read(text: str) -> str:
        code = by_word.get(text.strip(), text.strip())
        if code not in allowed:
            raise argparse.ArgumentTypeError(f"“{text}”不是阶段名称，可用：{'、'.join(by_word)}")
        return code

    return read


def print_listing(args: argparse.Namespace, items: Sequence[Any], line: Callable[[Any], str]
                  ) -> int:
    """A listing command's output: with --json each item's to_json(), else one line an item."""
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    if not items:
        print("（没有记录）")
    for item in items:
        print(line(item))
    return 0

"""`backup` and `restore`."""

from __future__ import annotations

import argparse
from pathlib import Path

from wulong_desk.commands.common import add_store_options
from wulong_desk.errors import UserError
from wulong_desk.paths import default_db_path


def register(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="立即备份数据库")
    backup.add_argument("--out", type=Path, metavar="FILE", help="备份文件（默认放在备份目录）")
    add_store_options(backup)
    backup.set_defaults(run=run_backup)

    restore = sub.add_parser("restore", help="用备份文件恢复数据库（先另存当前文件）")
    restore.add_argument("file", type=Path, metavar="FILE")
    add_store_options(restore)
    restore.set_defaults(run=run_restore)


def _db(args: argparse.Namespace) -> Path:
    target = getattr(args, "db", None)
    if isinstance(target, str):
        from wulong_desk.store.server import BACKUPS_ARE_THE_SERVERS

        raise UserError(BACKUPS_ARE_THE_SERVERS)
    return (target or default_db_path()).expanduser().resolve()


def run_backup(args: argparse.Namespace) -> int:
    db = _db(args)
    if not db.exists():
        raise UserError(f"数据库不存在：{db}")
    from wulong_desk.store import backups as backup_files

    made = backup_files.backup(db, args.out)
    print(f"已备份到 {made}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    db = _db(args)
    from wulong_desk.instance_lock import COMMAND, acquire
    from wulong_desk.store import backups as backup_files

    lock = acquire(db, COMMAND)  # never under an open app: its next save would be lost
    try:
        safety = backup_files.restore(db, args.file.expanduser().resolve())
    finally:
        lock.unlock()
    if safety:
        print(f"已恢复。原数据库已另存为 {safety}")
    else:
        print("已恢复。")
    return 0

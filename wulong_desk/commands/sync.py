"""`sync`: a laptop's database file and the office server, in step."""

from __future__ import annotations

import argparse
import sys

from wulong_desk.commands.common import add_store_options, open_from_args, print_json
from wulong_desk.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="与办公室服务器同步本机的案卷"
                                       "（推送本机修改，取回服务器的修改）")
    sync.add_argument("--server", required=True, metavar="URL",
                      help="办公室服务器地址 postgresql://用户名@主机:端口/数据库名"
                           "（密码用 PGPASSWORD 或 .pgpass）")
    sync.add_argument("--json", action="store_true")
    add_store_options(sync)
    sync.set_defaults(run=run_sync)


def run_sync(args: argparse.Namespace) -> int:
    from wulong_desk.server_address import is_server_url
    from wulong_desk.services.exchange.sync import sync
    from wulong_desk.store import open_store

    if isinstance(getattr(args, "db", None), str):
        raise UserError("--db: 同步时 --db 是本机的数据库文件，服务器地址写在 --server")
    if not is_server_url(args.server):
        raise UserError("--server: 应为办公室服务器地址 postgresql://用户名@主机:端口/数据库名")
    with open_from_args(args) as laptop:
        with open_store(args.server, "") as server:   # unreachable: a clear message, no change
            report = sync(laptop, server)
    if args.json:
        print_json(report.to_json())
    else:
        print(f"已推送 {report.pushed} 户，已取回 {report.pulled} 户")
        if report.conflicts:
            print("以下案卷在两边都有修改，未改动任何一边，请在程序中比较后选择保留哪个版本：",
                  "、".join(report.conflicts))
        if report.proposed:
            print(f"待确认 {len(report.proposed)} 项（未应用，须审核人员用 "
                  "wulong-desk corrections accept/reject 处理）：")
            for line in report.proposed:
                print(f"  {line}")
    for problem in report.problems:
        print(f"未同步：{problem}", file=sys.stderr)
    if report.conflicts or report.problems:
        return 3
    return 4 if report.proposed else 0

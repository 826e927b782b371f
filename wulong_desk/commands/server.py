"""`server init` and `server add-user`: setting up the office server (PostgreSQL)."""

from __future__ import annotations

import argparse
import sys

from wulong_desk.commands.common import add_store_options
from wulong_desk.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    server = sub.add_parser("server", help="办公室服务器（PostgreSQL）：初始化、添加登录")
    actions = server.add_subparsers(dest="server_command", metavar="操作", required=True)

    init = actions.add_parser("init", help="建立或升级数据库结构，建立角色、权限和规则"
                              "（数据库所有者登录运行）")
    add_store_options(init)
    init.set_defaults(run=run_init)

    user = actions.add_parser("add-user", help="添加（或重设）一个工作人员的登录"
                              "（数据库所有者登录运行）")
    user.add_argument("name", metavar="NAME", help="登录名（字母、数字、下划线）")
    user.add_argument("--role", required=True, choices=("clerk", "reviewer", "admin"),
                      help="clerk 经办人员 | reviewer 审核人员 | admin 管理员")
    user.add_argument("--password-stdin", action="store_true", required=True,
                      help="从标准输入读取新登录的密码（一行）")
    add_store_options(user)
    user.set_defaults(run=run_add_user)


def _server(args: argparse.Namespace) -> str:
    target = getattr(args, "db", None)
    if not isinstance(target, str):
        raise UserError("--db: 请给出办公室服务器地址 postgresql://用户名@主机:端口/数据库名")
    return target


def run_init(args: argparse.Namespace) -> int:
    from wulong_desk.store.server import init_server, parse
    from wulong_desk.store.server_errors import display
    from wulong_desk.store.server_roles import group_names

    address = _server(args)
    login, notes = init_server(address)
    groups = group_names(str(parse(address).database))
    print(f"服务器数据库已就绪：{display(address)}（结构已是最新；本数据库的角色 "
          f"{groups['clerk']}（经办人员）、{groups['reviewer']}（审核人员）、{groups['admin']}"
          f"（管理员）与权限、规则已建立；所有者 {login}）")
    for note in notes:
        print(note)
    return 0


def run_add_user(args: argparse.Namespace) -> int:
    from wulong_desk.store.server import add_user
    from wulong_desk.store.server_errors import ROLE_LABELS

    address = _server(args)
    password = sys.stdin.readline().rstrip("\r\n")
    add_user(address, args.name, args.role, password)
    print(f"已添加登录 {args.name}（{ROLE_LABELS[args.role]}）")
    return 0

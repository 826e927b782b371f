"""The `wulong-desk` command. With no subcommand it opens the desktop app."""

from __future__ import annotations

import argparse
import os
import sys

from wulong_desk import __version__
from wulong_desk.commands import (
    argparse_words,
    backup,
    calc,
    corrections,
    data,
    decision_path,
    documents,
    exchange,
    procedure,
    server,
    sync,
)
from wulong_desk.commands.common import add_store_options
from wulong_desk.errors import InputError, StandardError, UserError

COMMANDS = (calc, data, decision_path, exchange, corrections, documents, backup, procedure,
            server, sync)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse_words.ChineseArgumentParser(  # usage, help and errors in Chinese
        prog="wulong-desk", description="武隆征收补偿案卷系统（Wulong Desk）")
    parser.add_argument("--version", action="version", version=f"wulong-desk {__version__}",
                        help="显示版本号并退出")
    add_store_options(parser, top=True)
    parser.add_argument("--no-crash-dialog", action="store_true",
                        help="出错时不弹出对话框，把错误报告写到标准错误（脚本、CI 使用）")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：在临时数据库中录入四个算例、核对金额、导出台账和 PDF、"
                             "在屏幕外打开主窗口；全部通过才返回 0")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for module in COMMANDS:
        module.register(sub)
    argparse_words.explain_options(parser)
    return parser


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command not in (None, "calc"):  # (the app does this itself at start)
            from wulong_desk.tempfiles import clean_at_start, use_private_temp_folder

            clean_at_start()  # temporary files a killed export left behind
            use_private_temp_folder()  # this run's: in the private folder
        if args.self_test:
            from wulong_desk.selftest import main as self_test

            return self_test()
        if args.command is None:
            from wulong_desk.ui.app import run as run_gui  # Qt is loaded only for the GUI

            return int(run_gui(args))
        return int(args.run(args))
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        from wulong_desk.services.cases.field_names import describe_message

        print(f"错误：{describe_message(str(exc))}", file=sys.stderr)  # 「搬迁日期」, not moved_on
        return exc.exit_code
    except StandardError as exc:
        print(f"补偿标准文件有误：{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (e.g. piped into head); nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: never a traceback in front of a user
        from wulong_desk.failures import plain_message
        from wulong_desk.logs import redact

        plain = plain_message(exc)  # a full disk, a read-only folder, a locked database …
        if plain is not None:
            print(f"错误：{plain}", file=sys.stderr)
            return 1
        # personal data never reaches the screen: masked exactly as in the GUI's reports
        print(redact(f"内部错误（请把这一行发给维护人员）：{type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return 1

"""`export-cases` and `import-cases`: offline hand-over of cases as one JSON package."""

from __future__ import annotations

import argparse
from pathlib import Path

from wulong_desk.commands.common import add_store_options, open_from_args, print_json

# the exit code of an import (or sync) that left proposals waiting for a reviewer
PROPOSED = 4


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export-cases", help="导出项目案卷包（离线交接）")
    export.add_argument("--project", type=int, required=True, metavar="ID")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    add_store_options(export)
    export.set_defaults(run=run_export)

    imp = sub.add_parser("import-cases",
                         help="导入案卷包（全部成功或全部不导入；更正和签约待审核人员确认）")
    imp.add_argument("file", type=Path, metavar="FILE.json")
    imp.add_argument("--json", action="store_true")
    add_store_options(imp)
    imp.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.packages import export_cases

    with open_from_args(args) as store:
        count = export_cases(store, args.project, args.out)
    print(f"已导出 {count} 户到 {args.out}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.packages import import_cases

    with open_from_args(args) as store:
        report = import_cases(store, args.file)
    if args.json:
        print_json(report.to_json())
    else:
        print(f"导入完成：新建 {len(report.created)} 户，更新 {len(report.updated)} 户，"
              f"无变化 {len(report.unchanged)} 户，保留本机修改 {len(report.kept_local)} 户。")
        if report.proposed:
            print(f"待确认 {len(report.proposed)} 项（未应用，须审核人员用 "
                  "wulong-desk corrections accept/reject 处理）：")
            for line in report.proposed:
                print(f"  {line}")
    return PROPOSED if report.proposed else 0

"""`ledger`, `notice`, `verify-ledger`, `survey-template`, `import-survey`: the spreadsheets;
`agreement`: the PDFs."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from wulong_desk.commands.common import (
    add_store_options,
    date_argument,
    given_operator,
    open_from_args,
)
from wulong_desk.exports.notice_kinds import DECISION
from wulong_desk.exports.notice_kinds import KINDS as NOTICE_KINDS

if TYPE_CHECKING:
    from wulong_desk.services.documents.output import ExportResult


def register(sub: argparse._SubParsersAction) -> None:
    ledger = sub.add_parser("ledger", help="导出分户补偿台账（--public 为公示版）")
    ledger.add_argument("--project", type=int, required=True, metavar="ID")
    ledger.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    ledger.add_argument("--public", action="store_true",
                        help="公示版：只列办法第二十九条要求公布的内容，姓名遮盖")
    ledger.add_argument("--notice-from", metavar="YYYY-MM-DD", help="公示版：公示期开始日")
    ledger.add_argument("--notice-to", metavar="YYYY-MM-DD",
                        help="公示版：公示期结束日（办法第二十九条未规定公示期长短，不给则留空"
                             "待填；两者都不给则取项目程序时限中的“分户补偿情况公示”）")
    add_store_options(ledger)
    ledger.set_defaults(run=run_ledger)

    notice = sub.add_parser("notice", help="导出公示表：分户补偿情况、调查登记结果、未登记建筑"
                                           "认定结果、分户初步评估结果、最低住房保障、补偿决定公告")
    notice.add_argument("--project", type=int, required=True, metavar="ID")
    notice.add_argument("--kind", required=True, choices=tuple(NOTICE_KINDS), metavar="KIND",
                        help="；".join(f"{kind.code} {kind.title}（{kind.article}）"
                                      for kind in NOTICE_KINDS.values()))
    notice.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    notice.add_argument("--from", dest="notice_from", metavar="YYYY-MM-DD",
                        help="公示期开始日（补偿决定公告：公告日期）")
    notice.add_argument("--to", dest="notice_to", metavar="YYYY-MM-DD",
                        help="公示期结束日（第十八、五十二条的公示不给则按7个工作日计算，其余留空"
                             "待填；两者都不给则取程序时限中该项公示的日期）")
    notice.add_argument("--include-unsigned", action="store_true",
                        help="分户补偿情况公示：也列入尚未签约的户，标为「拟」")
    add_store_options(notice)
    notice.set_defaults(run=run_notice)

    verify = sub.add_parser("verify-ledger", help="核对台账与数据库是否一致")
    verify.add_argument("file", type=Path, metavar="FILE.xlsx")
    add_store_options(verify)
    verify.set_defaults(run=run_verify)
    register_survey(sub)
    register_agreements(sub)


def _report(result: ExportResult, skipped: str) -> None:
    if result.incomplete:
        print(f"{skipped}（计算数据不完整）：{'、'.join(result.incomplete)}", file=sys.stderr)


def run_ledger(args: argparse.Namespace) -> int:
    from wulong_desk.services.documents.exports import export_ledger

    period = _notice_period(args)
    with open_from_args(args) as store:
        result = export_ledger(store, args.project, args.out, public=args.public,
                               operator=given_operator(args), notice_period=period)
    print(f"已导出 {result.count} 户到 {args.out}")
    if result.notice:
        print(f"公示期：{result.notice}")
    _report(result, "未列入")
    return 0


def run_notice(args: argparse.Namespace) -> int:
    from wulong_desk.services.documents.notices import export_notice

    period = _notice_period(args, "--from", "--to")
    with open_from_args(args) as store:
        result = export_notice(store, args.project, args.out, kind=args.kind, period=period,
                               include_unsigned=args.include_unsigned)
    print(f"已导出{NOTICE_KINDS[args.kind].title}：{result.count} {result.unit}，{args.out}")
    if result.notice:
        print(f"{'公告' if args.kind == DECISION else '公示期'}：{result.notice}")
    _report(result, "未列入")
    return 0


def _notice_period(args: argparse.Namespace, start: str = "--notice-from",
                   end: str = "--notice-to") -> tuple[date, date | None] | None:
    from wulong_desk.errors import UsageError

    if args.notice_from is None and args.notice_to is None:
        return None
    if args.notice_from is None:
        raise UsageError(f"只给了 {end}：公示期还需要 {start}（开始日）")
    first = date_argument(args.notice_from, "公示期开始日")
    last = None if args.notice_to is None else date_argument(args.notice_to, "公示期结束日")
    if last is not None and last < first:
        raise UsageError("公示期结束日早于开始日")
    return first, last


def run_verify(args: argparse.Namespace) -> int:
    from wulong_desk.services.documents.verify import verify_ledger

    with open_from_args(args) as store, store.read() as session:
        verdict = verify_ledger(session, args.file)
    if verdict.matches:
        from wulong_desk.exports.records import short_code

        print(f"一致：台账每一页上的每个单元格都与数据库中的记录相符（核对码 "
              f"{short_code(verdict.file_fingerprint)}；导出时间、导出人和导出时的付款情况"
              "不在核对之列）")
        return 0
    print("不一致：")
    if verdict.file_fingerprint != verdict.database_fingerprint:
        print("  数据指纹不同：台账导出后，数据库中的计算记录已有变化（或指纹被改动）。")
    for line in verdict.details:
        print(f"  {line}")
    return 1


def register_survey(sub: argparse._SubParsersAction) -> None:
    template = sub.add_parser("survey-template", help="生成空白调查登记表（xlsx）")
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    template.set_defaults(run=run_template)

    survey = sub.add_parser("import-survey", help="导入填好的调查登记表（全部无误才写入）")
    survey.add_argument("file", type=Path, metavar="FILE.xlsx")
    survey.add_argument("--project", type=int, required=True, metavar="ID")
    add_store_options(survey)
    survey.set_defaults(run=run_import_survey)


def run_template(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.survey import write_template

    write_template(args.out)
    print(f"已生成空白调查表 {args.out}")
    return 0


def run_import_survey(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.survey import import_survey

    with open_from_args(args) as store:
        created = import_survey(store, args.project, args.file)
    print(f"已导入 {len(created)} 户：{'、'.join(created)}")
    return 0


def register_agreements(sub: argparse._SubParsersAction) -> None:
    agreement = sub.add_parser("agreement", help="出具补偿协议草稿或结算单（PDF）")
    target = agreement.add_mutually_exclusive_group(required=True)
    target.add_argument("--case", type=int, metavar="ID")
    target.add_argument("--project", type=int, metavar="ID", help="整个项目，每户一个文件")
    agreement.add_argument("--kind", choices=("money", "exchange", "presign", "settlement",
                                              "decision"),
                           help="单户必填；批量时不填则按每户的补偿方式；decision 为补偿决定书")
    agreement.add_argument("--out", type=Path, metavar="FILE.pdf")
    agreement.add_argument("--out-dir", type=Path, metavar="DIR")
    add_store_options(agreement)
    agreement.set_defaults(run=run_agreement)


def run_agreement(args: argparse.Namespace) -> int:
    from wulong_desk.errors import UsageError
    from wulong_desk.fileio import write_atomically
    from wulong_desk.services.documents.exports import BY_METHOD, build_document, export_documents

    if args.case is not None:
        if args.kind is None or args.out is None:
            raise UsageError("单户出具需要 --kind 和 --out")
        with open_from_args(args) as store:
            _name, data = build_document(store, args.case, args.kind)
        write_atomically(args.out, data, private=True)
        print(f"已生成 {args.out}")
        return 0
    if args.out_dir is None:
        raise UsageError("批量出具需要 --out-dir")
    with open_from_args(args) as store:
        result = export_documents(store, args.project, args.out_dir, kind=args.kind or BY_METHOD)
    print(f"已生成 {result.count} 份到 {args.out_dir}")
    _report(result, "未出具")
    return 0

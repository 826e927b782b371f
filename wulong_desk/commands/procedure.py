"""`workdays`, `payments`, `due`, `housing`: the procedure's clocks, the money paid out and the
exchange houses on the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from wulong_desk.commands.common import (
    add_store_options,
    date_argument,
    open_from_args,
    print_json,
    print_listing,
)
from wulong_desk.errors import UsageError
from wulong_desk.rules.decimals import NumberError, read_number


def amount(text: str) -> Decimal:
    """--amount, read by the one strict reader (as typed: full-width digits are read; "1,0,0",
    "٣٠٠" or "1e3" are refused, never guessed)."""

    try:
        return read_number(text, typed=True, plain=True)
    except NumberError as exc:
        raise UsageError(f"金额：{exc}") from None


def register(sub: argparse._SubParsersAction) -> None:
    workdays = sub.add_parser("workdays", help="某日之后第 N 个工作日（按国家法定节假日与调休）")
    workdays.add_argument("date", metavar="DATE", help="起算日（当日不计入），如 2026-09-30")
    workdays.add_argument("count", type=int, metavar="N", help="工作日数")
    workdays.add_argument("--calendar-days", action="store_true",
                          help="按自然日计算，期满日遇休息日顺延至下一个工作日")
    workdays.add_argument("--json", action="store_true")
    workdays.set_defaults(run=run_workdays)

    payments = sub.add_parser("payments", help="补偿款拨付与收款记录")
    actions = payments.add_subparsers(dest="action", metavar="操作", required=True)
    add = actions.add_parser("add", help="登记一笔拨付（产权调换应补差价的住户：一笔收款）")
    add.add_argument("--case", type=int, required=True, metavar="ID")
    add.add_argument("--amount", required=True, metavar="A", help="金额（元）")
    add.add_argument("--date", required=True, metavar="D", help="拨付/收款日期")
    add.add_argument("--voucher", required=True, metavar="V", help="凭证号")
    add.add_argument("--json", action="store_true")
    add_store_options(add)
    add.set_defaults(run=run_payments_add)
    listing = actions.add_parser("list", help="项目各户的四部分款项、现应付、已付、未付、应追回")
    listing.add_argument("--project", type=int, required=True, metavar="ID")
    listing.add_argument("--json", action="store_true")
    add_store_options(listing)
    listing.set_defaults(run=run_payments_list)

    ledger = actions.add_parser("ledger", help="导出资金拨付台账（xlsx）")
    ledger.add_argument("--project", type=int, required=True, metavar="ID")
    ledger.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    add_store_options(ledger)
    ledger.set_defaults(run=run_payments_ledger)

    due = sub.add_parser("due", help="到期与逾期事项（按工作日）")
    due.add_argument("--project", type=int, required=True, metavar="ID")
    due.add_argument("--on", metavar="DATE", help="以哪一天为今天（默认今天）")
    due.add_argument("--json", action="store_true")
    add_store_options(due)
    due.set_defaults(run=run_due)

    housing = sub.add_parser("housing", help="产权调换房源")
    hactions = housing.add_subparsers(dest="action", metavar="操作", required=True)
    imp = hactions.add_parser("import", help="从 Excel 房源表导入（全部无误才导入）")
    imp.add_argument("--project", type=int, required=True, metavar="ID")
    imp.add_argument("file", type=Path, metavar="FILE.xlsx")
    imp.add_argument("--json", action="store_true")
    add_store_options(imp)
    imp.set_defaults(run=run_housing_import)
    template = hactions.add_parser("template", help="写出空白房源表模板")
    template.add_argument("file", type=Path, metavar="FILE.xlsx")
    template.set_defaults(run=run_housing_template)
    stock = hactions.add_parser("list", help="房源及其状态（可选 / 已分配 / 已交房）")
    stock.add_argument("--project", type=int, required=True, metavar="ID")
    stock.add_argument("--json", action="store_true")
    add_store_options(stock)
    stock.set_defaults(run=run_housing_list)


def run_workdays(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.workdays import WorkCalendar, estimate_note

    start = date_argument(args.date, "起算日")
    calendar = WorkCalendar.for_user()
    due = (calendar.add_days(start, args.count) if args.calendar_days
           else calendar.add_workdays(start, args.count))
    note = estimate_note(due.on.year) if due.estimated else None
    if args.json:
        print_json({"date": due.iso(), "estimated": due.estimated, "note": note})
        return 0
    print(due.iso(), flush=True)
    if note:
        print(f"注意：{note}", file=sys.stderr)
    return 0


def run_payments_add(args: argparse.Namespace) -> int:
    from wulong_desk.rules.decimals import money
    from wulong_desk.services.money import payments

    with open_from_args(args) as store:
        account = payments.record_payment(
            store, args.case, amount(args.amount), date_argument(args.date, "拨付日期"),
            args.voucher)
    if args.json:
        print_json(account.to_json())
    else:
        print(f"已登记。现应付 {money(account.due_now)} 元，已付 {money(account.paid)} 元，"
              f"未付 {money(account.outstanding)} 元" + (
                  f"，应收回 {money(account.recover)} 元" if account.recover else ""))
    return 0


def run_payments_list(args: argparse.Namespace) -> int:
    from wulong_desk.rules.decimals import money
    from wulong_desk.services.money import payments

    with open_from_args(args) as store, store.read() as session:
        accounts = payments.project_accounts(session, args.project)
    return print_listing(args, accounts, lambda a: (
        f"{a.case_no:<10} 现应付 {money(a.due_now):>14}  已付 {money(a.paid):>14}  "
        f"未付 {money(a.outstanding):>14}  应追回 {money(a.recover):>12}  {len(a.payments)} 笔"))


def run_payments_ledger(args: argparse.Namespace) -> int:
    from wulong_desk.commands.common import operator_name
    from wulong_desk.services.documents.exports import export_payments

    with open_from_args(args) as store:
        result = export_payments(store, args.project, args.out, operator=operator_name(args))
    print(f"已导出 {result.count} 户的资金拨付台账：{result.path}")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.due_list import due_list

    today = date_argument(args.on, "--on 统计日") if args.on else date.today()
    with open_from_args(args) as store, store.read() as session:
        items = due_list(session, args.project, today)
    return print_listing(args, items, lambda item: (
        f"{item.state_label:<4} {item.due_text:<12} {item.case_no or '（项目）':<10} "
        f"{item.what}"))


def run_housing_import(args: argparse.Namespace) -> int:
    from wulong_desk.services.money.housing import import_stock

    with open_from_args(args) as store:
        count = import_stock(store, args.project, args.file)
    if args.json:
        print_json({"imported": count})
    else:
        print(f"已导入 {count} 套房源")
    return 0


def run_housing_template(args: argparse.Namespace) -> int:
    from wulong_desk.services.money.housing import write_template

    write_template(args.file)
    print(f"已写出房源表模板：{args.file}")
    return 0


def run_housing_list(args: argparse.Namespace) -> int:
    from wulong_desk.services.money.housing import STATE_LABELS, list_stock

    with open_from_args(args) as store, store.read() as session:
        houses = list_stock(session, args.project)
    return print_listing(args, houses, lambda h: (
        f"{h.label:<16} {h.area:>8} m²  {STATE_LABELS[h.state]:<4} {h.case_no or ''}"))

"""`corrections`: the proposals from outside waiting for a reviewer (待确认的更正): list them,
accept one (applied as this login's change, naming the sender) or refuse it with a reason."""

from __future__ import annotations

import argparse

from wulong_desk.commands.common import add_store_options, open_from_args, print_listing


def register(sub: argparse._SubParsersAction) -> None:
    corrections = sub.add_parser("corrections", help="待确认的更正（案卷包、同步带来的更正和签约）")
    actions = corrections.add_subparsers(dest="action", metavar="操作", required=True)
    listing = actions.add_parser("list", help="列出待确认的更正")
    listing.add_argument("--all", action="store_true", help="也列出已采纳和已拒绝的")
    listing.add_argument("--json", action="store_true")
    add_store_options(listing)
    listing.set_defaults(run=run_list)
    accept = actions.add_parser("accept", help="采纳一项（记为本登录的修改，写明提出方）")
    accept.add_argument("--id", type=int, required=True, metavar="N",
                        help="待确认修改的编号（corrections list 列出的第一列）")
    add_store_options(accept)
    accept.set_defaults(run=run_accept)
    reject = actions.add_parser("reject", help="拒绝一项（须写明理由）")
    reject.add_argument("--id", type=int, required=True, metavar="N",
                        help="待确认修改的编号（corrections list 列出的第一列）")
    reject.add_argument("--reason", required=True, metavar="TEXT", help="拒绝的理由")
    add_store_options(reject)
    reject.set_defaults(run=run_reject)


def run_list(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.proposals import list_proposals

    with open_from_args(args) as store:
        found = list_proposals(store, every=args.all)
    return print_listing(args, found, lambda p: p.words())


def run_accept(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.proposals import accept

    with open_from_args(args) as store:
        accept(store, args.id)
    print(f"已采纳待确认修改 {args.id}")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    from wulong_desk.services.exchange.proposals import reject

    with open_from_args(args) as store:
        reject(store, args.id, args.reason)
    print(f"已拒绝待确认修改 {args.id}")
    return 0

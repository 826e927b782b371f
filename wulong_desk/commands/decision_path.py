"""`project`, `appraisal`, `presign`, `decision`: the path a project takes in law on the command
line (docs/decision-path.md). `project` is the group of commands that change a project
(`projects` keeps listing them); `set-status --to 补偿决定` (commands/data.py) makes a 补偿决定.

Exit codes: 0 done (a warning, such as a 公告日 more than 7 days after 作出日, is printed to
standard error); 1 refused (the rule named: the share not reached, the publicity not ended, a
presign without formal values …); 2 bad input (an argument, a cell of the appraisal sheet)."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from wulong_desk.commands.common import add_store_options, date_argument, open_from_args, print_json
from wulong_desk.errors import UsageError

KINDS = {"复核": "review", "review": "review", "鉴定": "expert", "expert": "expert"}
APPEAL_WORDS = {"review-filed": "review_filed", "review-closed": "review_closed",
                "suit-filed": "suit_filed", "suit-closed": "suit_closed"}
OUTCOME_WORDS = {"revoked": "revoked", "撤销": "revoked", "changed": "changed",
                 "变更": "changed", "superseded": "superseded", "签约": "superseded"}


def register(sub: argparse._SubParsersAction) -> None:
    project = sub.add_parser("project", help="改变项目的法律程序：作出征收决定、终止项目")
    actions = project.add_subparsers(dest="action", metavar="操作", required=True)
    decide = actions.add_parser("decide", help="记录作出征收决定（核对预签比例，办法第二十三、"
                                               "二十五条；管理员）")
    decide.add_argument("--project", type=int, required=True, metavar="ID")
    decide.add_argument("--made-on", required=True, metavar="DATE", help="征收决定作出日")
    decide.add_argument("--announced-on", required=True, metavar="DATE", help="征收决定公告日")
    decide.add_argument("--number", required=True, metavar="TEXT", help="征收决定文号")
    decide.add_argument("--json", action="store_true")
    add_store_options(decide)
    decide.set_defaults(run=run_decide)
    terminate = actions.add_parser("terminate", help="预签比例未达到，终止项目：预签协议不生效"
                                                     "（办法第二十三条；管理员）")
    terminate.add_argument("--project", type=int, required=True, metavar="ID")
    terminate.add_argument("--on", required=True, metavar="DATE", help="终止日")
    terminate.add_argument("--number", required=True, metavar="TEXT", help="终止的文号")
    terminate.add_argument("--reason", required=True, metavar="TEXT", help="理由")
    terminate.add_argument("--json", action="store_true")
    add_store_options(terminate)
    terminate.set_defaults(run=run_terminate)

    appraisal = sub.add_parser("appraisal", help="正式评估结果：模板、导入、复核或鉴定后重新估价")
    steps = appraisal.add_subparsers(dest="action", metavar="操作", required=True)
    template = steps.add_parser("template", help="写出正式评估结果表（每处房屋一行）")
    template.add_argument("--project", type=int, required=True, metavar="ID")
    template.add_argument("file", type=Path, metavar="FILE.xlsx")
    add_store_options(template)
    template.set_defaults(run=run_template)
    imported = steps.add_parser("import", help="导入正式评估结果（公示期满后；全部无误才写入）")
    imported.add_argument("--project", type=int, required=True, metavar="ID")
    imported.add_argument("file", type=Path, metavar="FILE.xlsx")
    imported.add_argument("--dry-run", action="store_true", help="只列出将变动的数字，不写入")
    imported.add_argument("--json", action="store_true")
    add_store_options(imported)
    imported.set_defaults(run=run_import)
    revalue = steps.add_parser("revalue", help="复核或鉴定后重新估价（已签约、已搬迁或补偿决定的"
                                               "案卷，办法第五十四至五十六条）")
    revalue.add_argument("--case", type=int, required=True, metavar="ID")
    revalue.add_argument("--kind", required=True, metavar="复核|鉴定",
                         help="复核（review）或鉴定（expert）")
    revalue.add_argument("--served-on", required=True, metavar="DATE",
                         help="修改后的评估报告送达日")
    revalue.add_argument("--set", dest="values", action="append", required=True,
                         metavar="N=单价[/装修]",
                         help="部位序号=新的评估单价，可加 /装饰装修评估值，如 1=5200/12000；"
                              "可重复")
    revalue.add_argument("--reference", default="", metavar="TEXT", help="评估报告编号")
    add_store_options(revalue)
    revalue.set_defaults(run=run_revalue)

    presign = sub.add_parser("presign", help="预签协议转为补偿协议（征收决定作出后）")
    pactions = presign.add_subparsers(dest="action", metavar="操作", required=True)
    convert = pactions.add_parser("convert", help="按正式评估结果转为补偿协议（全部可转才转）")
    convert.add_argument("--project", type=int, required=True, metavar="ID")
    convert.add_argument("--case", type=int, metavar="ID", help="只转这一户")
    convert.add_argument("--json", action="store_true")
    add_store_options(convert)
    convert.set_defaults(run=run_convert)

    decision = sub.add_parser("decision", help="补偿决定的复议、诉讼和结果")
    dactions = decision.add_subparsers(dest="action", metavar="操作", required=True)
    appeal = dactions.add_parser("appeal", help="登记申请复议、提起诉讼或其结束（维持）")
    appeal.add_argument("--case", type=int, required=True, metavar="ID")
    appeal.add_argument("--what", required=True, choices=tuple(APPEAL_WORDS), metavar="WHAT",
                        help="review-filed 申请复议；review-closed 复议结束（维持）；"
                             "suit-filed 提起诉讼；suit-closed 诉讼结束（维持）")
    appeal.add_argument("--on", required=True, metavar="DATE", help="申请、起诉或结束的日期")
    add_store_options(appeal)
    appeal.set_defaults(run=run_appeal)
    outcome = dactions.add_parser("outcome", help="补偿决定被撤销、变更，或其后签订补偿协议")
    outcome.add_argument("--case", type=int, required=True, metavar="ID")
    outcome.add_argument("--kind", required=True, metavar="KIND",
                         help="revoked 撤销；changed 变更；superseded 其后签订补偿协议")
    outcome.add_argument("--on", required=True, metavar="DATE",
                         help="撤销或变更的文书送达日，或签订补偿协议的日期")
    outcome.add_argument("--reference", default="", metavar="TEXT",
                         help="复议决定书、判决书等的文号")
    outcome.add_argument("--signed-on", metavar="DATE", help="superseded：补偿协议的签约日期")
    add_decision_facts(outcome, required=False, prefix="变更后的")
    add_store_options(outcome)
    outcome.set_defaults(run=run_outcome)


def add_decision_facts(parser: argparse.ArgumentParser, *, required: bool,
                       prefix: str = "") -> None:
    """The facts of a 补偿决定 (set-status --to 补偿决定, decision outcome --kind changed)."""
    parser.add_argument("--decided-on", required=False, metavar="DATE",
                        help=f"{prefix}补偿决定作出日")
    parser.add_argument("--number", required=False, metavar="TEXT", help=f"{prefix}补偿决定文号")
    parser.add_argument("--move-by", required=False, metavar="DATE",
                        help=f"{prefix}补偿决定规定的搬迁期限")
    parser.add_argument("--served-on", metavar="DATE", help=f"{prefix}补偿决定送达日")
    parser.add_argument("--announced-on", metavar="DATE", help=f"{prefix}补偿决定公告日")
    parser.add_argument("--owner-unclear", action="store_true",
                        help="事由是被征收房屋所有权人不明确（办法第三十一条；不必等签约期限届满）")
    parser.add_argument("--rights-not-stated", action="store_true",
                        help="补偿决定没有告知复议、诉讼权利（期限最长一年）")


def decision_facts(args: argparse.Namespace):   # -> DecisionFacts
    from wulong_desk.services.procedure.case_decisions import DecisionFacts

    missing = [name for name, value in (("--decided-on", args.decided_on),
                                        ("--number", args.number), ("--move-by", args.move_by))
               if not value]
    if missing:
        raise UsageError(f"补偿决定须给出 {'、'.join(missing)}")
    day = {key: date_argument(getattr(args, key), label) if getattr(args, key) else None
           for key, label in (("decided_on", "--decided-on 作出日"),
                              ("move_by", "--move-by 搬迁期限"),
                              ("served_on", "--served-on 送达日"),
                              ("announced_on", "--announced-on 公告日"))}
    return DecisionFacts(args.number, day["decided_on"], day["move_by"], day["announced_on"],
                         day["served_on"],
                         "owner_unclear" if args.owner_unclear else "no_agreement",
                         not args.rights_not_stated)


def run_decide(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.project_decision import decide_project

    made = date_argument(args.made_on, "--made-on 作出日")
    announced = date_argument(args.announced_on, "--announced-on 公告日")
    with open_from_args(args) as store:
        done = decide_project(store, args.project, made, announced, args.number)
    for warning in done.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    if args.json:
        print_json({"project_id": done.project_id, "warnings": done.warnings,
                    "recomputed": done.recomputed,
                    "share": done.share.words() if done.share else None})
        return 0
    print(f"项目 {args.project} 已记录作出征收决定（{args.number.strip()}，作出日 {made}，"
          f"公告日 {announced}）" + (f"；{done.share.words()}" if done.share else ""))
    if done.recomputed:
        print(f"未签约的 {done.recomputed} 户已按公告日重新计算")
    return 0


def run_terminate(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.project_decision import terminate_project

    on = date_argument(args.on, "--on 终止日")
    with open_from_args(args) as store:
        done = terminate_project(store, args.project, on, args.number, args.reason)
    if args.json:
        print_json({"project_id": done.project_id, "lapsed": done.lapsed,
                    "share": done.share.words()})
        return 0
    print(f"项目 {args.project} 已终止（{args.number.strip()}，{on}）：{done.share.words()}；"
          f"{len(done.lapsed)} 户预签协议不生效（保留备查，不计入合计）")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.appraisal import write_template

    with open_from_args(args) as store:
        rows = write_template(store, args.project, args.file)
    print(f"已写出正式评估结果表 {args.file}（{rows} 行，每处房屋一行）")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.appraisal import import_appraisal

    with open_from_args(args) as store:
        report = import_appraisal(store, args.project, args.file, dry_run=args.dry_run)
    if args.json:
        print_json(report.to_json())
        return 0
    for line in report.lines():
        print(line)
    pending = sum(1 for change in report.changes if change.pending)
    verb = "将导入" if args.dry_run else "已导入"
    print(f"共 {len(report.changes)} 户：{verb}；其中预签 {pending} 户的新值等待转为补偿协议"
          + ("（试导入，未写入）" if args.dry_run else ""))
    return 0


def _values(texts: list[str]) -> dict[int, tuple[Decimal, Decimal | None]]:
    from wulong_desk.rules.decimals import NumberError, read_number

    found: dict[int, tuple[Decimal, Decimal | None]] = {}
    for text in texts:
        position, _, rest = text.partition("=")
        price, _, decoration = rest.partition("/")
        try:
            number = int(position.strip())
            found[number] = (read_number(price.strip(), typed=True, plain=True),
                             read_number(decoration.strip(), typed=True, plain=True)
                             if decoration.strip() else None)
        except (ValueError, NumberError):
            raise UsageError(f"--set {text}：应写作 部位序号=评估单价[/装饰装修评估值]，"
                             "如 1=5200/12000") from None
    return found


def run_revalue(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.conversion import revalue_case

    kind = KINDS.get(args.kind.strip())
    if kind is None:
        raise UsageError(f"--kind：应为 复核 或 鉴定，收到「{args.kind}」")
    served = date_argument(args.served_on, "--served-on 送达日")
    with open_from_args(args) as store:
        done = revalue_case(store, args.case, kind, served, _values(args.values),
                            args.reference)
    print(f"案卷 {done.case_no} 已按修改后的评估报告重新估价：")
    for key, old, new in done.moved:
        from wulong_desk.services.cases.history import label

        print(f"  {label('result', key)}：{old} → {new}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.conversion import convert_presigns

    with open_from_args(args) as store:
        done = convert_presigns(store, args.project, args.case)
    if args.json:
        print_json([{"case_no": c.case_no, "effective_on": c.effective_on.isoformat(),
                     "total_old": c.total()[0], "total_new": c.total()[1]} for c in done])
        return 0
    for converted in done:
        old, new = converted.total()
        print(f"{converted.case_no}：已转为补偿协议，自 {converted.effective_on} 生效；"
              f"补偿合计 {old} → {new}")
    print(f"共 {len(done)} 户预签转为补偿协议")
    return 0


def run_appeal(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.case_decisions import APPEALS, record_appeal

    on = date_argument(args.on, "--on 日期")
    what = APPEAL_WORDS[args.what]
    with open_from_args(args) as store:
        record_appeal(store, args.case, what, on)
    print(f"案卷 {args.case}：已登记{APPEALS[what]}（{on}）")
    return 0


def run_outcome(args: argparse.Namespace) -> int:
    from wulong_desk.services.procedure.case_decisions import OUTCOMES, record_outcome
    from wulong_desk.statuses import STATUS_LABELS

    kind = OUTCOME_WORDS.get(args.kind.strip())
    if kind is None:
        raise UsageError(f"--kind：应为 revoked、changed 或 superseded，收到「{args.kind}」")
    on = date_argument(args.on, "--on 日期")
    signed_on = date_argument(args.signed_on, "--signed-on 签约日期") if args.signed_on else None
    replacement = decision_facts(args) if kind == "changed" else None
    with open_from_args(args) as store:
        done = record_outcome(store, args.case, kind, on, args.reference, signed_on=signed_on,
                              replacement=replacement)
    print(f"案卷 {done.case_no}：{OUTCOMES[kind]}，现为{STATUS_LABELS[done.status]}")
    for key, old, new in done.moved:
        from wulong_desk.services.cases.history import label

        print(f"  {label('result', key)}：{old} → {new}")
    return 0

"""`demo`, `projects`, `cases`, `summary`, `history`: looking at the case database."""

from __future__ import annotations

import argparse

from wulong_desk.commands.common import (
    add_store_options,
    date_argument,
    open_from_args,
    print_json,
    stage_word,
)
from wulong_desk.rules.decimals import money
from wulong_desk.statuses import STATUS_LABELS, STATUSES

# The services (and SQLAlchemy under them) are imported inside each command: `calc` and
# `--help` never pay for them.


DEMO_MIN, DEMO_MAX = 30, 2000


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="创建演示项目（虚构住户）")
    demo.add_argument("--households", type=int, default=36, help="户数（30 到 2000）")
    demo.add_argument("--stage", choices=("decided", "presign"), default="decided",
                      help="decided：征收决定作出后的旧城区改建项目（预签已转为补偿协议，"
                           "各阶段都有，一户补偿决定）；presign：征收决定作出前（预签期限刚届满，"
                           "九成以上的户已预签），用来演练作出征收决定、导入正式评估结果、转为"
                           "补偿协议或终止项目")
    demo.add_argument("--json", action="store_true")
    add_store_options(demo)
    demo.set_defaults(run=run_demo)

    projects = sub.add_parser("projects", help="列出项目")
    projects.add_argument("--json", action="store_true")
    add_store_options(projects)
    projects.set_defaults(run=run_projects)

    cases = sub.add_parser("cases", help="列出或查找项目的案卷")
    cases.add_argument("--project", type=int, required=True, metavar="ID")
    cases.add_argument("--search", default="", metavar="TEXT",
                       help="按姓名、身份证号、电话、产权证号或坐落查找")
    cases.add_argument("--status", type=stage_word(STATUSES), metavar="阶段",
                       help="调查登记、已评估、已审核、预签、已签约、已搬迁或作废")
    cases.add_argument("--json", action="store_true")
    add_store_options(cases)
    cases.set_defaults(run=run_cases)

    summary = sub.add_parser("summary", help="项目进度与金额汇总")
    summary.add_argument("--project", type=int, required=True, metavar="ID")
    summary.add_argument("--json", action="store_true")
    add_store_options(summary)
    summary.set_defaults(run=run_summary)

    stage = sub.add_parser("set-status", help="改变案卷的阶段（退回或跳过须写理由）")
    stage.add_argument("--case", type=int, required=True, metavar="ID")
    stage.add_argument("--to", required=True, metavar="阶段",
                       type=stage_word([s for s in STATUSES if s not in ("void", "lapsed")]),
                       help="调查登记、已评估、已审核、预签、已签约、补偿决定或已搬迁")
    stage.add_argument("--reason", default=None, help="退回或跳过阶段的理由")
    stage.add_argument("--moved-on", default=None, metavar="YYYY-MM-DD",
                       help="搬迁日期（改为已搬迁时必填）")
    from wulong_desk.commands.decision_path import add_decision_facts

    add_decision_facts(stage, required=False)   # 补偿决定: --decided-on, --number, --move-by …
    add_store_options(stage)
    stage.set_defaults(run=run_set_status)

    delay = sub.add_parser("delay", help="逾期交房加付：给已签约或已搬迁的产权调换案卷增加征收部门"
                                         "逾期交房的月数（审核人员；须写理由）")
    delay.add_argument("--case", type=int, required=True, metavar="ID")
    delay.add_argument("--months", type=int, required=True, metavar="N",
                       help="这次增加的逾期月数（1 个月以上）")
    delay.add_argument("--reason", required=True, help="理由（记入修改记录）")
    delay.add_argument("--on", metavar="DATE", help="以哪一天为今天（默认今天）")
    delay.add_argument("--json", action="store_true")
    add_store_options(delay)
    delay.set_defaults(run=run_delay)

    void = sub.add_parser("void", help="作废已签约的案卷（须写理由；保留备查，不计入合计）")
    void.add_argument("--case", type=int, required=True, metavar="ID")
    void.add_argument("--reason", required=True)
    add_store_options(void)
    void.set_defaults(run=run_void)

    delete = sub.add_parser("delete-case", help="删除误录的未签约案卷（全部内容留在修改记录中）")
    delete.add_argument("--case", type=int, required=True, metavar="ID")
    add_store_options(delete)
    delete.set_defaults(run=run_delete)

    recalc = sub.add_parser(
        "recalc", help="按新规则重算项目中未签约的案卷（已签约、已搬迁的保持原计算记录）")
    recalc.add_argument("--project", type=int, required=True, metavar="ID")
    recalc.add_argument("--dry-run", action="store_true", help="只列出重算结果，不写入")
    recalc.add_argument("--json", action="store_true",
                        help="每户输出一个 JSON 对象（case_no、status、old_total、new_total、"
                             "changed、kept、reasons）")
    add_store_options(recalc)
    recalc.set_defaults(run=run_recalc)

    history = sub.add_parser("history", help="案卷的修改记录")
    history.add_argument("--case", type=int, required=True, metavar="ID")
    history.add_argument("--json", action="store_true")
    add_store_options(history)
    history.set_defaults(run=run_history)


def run_demo(args: argparse.Namespace) -> int:
    from wulong_desk.errors import UsageError
    from wulong_desk.services.projects.demo import create_demo

    if not DEMO_MIN <= args.households <= DEMO_MAX:  # never quietly another number
        raise UsageError(f"--households：演示户数应在 {DEMO_MIN} 到 {DEMO_MAX} 之间，"
                         f"收到 {args.households}")
    with open_from_args(args) as store:
        project_id = create_demo(store, args.households, stage=args.stage)
    if args.json:
        print_json({"id": project_id})
    else:
        print(f"已创建演示项目，编号 {project_id}（数据库：{store.path}）")
    return 0


def run_projects(args: argparse.Namespace) -> int:
    from wulong_desk.services.projects.project import list_projects

    with open_from_args(args) as store:
        projects = list_projects(store)
    if args.json:
        print_json(projects)
        return 0
    if not projects:
        print("还没有项目。可用 wulong-desk demo 创建演示项目。")
    for p in projects:
        print(f"{p['id']:>4}  {p['name']}  {p['decision_no']}  {p['households']}户")
    return 0


def run_cases(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service
    from wulong_desk.services.cases.search import search_cases

    with open_from_args(args) as store, store.read() as session:
        case_service.get_project(session, args.project)
        rows = search_cases(session, args.project, args.search, args.status)
    if args.json:
        print_json([{"id": r.id, "uuid": r.uuid, "case_no": r.case_no, "owner": r.owner,
                     "address": r.address, "uses": r.uses, "area": money(r.area),
                     "method": r.method, "status": r.status,
                     "total": None if r.total is None else money(r.total)} for r in rows])
        return 0
    for r in rows:
        total = "（待补全）" if r.total is None else money(r.total)
        print(f"{r.id:>6}  {r.case_no:<10} {r.owner:<12} {STATUS_LABELS[r.status]:<5} {total:>14}")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service
    from wulong_desk.services.projects.summary import project_summary

    with open_from_args(args) as store, store.read() as session:
        case_service.get_project(session, args.project)
        summary = project_summary(session, args.project)
    data = summary.to_json()
    if args.json:
        print_json(data)
    else:
        print(f"户数 {data['households']}，已签约 {data['signed_households']}"
              f"（{data['household_ratio']}），面积 {data['area']} m²，"
              f"已签约面积 {data['signed_area']} m²，合计 {data['total']} 元")
    return 0


def run_set_status(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service

    if args.to == "decided":   # the district's 补偿决定 (办法第三十一条): its own event
        from wulong_desk.commands.decision_path import decision_facts
        from wulong_desk.services.procedure.case_decisions import decide_case

        facts = decision_facts(args)
        with open_from_args(args) as store:
            decide_case(store, args.case, facts)
        print(f"案卷 {args.case} 已改为补偿决定（{facts.number.strip()}，作出日 "
              f"{facts.made_on}，搬迁期限 {facts.move_by}）")
        return 0
    moved_on = date_argument(args.moved_on, "--moved-on 搬迁日期") if args.moved_on else None
    with open_from_args(args) as store:
        case_service.set_status(store, args.case, args.to, reason=args.reason,
                                moved_on=moved_on)
    print(f"案卷 {args.case} 已改为{STATUS_LABELS[args.to]}")
    return 0


def run_delay(args: argparse.Namespace) -> int:
    from decimal import Decimal

    from wulong_desk.services.money.moves import add_delay

    today = date_argument(args.on, "--on 统计日") if args.on else None
    with open_from_args(args) as store:
        done = add_delay(store, args.case, args.months, args.reason, today=today)
    if args.json:
        print_json({"case_no": done.case_no, "months": done.months,
                    "overdue_months": done.overdue_months,
                    "added": money(Decimal(done.added_cents).scaleb(-2))})
    else:
        added = money(Decimal(done.added_cents).scaleb(-2))
        print(f"案卷 {done.case_no} 逾期交房加付 {done.months} 个月（累计 "
              f"{done.overdue_months} 个月），增加 {added} 元")
    return 0


def run_void(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service

    with open_from_args(args) as store:
        case_service.void_case(store, args.case, args.reason)
    print(f"案卷 {args.case} 已作废（保留备查，不计入合计）")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service

    with open_from_args(args) as store:
        case_service.delete_case(store, args.case)
    print(f"案卷 {args.case} 已删除（全部内容留在修改记录中）")
    return 0


def run_recalc(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases.recalc import recalc_project

    with open_from_args(args) as store:
        rows = recalc_project(store, args.project, dry_run=args.dry_run)
    if args.json:
        print_json([row.to_json() for row in rows])
        return 0
    changed = sum(1 for row in rows if row.changed)
    kept = sum(1 for row in rows if row.kept)
    for row in rows:
        if row.kept:
            what = "已签约，保持原计算记录"
        elif row.new_total is None:
            what = "无法计算"
        elif row.changed:
            what = f"{row.old_total or '（无）'} → {row.new_total}"
        else:
            what = f"{row.new_total}（金额不变）"
        why = f"：{'；'.join(row.reasons)}" if row.reasons else ""
        print(f"{row.case_no:<12} {STATUS_LABELS[row.status]:<5} {what}{why}")
    verb = "将重算" if args.dry_run else "已重算"
    print(f"共 {len(rows)} 户：{verb} {len(rows) - kept} 户，其中金额变化 {changed} 户；"
          f"保持原记录 {kept} 户" + ("（试算，未写入）" if args.dry_run else ""))
    return 0


def run_history(args: argparse.Namespace) -> int:
    from wulong_desk.services.cases import changes as case_service

    with open_from_args(args) as store:
        entries = case_service.history(store, args.case)
    if args.json:
        print_json([entry.__dict__ for entry in entries])
        return 0
    from wulong_desk.services.cases.history import describe

    for e in entries:  # Beijing time, field names and values in words
        row = describe(e.at, e.operator, e.action, e.entity, e.field, e.old, e.new, e.reason)
        reason = f"  理由：{row.reason}" if row.reason else ""
        print(f"{row.at}  {row.operator}  {row.action}  {row.what}  {row.change}{reason}")
    return 0

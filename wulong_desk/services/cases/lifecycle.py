"""The lifecycle of a case: which stage may follow which, and what each stage needs.

调查登记 → 已评估 → 已审核 → (预签) → 已签约 → 已搬迁; 已审核 → 补偿决定 → 已搬迁; 作废 only for a
signed case, with a reason; 不生效 only for the presigns of a terminated project.

- Moving one stage forward checks the new stage's data: 已评估 needs every price (each house
  part's assessed unit price, each equipment item's value); 预签 is only for 旧城区改建 projects
  and marks the case a presign (`presign`, kept after it becomes 已签约); 预签 and 已签约 need a
  signing date, not in the future, that passes the calc contract's signing-date checks
  (revision 3, checked by the engine: a presign inside the project's presign period and before
  the decision; any other signing on or after the announcement and the signing period's first
  day — the engine's own words are given) and no overdue months (revision 3: a delay is added
  after it happens, services/money/moves.py); 已搬迁 needs a move-out date, not before signing and
  not in the future (the move itself is an event: services/money/moves.py).
- Moving back, or forward over a stage, needs a reason; it is audited with that reason.
- While a frozen case is unlocked for correction, its stage stays or takes one plain step
  forward (`check_correction_stage`): never back, whatever reason is given.
- Cases at 预签 or later are frozen (`wulong_desk.services.cases.changes` enforces what that means).
- The decision path's steps are events, never a plain stage change (services/decision_path.py):
  预签 → 已签约 only by 转为补偿协议 after the decision; 补偿决定 only by its own event; 不生效
  only by terminating the project. A 旧城区改建 project signs 补偿协议 only once its decision is
  recorded (before it: presigns only, 办法第二十三、二十九条); a terminated project signs nothing.

Qt-free; `wulong_desk.services.cases.changes` is the only caller, for every path (editor, CLI,
imports).
"""

from __future__ import annotations

from datetime import date

from wulong_desk.errors import UserError
from wulong_desk.invisible import visible
from wulong_desk.statuses import (
    DECIDED,
    EVENT_STATUSES,
    LAPSED,
    MIN_REASON,
    STAGES,
    STATUS_LABELS,
    STATUSES,
    VOID,
    is_signed,
    stage_index,
)
from wulong_desk.store.models import Case, Project


class TransitionError(UserError):
    """A stage change the lifecycle does not allow (or the new stage's data is missing)."""


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def clean_reason(reason: str | None, what: str) -> str:
    """The reason, stripped; refused unless it has MIN_REASON characters one can see (four
    zero-width or full-width spaces are no reason)."""
    text = (reason or "").strip()
    if len(visible(text)) < MIN_REASON:
        raise UserError(f"reason: {what}必须写明理由（至少{MIN_REASON}个字）")
    return text


def next_stages(project: Project, status: str) -> tuple[str, ...]:
    """The stages one plain step ahead (预签 only for 旧城区改建 projects). 预签 → 已签约 (转为补偿
    协议) and 已审核 → 补偿决定 are events of the decision path, not plain steps."""
    if status == "reviewed":
        return ("presigned", "signed") if project.old_town else ("signed",)
    if status in ("signed", DECIDED):
        return ("moved",)
    if status in ("surveyed", "assessed"):
        return (STAGES[STAGES.index(status) + 1],)
    return ()


CONVERT_ONLY = ("status: 预签协议只能在征收决定作出后用“转为补偿协议”转为补偿协议（办法第二十九条："
                "按正式的分户评估报告修正房屋价值后自动转为补偿协议），不能直接改为已签约")


def needs_reason(project: Project, old: str, new: str) -> bool:
    """Back, or over a stage: the clerk must say why."""
    if old == new or new == VOID:
        return False
    return new not in next_stages(project, old)


def check_correction_stage(project: Project, case: Case, old: str, new: str) -> None:
    """During 解锁更正 the stage stays, or takes one plain step forward (`next_stages`): never
    back (a signed case must not reach 调查登记 and become deletable), never over a stage. The
    unlock reason is the correction's reason, never a reason for a stage change."""
    if new != old and new not in next_stages(project, old):
        raise TransitionError(
            f"status: 案卷 {case.case_no} 正在解锁更正，不能从{label(old)}改为{label(new)}"
            "（更正期间只能保持原阶段或按顺序前进一步）")


def stage_problems(project: Project, case: Case, status: str, *, previous: str,
                   today: date | None = None) -> list[str]:
    """What the data of `case` lacks for `status` (and every stage before it), in Chinese."""
    today = today or date.today()
    found: list[str] = []
    at = stage_index(status)
    if at >= stage_index("assessed"):
        if not case.parts:
            found.append("case.parts: 没有房屋部分，不能标为已评估")
        for index, part in enumerate(case.parts):
            registration = part.registration or "registered"
            if registration == "temporary" and part.temporary_amount is None:
                found.append(f"case.parts[{index}].temporary_amount: 临时建筑的补偿金额未核定，"
                             f"不能标为{label(status)}")
            elif registration in ("registered", "recognized") and part.unit_price is None:
                found.append(f"case.parts[{index}].unit_price: 评估单价未填写，不能标为"
                             f"{label(status)}")
        for index, item in enumerate(case.equipment):
            value = item.net_value if item.reusable else item.assessed_value
            if value is None:
                key = "net_value" if item.reusable else "assessed_value"
                found.append(f"case.equipment[{index}].{key}: 设备价值未填写，不能标为"
                             f"{label(status)}")
    state = getattr(project, "decision_state", "planned")
    if status == "presigned":
        if not project.old_town:
            found.append("status: 只有旧城区改建项目可以预签（办法第二十三条）")
        if case.signed_on is None:
            found.append("case.signed_on: 预签必须填写签约日期")
        if not case.presign:
            found.append("case.presign: 预签阶段的案卷须是预签协议（勾选「预签协议」）")
    elif case.presign and is_signed(status) and not project.old_town:
        found.append("case.presign: 只有旧城区改建项目有预签协议（办法第二十三条）")
    if status in ("presigned", "signed") and previous != status:
        found += exchange_house_problems(case, f"不能标为{label(status)}")
    if is_signed(status) and not is_signed(previous) and (case.overdue_months or 0):
        # revision 3: a delay is known only after it happens (逾期交房加付, services/money/moves.py)
        found.append(f"case.exchange.overdue_months: 签约时过渡逾期为 0（征收部门逾期交房的月数"
                     f"在搬迁后由审核人员按“逾期交房加付”登记），不能带着 {case.overdue_months} "
                     f"个月标为{label(status)}")
    settled = status in ("signed", DECIDED) or (status == "moved" and previous != "moved")
    if state == "terminated" and status != previous and (status == "presigned" or settled):
        found.append(f"status: 项目已终止（预签比例未达到，办法第二十三条），不能再标为"
                     f"{label(status)}")
    if status == "signed" and previous != "signed" and project.old_town and \
            state == "planned" and not case.presign:
        found.append("status: 旧城区改建项目须先作出征收决定，才能签订补偿协议；在此之前只能预签"
                     "（办法第二十三、二十九条）")
    if status == DECIDED and case.decided_on is None:
        found.append("case.decided_on: 补偿决定必须有作出日")
    decided = status == DECIDED or (status == "moved" and case.decided_on is not None)
    if at >= stage_index("signed") and not decided and case.signed_on is None:
        found.append(f"case.signed_on: 必须填写签约日期，才能标为{label(status)}")
    if case.signed_on is not None and case.signed_on > today and at >= stage_index("presigned"):
        found.append(f"case.signed_on: 签约日期 {case.signed_on} 在今天之后")
    if status == "moved":
        if case.moved_on is None:
            found.append("moved_on: 必须填写搬迁日期，才能标为已搬迁")
        else:
            if case.signed_on is not None and case.moved_on < case.signed_on:
                found.append(f"moved_on: 搬迁日期 {case.moved_on} 早于签约日期 {case.signed_on}")
            if case.decided_on is not None and case.moved_on < case.decided_on:
                found.append(f"moved_on: 搬迁日期 {case.moved_on} 早于补偿决定作出日 "
                             f"{case.decided_on}")
            if case.moved_on > today:
                found.append(f"moved_on: 搬迁日期 {case.moved_on} 在今天之后")
    return found


def exchange_house_problems(case: Case, what: str) -> list[str]:
    """An exchange agreement names each house by its location and area (办法第二十九条
    「用于产权调换房屋的地点和面积」): what is missing, in Chinese naming the field ("" when the
    case is a money case or every house is complete)."""
    if case.method != "exchange":
        return []
    if not case.exchange_houses:
        return [f"case.exchange.houses: 产权调换的案卷至少要有一套调换房屋（填写「位置」和"
                f"「建筑面积」），{what}（办法第二十九条）"]
    found = []
    for index, house in enumerate(case.exchange_houses):
        if not visible(house.location or "").strip():
            found.append(f"exchange_locations[{index}]: 调换房屋第{index + 1}行「位置」未填写，"
                         f"{what}（办法第二十九条）")
        if house.area is None or house.area <= 0:
            found.append(f"case.exchange.houses[{index}].area: 调换房屋第{index + 1}行「建筑面积」"
                         f"未填写，{what}（办法第二十九条）")
    return found


def _computation_problems(case: Case) -> list[str]:
    """Why the case's calculation stopped, as stored ("path: message"), e.g. the engine's
    signing-date checks; those stage_problems already says are not repeated."""
    import json

    if case.result is None or case.result.ok:
        return []
    return [line for line in json.loads(case.result.problems_json or "[]")
            if isinstance(line, str)]


def check_transition(project: Project, case: Case, old: str, new: str, reason: str | None,
                     *, computed: bool, recheck: bool = False) -> str | None:
    """Refuse a transition the lifecycle does not allow; return the reason to audit (if any).

    The new stage's data is checked when the stage changes, and on a correction (`recheck`)."""
    if new not in STATUSES:
        raise TransitionError(f"status: 应为 {' | '.join(STATUSES)} 之一")
    if new == VOID and old != VOID:
        raise TransitionError("status: 作废请用“作废”操作（须写明理由），不能直接改状态")
    if old == VOID and new != VOID:
        raise TransitionError(f"status: 案卷 {case.case_no} 已作废，不能再改为{label(new)}")
    if new == "presigned" and new != old and not project.old_town:
        raise TransitionError("status: 只有旧城区改建项目可以预签（办法第二十三条）")
    if old == "presigned" and new in ("signed", "moved"):
        raise TransitionError(CONVERT_ONLY)
    if new in EVENT_STATUSES and new != old:
        raise TransitionError(
            "status: 补偿决定须用“补偿决定…”（set-status --to 补偿决定 并给出决定文号、作出日和搬迁"
            "期限）办理" if new == DECIDED else
            "status: 不生效只由终止项目产生（办法第二十三条），不能直接改状态")
    if old in EVENT_STATUSES and new != old and new not in next_stages(project, old):
        raise TransitionError(
            f"status: 案卷 {case.case_no} 是{label(old)}，不能改为{label(new)}"
            + ("（补偿决定被撤销、变更或其后签订协议，须作为补偿决定的结果办理）" if old == DECIDED
               else "（项目已终止，预签协议不生效）" if old == LAPSED else ""))
    why = None
    if needs_reason(project, old, new):
        direction = "退回" if stage_index(new) < stage_index(old) else "跳过阶段"
        if not (reason or "").strip():
            raise TransitionError(
                f"status: 从{label(old)}改为{label(new)}属于{direction}，必须写明理由")
        why = clean_reason(reason, f"从{label(old)}{direction}到{label(new)}")
    if new != old or recheck:
        problems = stage_problems(project, case, new, previous=old)
        if (is_signed(new) or new == DECIDED) and not computed:
            problems.append(f"status: 案卷 {case.case_no} 的计算还不完整，不能标为{label(new)}")
            problems += _computation_problems(case)
        if problems:
            raise TransitionError("；".join(problems))
    return why

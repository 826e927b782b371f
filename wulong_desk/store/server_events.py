"""The audited events of the office server: the one list (EVENTS) of what may change a case's
frozen content or its stage beyond a plain step, each a PostgreSQL function owned by the
database owner (SECURITY DEFINER) that does ONE audited action and writes its own audit rows.

How an event works: `wulong_<name>(p_case, …)` checks who is calling (a reviewer's event says
so), locks the case row and reads its STORED stage (`c`, the row), refuses what does not follow
from it, makes its change — as the owner, so the guards of `server_guards` let it through —
and writes its audit row(s) under the login (`session_user`). The app calls the same function
(`call`) on the office server; on a local file `services.cases.changes` does the same work in
Python.

Adding an event (a later issue's late move, department delay, presign conversion,
re-valuation, 补偿决定 …): append an `Event` (store/event_function.py) to CASE_EVENTS — or, for
the decision path, to path_server_events.PATH_EVENTS — with its parameters (the case first),
who may call it, the audit actions only it may write (`reserves`: the app's own trail writer
then refuses them), and its body; `server init` creates it and grants it. Then call it from the
service that owns the change (through `call`), and add the statements it forbids to the attack
suite (tests/server_attacks.toml).

Placeholders in a body: {FROZEN} {SIGNED} {UNSIGNED} {PAYABLE} (the stages, as SQL lists) and
{FIGURE_KEYS} (a stored result's figures, as an SQL array).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from wulong_desk.store.event_function import REFUSE, REVIEWER, STAFF, Event, iso
from wulong_desk.store.path_server_events import PATH_EVENTS
from wulong_desk.store.server_guards import (
    UNLOCKED_FIGURES,
)

CASE_EVENTS: tuple[Event, ...] = (
    Event("unlock", "解锁更正", (("reason", "text"),), REVIEWER, (("unlock", "*"),), f"""
      reason := wulong_reason(p_reason, '解锁更正');
      IF c.status NOT IN {{FROZEN}} OR c.unlocked_reason IS NOT NULL THEN
        RAISE EXCEPTION '案卷 % 未锁定，无需解锁', c.case_no {REFUSE};
      END IF;
      DELETE FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
      INSERT INTO {UNLOCKED_FIGURES} VALUES (c.id, wulong_figures(c.id));
      UPDATE cases SET unlocked_reason = reason WHERE id = c.id;
      PERFORM wulong_audit_row('unlock', 'case', c.id, c.project_id, c.id, 'locked', 'true',
                               'false', reason);"""),
    # after a correction (or without one): every figure changed since the unlock is audited
    # old → new with the unlock's reason, then the case is locked again
    Event("relock", "重新锁定", (("reason", "text"),), STAFF,
          (("relock", "*"), ("correct", "*")), f"""
      IF c.unlocked_reason IS NULL THEN
        RETURN;
      END IF;
      SELECT figures INTO at_unlock FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
      IF NOT FOUND THEN
        at_unlock := wulong_figures(c.id);   -- unlocked before this scheme: nothing to compare
      END IF;
      at_relock := wulong_figures(c.id);
      IF at_unlock IS DISTINCT FROM at_relock THEN
        FOREACH fig IN ARRAY {{FIGURE_KEYS}} LOOP
          IF at_unlock->>fig IS DISTINCT FROM at_relock->>fig THEN
            PERFORM wulong_audit_row('correct', 'result', c.id, c.project_id, c.id, fig,
                                     wulong_yuan(at_unlock->>fig), wulong_yuan(at_relock->>fig),
                                     c.unlocked_reason);
          END IF;
        END LOOP;
      END IF;
      UPDATE cases SET unlocked_reason = NULL WHERE id = c.id;
      DELETE FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
      PERFORM wulong_audit_row('relock', 'case', c.id, c.project_id, c.id, 'locked', 'false',
                               'true', nullif(btrim(p_reason), ''));""",
          declare="at_unlock jsonb; at_relock jsonb; fig text;"),
    Event("void", "作废", (("reason", "text"),), REVIEWER, (("void", "*"),), f"""
      reason := wulong_reason(p_reason, '作废');
      IF c.status NOT IN {{SIGNED}} THEN
        RAISE EXCEPTION '案卷 % 现在是%，尚未签约：误录的案卷请直接删除，不必作废', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;
      UPDATE cases SET status = 'void', void_reason = reason, unlocked_reason = NULL
       WHERE id = c.id;
      DELETE FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
      PERFORM wulong_audit_row('void', 'case', c.id, c.project_id, c.id, 'status', c.status,
                               'void', reason);"""),
    # 签约 (or 预签, or 预签 → 已签约): only from 已审核; the figures must be complete and the
    # signing date written (by the app's save just before, while the case was unsigned)
    Event("sign", "签约", (("status", "text"),), STAFF, (), f"""
      IF p_status NOT IN ('presigned', 'signed') THEN
        RAISE EXCEPTION '签约只能标为预签或已签约' {REFUSE};
      END IF;
      IF c.status = 'presigned' THEN
        RAISE EXCEPTION '案卷 % 是预签：预签协议只能在征收决定作出后用“转为补偿协议”办理（办法'
          '第二十九条）', c.case_no {REFUSE};
      END IF;
      IF c.status <> 'reviewed' THEN
        RAISE EXCEPTION '案卷 % 现在是%：只有已审核的案卷可以签约或预签', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;
      SELECT * INTO proj FROM projects WHERE id = c.project_id;
      IF p_status = 'presigned' AND NOT proj.old_town THEN
        RAISE EXCEPTION '只有旧城区改建项目可以预签（办法第二十三条）' {REFUSE};
      END IF;
      IF proj.decision_state = 'terminated' THEN
        RAISE EXCEPTION '项目已终止（预签比例未达到），不能再签约或预签' {REFUSE};
      END IF;
      IF p_status = 'signed' AND proj.old_town AND proj.decision_state = 'planned' AND NOT c.presign
      THEN
        RAISE EXCEPTION '旧城区改建项目须先作出征收决定，才能签订补偿协议；在此之前只能预签'
          {REFUSE};
      END IF;
      IF c.signed_on IS NULL THEN
        RAISE EXCEPTION '案卷 % 没有签约日期，不能标为%', c.case_no, wulong_label(p_status)
          {REFUSE};
      END IF;
      IF wulong_figures(c.id) IS NULL THEN
        RAISE EXCEPTION '案卷 % 的计算还不完整，不能标为%', c.case_no, wulong_label(p_status)
          {REFUSE};
      END IF;
      UPDATE cases SET status = p_status WHERE id = c.id;
      PERFORM wulong_audit_row('update', 'case', c.id, c.project_id, c.id, 'status', c.status,
                               p_status, NULL);"""),
    # 已签约 (or 补偿决定) → 已搬迁 on its 搬迁日期 (services/money/moves.py): after the 搬迁期限 (a
    # 补偿决定's own move-by date) the move forfeits after_move — the record the app figured
    # (p_record) must be exactly the stored one less the on-time reward and (unless the record's
    # agreement paid it whatever the timing) the second move; nothing else of it may move
    Event("record_move", "登记搬迁", (("moved_on", "date"), ("record", "text")), STAFF,
          (("late_move", "*"),), f"""
      IF c.status NOT IN ('signed', 'decided') THEN
        RAISE EXCEPTION '案卷 % 现在是%：只有已签约（或补偿决定）的案卷可以登记搬迁', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;
      day := p_moved_on;
      IF day IS NULL THEN
        RAISE EXCEPTION '登记搬迁必须填写搬迁日期' {REFUSE};
      END IF;
      IF c.signed_on IS NOT NULL AND day < c.signed_on THEN
        RAISE EXCEPTION '搬迁日期 % 早于签约日期 %', {iso('day')}, {iso('c.signed_on')} {REFUSE};
      END IF;
      IF day > current_date THEN
        RAISE EXCEPTION '搬迁日期 % 在今天之后', {iso('day')} {REFUSE};
      END IF;
      deadline := wulong_move_deadline(c.id);
      IF deadline IS NULL THEN
        RAISE EXCEPTION '「搬迁期限」：项目还没有填写搬迁期限，不能登记搬迁' {REFUSE};
      END IF;
      late := day > deadline;
      forfeit := 0;
      words := format('按期搬迁（搬迁期限 %s）', {iso('deadline')});
      IF late THEN
        words := format('逾期搬迁（搬迁期限 %s；计算记录已按未按期搬迁计算）', {iso('deadline')});
        old := wulong_figures(c.id);
        r7 := least((old->>'R7_ONTIME')::bigint, (old->>'after_move')::bigint);
        second := CASE WHEN (SELECT second_move_requires_on_time FROM case_results
                              WHERE case_id = c.id) IS FALSE THEN 0
                       ELSE (old->>'after_move')::bigint - r7 END;
        forfeit := r7 + second;
      END IF;
      IF forfeit > 0 THEN
        expected := old || jsonb_build_object(
          'R7_ONTIME', (old->>'R7_ONTIME')::bigint - r7,
          'R8_MOVE', (old->>'R8_MOVE')::bigint - second,
          'total', (old->>'total')::bigint - forfeit,
          'net_payable', (old->>'net_payable')::bigint
                         - CASE WHEN c.method = 'exchange' THEN forfeit ELSE 0 END,
          'after_move', (old->>'after_move')::bigint - forfeit);
        IF p_record IS NULL
           OR wulong_record_figures(p_record::jsonb) IS DISTINCT FROM expected THEN
          RAISE EXCEPTION '案卷 % 逾期搬迁：送来的计算记录与保存的计算记录扣除单户按期搬迁奖励和'
            '第二次搬迁补助后的金额不符，未登记', c.case_no {REFUSE};
        END IF;
        words := format('逾期搬迁，单户按期搬迁奖励 %s 元、第二次搬迁补助 %s 元不予支付',
                        to_char(r7::numeric / 100, 'FM999,999,999,999,990.00'),
                        to_char(second::numeric / 100, 'FM999,999,999,999,990.00'));
        PERFORM wulong_write_record(c.id, p_record);
        UPDATE cases SET moved_on_time = false WHERE id = c.id;
        PERFORM wulong_audit_row('late_move', 'case', c.id, c.project_id, c.id,
                                 'moved_on_time', 'true', 'false', words);
        FOREACH fig IN ARRAY {{FIGURE_KEYS}} LOOP
          IF old->>fig IS DISTINCT FROM expected->>fig THEN
            PERFORM wulong_audit_row('late_move', 'result', c.id, c.project_id, c.id, fig,
                                     wulong_yuan(old->>fig), wulong_yuan(expected->>fig),
                                     words);
          END IF;
        END LOOP;
      END IF;
      UPDATE cases SET status = 'moved', moved_on = day WHERE id = c.id;
      PERFORM wulong_audit_row('update', 'case', c.id, c.project_id, c.id, 'status', c.status,
                               'moved', NULL);
      IF c.moved_on IS DISTINCT FROM day THEN
        PERFORM wulong_audit_row('update', 'case', c.id, c.project_id, c.id, 'moved_on',
                                 {iso('c.moved_on')}, {iso('day')}, NULL);
      END IF;
      INSERT INTO case_events (uuid, case_id, kind, on_date, months, late, amount_cents,
                               reason, operator, at, inferred)
      VALUES (gen_random_uuid()::text, c.id, 'move', day, 0, late, forfeit, words,
              session_user, clock_timestamp() AT TIME ZONE 'UTC', false);""",
          declare="day date; deadline date; late boolean; old jsonb; expected jsonb; "
                  "r7 bigint; second bigint; forfeit bigint; words text; fig text;"),
    # months of the department's delay delivering the exchange house (services/money/moves.py): the
    # record the app figured may move only L1, R9, the total, the net payable and overdue
    Event("add_delay", "逾期交房加付",
          (("months", "integer"), ("reason", "text"), ("record", "text")), REVIEWER,
          (("delay", "*"),), f"""
      reason := wulong_reason(p_reason, '逾期交房加付');
      IF c.method <> 'exchange' THEN
        RAISE EXCEPTION '案卷 % 是货币补偿，没有调换房屋，不能逾期交房加付', c.case_no {REFUSE};
      END IF;
      IF c.status NOT IN ('signed', 'moved') OR c.unlocked_reason IS NOT NULL THEN
        RAISE EXCEPTION '案卷 % 现在是%：只有已签约或已搬迁（未在解锁更正中）的产权调换案卷'
          '可以逾期交房加付', c.case_no, wulong_label(c.status) {REFUSE};
      END IF;
      IF p_months IS NULL OR p_months < 1 OR p_months > 120 THEN
        RAISE EXCEPTION '「逾期月数」应为 1 到 120 的整数' {REFUSE};
      END IF;
      IF c.transition_months IS NULL OR c.moved_on IS NULL THEN
        RAISE EXCEPTION '案卷 % 没有过渡期限或尚未登记搬迁，约定交房日无从计算', c.case_no
          {REFUSE};
      END IF;
      agreed := (c.moved_on + make_interval(months => c.transition_months))::date;
      elapsed := wulong_months_since(agreed, current_date);
      total := c.overdue_months + p_months;
      IF total > elapsed THEN
        RAISE EXCEPTION '「逾期月数」：案卷 % 累计逾期 % 个月，超过约定交房日 % 以来已满的 % 个月',
          c.case_no, total, {iso('agreed')}, elapsed {REFUSE};
      END IF;
      old := wulong_figures(c.id);
      IF p_record IS NULL THEN
        RAISE EXCEPTION '逾期交房加付须附计算记录' {REFUSE};
      END IF;
      new := wulong_record_figures(p_record::jsonb);
      FOREACH fig IN ARRAY {{FIGURE_KEYS}} LOOP
        IF fig NOT IN ('L1_INTERRUPT', 'R9_TEMP', 'total', 'net_payable', 'overdue')
           AND old->>fig IS DISTINCT FROM new->>fig THEN
          RAISE EXCEPTION '案卷 % 逾期交房加付不能改动%（只增加逾期交房加付）', c.case_no, fig
            {REFUSE};
        END IF;
      END LOOP;
      added := (new->>'overdue')::bigint - (old->>'overdue')::bigint;
      -- (a transition paid by the month: each month's delay adds to it)
      IF added < 0 OR (added = 0 AND (old->>'transition')::bigint > 0)
         OR (new->>'L1_INTERRUPT')::bigint < (old->>'L1_INTERRUPT')::bigint
         OR (new->>'R9_TEMP')::bigint < (old->>'R9_TEMP')::bigint
         OR (new->>'L1_INTERRUPT')::bigint - (old->>'L1_INTERRUPT')::bigint
            + (new->>'R9_TEMP')::bigint - (old->>'R9_TEMP')::bigint <> added
         OR (new->>'total')::bigint - (old->>'total')::bigint <> added
         OR (new->>'net_payable')::bigint - (old->>'net_payable')::bigint <> added THEN
        RAISE EXCEPTION '案卷 % 逾期交房加付：送来的计算记录各项不相符，未登记', c.case_no
          {REFUSE};
      END IF;
      PERFORM wulong_write_record(c.id, p_record);
      UPDATE cases SET overdue_months = total WHERE id = c.id;
      PERFORM wulong_audit_row('delay', 'case', c.id, c.project_id, c.id, 'overdue_months',
                               c.overdue_months::text, total::text, reason);
      FOREACH fig IN ARRAY {{FIGURE_KEYS}} LOOP
        IF old->>fig IS DISTINCT FROM new->>fig THEN
          PERFORM wulong_audit_row('delay', 'result', c.id, c.project_id, c.id, fig,
                                   wulong_yuan(old->>fig), wulong_yuan(new->>fig), reason);
        END IF;
      END LOOP;
      INSERT INTO case_events (uuid, case_id, kind, on_date, months, late, amount_cents,
                               reason, operator, at, inferred)
      VALUES (gen_random_uuid()::text, c.id, 'delay', current_date, p_months, NULL, added,
              reason, session_user,
              clock_timestamp() AT TIME ZONE 'UTC', false);""",
          declare="agreed date; elapsed integer; total integer; old jsonb; new jsonb; "
                  "added bigint; fig text;"),
    # back, or over a stage, among the unsigned stages: a reviewer's, with a reason
    Event("change_stage", "退回或跳过阶段", (("status", "text"), ("reason", "text")), REVIEWER,
          (("status", "*"),), f"""
      reason := wulong_reason(p_reason, '退回或跳过阶段');
      IF c.status NOT IN {{UNSIGNED}} OR p_status NOT IN {{UNSIGNED}} THEN
        RAISE EXCEPTION '案卷 % 从%改为%：已签约（预签、已搬迁、作废）的案卷不能退回，签约和'
          '登记搬迁须按顺序由相应的操作办理', c.case_no, wulong_label(c.status),
          wulong_label(p_status) {REFUSE};
      END IF;
      IF p_status = c.status THEN
        RETURN;
      END IF;
      UPDATE cases SET status = p_status WHERE id = c.id;
      PERFORM wulong_audit_row('status', 'case', c.id, c.project_id, c.id, 'status', c.status,
                               p_status, reason);"""),
    # an unsigned case entered by mistake; the app's form of it is kept in the audit row
    Event("remove_case", "删除案卷", (("form", "text"),), STAFF, (("remove", "*"),), f"""
      IF c.status IN {{FROZEN}} THEN
        RAISE EXCEPTION '案卷 %（%）不能删除；已签约的案卷只能作废（须写明理由）', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;
      PERFORM p_form::jsonb;   -- a form the app can restore from
      PERFORM wulong_audit_row('remove', 'case', c.id, c.project_id, c.id, 'form', p_form,
                               NULL, NULL);
      DELETE FROM cases WHERE id = c.id;"""),
    # a payment (or, where the household owes or was overpaid, a receipt): never beyond what
# wulong_may_still_pay says is owed now
    Event("record_payment", "登记拨付",
          (("kind", "text"), ("amount", "text"), ("paid_on", "date"), ("voucher", "text"),
           ("reason", "text")), STAFF, (("*", "payment"),), f"""
      IF c.status NOT IN {{PAYABLE}} THEN
        RAISE EXCEPTION '案卷 % 现在是%，还没有生效的补偿协议，不能登记拨付', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;
      IF p_kind NOT IN ('pay', 'receive') THEN
        RAISE EXCEPTION '类别应为拨付（pay）或收款（receive）' {REFUSE};
      END IF;
      IF p_amount !~ '^[0-9]+(\\.[0-9]{{1,2}})?$' OR p_amount::numeric <= 0 THEN
        RAISE EXCEPTION '金额 % 应大于 0，且只能精确到分', p_amount {REFUSE};
      END IF;
      owed := wulong_may_still_pay(c.id);
      IF owed IS NULL THEN
        RAISE EXCEPTION '案卷 % 的计算还不完整，无法确定应付金额', c.case_no {REFUSE};
      END IF;
      IF p_kind = 'pay' AND p_amount::numeric > greatest(owed, 0) THEN
        RAISE EXCEPTION '「金额」% 元超过现在应付未付的 % 元，不予登记（案卷 %）', p_amount,
          greatest(owed, 0)::numeric(20, 2), c.case_no {REFUSE};
      END IF;
      IF p_kind = 'receive' AND p_amount::numeric > greatest(-owed, 0) THEN
        RAISE EXCEPTION '「金额」% 元超过应收回的 % 元，不予登记（案卷 %）', p_amount,
          greatest(-owed, 0)::numeric(20, 2), c.case_no {REFUSE};
      END IF;
      v_voucher := btrim(coalesce(p_voucher, ''));
      IF v_voucher = '' OR char_length(v_voucher) > 60 THEN
        RAISE EXCEPTION '凭证号不能为空，最多 60 个字' {REFUSE};
      END IF;
      IF EXISTS (SELECT 1 FROM payments p JOIN cases x ON x.id = p.case_id
                  WHERE x.project_id = c.project_id AND p.voucher = v_voucher) THEN
        RAISE EXCEPTION '凭证号 % 已登记过', v_voucher {REFUSE};
      END IF;
      day := p_paid_on;
      IF day IS NULL OR (c.signed_on IS NOT NULL AND day < c.signed_on) THEN
        RAISE EXCEPTION '拨付日期 % 不能为空，也不能早于签约日期 %', {iso('day')},
          {iso('c.signed_on')} {REFUSE};
      END IF;
      INSERT INTO payments (case_id, kind, amount, paid_on, voucher, operator, created_at)
      VALUES (c.id, p_kind, p_amount, day, v_voucher, session_user,
              clock_timestamp() AT TIME ZONE 'UTC')
      RETURNING id INTO paid;
      PERFORM wulong_audit_row('create', 'payment', paid, c.project_id, c.id, p_kind, NULL,
                               format('%s %s %s', round(p_amount::numeric, 2), {iso('day')},
                                      v_voucher),
                               nullif(btrim(p_reason), ''));
      RETURN paid;""", returns="integer", declare="owed numeric; v_voucher text; day date; "
                                                  "paid integer;"),
)

EVENTS = (*CASE_EVENTS, *PATH_EVENTS)
BY_NAME = {event.name: event for event in EVENTS}


def reserved_audit() -> list[tuple[str, str]]:
    """(action, entity) pairs of audit rows only an event writes."""
    return [pair for event in EVENTS for pair in event.reserves]


def on_server(session: Session) -> bool:
    """Is this session on the office server (the events are PostgreSQL functions there)?"""
    return session.get_bind().dialect.name == "postgresql"


def call_project(session: Session, name: str, project_id: int, *values: Any) -> Any:
    """Run one project event (作出征收决定, 终止项目) on the server: as `call`."""
    return call(session, name, project_id, *values)


def call(session: Session, name: str, case_id: int, *values: Any) -> Any:
    """Run one event on the server, in the session's transaction, after flushing what the
    session holds (the event reads the stored rows). Returns what the function returns."""
    event = BY_NAME[name]
    session.flush()
    names = ["case", *(n for n, _t in event.params)]
    casts = ["integer", *(t for _n, t in event.params)]
    arguments = ", ".join(f"CAST(:{n} AS {t})" for n, t in zip(names, casts, strict=True))
    bound = dict(zip(names, (case_id, *values), strict=True))
    return session.execute(text(f"SELECT {event.function}({arguments})"), bound).scalar()

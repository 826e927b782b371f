"""The office server's guards: triggers on every table of a case's content that lock the case's
row and read its STORED stage, for every login but the database owner.

- A guard trigger runs as the caller (SECURITY INVOKER), so `current_user` tells the owner (the
  audited event functions of `server_events`, which run as the owner, and the owner's own
  login) from everyone else. Nobody else skips a guard: no role, no per-transaction mark.
- The case row is locked (SELECT … FOR NO KEY UPDATE: it serialises the writers of one case
  and the events, and lets foreign-key checks through) before its stage is read, so what a
  guard saw stays true until the transaction ends.
- A case at 预签/已签约/已搬迁/作废 that is not unlocked (解锁更正) keeps its figures, its money
  inputs, its identity (编号, 识别码, 所属项目, 案卷编号), its rows, its stored result and record,
  its 搬迁日期 once moved, its 协议编号 once given, and the agreement's payment terms and payee
  account (协议生效日 too). What may change: names and phones of its people (not their
  removal), an exchange house's wording, remarks. Its stage and the money events change only
  through the events (签约, 登记搬迁, 逾期交房加付, 作废, 解锁/锁定).
- An unsigned case changes freely, but its stage only one plain step forward (调查登记 →
  已评估 by anyone, 已评估 → 已审核 by a reviewer); back or over a stage is the reviewer's
  `wulong_change_stage` with a reason. A new case starts at 调查登记 or 已评估.
- Payments and the audit trail are written by the events (and `wulong_audit`, the app's own
  field-by-field trail) only: staff hold no write grant on them, and a guard says no besides.
- The audit's operator is `session_user` (SET ROLE changes nothing).

PostgreSQL-only DDL, applied (idempotently) by `server init` through `server_roles.install`.
"""

from __future__ import annotations

from wulong_desk.statuses import (
    FROZEN_STATUSES,
    MIN_REASON,
    PAYABLE_STATUSES,
    SIGNED_STATUSES,
    STAGES,
    STATUS_LABELS,
)
from wulong_desk.store.column_policy import CASE_ROW_TABLES, EVENT_ONLY_ROWS, TABLE_LABELS
from wulong_desk.store.models import AGREEMENT_COLUMNS, CASE_MONEY_COLUMNS, FIGURE_COLUMNS
from wulong_desk.store.owed import owed_sql_for_server


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


FROZEN = sql_list(FROZEN_STATUSES)
SIGNED = sql_list(SIGNED_STATUSES)
PAYABLE = sql_list(PAYABLE_STATUSES)
UNSIGNED_STAGES = tuple(s for s in STAGES if s not in FROZEN_STATUSES)
UNSIGNED = sql_list(UNSIGNED_STAGES)
# a stored result's figures, as services.cases.changes.stored_figures names them, in its order
FIGURES = FIGURE_COLUMNS
# the tables of a case's content (each with its case column; case_records: its result's), the
# rows only the events write (no grant, and the guard says so), and their names in words: from
# the written policy (store/column_policy.py)
# a frozen case's column only the decision path's events write (转为补偿协议)
CASE_EVENT_COLUMNS = ("converted_on",)
# a project's columns only the administrator's events write, and the decision's own fields
# (fixed once it is recorded)
PROJECT_EVENT_COLUMNS = ("decision_state", "terminated_on", "termination_no",
                         "termination_reason")
PROJECT_DECISION_COLUMNS = ("announced_on", "decision_made_on", "decision_no")
# the server's own table: the figures a case had when it was unlocked, for the relock's audit
# what `wulong_open_refigure` marks a case with while one decision-path event recomputes it
# (services/procedure/path_events.py): the closing event checks it (`wulong_refigured`)
MARKERS = {"convert": "〔转为补偿协议〕", "revalue": "〔复核或鉴定后重新估价〕",
           "outcome": "〔补偿决定的结果〕"}


UNLOCKED_FIGURES = "wulong_unlocked_figures"


def _label_sql() -> str:
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in STATUS_LABELS.items())
    tables = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in TABLE_LABELS.items())
    return f"""CREATE OR REPLACE FUNCTION wulong_label(p_code text) RETURNS text
       LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
       SELECT CASE p_code {cases} {tables} ELSE p_code END $f$"""


def helpers_sql(schema: str, reviewer_group: str, admin_group: str) -> list[str]:
    """The functions the guards and events share. `schema` is quoted (quote_ident), the group
    names plain (they go in as literals)."""
    cases_table = literal(f"{schema}.cases")
    path = f"pg_catalog, {schema}, pg_temp"
    figures = ", ".join(f"{literal(key)}, r.{column}" for key, column in FIGURES.items())
    return [
        f"CREATE TABLE IF NOT EXISTS {UNLOCKED_FIGURES} (case_id integer PRIMARY KEY "
        "REFERENCES cases (id) ON DELETE CASCADE, figures jsonb)",
        _label_sql(),
        # the database owner: the owner of the tables (server init made them)
        f"""CREATE OR REPLACE FUNCTION wulong_owner() RETURNS name
           LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $f$
           SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
            WHERE c.oid = {cases_table}::regclass $f$""",
        # the owner itself is at work: its login, or an event function (SECURITY DEFINER)
        f"""CREATE OR REPLACE FUNCTION wulong_is_owner() RETURNS boolean
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT current_user = wulong_owner() $f$""",
        # who logged in may review: by the login (session_user), so SET ROLE changes nothing
        f"""CREATE OR REPLACE FUNCTION wulong_is_reviewer() RETURNS boolean
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT session_user = wulong_owner()
               OR pg_has_role(session_user, {literal(reviewer_group)}, 'MEMBER') $f$""",
        # an administrator (the decision path's decide and terminate): admin ⊃ reviewer
        f"""CREATE OR REPLACE FUNCTION wulong_is_admin() RETURNS boolean
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT session_user = wulong_owner()
               OR pg_has_role(session_user, {literal(admin_group)}, 'MEMBER') $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_require_admin(p_what text) RETURNS void
           LANGUAGE plpgsql STABLE SET search_path = {path} AS $f$
           BEGIN
             IF NOT wulong_is_admin() THEN
               RAISE EXCEPTION '只有管理员可以%（当前登录 % 不是管理员）', p_what,
                 session_user USING ERRCODE = 'insufficient_privilege';
             END IF;
           END $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_require_reviewer(p_what text) RETURNS void
           LANGUAGE plpgsql STABLE SET search_path = {path} AS $f$
           BEGIN
             IF NOT wulong_is_reviewer() THEN
               RAISE EXCEPTION '只有审核人员可以%（当前登录 % 不是审核人员）', p_what,
                 session_user USING ERRCODE = 'insufficient_privilege';
             END IF;
           END $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_reason(p_reason text, p_what text) RETURNS text
           LANGUAGE plpgsql IMMUTABLE SET search_path = {path} AS $f$
           DECLARE cleaned text := regexp_replace(coalesce(p_reason, ''),
                                                  '^[\\s　]+|[\\s　]+$', '', 'g');
           BEGIN
             IF char_length(cleaned) < {MIN_REASON} THEN
               RAISE EXCEPTION '%必须写明理由（至少{MIN_REASON}个字）', p_what
                 USING ERRCODE = 'insufficient_privilege';
             END IF;
             RETURN cleaned;
           END $f$""",
        # the case row, locked for the rest of the transaction
        f"""CREATE OR REPLACE FUNCTION wulong_case_for_change(p_case integer) RETURNS cases
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           DECLARE c cases;
           BEGIN
             SELECT * INTO c FROM cases WHERE id = p_case FOR NO KEY UPDATE;
             IF NOT FOUND THEN
               RAISE EXCEPTION '没有编号为 % 的案卷', p_case USING ERRCODE = 'no_data_found';
             END IF;
             RETURN c;
           END $f$""",
        # the project row, locked for the rest of the transaction (the project events)
        f"""CREATE OR REPLACE FUNCTION wulong_project_for_change(p_project integer)
           RETURNS projects LANGUAGE plpgsql SET search_path = {path} AS $f$
           DECLARE p projects;
           BEGIN
             SELECT * INTO p FROM projects WHERE id = p_project FOR NO KEY UPDATE;
             IF NOT FOUND THEN
               RAISE EXCEPTION '没有编号为 % 的项目', p_project USING ERRCODE = 'no_data_found';
             END IF;
             RETURN p;
           END $f$""",
        # a case's stored figures in cents (as services.cases.changes.stored_figures), NULL when its
        # computation is not complete
        f"""CREATE OR REPLACE FUNCTION wulong_figures(p_case integer) RETURNS jsonb
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT jsonb_build_object({figures}) FROM case_results r
            WHERE r.case_id = p_case AND r.ok $f$""",
        """CREATE OR REPLACE FUNCTION wulong_yuan(p_cents text) RETURNS text
           LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
           SELECT (p_cents::numeric / 100)::numeric(20, 2)::text $f$""",
        # What may be paid on a case now, in yuan: what is owed now (the one query of
        # store/owed.py: each bucket of the stored schedule once its event has happened, less
        # the exchange houses' price once set off) less what was paid (receipts count back);
        # negative: the household owes (or was overpaid). NULL while the case has no complete
        # computation. The one place the server says it.
        f"""CREATE OR REPLACE FUNCTION wulong_may_still_pay(p_case integer) RETURNS numeric
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT (o.due_now::numeric / 100
                   - coalesce((SELECT sum(CASE WHEN p.kind = 'pay' THEN p.amount::numeric
                                               ELSE -p.amount::numeric END)
                                 FROM payments p WHERE p.case_id = p_case), 0))::numeric(20, 2)
             FROM ({owed_sql_for_server()}) AS o $f$""",
        # the 搬迁期限 a case's move is measured against: the move-by date of its 补偿决定 in
        # force (the last not ended), else its project's (services.money.owed.move_deadline_of);
        # a date, as the columns are (before migration 0013 it returned their text:
        # server_roles.OLD_OBJECTS drops that one first)
        f"""CREATE OR REPLACE FUNCTION wulong_move_deadline(p_case integer) RETURNS date
           LANGUAGE sql STABLE SET search_path = {path} AS $f$
           SELECT coalesce((SELECT d.move_by FROM case_decisions d
                             WHERE d.case_id = c.id AND d.state = 'in_force'
                             ORDER BY d.id DESC LIMIT 1), p.move_deadline)
             FROM cases c JOIN projects p ON p.id = c.project_id
            WHERE c.id = p_case $f$""",
        # a calculation record's figures in cents, keyed as wulong_figures (for the events that
        # write a record the app figured: they compare it with what the stored one allows)
        f"""CREATE OR REPLACE FUNCTION wulong_record_figures(p_record jsonb) RETURNS jsonb
           LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
           SELECT coalesce(jsonb_object_agg(l->>'code',
                                            round((l->>'amount')::numeric * 100)::bigint),
                           '{{}}'::jsonb)
                  || jsonb_build_object({_record_keys()})
             FROM jsonb_array_elements(p_record->'lines') l $f$""",
        # write a record an event checked (owner only: not granted)
        f"""CREATE OR REPLACE FUNCTION wulong_write_record(p_case integer, p_record text)
           RETURNS void LANGUAGE plpgsql SET search_path = {path} AS $f$
           DECLARE
             r jsonb := p_record::jsonb;
             f jsonb := wulong_record_figures(p_record::jsonb);
           BEGIN
             IF r->>'standard' IS DISTINCT FROM (SELECT standard_id FROM case_results
                                                 WHERE case_id = p_case) THEN
               RAISE EXCEPTION '计算记录使用的补偿标准与案卷保存的不同，不能写入'
                 USING ERRCODE = 'insufficient_privilege';
             END IF;
             UPDATE case_results SET {_write_columns()},
                    warnings_count = jsonb_array_length(coalesce(r->'warnings', '[]'::jsonb)),
                    engine_version = left(coalesce(r->>'engine_version', engine_version), 20),
                    computed_at = clock_timestamp() AT TIME ZONE 'UTC'
              WHERE case_id = p_case;
             UPDATE case_records SET breakdown_json = p_record WHERE case_id = p_case;
           END $f$""",
        # whole months from a day to another (a month ends on the same day of the next month,
        # or its last day: services.money.moves.months_elapsed says the same)
        """CREATE OR REPLACE FUNCTION wulong_months_since(p_day date, p_today date)
           RETURNS integer LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
           SELECT count(*)::integer FROM generate_series(1, 1200) k
            WHERE (p_day + make_interval(months => k))::date <= p_today $f$""",
        # one audit row, the operator the login: for the events (owner only: not granted)
        f"""CREATE OR REPLACE FUNCTION wulong_audit_row(p_action text, p_entity text,
               p_entity_id integer, p_project integer, p_case integer, p_field text,
               p_old text, p_new text, p_reason text) RETURNS void
           LANGUAGE sql SET search_path = {path} AS $f$
           INSERT INTO audit_log (at, operator, action, entity, entity_id, project_id,
                                  case_id, field, old, new, reason)
           VALUES (clock_timestamp() AT TIME ZONE 'UTC', session_user, p_action, p_entity,
                   p_entity_id, p_project, p_case, coalesce(p_field, ''), p_old, p_new,
                   p_reason) $f$""",
        _refigured_sql(path),
    ]


def _refigured_sql(path: str) -> str:
    """`wulong_refigured(case, kind, reason, every)`: the close of one decision-path event that
    recomputed a frozen case (owner only: the events call it). The case must have been opened
    for that event (`wulong_open_refigure`); the figures changed since are audited old → new
    under the event's action (every figure with `every`), and the case is locked again."""
    markers = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in MARKERS.items())
    figure_keys = "ARRAY[" + ", ".join(literal(key) for key in FIGURES) + "]"
    return f"""CREATE OR REPLACE FUNCTION wulong_refigured(p_case integer, p_kind text,
           p_reason text, p_every boolean) RETURNS void
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           DECLARE
             c cases;
             at_open jsonb;
             at_close jsonb;
             fig text;
           BEGIN
             SELECT * INTO c FROM cases WHERE id = p_case FOR NO KEY UPDATE;
             IF c.unlocked_reason IS DISTINCT FROM (CASE p_kind {markers} END) THEN
               RAISE EXCEPTION '案卷 % 没有为这项操作打开（须在同一事务中先由 wulong_open_refigure '
                 '打开）', c.case_no USING ERRCODE = 'insufficient_privilege';
             END IF;
             SELECT figures INTO at_open FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
             at_close := wulong_figures(c.id);
             IF at_close IS NULL THEN
               RAISE EXCEPTION '案卷 % 的计算还不完整', c.case_no
                 USING ERRCODE = 'insufficient_privilege';
             END IF;
             FOREACH fig IN ARRAY {figure_keys} LOOP
               IF p_every OR at_open->>fig IS DISTINCT FROM at_close->>fig THEN
                 PERFORM wulong_audit_row(p_kind, 'result', c.id, c.project_id, c.id, fig,
                                          wulong_yuan(at_open->>fig), wulong_yuan(at_close->>fig),
                                          p_reason);
               END IF;
             END LOOP;
             DELETE FROM {UNLOCKED_FIGURES} WHERE case_id = c.id;
             UPDATE cases SET unlocked_reason = NULL WHERE id = c.id;
           END $f$"""


def _record_keys() -> str:
    """The record's totals, settlement and schedule figures as jsonb_build_object arguments."""
    places = {"total": "totals", "exchange_price": "settlement", "net_payable": "settlement",
              "before_move": "schedule", "transition": "schedule", "after_move": "schedule",
              "overdue": "schedule"}
    return ", ".join(f"'{key}', round((p_record->'{group}'->>'{key}')::numeric * 100)::bigint"
                     for key, group in places.items())


def _write_columns() -> str:
    return ", ".join(f"{column} = (f->>'{key}')::bigint" for key, column in FIGURES.items())


def audit_writer_sql(schema: str, reserved: list[tuple[str, str]]) -> str:
    """`wulong_audit(rows)`: the app's own trail (one row per changed field, see store/audit.py)
    written for any staff login, under that login; what only an event writes is refused, and
    so is a row claiming another operator."""
    path = f"pg_catalog, {schema}, pg_temp"
    checks = " OR ".join(
        "(" + " AND ".join(part for part in (
            f"r->>'action' = {literal(action)}" if action != "*" else "",
            f"r->>'entity' = {literal(entity)}" if entity != "*" else "") if part) + ")"
        for action, entity in reserved) or "false"
    return f"""CREATE OR REPLACE FUNCTION wulong_audit(p_rows jsonb) RETURNS void
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $f$
       DECLARE r jsonb;
       BEGIN
         FOR r IN SELECT value FROM jsonb_array_elements(p_rows) LOOP
           IF r ? 'operator' AND r->>'operator' IS DISTINCT FROM session_user THEN
             RAISE EXCEPTION '修改记录的操作人只能是当前登录 %，不能写成 %', session_user,
               r->>'operator' USING ERRCODE = 'insufficient_privilege';
           END IF;
           IF {checks} THEN
             RAISE EXCEPTION '修改记录“%”只能由相应的操作本身写入（解锁更正、作废、签约、'
               '删除案卷、登记拨付……）', r->>'action' USING ERRCODE = 'insufficient_privilege';
           END IF;
           PERFORM wulong_audit_row(r->>'action', r->>'entity', (r->>'entity_id')::integer,
             (r->>'project_id')::integer, (r->>'case_id')::integer, r->>'field', r->>'old',
             r->>'new', r->>'reason');
         END LOOP;
       END $f$"""


def guards_sql(schema: str) -> list[str]:
    path = f"pg_catalog, {schema}, pg_temp"
    locked = (*CASE_MONEY_COLUMNS, *AGREEMENT_COLUMNS, *CASE_EVENT_COLUMNS, "case_no")
    money = ", ".join(f"NEW.{c}" for c in locked)
    money_old = ", ".join(f"OLD.{c}" for c in locked)
    event_fields = ", ".join(f"NEW.{c}" for c in PROJECT_EVENT_COLUMNS)
    event_fields_old = ", ".join(f"OLD.{c}" for c in PROJECT_EVENT_COLUMNS)
    decision = ", ".join(f"NEW.{c}" for c in PROJECT_DECISION_COLUMNS)
    decision_old = ", ".join(f"OLD.{c}" for c in PROJECT_DECISION_COLUMNS)
    refuse = "USING ERRCODE = 'insufficient_privilege'"
    return [
        f"""CREATE OR REPLACE FUNCTION wulong_guard_case() RETURNS trigger
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           BEGIN
             IF wulong_is_owner() THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END IF;
             IF TG_OP = 'DELETE' THEN
               RAISE EXCEPTION '案卷 % 不能直接删除：误录的案卷请用程序的“删除案卷”（全部内容'
                 '记入修改记录），已签约的案卷只能作废', OLD.case_no {refuse};
             END IF;
             IF TG_OP = 'INSERT' THEN
               IF NEW.status NOT IN ('surveyed', 'assessed') THEN
                 RAISE EXCEPTION '新案卷 % 只能从调查登记或已评估开始（不能直接建成%）：'
                   '以后的阶段须逐级办理', NEW.case_no, wulong_label(NEW.status) {refuse};
               END IF;
               IF NEW.unlocked_reason IS NOT NULL OR NEW.void_reason IS NOT NULL
                  OR NEW.converted_on IS NOT NULL THEN
                 RAISE EXCEPTION '新案卷 % 不能带有解锁、作废的理由或转为补偿协议的日期',
                   NEW.case_no {refuse};
               END IF;
               RETURN NEW;
             END IF;
             -- an UPDATE: OLD is the stored row, locked by the UPDATE itself
             IF ROW(NEW.id, NEW.uuid, NEW.project_id)
                IS DISTINCT FROM ROW(OLD.id, OLD.uuid, OLD.project_id) THEN
               RAISE EXCEPTION '案卷 % 的编号、识别码和所属项目不能修改', OLD.case_no {refuse};
             END IF;
             IF NEW.unlocked_reason IS DISTINCT FROM OLD.unlocked_reason THEN
               RAISE EXCEPTION '案卷 % 的解锁更正和重新锁定只能由相应的操作办理（记入修改记录）',
                 OLD.case_no {refuse};
             END IF;
             IF NEW.void_reason IS DISTINCT FROM OLD.void_reason THEN
               RAISE EXCEPTION '案卷 % 的作废只能由审核人员用“作废”操作办理（记入修改记录）',
                 OLD.case_no {refuse};
             END IF;
             IF NEW.status IS DISTINCT FROM OLD.status THEN
               IF OLD.status IN {FROZEN} OR NEW.status IN {FROZEN} THEN
                 RAISE EXCEPTION '案卷 % 从%改为%：签约、预签、登记搬迁和作废只能由相应的操作'
                   '办理（记入修改记录），已签约的案卷不能退回', OLD.case_no,
                   wulong_label(OLD.status), wulong_label(NEW.status) {refuse};
               ELSIF OLD.status = 'assessed' AND NEW.status = 'reviewed' THEN
                 PERFORM wulong_require_reviewer('把案卷标为已审核');
               ELSIF NOT (OLD.status = 'surveyed' AND NEW.status = 'assessed') THEN
                 RAISE EXCEPTION '案卷 % 从%改为%属于退回或跳过阶段：只能由审核人员写明理由办理',
                   OLD.case_no, wulong_label(OLD.status), wulong_label(NEW.status) {refuse};
               END IF;
             END IF;
             IF OLD.status IN {FROZEN} AND OLD.unlocked_reason IS NULL THEN
               IF ROW({money}) IS DISTINCT FROM ROW({money_old}) THEN
                 RAISE EXCEPTION '案卷 % 已%，已锁定：不能修改影响补偿金额的内容、协议约定的付款'
                   '期限和收款账户或案卷编号（须先由审核人员解锁更正）', OLD.case_no,
                   wulong_label(OLD.status) {refuse};
               END IF;
               IF OLD.status = 'moved' AND NEW.moved_on IS DISTINCT FROM OLD.moved_on THEN
                 RAISE EXCEPTION '案卷 % 已搬迁，已锁定：搬迁日期不能修改', OLD.case_no {refuse};
               END IF;
               IF OLD.agreement_seq IS NOT NULL
                  AND NEW.agreement_seq IS DISTINCT FROM OLD.agreement_seq THEN
                 RAISE EXCEPTION '案卷 % 的协议编号已经给出，不能再改', OLD.case_no {refuse};
               END IF;
             END IF;
             RETURN NEW;
           END $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_guard_case_row() RETURNS trigger
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           DECLARE
             cid integer;
             c record;
             verb text;
           BEGIN
             IF wulong_is_owner() THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END IF;
             IF TG_TABLE_NAME IN {sql_list(EVENT_ONLY_ROWS)} THEN
               RAISE EXCEPTION '%只能由程序的相应操作登记（记入修改记录，经办人为当前登录）',
                 wulong_label(TG_TABLE_NAME) {refuse};
             END IF;
             IF TG_OP = 'DELETE' THEN
               cid := OLD.case_id;
             ELSE
               cid := NEW.case_id;
             END IF;
             IF TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id THEN
               RAISE EXCEPTION '%记录不能从一个案卷移到另一个案卷', wulong_label(TG_TABLE_NAME)
                 {refuse};
             END IF;
             SELECT id, case_no, status, unlocked_reason INTO c FROM cases WHERE id = cid
               FOR NO KEY UPDATE;
             IF NOT FOUND OR c.status NOT IN {FROZEN} OR c.unlocked_reason IS NOT NULL THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END IF;
             -- the case is signed (or moved, or void) and locked
             IF TG_OP <> 'DELETE' AND TG_TABLE_NAME = 'persons' THEN
               RETURN NEW;   -- names, ID numbers and phones are not money
             END IF;
             IF TG_OP = 'UPDATE' THEN
               IF TG_TABLE_NAME = 'exchange_houses' THEN
                 IF ROW(NEW.id, NEW.position, NEW.use, NEW.area, NEW.inner_area, NEW.unit_price)
                    IS NOT DISTINCT FROM ROW(OLD.id, OLD.position, OLD.use, OLD.area,
                                             OLD.inner_area, OLD.unit_price) THEN
                   RETURN NEW;   -- the location's wording only
                 END IF;
               ELSIF NEW IS NOT DISTINCT FROM OLD THEN
                 RETURN NEW;
               END IF;
             END IF;
             verb := CASE TG_OP WHEN 'INSERT' THEN '增加' WHEN 'DELETE' THEN '删除' ELSE '修改'
                     END;
             RAISE EXCEPTION '案卷 % 已%，已锁定：不能%它的%记录（须先由审核人员解锁更正）',
               c.case_no, wulong_label(c.status), verb, wulong_label(TG_TABLE_NAME) {refuse};
           END $f$""",
        f"""CREATE OR REPLACE FUNCTION wulong_guard_project() RETURNS trigger
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           BEGIN
             IF wulong_is_owner() THEN
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END IF;
             IF TG_OP = 'DELETE' THEN
               RAISE EXCEPTION '项目 % 不能删除（它的案卷会一并消失）', OLD.name {refuse};
             END IF;
             IF TG_OP = 'UPDATE' AND ROW(NEW.id, NEW.uuid) IS DISTINCT FROM ROW(OLD.id, OLD.uuid)
             THEN
               RAISE EXCEPTION '项目 % 的编号和识别码不能修改', OLD.name {refuse};
             END IF;
             -- the decision path: decided or terminated only by the administrator's events
             IF TG_OP = 'INSERT' THEN
               IF NEW.decision_state IS DISTINCT FROM 'planned' OR NEW.terminated_on IS NOT NULL
                  OR NEW.termination_no IS NOT NULL OR NEW.termination_reason IS NOT NULL THEN
                 RAISE EXCEPTION '新项目 % 只能从“尚未作出征收决定”开始：作出征收决定、终止项目'
                   '由管理员办理', NEW.name {refuse};
               END IF;
               RETURN NEW;
             END IF;
             IF ROW({event_fields}) IS DISTINCT FROM ROW({event_fields_old}) THEN
               RAISE EXCEPTION '项目 % 的征收决定或终止只能由管理员用相应的操作办理'
                 '（记入修改记录）', OLD.name {refuse};
             END IF;
             IF OLD.decision_state <> 'planned'
                AND ROW({decision}) IS DISTINCT FROM ROW({decision_old}) THEN
               RAISE EXCEPTION '项目 % 已作出征收决定（或已终止）：征收决定的作出日、公告日和文号'
                 '不能再改', OLD.name {refuse};
             END IF;
             RETURN NEW;
           END $f$""",
        # the audit trail, the payments: written by the events (as the owner) only
        f"""CREATE OR REPLACE FUNCTION wulong_guard_owner_only() RETURNS trigger
           LANGUAGE plpgsql SET search_path = {path} AS $f$
           BEGIN
             IF NOT wulong_is_owner() THEN
               RAISE EXCEPTION '%只能由程序的相应操作写入，不能直接修改、删除或清空',
                 CASE TG_TABLE_NAME WHEN 'audit_log' THEN '修改记录'
                   ELSE wulong_label(TG_TABLE_NAME) END {refuse};
             END IF;
             IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
             IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
             RETURN NEW;
           END $f$""",
    ]


# (trigger function, tables, row events); every one also refuses TRUNCATE by anyone but the owner
TRIGGERS = (
    ("wulong_guard_case", ("cases",)),
    ("wulong_guard_case_row", tuple(t for t in CASE_ROW_TABLES if t not in EVENT_ONLY_ROWS)),
    ("wulong_guard_owner_only", ("audit_log", *EVENT_ONLY_ROWS)),
    ("wulong_guard_project", ("projects",)),
)
GUARD_FUNCTIONS = tuple(f"{name}()" for name, _tables in TRIGGERS)


def triggers_sql() -> list[str]:
    statements = []
    for function, tables in TRIGGERS:
        for table in tables:
            statements += [
                f"DROP TRIGGER IF EXISTS wulong_guard ON {table}",
                f"CREATE TRIGGER wulong_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()",
                f"DROP TRIGGER IF EXISTS wulong_guard_truncate ON {table}",
                f"CREATE TRIGGER wulong_guard_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION wulong_guard_owner_only()"]
    return statements


HELPER_FUNCTIONS = ("wulong_label(text)", "wulong_owner()", "wulong_is_owner()",
                    "wulong_is_reviewer()", "wulong_require_reviewer(text)",
                    "wulong_is_admin()", "wulong_require_admin(text)",
                    "wulong_reason(text, text)", "wulong_case_for_change(integer)",
                    "wulong_figures(integer)", "wulong_yuan(text)",
                    "wulong_may_still_pay(integer)", "wulong_move_deadline(integer)",
                    "wulong_months_since(date, date)", "wulong_audit(jsonb)")

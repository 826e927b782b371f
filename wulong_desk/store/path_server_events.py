"""The decision path's audited events on the office server (issue 27), appended to
`server_events.EVENTS`: the administrator's 作出征收决定 and 终止项目 (project events), and the
reviewer's 正式评估结果 for a presign, 转为补偿协议, 复核/鉴定后重新估价, 补偿决定, 复议或诉讼 and
补偿决定的结果. services/procedure/project_decision.py, appraisal.py, conversion.py and
case_decisions.py call them; on a local file the same services do the same work in Python.

The three events that recompute a frozen case (convert, revalue, outcome) come in two calls in
one transaction: `wulong_open_refigure(case, kind)` checks the stored stage for that event, keeps
the figures and marks the case open for it; the app writes the new inputs and the record; the
closing event (`wulong_convert`, `wulong_revalue`, `wulong_decision_outcome`) audits the figures
old → new under its own action (`wulong_refigured`), sets the stage and locks the case again.
A case opened and not closed is as one unlocked for 解锁更正: its relock audits what changed.
"""

from __future__ import annotations

import re

from wulong_desk.store.event_function import ADMIN, REFUSE, REVIEWER, Event, iso


def _sql(body: str) -> str:
    """A body with {REFUSE} in place, and each {iso:EXPR} as the day EXPR in words (iso)."""
    body = body.replace("{REFUSE}", REFUSE)
    return re.sub(r"\{iso:([^}]+)\}", lambda found: iso(found.group(1)), body)

_PRESIGNED = ("(SELECT count(*) FROM cases x WHERE x.project_id = proj.id "
              "AND x.status = 'presigned')")
_CHECK_NUMBER = """
      number := btrim(coalesce(p_number, ''));
      IF number = '' OR char_length(number) > 100 THEN
        RAISE EXCEPTION '文号不能为空，最多100个字' {REFUSE};
      END IF;"""

PATH_EVENTS: tuple[Event, ...] = (
    Event("decide_project", "作出征收决定",
          (("made_on", "date"), ("announced_on", "date"), ("number", "text")), ADMIN,
          (("decide", "*"),), _sql("""
      IF proj.decision_state <> 'planned' THEN
        RAISE EXCEPTION '项目 % 已作出征收决定或已终止，不能再作出征收决定', proj.name {REFUSE};
      END IF;
      made := p_made_on;
      ann := p_announced_on;
      IF made IS NULL OR ann IS NULL OR ann < made THEN
        RAISE EXCEPTION '公告日 % 不能早于作出日 %（办法第二十五条）', {iso:ann}, {iso:made}
          {REFUSE};
      END IF;""" + _CHECK_NUMBER + """
      IF EXISTS (SELECT 1 FROM cases x WHERE x.project_id = proj.id AND x.presign
                    AND x.status = 'presigned' AND x.signed_on >= made) THEN
        RAISE EXCEPTION '预签协议须在征收决定作出之前签订（办法第二十三条）：有预签在作出日 % '
          '当日或之后', {iso:made} {REFUSE};
      END IF;
      -- (the presign share is the app's check: services/procedure/project_decision.py)
      reason := format('%s，作出日 %s，公告日 %s', number, {iso:made}, {iso:ann});
      PERFORM wulong_audit_row('decide', 'project', proj.id, proj.id, NULL, 'decision_state',
                               proj.decision_state, 'decided', reason);
      IF proj.announced_on IS DISTINCT FROM ann THEN
        PERFORM wulong_audit_row('decide', 'project', proj.id, proj.id, NULL, 'announced_on',
                                 {iso:proj.announced_on}, {iso:ann}, reason);
      END IF;
      IF proj.decision_made_on IS DISTINCT FROM made THEN
        PERFORM wulong_audit_row('decide', 'project', proj.id, proj.id, NULL, 'decision_made_on',
                                 {iso:proj.decision_made_on}, {iso:made}, reason);
      END IF;
      IF proj.decision_no IS DISTINCT FROM number THEN
        PERFORM wulong_audit_row('decide', 'project', proj.id, proj.id, NULL, 'decision_no',
                                 proj.decision_no, number, reason);
      END IF;
      UPDATE projects SET announced_on = ann, decision_made_on = made, decision_no = number,
                          decision_state = 'decided' WHERE id = proj.id;
      INSERT INTO procedure_steps (project_id, step, started_on, done_on, note)
      VALUES (proj.id, 'decision', made, ann, '')
      ON CONFLICT ON CONSTRAINT uq_step_per_project
      DO UPDATE SET started_on = EXCLUDED.started_on, done_on = EXCLUDED.done_on;"""),
          declare="made date; ann date; number text;", subject="project"),
    Event("terminate_project", "终止项目",
          (("on", "date"), ("number", "text"), ("reason", "text")), ADMIN,
          (("terminate", "*"), ("lapse", "*")), _sql("""
      IF proj.decision_state <> 'planned' THEN
        RAISE EXCEPTION '项目 % 已作出征收决定或已终止，不能终止', proj.name {REFUSE};
      END IF;
      IF NOT proj.old_town THEN
        RAISE EXCEPTION '只有旧城区改建项目因预签比例未达到而终止（办法第二十三条）' {REFUSE};
      END IF;
      day := p_on;
      IF day IS NULL OR proj.presign_end IS NULL OR day <= proj.presign_end THEN
        RAISE EXCEPTION '终止日 % 须在预签期限（至 %）届满之后', {iso:day}, {iso:proj.presign_end}
          {REFUSE};
      END IF;
      IF proj.total_households IS NULL OR """ + _PRESIGNED + """
                         >= proj.presign_threshold::numeric * proj.total_households THEN
        RAISE EXCEPTION '预签比例已达到（或征收范围总户数未填写）：不能终止项目' {REFUSE};
      END IF;""" + _CHECK_NUMBER + """
      reason := wulong_reason(p_reason, '终止项目');
      why := format('项目终止（%s）：预签比例未达到，预签协议不生效（办法第二十三条）', number);
      FOR r IN SELECT x.id FROM cases x WHERE x.project_id = proj.id AND x.status = 'presigned'
               ORDER BY x.case_no FOR NO KEY UPDATE LOOP
        UPDATE cases SET status = 'lapsed', unlocked_reason = NULL WHERE id = r.id;
        DELETE FROM wulong_unlocked_figures WHERE case_id = r.id;
        PERFORM wulong_audit_row('lapse', 'case', r.id, proj.id, r.id, 'status', 'presigned',
                                 'lapsed', why);
      END LOOP;
      PERFORM wulong_audit_row('terminate', 'project', proj.id, proj.id, NULL, 'decision_state',
                               proj.decision_state, 'terminated', format('%s：%s', number, reason));
      UPDATE projects SET decision_state = 'terminated', terminated_on = day,
                          termination_no = number, termination_reason = reason
       WHERE id = proj.id;
      INSERT INTO procedure_steps (project_id, step, done_on, note)
      VALUES (proj.id, 'scope', day, '项目终止，暂停办理相关手续结束（办法第十五条）'),
             (proj.id, 'exchange_freeze', day,
              '项目终止，暂停办理相关手续结束（办法第二十二条第四款）')
      ON CONFLICT ON CONSTRAINT uq_step_per_project
      DO UPDATE SET done_on = EXCLUDED.done_on, note = EXCLUDED.note;"""),
          declare="day date; number text; why text; r record;", subject="project"),
    # the formal appraisal's values beside a frozen presign, until it converts
    Event("stage_values", "登记正式评估结果", (("values", "jsonb"),), REVIEWER,
          (("formal", "*"),), _sql("""
      IF c.status <> 'presigned' OR c.unlocked_reason IS NOT NULL THEN
        RAISE EXCEPTION '案卷 % 现在是%：只有（锁定的）预签案卷的正式评估结果等待转为补偿协议',
          c.case_no, wulong_label(c.status) {REFUSE};
      END IF;
      FOR v IN SELECT value FROM jsonb_array_elements(p_values) LOOP
        IF NOT (v->>'unit_price' ~ '^[0-9]+(\\.[0-9]{1,2})?$')
           OR NOT (coalesce(v->>'decoration_value', '0') ~ '^[0-9]+(\\.[0-9]{1,2})?$') THEN
          RAISE EXCEPTION '评估单价和装饰装修评估值应为不小于 0 的数，最多两位小数' {REFUSE};
        END IF;
        SELECT * INTO part FROM house_parts
         WHERE case_id = c.id AND position = (v->>'position')::integer;
        IF NOT FOUND THEN
          RAISE EXCEPTION '案卷 % 没有第 % 处房屋', c.case_no,
            (v->>'position')::integer + 1 {REFUSE};
        END IF;
        UPDATE house_parts SET formal_unit_price = v->>'unit_price',
                               formal_decoration_value = coalesce(v->>'decoration_value', '0')
         WHERE id = part.id;
        PERFORM wulong_audit_row('formal', 'case', c.id, c.project_id, c.id,
          format('parts[%s].formal_values', part.position),
          CASE WHEN part.formal_unit_price IS NULL THEN NULL
               ELSE part.formal_unit_price || ' / ' || part.formal_decoration_value END,
          (v->>'unit_price') || ' / ' || coalesce(v->>'decoration_value', '0'),
          '正式的分户评估报告（办法第二十七条），预签转为补偿协议时采用');
      END LOOP;"""), declare="v jsonb; part house_parts;"),
    Event("open_refigure", "按补偿程序重新计算", (("kind", "text"),), REVIEWER, (), _sql("""
      IF c.unlocked_reason IS NOT NULL THEN
        RAISE EXCEPTION '案卷 % 正在解锁更正，请先保存或重新锁定', c.case_no {REFUSE};
      END IF;
      IF p_kind = 'convert' THEN
        IF c.status <> 'presigned' OR (SELECT decision_state FROM projects
                                        WHERE id = c.project_id) <> 'decided' THEN
          RAISE EXCEPTION '案卷 % 现在是%：只有征收决定作出后的预签可以转为补偿协议', c.case_no,
            wulong_label(c.status) {REFUSE};
        END IF;
      ELSIF p_kind = 'revalue' THEN
        IF c.status NOT IN ('signed', 'moved', 'decided') THEN
          RAISE EXCEPTION '案卷 % 现在是%：复核、鉴定后重新估价只用于已签约、已搬迁或补偿决定的'
            '案卷', c.case_no, wulong_label(c.status) {REFUSE};
        END IF;
      ELSIF p_kind = 'outcome' THEN
        IF c.status <> 'decided' THEN
          RAISE EXCEPTION '案卷 % 现在是%：没有生效的补偿决定', c.case_no,
            wulong_label(c.status) {REFUSE};
        END IF;
      ELSE
        RAISE EXCEPTION '未知的操作 %', p_kind {REFUSE};
      END IF;
      DELETE FROM wulong_unlocked_figures WHERE case_id = c.id;
      INSERT INTO wulong_unlocked_figures VALUES (c.id, wulong_figures(c.id));
      UPDATE cases SET unlocked_reason = CASE p_kind WHEN 'convert' THEN '〔转为补偿协议〕'
        WHEN 'revalue' THEN '〔复核或鉴定后重新估价〕' ELSE '〔补偿决定的结果〕' END
       WHERE id = c.id;""")),
    Event("convert", "转为补偿协议", (("effective_on", "date"),), REVIEWER,
          (("convert", "*"),), _sql("""
      IF c.status <> 'presigned' OR NOT c.presign THEN
        RAISE EXCEPTION '案卷 % 不是预签', c.case_no {REFUSE};
      END IF;
      day := p_effective_on;
      IF day IS NULL OR day < (SELECT decision_made_on FROM projects WHERE id = c.project_id)
      THEN
        RAISE EXCEPTION '补偿协议的生效日 % 不能早于征收决定作出日', {iso:day} {REFUSE};
      END IF;
      reason := format('转为补偿协议：按正式的分户评估报告修正房屋价值（办法第二十七、二十九条），'
                       '自 %s 生效', {iso:day});
      PERFORM wulong_refigured(c.id, 'convert', reason, true);
      UPDATE house_parts SET formal_unit_price = NULL, formal_decoration_value = NULL
       WHERE case_id = c.id;
      UPDATE cases SET status = 'signed', converted_on = day, effective_on = day
       WHERE id = c.id;
      PERFORM wulong_audit_row('convert', 'case', c.id, c.project_id, c.id, 'status',
                               'presigned', 'signed', reason);"""),
          declare="day date;"),
    Event("revalue", "复核或鉴定后重新估价",
          (("kind", "text"), ("served_on", "date"), ("reference", "text"), ("uuid", "text")),
          REVIEWER, (("revalue", "*"),), _sql("""
      IF c.status NOT IN ('signed', 'moved', 'decided') THEN
        RAISE EXCEPTION '案卷 % 现在是%', c.case_no, wulong_label(c.status) {REFUSE};
      END IF;
      IF p_kind NOT IN ('review', 'expert') THEN
        RAISE EXCEPTION '重新估价的依据应为复核（review）或鉴定（expert）' {REFUSE};
      END IF;
      day := p_served_on;
      IF day IS NULL THEN
        RAISE EXCEPTION '须填写修改后的评估报告送达日' {REFUSE};
      END IF;
      reason := format('%s后重新估价（%s，%s 送达）',
                       CASE p_kind WHEN 'review' THEN '复核评估' ELSE '专家鉴定' END,
                       coalesce(nullif(btrim(p_reference), ''), '评估报告'), {iso:day});
      PERFORM wulong_refigured(c.id, 'revalue', reason, false);
      INSERT INTO case_revaluations (uuid, case_id, kind, served_on, reference, recorded_at)
      VALUES (p_uuid, c.id, p_kind, day, left(btrim(coalesce(p_reference, '')), 200),
              clock_timestamp() AT TIME ZONE 'UTC');
      PERFORM wulong_audit_row('revalue', 'case', c.id, c.project_id, c.id, 'report', NULL,
                               reason, reason);"""), declare="day date;"),
    Event("decide_case", "补偿决定",
          (("uuid", "text"), ("number", "text"), ("ground", "text"), ("made_on", "date"),
           ("announced_on", "date"), ("served_on", "date"), ("move_by", "date"),
           ("rights_stated", "boolean")), REVIEWER, (("decision", "*"),), _sql("""
      SELECT * INTO proj FROM projects WHERE id = c.project_id;
      IF proj.decision_state <> 'decided' THEN
        RAISE EXCEPTION '项目尚未作出征收决定，不能作出补偿决定' {REFUSE};
      END IF;
      IF NOT (c.status = 'reviewed' OR (c.status = 'decided' AND NOT EXISTS (
              SELECT 1 FROM case_decisions d WHERE d.case_id = c.id AND d.state = 'in_force')))
      THEN
        RAISE EXCEPTION '案卷 % 现在是%：补偿决定只对已审核的案卷作出', c.case_no,
          wulong_label(c.status) {REFUSE};
      END IF;""" + _CHECK_NUMBER + """
      made := p_made_on;
      IF made IS NULL OR c.decided_on IS DISTINCT FROM made OR c.signed_on IS NOT NULL THEN
        RAISE EXCEPTION '案卷 % 的补偿决定作出日须已按 % 写入，且没有签约日期', c.case_no,
          {iso:made} {REFUSE};
      END IF;
      IF p_ground NOT IN ('no_agreement', 'owner_unclear') THEN
        RAISE EXCEPTION '补偿决定的事由应为签约期限内未达成协议或所有权人不明确' {REFUSE};
      END IF;
      IF p_ground = 'no_agreement' AND made <= proj.signing_deadline THEN
        RAISE EXCEPTION '签约期限 % 届满后才能以未达成补偿协议为由作出补偿决定（办法第三十一条）',
          {iso:proj.signing_deadline} {REFUSE};
      END IF;
      IF p_move_by IS NULL OR p_move_by < made OR p_announced_on < made
         OR p_served_on < made THEN
        RAISE EXCEPTION '搬迁期限、公告日和送达日都不能早于作出日 %', {iso:made} {REFUSE};
      END IF;
      IF wulong_figures(c.id) IS NULL THEN
        RAISE EXCEPTION '案卷 % 的计算还不完整，不能作出补偿决定', c.case_no {REFUSE};
      END IF;
      INSERT INTO case_decisions (uuid, case_id, number, ground, made_on, announced_on,
                                  served_on, move_by, rights_stated, state, recorded_at)
      VALUES (p_uuid, c.id, number, p_ground, made, p_announced_on, p_served_on, p_move_by,
              coalesce(p_rights_stated, true), 'in_force',
              clock_timestamp() AT TIME ZONE 'UTC');
      UPDATE cases SET status = 'decided' WHERE id = c.id;
      PERFORM wulong_audit_row('decision', 'case', c.id, c.project_id, c.id, 'status', c.status,
                               'decided', format('补偿决定 %s，作出日 %s，搬迁期限 %s', number,
                               {iso:made}, {iso:p_move_by}));"""),
          declare="number text; made date;"),
    Event("decision_appeal", "复议或诉讼", (("what", "text"), ("on", "date")), REVIEWER,
          (("appeal", "*"),), _sql("""
      SELECT * INTO d FROM case_decisions WHERE case_id = c.id AND state = 'in_force'
       ORDER BY id DESC LIMIT 1;
      IF NOT FOUND OR c.status NOT IN ('decided', 'moved') THEN
        RAISE EXCEPTION '案卷 % 没有生效的补偿决定', c.case_no {REFUSE};
      END IF;
      day := p_on;
      IF day IS NULL OR day < d.made_on THEN
        RAISE EXCEPTION '日期 % 不能早于补偿决定作出日 %', {iso:day}, {iso:d.made_on} {REFUSE};
      END IF;
      IF p_what = 'review_filed' THEN
        UPDATE case_decisions SET review_filed_on = day, review_closed_on = NULL
         WHERE id = d.id;
      ELSIF p_what = 'review_closed' AND d.review_filed_on IS NOT NULL
            AND day >= d.review_filed_on THEN
        UPDATE case_decisions SET review_closed_on = day WHERE id = d.id;
      ELSIF p_what = 'suit_filed' THEN
        UPDATE case_decisions SET suit_filed_on = day, suit_closed_on = NULL WHERE id = d.id;
      ELSIF p_what = 'suit_closed' AND d.suit_filed_on IS NOT NULL
            AND day >= d.suit_filed_on THEN
        UPDATE case_decisions SET suit_closed_on = day WHERE id = d.id;
      ELSE
        RAISE EXCEPTION '复议或诉讼的记录不成立（结束须在申请或起诉之后）' {REFUSE};
      END IF;
      PERFORM wulong_audit_row('appeal', 'case', c.id, c.project_id, c.id, p_what, NULL,
                               {iso:day}, format('补偿决定 %s', d.number));"""),
          declare="d case_decisions; day date;"),
    Event("decision_outcome", "补偿决定的结果",
          (("kind", "text"), ("on", "date"), ("reference", "text")), REVIEWER,
          (("outcome", "*"),), _sql("""
      SELECT * INTO d FROM case_decisions WHERE case_id = c.id AND state = 'in_force'
       ORDER BY id DESC LIMIT 1;
      IF NOT FOUND OR c.status <> 'decided' THEN
        RAISE EXCEPTION '案卷 % 没有生效的补偿决定', c.case_no {REFUSE};
      END IF;
      day := p_on;
      IF day IS NULL OR day < d.made_on THEN
        RAISE EXCEPTION '日期 % 不能早于补偿决定作出日 %', {iso:day}, {iso:d.made_on} {REFUSE};
      END IF;
      IF p_kind = 'revoked' AND (c.decided_on IS NOT NULL OR c.signed_on IS NOT NULL) THEN
        RAISE EXCEPTION '补偿决定被撤销后，案卷不再按补偿决定计算' {REFUSE};
      ELSIF p_kind = 'superseded' AND (c.signed_on IS NULL OR c.decided_on IS NOT NULL) THEN
        RAISE EXCEPTION '其后签订的补偿协议须有签约日期' {REFUSE};
      ELSIF p_kind = 'changed' AND c.decided_on IS NULL THEN
        RAISE EXCEPTION '变更后的补偿决定须有作出日' {REFUSE};
      ELSIF p_kind NOT IN ('revoked', 'superseded', 'changed') THEN
        RAISE EXCEPTION '未知的结果 %', p_kind {REFUSE};
      END IF;
      reason := format('补偿决定 %s %s（%s，%s）', d.number,
                       CASE p_kind WHEN 'revoked' THEN '被撤销' WHEN 'changed' THEN '被变更'
                       ELSE '因其后签订补偿协议而不再执行' END,
                       coalesce(nullif(btrim(p_reference), ''), '—'), {iso:day});
      PERFORM wulong_refigured(c.id, 'outcome', reason, false);
      UPDATE case_decisions SET state = p_kind, ended_on = day,
                                ended_by = left(btrim(coalesce(p_reference, '')), 200)
       WHERE id = d.id;
      IF p_kind <> 'changed' THEN
        UPDATE cases SET status = CASE p_kind WHEN 'revoked' THEN 'reviewed' ELSE 'signed' END
         WHERE id = c.id;
        PERFORM wulong_audit_row('outcome', 'case', c.id, c.project_id, c.id, 'status',
          'decided', CASE p_kind WHEN 'revoked' THEN 'reviewed' ELSE 'signed' END, reason);
      ELSE
        PERFORM wulong_audit_row('outcome', 'case', c.id, c.project_id, c.id, 'decision',
                                 d.number, NULL, reason);
      END IF;"""), declare="d case_decisions; day date;"),
)

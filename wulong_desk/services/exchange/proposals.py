"""待确认: versions of cases from outside that the receiving login could not take in by itself
(a correction of a signed case, a signing or a review from a package or a sync; the rules are
in services/exchange/packages.py). Each waits whole, untouched, until a reviewer accepts it —
applied then through the one owner of case changes (`services.cases.changes`), audited as the
reviewer's with a reason naming the sender — or refuses it with a reason. Qt-free; the CLI's
`corrections` and the window's 数据 → 待确认的更正… call these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from wulong_desk.errors import UserError
from wulong_desk.services.cases.lifecycle import clean_reason
from wulong_desk.services.cases.lookup import NotFoundError, get_project
from wulong_desk.services.cases.versions import current_version
from wulong_desk.services.exchange.packages import apply_version, proposal_words, take_trail
from wulong_desk.services.exchange.procedure_sync import merge_extras
from wulong_desk.store import Store, audit
from wulong_desk.store.audit import now_utc
from wulong_desk.store.models import Case, Project, Proposal
from wulong_desk.store.server import lock_project

KINDS = {"correction": "更正", "stage": "阶段", "path": "程序事件"}
STATES = {"pending": "待确认", "accepted": "已采纳", "rejected": "已拒绝",
          "superseded": "已失效"}
# what may accept or refuse one: the same as correcting a signed case here
PERMISSION = "确认更正"


@dataclass(frozen=True)
class ProposalView:
    id: int
    project_id: int
    case_no: str
    case_uuid: str
    kind: str            # correction | stage
    what: str            # 更正待确认 / 签约待确认：… in words
    sender: str
    reason: str          # the sender's reason ("" for a stage)
    figures: list[list[str]]   # [label, old, new] in yuan
    state: str
    created_at: str
    decided_by: str | None
    decision_reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "project_id": self.project_id, "case_no": self.case_no,
                "case_uuid": self.case_uuid, "kind": self.kind, "kind_label": KINDS[self.kind],
                "what": self.what, "sender": self.sender, "reason": self.reason,
                "figures": [{"label": name, "old": old, "new": new}
                            for name, old, new in self.figures],
                "state": self.state, "state_label": STATES[self.state],
                "created_at": self.created_at, "decided_by": self.decided_by,
                "decision_reason": self.decision_reason}

    def words(self) -> str:
        """One line for a clerk: number, case, what, the sender's reason, the figures."""
        text = proposal_words(_as_row(self))
        return f"[{self.id}] {STATES[self.state]}  案卷 {self.case_no}：{text}"


def _as_row(view: ProposalView) -> Proposal:
    return Proposal(what=view.what, reason=view.reason, sender=view.sender,
                    figures_json=json.dumps(view.figures, ensure_ascii=False))


def _view(p: Proposal) -> ProposalView:
    return ProposalView(p.id, p.project_id, p.case_no, p.case_uuid, p.kind, p.what, p.sender,
                        p.reason, json.loads(p.figures_json or "[]"), p.state,
                        p.created_at.isoformat(sep=" ", timespec="seconds"), p.decided_by,
                        p.decision_reason)


def list_proposals(store: Store, *, every: bool = False,
                   project_id: int | None = None) -> list[ProposalView]:
    """The proposals waiting (with `every`, decided ones too), oldest first."""
    with store.read() as session:
        query = select(Proposal).order_by(Proposal.id)
        if not every:
            query = query.where(Proposal.state == "pending")
        if project_id is not None:
            query = query.where(Proposal.project_id == project_id)
        return [_view(p) for p in session.execute(query).scalars()]


def _pending(session: Any, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFoundError(f"没有编号为 {proposal_id} 的待确认修改")
    if proposal.state != "pending":
        raise UserError(f"待确认修改 {proposal_id}（案卷 {proposal.case_no}）"
                        f"{STATES.get(proposal.state, proposal.state)}，不能再处理")
    return proposal


def accept(store: Store, proposal_id: int) -> None:
    """Apply a proposal, as this login's change naming the sender: only while the case is still
    as it was when the proposal came (else it is refused: import the sender's package again)."""
    store.require(PERMISSION)
    with store.transaction() as session:
        proposal = _pending(session, proposal_id)
        # one import, sync or acceptance of a project at a time (on the office server)
        lock_project(session, session.get(Project, proposal.project_id).uuid)
        case = session.execute(select(Case).where(Case.uuid == proposal.case_uuid)
                               ).scalar_one_or_none()
        now = current_version(case) if case is not None else None
        if now != proposal.base_version:
            raise UserError(f"案卷 {proposal.case_no} 在收到这项待确认修改之后，本机又有了修改"
                            f"（或已删除）：不能直接采纳。请拒绝它，或请{proposal.sender}重新导出"
                            "案卷包后再导入")
        entry = json.loads(proposal.entry_json)
        project = get_project(session, proposal.project_id)
        words = f"采纳{proposal.sender}的{KINDS[proposal.kind]}"
        if proposal.kind == "correction":
            entry = entry | {"correction_reason": f"{proposal.reason}（{words}）"}
        ours = json.loads(case.version_trail or "[]") if case is not None else []
        case = apply_version(session, project, case, entry,
                             f"{words}：{proposal.what.split('：')[0]}")
        trail = [h for h in entry.get("trail") or [] if isinstance(h, str)]
        take_trail(case, [*trail, *ours, *([now] if now else [])], proposal.version_id)
        conflicts = merge_extras(session, case, entry.get("procedure"),
                                 f"案卷 {proposal.case_no}", "procedure")
        if conflicts:
            raise UserError("；".join(conflicts) + "（未采纳任何内容）")
        audit.record(session, "accept", case, "proposal", None,
                     f"{proposal.sender}的{KINDS[proposal.kind]}", proposal.what)
        proposal.state = "accepted"
        proposal.decided_by = session.info.get("operator") or "未署名"
        proposal.decided_at = now_utc()


def reject(store: Store, proposal_id: int, reason: str) -> None:
    """Refuse a proposal, with a reason (kept with it, and in the case's history)."""
    store.require(PERMISSION)
    reason = clean_reason(reason, "拒绝")
    with store.transaction() as session:
        proposal = _pending(session, proposal_id)
        proposal.state = "rejected"
        proposal.decided_by = session.info.get("operator") or "未署名"
        proposal.decided_at = now_utc()
        proposal.decision_reason = reason
        case = session.execute(select(Case).where(Case.uuid == proposal.case_uuid)
                               ).scalar_one_or_none()
        if case is not None:
            audit.record(session, "reject", case, "proposal", None,
                         f"{proposal.sender}的{KINDS[proposal.kind]}", reason)

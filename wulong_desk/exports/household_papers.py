"""The papers a household is given, by kind: the agreement drafts and the settlement sheet
(exports/agreement.py) and the district's 补偿决定书 (exports/decision_document.py). Each module
lays out one document; this one picks it."""

from __future__ import annotations

from typing import Any

from wulong_desk.errors import UserError
from wulong_desk.exports.agreement import build_agreement_pdf, check_exchange_houses
from wulong_desk.exports.decision_document import build_decision_pdf
from wulong_desk.exports.records import CaseEntry
from wulong_desk.exports.templates import Template

KINDS = ("money", "exchange", "presign", "settlement", "decision")


def build_pdf(kind: str, project: dict[str, Any], entry: CaseEntry, *,
              number: str | None = None, template: Template | None = None) -> bytes:
    """The document as PDF bytes. `number` is the case's 协议编号 (a blank to fill in by hand
    when None); `template` the clause wording (the one in use when None)."""
    if kind not in KINDS:
        raise UserError(f"未知的文书种类：{kind}")
    if kind == "decision":   # the district's 补偿决定书: its own template and layout
        check_exchange_houses(entry)
        return build_decision_pdf(project, entry)
    return build_agreement_pdf(kind, project, entry, number=number, template=template)


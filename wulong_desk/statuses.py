"""A case's stages, the roles of its people, and the words for uses and ways of compensation:
plain constants the store, the command line and the screens share (nothing heavy is imported
here, so the command line starts fast and the main window paints without the engine).

The lifecycle (enforced by `wulong_desk.services.cases.lifecycle`):
调查登记 → 已评估 → 已审核 → (预签, 旧城区改建 projects only, 办法第二十三条) → 已签约 → 已搬迁,
or 已审核 → 补偿决定 (the district's decision for a household that did not sign, 办法第三十一条)
→ 已搬迁; 作废 for a signed case that no longer stands, and 不生效 for a presign of a project that
was terminated short of its share (办法第二十三条): both kept, never deleted, out of every total.
"""

from __future__ import annotations

# the stages in order; 作废 (void) stands outside the order
STAGES = ("surveyed", "assessed", "reviewed", "presigned", "signed", "decided", "moved")
VOID = "void"
LAPSED = "lapsed"      # 不生效: a presign of a terminated project (办法第二十三条第二款)
DECIDED = "decided"    # 补偿决定: settled by the district's decision (办法第三十一条)
STATUSES = (*STAGES, VOID, LAPSED)
STATUS_LABELS = {"surveyed": "调查登记", "assessed": "已评估", "reviewed": "已审核",
                 "presigned": "预签", "signed": "已签约", "decided": "补偿决定",
                 "moved": "已搬迁", "void": "作废", "lapsed": "不生效"}
# a signature (预签 included: its agreement is signed, it takes effect with the decision)
SIGNED_STATUSES = ("presigned", "signed", "moved")
# frozen: the stored calculation record is a legal fact (a voided agreement stays as signed, a
# decision as decided, a lapsed presign as it was signed)
FROZEN_STATUSES = (*SIGNED_STATUSES, DECIDED, VOID, LAPSED)
# the least a reason for 解锁更正, 作废 or another stage change must say, in visible characters
# ("更正" alone says nothing): the app and the office server's guards ask the same
MIN_REASON = 4
# kept on record, out of every total and count of households (作废, 不生效)
OUT_OF_TOTALS = (VOID, LAPSED)
# stages a clerk picks by a plain save: 补偿决定 and 不生效 come only from their events
EVENT_STATUSES = (DECIDED, LAPSED)
# an agreement (or a decision) in force, so money is owed on it (its before_move at once, the
# rest as its events happen, services/money/owed.py): 已签约, 补偿决定 and 已搬迁 — a 预签 owes
# nothing until it is converted to a 补偿协议
PAYABLE_STATUSES = ("signed", DECIDED, "moved")
PERSON_ROLES = ("owner", "tenant")
PERSON_ROLE_LABELS = {"owner": "被征收人", "tenant": "公房承租人"}
# the engine's codes for a house part's use and the way of compensation, in words
USE_LABELS = {"residential": "住宅", "commercial": "商业/办公/业务用房", "production": "生产用房"}
# a use as a clerk writes it in a sheet (房源表, 调查登记表): the words the app shows (商业/办公 in
# the case editor, 商业/办公/业务用房 in the lists) and the same without their slashes
USE_WORDS = {"住宅": "residential", "商业办公": "commercial", "商业办公业务用房": "commercial",
             "生产用房": "production"}
USE_CHOICES_TEXT = "住宅、商业/办公（或 商业办公）、生产用房"
METHOD_LABELS = {"money": "货币补偿", "exchange": "产权调换"}
# a part's 登记状态 (办法第十八条); 证载 first: the default of a new row
REGISTRATION_LABELS = {"registered": "证载", "recognized": "认定合法", "temporary": "临时建筑",
                       "illegal": "认定违法"}


def use_code(text: str) -> str | None:
    """The use's code for a sheet's cell (USE_WORDS, slashes and spaces ignored), or None."""
    return USE_WORDS.get("".join(ch for ch in text if ch not in "/／ \u3000"))


def is_signed(status: str | None) -> bool:
    """Is this signed or later (预签, 已签约, 已搬迁)? The one answer to that question."""
    return status in SIGNED_STATUSES


def is_payable(status: str | None) -> bool:
    """Is money owed on this case's agreement (PAYABLE_STATUSES)? The one answer to that."""
    return status in PAYABLE_STATUSES


def is_frozen(status: str | None) -> bool:
    """Signed, decided, moved, voided or lapsed: figures change only through 解锁更正 (or the
    audited events of the decision path)."""
    return status in FROZEN_STATUSES


def is_void(status: str | None) -> bool:
    return status == VOID


def is_out(status: str | None) -> bool:
    """作废 or 不生效: kept on record, out of every total."""
    return status in OUT_OF_TOTALS


def stage_index(status: str) -> int:
    """Position in the lifecycle (作废 has none: -1)."""
    return STAGES.index(status) if status in STAGES else -1

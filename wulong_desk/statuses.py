"""A case's stages, the roles of its people, and the words for uses and ways of compensation:
plain constants the store, the command line and the screens share (nothing heavy is imported
here, so the command line starts fast and the main window paints without the engine).

The lifecycle (enforced by `wulong_desk.services.lifecycle`):
调查登记 → 已评估 → 已审核 → (预签, 旧城区改建 projects only, 办法第二十三条) → 已签约 → 已搬迁,
and 作废 for a signed case that no longer stands (kept, never deleted).
"""

from __future__ import annotations

# the stages in order; 作废 (void) stands outside the order
STAGES = ("surveyed", "assessed", "reviewed", "presigned", "signed", "moved")
VOID = "void"
STATUSES = (*STAGES, VOID)
STATUS_LABELS = {"surveyed": "调查登记", "assessed": "已评估", "reviewed": "已审核",
                 "presigned": "预签", "signed": "已签约", "moved": "已搬迁", "void": "作废"}
# a signature (预签 included: its agreement is signed, it takes effect with the decision)
SIGNED_STATUSES = ("presigned", "signed", "moved")
# frozen: the stored calculation record is a legal fact (a voided agreement stays as signed)
FROZEN_STATUSES = (*SIGNED_STATUSES, VOID)
# an agreement in force, so money is owed on it (its before_move at once, the rest as its events
# happen, services/owed.py): 已签约 and 已搬迁 — a 预签 owes nothing until it is converted to a
# 补偿协议; the decision path adds its 补偿决定 stage here
PAYABLE_STATUSES = ("signed", "moved")
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
    """Signed, moved or voided: figures change only through 解锁更正."""
    return status in FROZEN_STATUSES


def is_void(status: str | None) -> bool:
    return status == VOID


def stage_index(status: str) -> int:
    """Position in the lifecycle (作废 has none: -1)."""
    return STAGES.index(status) if status in STAGES else -1

"""A case's stages, the roles of its people, and the words for uses and ways of compensation:
plain constants the store, the command line and the screens share (nothing heavy is imported
here, so the command line starts fast and the main window paints without the engine)."""

from __future__ import annotations

# 调查登记 → 已评估 → 已审核 → 已签约 → 已搬迁
STATUSES = ("surveyed", "assessed", "reviewed", "signed", "moved")
STATUS_LABELS = {"surveyed": "调查登记", "assessed": "已评估", "reviewed": "已审核",
                 "signed": "已签约", "moved": "已搬迁"}
LOCKED_FROM = STATUSES.index("signed")
PERSON_ROLES = ("owner", "tenant")
PERSON_ROLE_LABELS = {"owner": "被征收人", "tenant": "公房承租人"}
# the engine's codes for a house part's use and the way of compensation, in words
USE_LABELS = {"residential": "住宅", "commercial": "商业/办公/业务用房", "production": "生产用房"}
METHOD_LABELS = {"money": "货币补偿", "exchange": "产权调换"}

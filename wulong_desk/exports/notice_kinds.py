"""The public notices the office must post, by kind: the one list of their codes, titles,
articles and where their 公示期 comes from. The writers (exports/notices.py, exports/notice.py),
the command line (`notice --kind`) and the export dialog all read it; plain data that imports
nothing, so the command line starts fast. A new kind is one entry here, one input record and
one `Writer` (exports/notices.py).

| kind           | notice                         | article    | 公示期 minimum            |
|----------------|--------------------------------|------------|--------------------------|
| compensation   | 分户补偿情况公示               | 第二十九条 | none in the 办法         |
| survey         | 调查登记结果公布               | 第十七条   | none in the 办法         |
| unregistered   | 未经登记建筑认定和处理结果公示 | 第十八条   | 7 working days           |
| appraisal      | 分户初步评估结果公示           | 第五十二条 | 7 working days           |
| min-housing    | 最低住房保障公示               | 第三十七条 | none in the 办法         |
| decision       | 补偿决定公告                   | 第三十一条 | an announcement: its day |

(the minimum is the `step`'s, services/procedure/catalogue.py, never written here)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeKind:
    code: str
    title: str
    article: str
    step: str | None       # the 程序时限 step giving its default 公示期 and minimum, if any
    government: bool       # issued by the 区人民政府 (else by the project's 征收部门)
    file_stem: str         # the name the export dialog suggests for its file


COMPENSATION = "compensation"   # the 分户补偿情况公示 (exports/notice.py writes it)
DECISION = "decision"           # the 补偿决定公告: an announcement, dated, with no 公示期

KINDS = {kind.code: kind for kind in (
    NoticeKind(COMPENSATION, "分户补偿情况公示", "第二十九条", "compensation_notice", False,
               "分户补偿情况公示"),
    NoticeKind("survey", "调查登记结果公布", "第十七条", "survey_results", False,
               "调查登记结果公布"),
    NoticeKind("unregistered", "未经登记建筑认定和处理结果公示", "第十八条", "unregistered", True,
               "未经登记建筑认定结果公示"),
    NoticeKind("appraisal", "分户初步评估结果公示", "第五十二条", "appraisal_publicity", False,
               "分户初步评估结果公示"),
    NoticeKind("min-housing", "最低住房保障公示", "第三十七条", None, False, "最低住房保障公示"),
    NoticeKind(DECISION, "补偿决定公告", "第三十一条", None, True, "补偿决定公告"),
)}

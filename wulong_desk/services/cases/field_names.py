"""What each field of a case is called on screen, so a problem found by the checker or the
engine (reported by its path, e.g. case.parts[1].unit_price) reads as a clerk would say it:
房屋第2行「评估单价」：必须填写. The case editor's tables take their column titles from here."""

from __future__ import annotations

import re
from typing import Any

from wulong_desk.rules.inputs import Problem

LISTS = {"owners": "被征收人", "case.parts": "房屋", "case.equipment": "设施设备",
         "case.exchange.houses": "调换房屋"}
COLUMNS: dict[str, dict[str, str]] = {
    "owners": {"role": "身份", "name": "姓名", "id_number": "身份证号", "phone": "电话",
               "address": "住址"},
    "case.parts": {"use": "用途", "area": "证载面积", "inner_area": "套内面积",
                   "unit_price": "评估单价", "decoration_value": "装修评估值",
                   "water_accounts": "水表户", "power_accounts": "电表户",
                   "gas_accounts": "气表户", "gas_cost": "燃气开户费",
                   "business_eligible": "停产停业", "manufacturing": "生产制造",
                   "registration": "登记状态", "temporary_amount": "临时建筑核定金额"},
    "case.equipment": {"name": "名称", "reusable": "可搬迁", "net_value": "折旧后净值",
                       "rate": "补助比例", "assessed_value": "评估价值"},
    "case.exchange.houses": {"location": "位置", "use": "用途", "area": "建筑面积",
                             "inner_area": "套内面积", "unit_price": "单价"},
}
SINGLE = {"case_no": "案卷编号", "title_no": "产权证号", "address": "坐落", "status": "状态",
          "moved_on": "搬迁日期", "reason": "理由",
          "owners": "被征收人", "case.parts": "房屋", "case.method": "补偿方式",
          "case.signed_on": "签约日期", "case.moved_on_time": "按期搬迁",
          "case.presign": "预签协议", "case.decided_on": "补偿决定日期",
          "case.min_housing_eligible": "最低住房保障", "case.land_area": "土地使用权面积",
          "case.land_unit_price": "土地单价", "case.exchange": "产权调换",
          "case.exchange.houses": "调换房屋",
          "case.exchange.transition_months": "过渡期限（月）",
          "case.exchange.turnover_house": "临时周转房",
          "case.exchange.turnover_premises": "临时经营场所",
          "case.exchange.interruption_months": "停产停业期限（月）",
          "case.exchange.overdue_months": "过渡逾期（月）",
          "agreement": "付款约定", "agreement.payment_terms": "付款期限",
          "agreement.payee": "收款账户", "agreement.payee.name": "户名",
          "agreement.payee.bank": "开户行", "agreement.payee.account": "账号",
          "agreement.payment_term_text": "付款期限（原文）",
          "agreement.bank_account_text": "收款账户（原文）",
          "project": "项目"}
# the project dialog's own fields (its options and readings are named by the standard file:
# `project_label`); the dialog labels its rows from here, so a message names what the form shows
PROJECT = {"name": "项目名称", "decision_no": "征收决定文号", "department": "征收部门",
           "implementer": "实施单位", "appraiser": "评估机构",
           "agreement_prefix": "协议编号前缀", "agreement_year": "协议编号年份",
           "move_deadline": "搬迁期限", "old_town": "旧城区改建",
           "payment_terms": "默认付款期限",
           "presign_threshold": "预签生效比例"}
_ITEM = re.compile(r"^(?P<list>owners|case\.parts|case\.equipment|case\.exchange\.houses)"
                   r"\[(?P<index>\d+)\]\.(?P<key>\w+)$")


_NAMED = re.compile(r" ?\b((?:case|project)\.[a-z_]+) ?")


def in_words(message: str) -> str:
    """A rule's message with the other fields it names (case.signed_on, project.presign_end…)
    as a clerk calls them: 「签约日期」 (a name the message already says just before is not
    said twice: 征收决定公告日 project.announced_on → 「征收决定公告日」)."""
    said: set[str] = set()

    def named(match: re.Match[str]) -> str:
        path = match[1]
        label = (project_label(path.split(".", 1)[1]) if path.startswith("project.")
                 else SINGLE.get(path))
        if not label or label == "项目":
            return match[0]
        said.add(label)
        return f"「{label}」"

    text = _NAMED.sub(named, message)
    for label in said:
        text = text.replace(f"{label}「{label}」", f"「{label}」")
    return text


def describe(path: str, message: str, row: int | None = None) -> str:
    """A problem in a clerk's words. `row` (1-based) overrides the row the path gives (the
    editor skips blank rows when it reads its tables)."""
    message = in_words(message)
    match = _ITEM.match(path)
    if match:
        number = row if row is not None else int(match["index"]) + 1
        column = COLUMNS[match["list"]].get(match["key"], match["key"])
        return f"{LISTS[match['list']]}第{number}行「{column}」：{message}"
    name = _name(path) if path else ""
    return f"「{name}」：{message}" if name else message


def line_label(code: str) -> str | None:
    """A line's label by its code (the standard files name it), None for no line code."""
    from wulong_desk.rules import default_standards

    for standard in default_standards():
        if code in standard.lines:
            return standard.lines[code].label
    return None


def project_label(key: str) -> str:
    """A project field as the 新建项目/项目设置 dialog labels it: its own fields from PROJECT,
    options and readings by the standard file's label (the newest edition's)."""
    if key in PROJECT:
        return PROJECT[key]
    from wulong_desk.rules import default_standards

    standard = max(default_standards(), key=lambda s: (s.effective_from, s.edition))
    if key in standard.options:
        return standard.options[key].label
    if key in standard.readings:
        return standard.readings[key].label
    if key in standard.retired_readings:   # named by a request or an old package: refused
        return f"{standard.retired_readings[key].label}（已取消的读法）"
    return "项目"


def _name(path: str) -> str:
    """The field's name; for a path not listed, the nearest listed one (never the code). A
    warning about a figure names the line (停产停业损失补偿). "" when nothing names it: the
    message then stands alone (it names its thing itself; never a made-up 「数据」)."""
    if path in SINGLE:
        return SINGLE[path]
    if path.startswith("project."):
        return project_label(path.split(".")[1])
    if label := line_label(path):
        return label
    plain = re.sub(r"\[\d+\]", "", path)
    while plain:
        if plain in SINGLE:
            return SINGLE[plain]
        plain = plain.rpartition(".")[0]
    return ""


def describe_stored(line: str) -> str:
    """A stored problem line ("path: message") in a clerk's words."""
    path, sep, message = line.partition(": ")
    return describe(path, message) if sep and " " not in path else line


def describe_message(text: str) -> str:
    """A service's message (problem lines joined by "；") in a clerk's words."""
    return "；".join(describe_stored(part) for part in text.split("；"))
class CaseProblem(Problem):
    """A problem with one case of a package: the path stays for programs; str() is what a
    clerk reads (第1户（A-001）房屋第1行「评估单价」：…), never the package's field codes."""

    words: str

    def __str__(self) -> str:
        return self.words


_PACKAGE_NAMES = {"uuid": "案卷标识"}


def package_problems(problems: list[Problem], entries: list[Any]) -> list[Problem]:
    """Each `cases[i]…` problem told as 第i+1户（案卷编号）…; other problems as they are."""
    out: list[Problem] = []
    for problem in problems:
        match = _CASE_PATH.match(problem.path)
        if match is None:
            out.append(problem)
            continue
        index, rest = int(match["index"]), match["rest"] or ""
        entry = entries[index] if index < len(entries) else None
        number = entry.get("case_no") if isinstance(entry, dict) else None
        who = f"第{index + 1}户" + (f"（{number}）" if isinstance(number, str) and number else "")
        message = problem.message
        if isinstance(entry, dict):  # the importer's own "A-001（uuid）：" is said by `who`
            message = message.removeprefix(f"{number or '?'}（{entry.get('uuid')}）：")
        if message == "缺少 uuid":
            message = "缺少案卷标识"
        if not rest:
            text = f"{who}：{message}"
        elif rest in _PACKAGE_NAMES:
            text = f"{who}「{_PACKAGE_NAMES[rest]}」：{message}"
        elif rest.startswith("procedure"):
            text = f"{who}{_procedure_place(rest)}：{message}"
        else:
            text = who + describe(rest, message)
        worded = CaseProblem(problem.path, problem.message)
        worded.words = text
        out.append(worded)
    return out


def _procedure_place(rest: str) -> str:
    """procedure.dates.doc_title → 程序日期「土地房屋权属证书交回」; procedure.payments[0].amount
    → 拨付/收款第1笔「金额」."""
    from wulong_desk.services.cases.history import FIELDS, WORDS

    date = re.fullmatch(r"procedure\.dates\.(\w+)", rest)
    if date:
        return f"程序日期「{WORDS['what'].get(date[1], '未知事项')}」"
    paid = re.fullmatch(r"procedure\.payments\[(\d+)\](?:\.(\w+))?", rest)
    if paid:
        field = FIELDS["payment"].get(paid[2] or "", "")
        return f"拨付/收款第{int(paid[1]) + 1}笔" + (f"「{field}」" if field else "")
    return "「程序记录」"


_CASE_PATH = re.compile(r"^cases\[(?P<index>\d+)\](?:\.(?P<rest>.+))?$")

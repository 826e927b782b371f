"""The office's own wording for agreements and the public notice: plain-text templates.

A template is a UTF-8 text file. Lines starting with # are notes and are not printed.
A line 【名称】 starts a clause; 【名称｜产权调换】 one printed only for that case
(货币补偿, 产权调换, 预签协议); 【名称｜不编号】 one printed without an article number,
after the signatures (附件). Every other non-empty line is a paragraph; {占位符} in it is
filled from the case. A paragraph that is one placeholder only and comes out empty is left
out; {补偿金额表} and {调换房屋表} on a line of their own become tables. {读法说明} is still
accepted (an office's older copy may name it) and prints nothing.

The shipped defaults are in resources/templates/; a file of the same name in the user data
folder's templates/ wins. A template naming a placeholder that does not exist is refused when
it is loaded (with the file, the line and the names that exist), never half-way through a print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wulong_desk.errors import UserError
from wulong_desk.paths import resources_dir, user_data_dir

AGREEMENT = "协议条款.txt"
NOTICE = "公示文字.txt"
DECISION = "补偿决定书.txt"   # the district's 补偿决定 (办法第三十一条), its own wording
NAMES = (AGREEMENT, NOTICE, DECISION)

TABLES = {"补偿金额表", "调换房屋表"}
MONEY_PLACEHOLDERS = ("搬迁前应付", "过渡期间应付", "按期搬迁后应付", "逾期交房加付",
                      "搬迁前付款期限", "过渡期间付款期限", "按期搬迁后付款期限",
                      "逾期交房付款期限", "房屋价款结算", "付款安排", "收款户名", "收款开户行",
                      "收款账号")
ITEM_PLACEHOLDERS = ("订立依据", "预签价值说明", "调换房屋说明", "交付说明", "价值补偿", "差价",
                     "应付净额说明", "补交差价说明", "搬迁费说明", "临时安置说明", "停产停业说明",
                     "设施设备说明", "权属证书交回", "过渡说明")
# accepted in an office's own template and printed as nothing (the readings are no longer
# stated in an agreement: revision 3)
SILENT = {"读法说明"}
CONDITIONS = {"货币补偿", "产权调换", "预签协议", "不编号"}
PLACEHOLDERS: dict[str, frozenset[str]] = {
    AGREEMENT: frozenset({
        "甲方", "实施单位", "征收决定文号", "办法", "标准", "坐落", "产权证号", "用途",
        "证载面积", "补偿面积", "面积补足说明", "未登记建筑说明", "读法说明", "补偿方式",
        "补偿合计", "补偿合计大写",
        "调换房屋价款", "差价说明", "过渡方式", "过渡期限", "维修资金甲方", "维修资金乙方",
        "付款期限", "收款账户", "搬迁期限", "预签比例", "份数说明", "评估机构",
        # the money over time (issue 26): the schedule's four parts, their payment terms, when
        # the houses' price is set off, the whole arrangement in one paragraph, the payee
        *MONEY_PLACEHOLDERS, *TABLES,
        # every item of 办法第二十九条 in words, 无 where it does not apply (issue 28)
        *ITEM_PLACEHOLDERS}),
    NOTICE: frozenset({"公示单位", "征收决定文号", "项目名称"}),
    DECISION: frozenset({
        "决定机关", "征收部门", "征收决定文号", "办法", "标准", "被征收人", "坐落", "产权证号",
        "用途", "证载面积", "补偿面积", "面积补足说明", "未登记建筑说明", "事由", "补偿方式",
        "补偿合计", "补偿合计大写", "搬迁费", "临时安置", "停产停业损失", "设施设备损失",
        "支付期限", "调换房屋价款", "差价说明", "过渡方式", "过渡期限", "搬迁期限", "复议机关",
        "复议期限", "诉讼法院", "诉讼期限", "评估机构", *TABLES, *ITEM_PLACEHOLDERS}),
}
_FIELD = re.compile(r"\{([^{}]*)\}")
_HEADING = re.compile(r"^【([^】｜|]+)(?:[｜|]([^】]+))?】\s*$")


@dataclass(frozen=True)
class Clause:
    title: str
    condition: str | None          # 货币补偿 / 产权调换 / 预签协议 / 不编号, or None: always
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    office: bool                   # the office's own copy (else the shipped default)
    preamble: tuple[str, ...]      # paragraphs before the first clause
    clauses: tuple[Clause, ...]


def office_dir() -> Path:
    return user_data_dir() / "templates"


def template_path(name: str) -> tuple[Path, bool]:
    own = office_dir() / name
    if own.is_file():
        return own, True
    return resources_dir() / "templates" / name, False


def parse(name: str, text: str, path: Path, office: bool) -> Template:
    allowed = PLACEHOLDERS[name]
    where = f"模板 {path}"
    preamble: list[str] = []
    clauses: list[Clause] = []
    current: tuple[str, str | None, list[str]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        heading = _HEADING.match(line)
        if heading:
            if current:
                clauses.append(Clause(current[0], current[1], tuple(current[2])))
            condition = heading.group(2).strip() if heading.group(2) else None
            if condition is not None and condition not in CONDITIONS:
                raise UserError(f"{where} 第{number}行：条款“{heading.group(1)}”的适用范围"
                                f"“{condition}”无法识别，可写：{'、'.join(sorted(CONDITIONS))}")
            current = (heading.group(1).strip(), condition, [])
            continue
        for field in _FIELD.findall(line):
            if field not in allowed:
                raise UserError(f"{where} 第{number}行：不认识的占位符 {{{field}}}。"
                                f"可用的占位符：{'、'.join(sorted(allowed))}")
        if line.count("{") != line.count("}"):
            raise UserError(f"{where} 第{number}行：花括号不成对（占位符写作 {{名称}}）")
        (current[2] if current else preamble).append(line)
    if current:
        clauses.append(Clause(current[0], current[1], tuple(current[2])))
    if name in (AGREEMENT, DECISION) and not clauses:
        raise UserError(f"{where}：没有任何条款（条款以【名称】一行开始）")
    return Template(name, path, office, tuple(preamble), tuple(clauses))


def load(name: str) -> Template:
    """The template in use (the office's copy if there is one), checked in full."""
    path, office = template_path(name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UserError(f"找不到模板文件：{path}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"模板 {path} 不是 UTF-8 编码的文本，请用记事本另存为 UTF-8") from exc
    except OSError as exc:
        raise UserError(f"无法读取模板 {path}：{exc.strerror}") from exc
    return parse(name, text, path, office)


def load_all() -> list[Template]:
    """Every template, checked (at start and before an export, so a bad one is named early)."""
    return [load(name) for name in NAMES]


def describe_in_use() -> list[str]:
    """One line per template for 数据与标准…: which file is in use, or why it is refused."""
    lines = []
    for name in NAMES:
        path, office = template_path(name)
        try:
            load(name)
        except UserError as exc:
            lines.append(f"{name}：有错误，不能使用 — {exc}")
            continue
        lines.append(f"{name}：{'本单位自定模板' if office else '系统默认模板'}（{path}）")
    return lines


def fill(paragraph: str, values: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: values.get(m.group(1), ""), paragraph)


def only_placeholder(paragraph: str) -> str | None:
    match = _FIELD.fullmatch(paragraph)
    return match.group(1) if match else None

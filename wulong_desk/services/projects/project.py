"""Use cases for projects: create and update with every field and option checked against the
standard in force (ranges read from the standard file), and listing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wulong_desk.rules import InputError, default_standards
from wulong_desk.rules.inputs import (
    CONTROL_CHARACTERS,
    PROJECT_FIELDS,
    FieldReader,
    Problem,
    read_project,
    signing_problems,
)
from wulong_desk.rules.model import READING_KEYS
from wulong_desk.rules.standard import Param, Standard
from wulong_desk.services.cases.contract import project_to_contract
from wulong_desk.services.cases.field_names import project_label
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.services.cases.recalc import recompute_unsigned
from wulong_desk.services.money.terms import as_json, dump, read_terms
from wulong_desk.statuses import FROZEN_STATUSES
from wulong_desk.store import Store
from wulong_desk.store.audit import CaseLockedError
from wulong_desk.store.models import Case, Project

# the project's dates revision 3 added: they change no figure, only which signing dates are
# accepted, so they may be set while signed cases exist (the day the decision was made is often
# known only after the presigns) — as long as every signed case's date still passes
DATE_CHECK_FIELDS = ("presign_start", "presign_end", "decision_made_on")
IDENTITY_FIELDS = ("uuid", "name", "decision_no", "signing_start", "move_deadline",
                   "department", "implementer", "appraiser", "old_town", "presign_threshold",
                   "agreement_prefix", "agreement_year", "payment_terms")
AGREEMENT_YEARS = (2000, 2100)
# the decision's own fields: once it is recorded (services/procedure/project_decision.py) only its
# event writes them, never the project form
DECISION_FIELDS = ("announced_on", "decision_made_on", "decision_no")
PRESIGN_MIN = "presign_share_min"  # the standard file's floor of the threshold (办法第二十三条)


def presign_floor(standard: Standard | None = None) -> Param:
    """The lowest 预签生效比例 a project may set, with its citation: the standard's in force
    (the newest one while the announcement date is still unknown)."""
    if standard is None:
        standard = max(default_standards(), key=lambda s: (s.effective_from, s.edition))
    return standard.params[PRESIGN_MIN]


def project_to_dict(project: Project) -> dict[str, Any]:
    """Identity fields plus exactly the calc contract's project options."""
    identity = {
        "uuid": project.uuid, "name": project.name, "decision_no": project.decision_no,
        "signing_start": project.signing_start.isoformat() if project.signing_start else None,
        "move_deadline": project.move_deadline.isoformat() if project.move_deadline else None,
        "department": project.department, "implementer": project.implementer,
        "appraiser": project.appraiser, "old_town": project.old_town,
        "presign_threshold": f"{project.presign_threshold:f}",
        "agreement_prefix": project.agreement_prefix or "",
        "agreement_year": project.agreement_year,
        # the default payment terms per bucket (services/money/terms.py), which a case's agreement
        # follows unless it says otherwise
        "payment_terms": as_json(project.payment_terms),
    }
    return {**identity, **project_to_contract(project)}


@dataclass(frozen=True)
class ProjectView:
    """A project as the screens open on it: its form (project_to_dict), where it stands in law
    (planned | decided | terminated) and its calc contract's options (what a case's live
    breakdown is computed with)."""
    form: dict[str, Any]
    state: str
    contract: dict[str, Any]


def project_view(store: Store, project_id: int) -> ProjectView:
    with store.read() as session:
        project = get_project(session, project_id)
        return ProjectView(project_to_dict(project), project.decision_state,
                           project_to_contract(project))


def read_project_form(form: Any) -> dict[str, Any]:
    """Check a project form; return column values or raise InputError naming each field."""
    if not isinstance(form, dict):
        raise InputError([Problem("project", "应为 JSON 对象")])
    reader = FieldReader(typed=True)  # numbers as a person types them (full-width digits too)
    contract = {k: v for k, v in form.items() if k not in IDENTITY_FIELDS}
    if form.get("signing_start") is not None:  # also a calc option (revision 2, 标准第6项)
        contract["signing_start"] = form["signing_start"]
    options, standard = read_project(contract, default_standards(), None, reader)
    name = form.get("name")
    if not isinstance(name, str) or not name.strip():
        reader.fail("project.name", "必须填写项目名称")
    values: dict[str, Any] = {}
    for key in ("decision_no", "department", "implementer", "appraiser"):
        raw = form.get(key) or ""
        if not isinstance(raw, str):
            reader.fail(f"project.{key}", "应为文字")
            raw = ""
        values[key] = raw.strip()
    for key in ("name", "decision_no", "department", "implementer", "appraiser"):
        if isinstance(form.get(key), str) and CONTROL_CHARACTERS.search(form[key]):
            reader.fail(f"project.{key}", "不能含控制字符（不可见的特殊字符）")
    _agreement_numbering(form, values, reader)
    values["signing_start"] = reader.day(form, "signing_start", "project", required=False)
    values["move_deadline"] = reader.day(form, "move_deadline", "project", required=False)
    values["old_town"] = reader.boolean(form, "old_town", "project")
    floor = presign_floor(standard)
    values["presign_threshold"] = reader.decimal(
        form, "presign_threshold", "project", required=False, default=floor.value,
        minimum=floor.value, maximum=Decimal(1),
        rule=f"（{floor.cite}：预签比例不低于{(floor.value * 100).normalize():f}%）")
    if options is not None:
        _dates_in_order(options, values, reader)
    if "payment_terms" in form:   # (a form without them leaves the project's as they are)
        try:
            values["payment_terms"] = dump(read_terms(form["payment_terms"],
                                                      "project.payment_terms"))
        except InputError as exc:
            reader.problems.extend(exc.problems)
    if reader.problems or options is None:
        raise InputError(reader.problems or [Problem("project", "项目选项不完整")])
    values["name"] = name.strip() if isinstance(name, str) else ""
    for key in ("zone", "guide_reward_for", "residential_extra_area",
                "nonresidential_guide_rate", "manufacturing_uplift", "equipment_rate",
                "maintenance_fund_rate", "announced_on", "signing_deadline", *DATE_CHECK_FIELDS,
                *READING_KEYS):
        values[key] = getattr(options, key)
    return values


DATE_ORDER_RULE = ("日期应依次为 预签期限首日 ≤ 预签期限末日，征收决定作出日 ≤ 征收决定公告日 ≤ "
                   "签约期限首日 ≤ 签约期限届满日 ≤ 搬迁期限（办法第二十三、二十五、二十九条："
                   "预签在征收决定作出之前；征收决定公告后，在签约期限内签订协议，协议约定搬迁期限）")


def _dates_in_order(options: Any, values: dict[str, Any], reader: FieldReader) -> None:
    """The project's dates against each other, each wrong one named with the rule (revision 3:
    a 旧城区改建 project's presigns have their own period, so its 签约期限 too opens only after
    the announcement)."""
    day_of = {key: values.get(key) for key in ("signing_start", "move_deadline")}
    day_of.update(announced_on=options.announced_on, signing_deadline=options.signing_deadline)
    # (the presign period and the decision's day against the announcement: the engine's own
    # project checks, rules.inputs)
    pairs = [("signing_start", "announced_on"), ("signing_deadline", "announced_on"),
             ("signing_deadline", "signing_start"), ("move_deadline", "signing_deadline")]
    for key, before_key in pairs:
        day, before = day_of[key], day_of[before_key]
        if day is not None and before is not None and day < before:
            reader.fail(f"project.{key}",
                        f"{day.isoformat()} 早于「{project_label(before_key)}」"
                        f"{before.isoformat()}：{DATE_ORDER_RULE}")


def _agreement_numbering(form: dict[str, Any], values: dict[str, Any], reader: FieldReader
                         ) -> None:
    """协议编号 such as 武隆征补〔2023〕第0012号: the prefix (empty: the default) and the year
    (empty: the year of the 征收决定公告日)."""
    prefix = form.get("agreement_prefix") or ""
    if not isinstance(prefix, str) or len(prefix.strip()) > 20 or any(
            c in prefix for c in "〔〕[]第号"):
        reader.fail("project.agreement_prefix",
                    "应为不超过20字的文字（不含〔〕、第、号）")
        prefix = ""
    values["agreement_prefix"] = prefix.strip()
    raw = form.get("agreement_year")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        values["agreement_year"] = None
        return
    year = reader.integer(form, "agreement_year", "project")
    low, high = AGREEMENT_YEARS
    if not low <= year <= high:
        reader.fail("project.agreement_year", f"协议编号年份应在 {low}–{high} 之间")
    values["agreement_year"] = year


def create_in_session(session: Session, form: dict[str, Any]) -> Project:
    values = read_project_form(form)
    project = Project(**values)
    if form.get("uuid"):
        project.uuid = str(form["uuid"])
    session.add(project)
    session.flush()
    return project


def create_project(store: Store, form: dict[str, Any]) -> int:
    store.require("新建项目")
    with store.transaction() as session:
        return create_in_session(session, form).id


def update_project(store: Store, project_id: int, form: dict[str, Any], *,
                   progress: Callable[[int, int], bool | None] | None = None) -> None:
    """Change a project. Unsigned cases are recomputed in the same transaction (a changed total
    is audited as 重算); signed cases keep their records, and once a project has one, the
    options that decide figures (the calc contract's project fields) cannot change.
    `progress(done, total)` is told after each recomputed case; answering False cancels
    (Cancelled; nothing is written)."""
    store.require("修改项目设置")
    values = read_project_form(form)
    with store.transaction() as session:
        project = session.get(Project, project_id)
        if project is None:
            raise InputError([Problem("project", f"没有编号为 {project_id} 的项目")])
        changed = [key for key, value in values.items() if getattr(project, key) != value]
        fixed = [key for key in changed if key in DECISION_FIELDS]
        if fixed and project.decision_state != "planned":
            names = "、".join(f"「{project_label(key)}」" for key in fixed)
            raise CaseLockedError(f"项目已作出征收决定（或已终止）：{names}是记录在案的决定，"
                                  "不能在项目设置中修改")
        money = sorted(set(changed) & set(PROJECT_FIELDS))
        # a reading may be chosen while signed cases exist: they keep their records, only
        # unsigned cases are recomputed (the change itself is audited like any project field);
        # so may the presign period and the decision's day, if every signed date still passes
        locked = [key for key in money if key not in (*READING_KEYS, *DATE_CHECK_FIELDS)]
        if locked:
            signed = session.execute(select(Case.case_no).where(
                Case.project_id == project.id,
                Case.status.in_(FROZEN_STATUSES)).order_by(Case.case_no).limit(1)).scalar()
            if signed:
                names = "、".join(f"「{project_label(key)}」" for key in locked)
                raise CaseLockedError(
                    f"项目已有已签约案卷（如 {signed}），不能修改影响金额的项目选项（{names}）")
        if set(money) & set(DATE_CHECK_FIELDS):
            _check_signed_dates(session, project, values)
        for key in changed:
            setattr(project, key, values[key])
        session.flush()
        if money:
            recompute_unsigned(session, project_id, progress=progress)


def _check_signed_dates(session: Session, project: Project, values: dict[str, Any]) -> None:
    """A new presign period or decision day must leave every signed case of the project signed
    validly (revision 3's signing-date checks, as the engine makes them): else refused, naming
    the first case and why."""
    reader = FieldReader()
    contract = project_to_contract(project) | {
        key: values[key].isoformat() if values[key] is not None else None
        for key in DATE_CHECK_FIELDS}
    options, _standard = read_project(contract, default_standards(), None, reader)
    if options is None:
        return
    signed = session.scalars(select(Case).where(
        Case.project_id == project.id, Case.status.in_(FROZEN_STATUSES),
        Case.signed_on.is_not(None)).order_by(Case.case_no)).all()
    for case in signed:
        if case.result is not None and (case.result.contract_revision or 1) < 3:
            continue   # signed before revision 3's date checks: its record stands as it is
        problems = signing_problems(options, case.signed_on, bool(case.presign), case.decided_on)
        if problems:
            raise CaseLockedError(f"案卷 {case.case_no}（已签约）的签约日期不符合新的预签期限或"
                                  f"征收决定作出日：{problems[0].message}")


def list_projects(store: Store) -> list[dict[str, Any]]:
    with store.read() as session:
        counts = dict(session.execute(
            select(Case.project_id, func.count()).group_by(Case.project_id)).all())
        return [{"id": p.id, **project_to_dict(p), "households": counts.get(p.id, 0)}
                for p in session.execute(select(Project).order_by(Project.id)).scalars()]

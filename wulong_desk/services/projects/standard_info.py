"""Which standard a project is computed under, with its documents, for the screens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from wulong_desk.rules import Standard, StandardError, default_standards
from wulong_desk.services.cases.lookup import get_project
from wulong_desk.store import Store


@dataclass(frozen=True)
class StandardInfo:
    standard: Standard | None
    problem: str = ""        # why no standard applies (the announcement date is not covered)

    def line_labels(self) -> dict[str, str]:
        if self.standard is None:
            return {}
        return {code: spec.label for code, spec in self.standard.lines.items()}

    def describe(self) -> str:
        s = self.standard
        if s is None:
            return self.problem
        until = f"至 {s.effective_until}" if s.effective_until else "起施行，至今有效"
        documents = "、".join(s.documents.values())
        return (f"{s.title}（第{s.edition}版，{s.effective_from} {until}）；"
                f"依据：{documents}")


def project_standard(session: Session, project_id: int) -> StandardInfo:
    project = get_project(session, project_id)
    try:
        return StandardInfo(default_standards().for_date(project.announced_on))
    except StandardError as exc:
        return StandardInfo(None, str(exc))


def standard_of(store: Store, project_id: int) -> StandardInfo:
    """project_standard in a read of its own, for a screen."""
    with store.read() as session:
        return project_standard(session, project_id)

"""The live breakdown while a case is being typed: the same engine, on the form's inputs.

Nothing is stored here; saving recomputes through the store (the same compute on the same
inputs), so the panel, the ledger and the agreement can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wulong_desk.rules import InputError, compute, default_standards, read_request
from wulong_desk.rules.inputs import Problem
from wulong_desk.services.case_form import check_form


@dataclass
class Preview:
    result: dict[str, Any] | None             # the calc contract output, when computable
    problems: list[Problem] = field(default_factory=list)   # what blocks or is wrong


def preview(project_contract: dict[str, Any], form: dict[str, Any]) -> Preview:
    problems = check_form(form)
    if problems:
        return Preview(None, problems)
    case = form.get("case") or {}
    try:
        options, inputs, standard = read_request({"project": project_contract, "case": case},
                                                 default_standards())
    except InputError as exc:
        return Preview(None, exc.problems)
    return Preview(compute(inputs, options, standard).to_json(), [])

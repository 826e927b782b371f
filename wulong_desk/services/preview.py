"""The live breakdown while a case is being typed: the same engine, on the form's inputs.

Nothing is stored here. The form becomes the engine's request through the same translation the
store uses when saving (`case_form.form_to_request`), so the panel shows what will be saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wulong_desk.rules import InputError, compute, default_standards, read_request
from wulong_desk.rules.inputs import Problem
from wulong_desk.services.case_form import form_to_request


@dataclass
class Preview:
    result: dict[str, Any] | None             # the calc contract output, when computable
    problems: list[Problem] = field(default_factory=list)   # what blocks or is wrong


def preview(project_contract: dict[str, Any], form: dict[str, Any]) -> Preview:
    try:
        request = form_to_request(project_contract, form)
    except InputError as exc:
        return Preview(None, exc.problems)
    try:
        options, inputs, standard = read_request(request, default_standards())
    except InputError as exc:
        return Preview(None, exc.problems)
    return Preview(compute(inputs, options, standard).to_json(), [])

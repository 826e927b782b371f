"""The compensation engine: standard files, validated inputs, and compute() → Breakdown.

Pure Python (no Qt, no database, no clock). Everything else in the app goes through here.

The names below are loaded when first asked for (PEP 562), so a screen that only needs
rules.decimals does not load the engine before the main window is painted.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wulong_desk.rules.breakdown import Breakdown, Line
    from wulong_desk.rules.compute import compute, compute_revision2
    from wulong_desk.rules.inputs import InputError, Problem, read_request
    from wulong_desk.rules.model import CaseInput, ProjectOptions
    from wulong_desk.rules.standard import (
        Standard,
        StandardError,
        StandardSet,
        default_standards,
    )

_WHERE = {
    "Breakdown": "breakdown", "Line": "breakdown", "compute": "compute",
    "compute_revision2": "compute",
    "InputError": "inputs", "Problem": "inputs", "read_request": "inputs",
    "CaseInput": "model", "ProjectOptions": "model",
    "Standard": "standard", "StandardError": "standard", "StandardSet": "standard",
    "default_standards": "standard",
}

__all__ = [
    "Breakdown",
    "CaseInput",
    "InputError",
    "Line",
    "Problem",
    "ProjectOptions",
    "Standard",
    "StandardError",
    "StandardSet",
    "compute",
    "compute_revision2",
    "default_standards",
    "read_request",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

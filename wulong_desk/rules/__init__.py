"""The compensation engine: standard files, validated inputs, and compute() → Breakdown.

Pure Python (no Qt, no database, no clock). Everything else in the app goes through here.
"""

from wulong_desk.rules.breakdown import Breakdown, Line
from wulong_desk.rules.compute import compute, compute_revision2
from wulong_desk.rules.inputs import InputError, Problem, read_request
from wulong_desk.rules.model import CaseInput, ProjectOptions
from wulong_desk.rules.standard import Standard, StandardError, StandardSet, default_standards

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

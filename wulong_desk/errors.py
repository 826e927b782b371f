"""Errors that reach the user as one clear Chinese sentence (never a traceback).

The engine's input and standard errors live here too (re-exported by rules.inputs and
rules.standard), so the command line and the window can catch them without loading the engine.
"""

from __future__ import annotations

from typing import NamedTuple


class UserError(Exception):
    """Something the user can fix; the message says what and where: a refused input — an
    argument, a file's content, or an action the rules or the login's role do not allow. The
    command line exits 2 for it (docs/payments.md, “退出码”)."""

    exit_code = 2


class UsageError(UserError):
    """Bad arguments or unreadable input files."""

    exit_code = 2


class EnvironmentFailure(UserError):
    """The command could not be carried out for a reason outside its input: the file system
    (a full disk, a file held open by another program, no permission), the database (damaged,
    newer than this program, not set up, in use by another window), the server. Exit 1."""

    exit_code = 1


class ServerUnreachableError(EnvironmentFailure):
    """The office server did not answer (or refused the login), at connecting or when the
    connection dropped later: nothing was changed anywhere. (Here, not in store.server, so the
    window's crash handler knows it without loading SQLAlchemy.)"""


class Cancelled(Exception):
    """The user cancelled a long job; nothing was written."""


class Problem(NamedTuple):
    """One problem with an input, at the field path that causes it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InputError(UserError):
    """One or more problems with the input; str() gives one line per problem."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def prefixed(self, prefix: str) -> InputError:
        return InputError([Problem(f"{prefix}{p.path}", p.message) for p in self.problems])


class StandardError(Exception):
    """A standard file is malformed, or no standard covers a date."""

"""Errors that reach the user as one clear Chinese sentence (never a traceback)."""


class UserError(Exception):
    """Something the user can fix; the message says what and where."""

    exit_code = 1


class UsageError(UserError):
    """Bad arguments or unreadable input files."""

    exit_code = 2


class Cancelled(Exception):
    """The user cancelled a long job; nothing was written."""

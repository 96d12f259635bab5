"""Errors the command reports as one line and exit status 2, never as a traceback."""


class UsageError(Exception):
    """Bad input from the user: an unknown family, a filter matching nothing, an unreadable file."""


class SetupError(Exception):
    """The machine cannot do what was asked: a package cannot be installed, the build fails."""


# The history's own error; ybhistory.errors imports nothing (SQLAlchemy comes only with the history's users).
from ybhistory.errors import HistoryError  # noqa: E402,F401

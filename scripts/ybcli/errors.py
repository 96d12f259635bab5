"""Errors the command reports as one line and exit status 2, never as a traceback."""


class UsageError(Exception):
    """Bad input from the user: an unknown family, a filter matching nothing, an unreadable file."""


class SetupError(Exception):
    """The machine cannot do what was asked: a package cannot be installed, the build fails."""


try:  # the history's own error (ybhistory needs SQLAlchemy, which only the history commands import)
    from ybhistory.errors import HistoryError
except ImportError:  # pragma: no cover - ybhistory is in the checkout; kept importable without it

    class HistoryError(Exception):
        """A history problem: unreachable server, corrupt file, newer schema."""

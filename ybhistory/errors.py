"""The history's one error: a database that cannot be opened, read or written, said in one line (exit 2)."""


class HistoryError(Exception):
    """A history problem: unreachable server, corrupt file, newer schema, unknown run or benchmark."""

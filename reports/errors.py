"""The one error type the report tool shows to users: a file (or folder) and what is wrong with it. It is
the results contract's own (ybresults.ResultsError), so a bad results file reads the same in every command."""
from ybresults import ResultsError as ReportError

__all__ = ["ReportError"]

"""The one error type the report tool shows to users: a file (or folder) and what is wrong with it."""


class ReportError(Exception):
    """Bad input or an unusable output folder; printed as one line, exit status 2."""

    def __init__(self, path, problem: str):
        super().__init__(str(path), problem)  # both in args, so it survives pickling from a worker process
        self.path = str(path)
        self.problem = problem

    def __str__(self):
        return f"{self.path}: {self.problem}"

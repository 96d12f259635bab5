"""The one error a results file can be: the file and what is wrong with it, said in one line."""


class ResultsError(Exception):
    """A results file that cannot be read, or one whose contents break the contract; exit status 2."""

    def __init__(self, path, problem: str):
        super().__init__(str(path), problem)  # both in args, so it survives pickling from a worker process
        self.path = str(path)
        self.problem = problem

    def __str__(self):
        return f"{self.path}: {self.problem}"

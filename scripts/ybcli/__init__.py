"""The `yieldbench` command line: builds the suite, runs it, tests it, lists it."""

"""yieldbench reports: charts, index.html and summary.md from results files (Google Benchmark JSON).

    reports.generate([results.json, ...], out_dir) -> {"index", "summary", "charts", "seconds"}
                                                        (ReportError on bad input or an unusable folder)
    reports.main(["results/<run-id>/results.json", "--out", "DIR"]) -> exit status (0 ok, 2 bad input)
    python3 -m reports RESULTS.json [MORE.json ...] [--out DIR]

Run with /usr/bin/python3 (Debian's matplotlib); charts use the Agg backend, no display needed.
"""
from .cli import generate, main
from .errors import ReportError
from .history_section import history_url

__all__ = ["ReportError", "generate", "history_url", "main"]

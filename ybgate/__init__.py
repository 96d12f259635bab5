"""ybgate: the regression gate. Two results, one verdict per benchmark, an exit status.

  verdict     the one verdict function (decide) and its statistics: Mann-Whitney U, Benjamini-Hochberg,
              the effect threshold, process separation, the whole-run shift; read its docstring for the rules
  samples     what is judged of a benchmark on one side (values and the process each came from)
  compare     two ybresults.Results as a Comparison: compatibility checks, pairs, verdicts, exit status
  thresholds  --threshold and ci/thresholds
  render      terminal table, Markdown summary, pull-request comment (at most 60,000 characters)

`yieldbench compare`, `yieldbench ci` and the reports' "beyond noise" marks all use `decide`."""
from .compare import Comparison, compare, pairs
from .errors import GateError
from .render import headline, render_comment, render_markdown, render_text
from .samples import Pair, Samples
from .thresholds import DEFAULT_THRESHOLDS, THRESHOLDS_FILE, Rule, load_thresholds, parse_fraction, threshold_for
from .verdict import ALPHA, KINDS, Shift, Verdict, decide, smallest_p, u_test

DEFAULT_ALPHA = ALPHA

__all__ = [
    "ALPHA",
    "DEFAULT_ALPHA",
    "DEFAULT_THRESHOLDS",
    "KINDS",
    "THRESHOLDS_FILE",
    "Comparison",
    "GateError",
    "Pair",
    "Rule",
    "Samples",
    "Shift",
    "Verdict",
    "compare",
    "decide",
    "headline",
    "load_thresholds",
    "pairs",
    "parse_fraction",
    "render_comment",
    "render_markdown",
    "render_text",
    "smallest_p",
    "threshold_for",
    "u_test",
]

"""The regression gate: two results files, one verdict per benchmark, an exit status.

Benchmarks are matched by `run_name` (GB's name without aggregate suffixes). For each pair:

  change   median(new) / median(base) - 1 of the per-repetition `real_time` (ns; in instruction
           mode instructions per operation, see instructions.py)
  p        two-sided Mann-Whitney U test over the repetitions (scipy.stats.mannwhitneyu, the method
           of Google Benchmark's compare.py)
  cv       each side's coefficient of variation (stdev / mean) over its repetitions

Verdicts, in this order:
  noisy        too few repetitions for the U test to reach p < alpha at all (2/C(n+m, n) >= alpha,
               e.g. 3 against 3), or either side's own CV is larger than the threshold: a difference
               of the threshold's size could be the run's own scatter
  regression   p < alpha and change > +threshold
  improvement  p < alpha and change < -threshold
  unchanged    anything else
In instruction mode the counts are deterministic, so the U test (which needs many repetitions to
say anything) is not used: a change beyond the threshold whose min-max ranges do not overlap decides.

Thresholds: --threshold overrides everything; otherwise the most specific line of ci/thresholds
that matches the benchmark's name and measure mode (default 5% for time, 1% for instructions).
Heap peak and context switches are shown beside, never decide the verdict."""
from .render import headline, render_markdown, render_text
from .thresholds import DEFAULT_THRESHOLDS, THRESHOLDS_FILE, Rule, load_thresholds, parse_fraction, threshold_for
from .verdicts import DEFAULT_ALPHA, VERDICTS, Comparison, Row, Side, compare, cv, judge, load, side, smallest_p, u_test

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_THRESHOLDS",
    "THRESHOLDS_FILE",
    "VERDICTS",
    "Comparison",
    "Row",
    "Rule",
    "Side",
    "compare",
    "cv",
    "headline",
    "judge",
    "load",
    "load_thresholds",
    "parse_fraction",
    "render_markdown",
    "render_text",
    "side",
    "smallest_p",
    "threshold_for",
    "u_test",
]

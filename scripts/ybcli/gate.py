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
import json
import math
import pathlib
import re
import statistics
from dataclasses import dataclass, field

from . import paths
from .errors import UsageError

DEFAULT_ALPHA = 0.05
DEFAULT_THRESHOLDS = {"time": 0.05, "instructions": 0.01}
THRESHOLDS_FILE = paths.REPO_ROOT / "ci" / "thresholds"

# Context keys whose difference makes a comparison suspect (a warning on top), and how they are shown.
CONTEXT_KEYS = {
    "compiler": "compiler",
    "cpu_model": "CPU model",
    "build_preset": "build preset",
    "cxx_flags": "compiler flags",
    "num_cpus": "CPU count",
}
# Context keys whose difference makes every verdict meaningless, per measure mode: a sanitizer or
# debug build against release, or (for wall-clock time) another machine class. Comparing them is bad
# input, exit 2; `yieldbench report` still draws such files side by side, with a warning.
INCOMPATIBLE_KEYS = {"time": ("build_preset", "num_cpus", "hypervisor"), "instructions": ("build_preset",)}
CONTEXT_NAMES = {**CONTEXT_KEYS, "hypervisor": "hypervisor"}
# family/workload/implementation[/param:value...]: what DESIGN.md names a benchmark. A file with
# none of these comes from a plain Google Benchmark binary, not from yieldbench.
YIELDBENCH_NAME = re.compile(r"[A-Za-z][\w.+-]*/[A-Za-z][\w.+-]*/[A-Za-z][\w.+-]*(/.*)?")
CTX_SMALL = 0.01  # context switches per operation below which changes are not shown as percentages
VERDICTS = ("regression", "improvement", "noisy", "unchanged", "error")


# ---------------------------------------------------------------------------------------------- input


@dataclass
class Side:
    """One benchmark in one results file: its per-repetition values."""

    times: list = field(default_factory=list)  # per repetition, ns (or instructions per operation)
    heap_peak: list = field(default_factory=list)  # heap_peak_bytes per repetition
    ctx: list = field(default_factory=list)  # context switches per operation per repetition
    error: str = ""


@dataclass
class Results:
    path: str
    measure: str
    context: dict
    benchmarks: dict  # run_name -> Side


TIME_UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def measure_of(document: dict) -> str:
    """'time' or 'instructions': the results file's measure mode (files from before the mode existed: time)."""
    return (document.get("yieldbench") or {}).get("measure") or document.get("context", {}).get("yb_measure") or "time"


def load(path) -> Results:
    """Reads a results (or baseline) file; anything unreadable is a UsageError naming the file and the problem."""
    return from_document(read_document(path), str(path))


def read_document(path) -> dict:
    """The parsed JSON of a results file, or a UsageError naming the file and why it cannot be read."""
    path = pathlib.Path(path)
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        if not text.strip():
            raise UsageError(f"{path}: empty file (no JSON); a run that wrote nothing?")
        return json.loads(text)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a results file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: not valid JSON ({error}); a truncated or foreign file?") from None
    except RecursionError:
        raise UsageError(f"{path}: not valid JSON (nested too deeply); a foreign file?") from None


def from_document(document, where: str) -> Results:
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list):
        raise UsageError(f"{where}: not a Google Benchmark results file (no 'benchmarks' list)")
    for key in ("context", "yieldbench"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise UsageError(f"{where}: '{key}' is not an object; a foreign file?")
    entries = document["benchmarks"]
    if not entries:
        raise UsageError(f"{where}: no benchmarks (the 'benchmarks' list is empty)")
    names = [entry.get("run_name", entry.get("name")) for entry in entries if isinstance(entry, dict)]
    if not any(isinstance(name, str) and YIELDBENCH_NAME.fullmatch(name) for name in names):
        example = f"; found e.g. '{names[0]}'" if names else ""
        raise UsageError(
            f"{where}: not yieldbench results: no benchmark named family/workload/implementation"
            f"{example} (a plain Google Benchmark file?)"
        )
    measure = measure_of(document)
    benchmarks = {}
    for index, entry in enumerate(document["benchmarks"]):
        if not isinstance(entry, dict) or "name" not in entry:
            raise UsageError(f"{where}: benchmark entry {index} has no name")
        if entry.get("run_type", "iteration") != "iteration":
            continue  # aggregates (mean, median, stddev, cv) are recomputed from the repetitions
        name = entry.get("run_name", entry["name"])
        if not isinstance(name, str):
            raise UsageError(f"{where}: benchmark entry {index} has a name that is not a string ({name!r})")
        side = benchmarks.setdefault(name, Side())
        if entry.get("error_occurred"):
            side.error = str(entry.get("error_message", "error"))
            continue
        unit = entry.get("time_unit", "ns")
        if measure != "instructions" and unit not in TIME_UNITS:
            raise UsageError(f"{where}: benchmark '{name}' has an unknown time_unit '{unit}'")
        try:
            value = float(entry["real_time"])
        except KeyError:
            raise UsageError(f"{where}: benchmark '{name}' has no real_time") from None
        except (TypeError, ValueError):
            raise UsageError(f"{where}: benchmark '{name}' has a real_time that is not a number") from None
        side.times.append(value if measure == "instructions" else value * TIME_UNITS[unit])
        if isinstance(entry.get("heap_peak_bytes"), (int, float)):
            side.heap_peak.append(float(entry["heap_peak_bytes"]))
        ctx = entry.get("ctx_switches")
        if not isinstance(ctx, (int, float)) and isinstance(entry.get("ctx_voluntary"), (int, float)):
            ctx = entry["ctx_voluntary"] + float(entry.get("ctx_involuntary") or 0)
        if isinstance(ctx, (int, float)):
            side.ctx.append(float(ctx))
    context = dict(document.get("context") or {})
    context["measure"] = measure
    return Results(where, measure, context, benchmarks)


# ------------------------------------------------------------------------------------------ thresholds


@dataclass(frozen=True)
class Rule:
    measure: str  # 'time', 'instructions' or '*'
    pattern: str  # '*', a family ('io') or a name prefix ('io/echo_tcp/epoll')
    threshold: float
    line: int


def load_thresholds(path=None) -> list:
    """Rules from ci/thresholds: `MEASURE PATTERN THRESHOLD` per line (THRESHOLD as 5% or 0.05), # comments."""
    path = pathlib.Path(path) if path else THRESHOLDS_FILE
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a thresholds file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a thresholds file (not UTF-8 text)") from None
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 3 or fields[0] not in ("time", "instructions", "*"):
            raise UsageError(f"{path}:{number}: expected 'time|instructions|* PATTERN THRESHOLD', got '{line}'")
        try:
            threshold = parse_fraction(fields[2])
        except ValueError as error:
            raise UsageError(f"{path}:{number}: {error}") from None
        rules.append(Rule(fields[0], fields[1], threshold, number))
    return rules


def parse_fraction(text: str) -> float:
    """'5%' -> 0.05, '0.05' -> 0.05; must lie in (0, 10]."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a threshold (write 5% or 0.05)") from None
    if not 0 < value <= 10 or math.isnan(value):
        raise ValueError(f"threshold '{text}' must be above 0 and at most 1000%")
    return value


def threshold_for(name: str, measure: str, rules: list, override=None) -> float:
    if override is not None:
        return override
    best, best_rank = DEFAULT_THRESHOLDS.get(measure, DEFAULT_THRESHOLDS["time"]), (-1, -1)
    for rule in rules:
        if rule.measure not in (measure, "*"):
            continue
        if rule.pattern == "*":
            specificity = 0
        elif name == rule.pattern or name.startswith(rule.pattern.rstrip("/") + "/"):
            specificity = len(rule.pattern)
        else:
            continue
        rank = (specificity, int(rule.measure != "*"))
        if rank >= best_rank:
            best, best_rank = rule.threshold, rank
    return best


# -------------------------------------------------------------------------------------------- verdicts


@dataclass
class Row:
    name: str
    verdict: str
    reason: str
    threshold: float
    base_median: float = math.nan
    new_median: float = math.nan
    change: float = math.nan
    p: float = math.nan
    base_cv: float = math.nan
    new_cv: float = math.nan
    base_reps: int = 0
    new_reps: int = 0
    heap_change: tuple = (None, None)  # (base median, new median) of heap_peak_bytes
    ctx_change: tuple = (None, None)  # (base median, new median) of context switches per operation


@dataclass
class Comparison:
    base: Results
    new: Results
    alpha: float
    rows: list
    new_only: list
    missing: list
    warnings: list

    def count(self, verdict: str) -> int:
        return sum(row.verdict == verdict for row in self.rows)

    @property
    def exit_status(self) -> int:
        return 1 if self.count("regression") else 0


def cv(values: list) -> float:
    if len(values) < 2:
        return math.nan
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else math.nan


def smallest_p(n: int, m: int) -> float:
    """The smallest two-sided p-value the exact U test can give for samples of n and m."""
    if n < 1 or m < 1:
        return 1.0
    return min(1.0, 2.0 / math.comb(n + m, n))


def u_test(base: list, new: list) -> float:
    from scipy.stats import mannwhitneyu  # scipy is slow to import; only when comparing

    if len(base) < 2 or len(new) < 2:
        return math.nan
    if len(set(base) | set(new)) == 1:
        return 1.0  # all equal: nothing to test
    return float(mannwhitneyu(base, new, alternative="two-sided").pvalue)


def _medians(base: list, new: list) -> tuple:
    return (statistics.median(base) if base else None, statistics.median(new) if new else None)


def judge(name: str, base: Side, new: Side, measure: str, threshold: float, alpha: float) -> Row:
    row = Row(
        name,
        "unchanged",
        "",
        threshold,
        base_reps=len(base.times),
        new_reps=len(new.times),
        heap_change=_medians(base.heap_peak, new.heap_peak),
        ctx_change=_medians(base.ctx, new.ctx),
    )
    if base.error or new.error or not base.times or not new.times:
        row.verdict = "error"
        row.reason = (
            f"{'base' if base.error or not base.times else 'new'}: {base.error or new.error or 'no repetitions'}"
        )
        return row
    row.base_median, row.new_median = statistics.median(base.times), statistics.median(new.times)
    row.change = row.new_median / row.base_median - 1 if row.base_median else (math.inf if row.new_median else 0.0)
    row.base_cv, row.new_cv = cv(base.times), cv(new.times)
    beyond = abs(row.change) > threshold
    own_noise = max((value for value in (row.base_cv, row.new_cv) if not math.isnan(value)), default=math.nan)
    if measure == "instructions":
        # Deterministic counts: the change decides where the two sides' ranges do not overlap.
        separated = max(base.times) < min(new.times) or max(new.times) < min(base.times)
        if not math.isnan(own_noise) and own_noise > threshold:
            row.verdict, row.reason = "noisy", f"own CV {own_noise:.1%} > threshold {threshold:.0%}"
        elif beyond and separated:
            row.verdict = "regression" if row.change > 0 else "improvement"
            row.reason = f"|change| > {threshold:.1%}, ranges apart"
        else:
            row.reason = "within threshold" if not beyond else "ranges overlap"
        return row
    row.p = u_test(base.times, new.times)
    reachable = smallest_p(len(base.times), len(new.times))
    if len(base.times) < 2 or len(new.times) < 2 or reachable >= alpha:
        row.verdict = "noisy"
        row.reason = (
            f"too few repetitions ({len(base.times)} vs {len(new.times)}): the U test cannot reach "
            f"p < {alpha:g} (at best {reachable:.3g})"
        )
    elif own_noise > threshold:
        row.verdict = "noisy"
        row.reason = f"own CV {own_noise:.1%} > threshold {threshold:.0%}"
    elif row.p < alpha and beyond:
        row.verdict = "regression" if row.change > 0 else "improvement"
        row.reason = f"p {row.p:.3g} < {alpha:g} and |change| > {threshold:.0%}"
    else:
        row.reason = f"p {row.p:.3g} ≥ {alpha:g}" if row.p >= alpha else f"|change| ≤ {threshold:.0%}"
    return row


def _differs(base: Results, new: Results, key: str) -> bool:
    old, now = base.context.get(key), new.context.get(key)
    return old is not None and now is not None and str(old) != str(now)


def context_warnings(base: Results, new: Results) -> list:
    return [
        f"{shown} differs: base '{base.context[key]}', new '{new.context[key]}'"
        for key, shown in CONTEXT_KEYS.items()
        if _differs(base, new, key)
    ]


def check_compatible(base: Results, new: Results) -> None:
    """UsageError when no verdict could mean anything: other measure modes, builds or machine classes."""
    if base.measure != new.measure:
        # Nanoseconds against instruction counts: every verdict would be nonsense.
        raise UsageError(
            f"measure modes differ: {base.path} is '{base.measure}', {new.path} is "
            f"'{new.measure}'; compare results of the same mode"
        )
    differing = [key for key in INCOMPATIBLE_KEYS.get(base.measure, ()) if _differs(base, new, key)]
    if differing:
        shown = "; ".join(
            f"{CONTEXT_NAMES[key]}: base '{base.context[key]}', new '{new.context[key]}'" for key in differing
        )
        raise UsageError(
            f"results from incompatible contexts ({shown}): {base.measure} verdicts need the same build "
            f"and machine class (`yieldbench report BASE NEW` draws them side by side)"
        )


def compare(base: Results, new: Results, threshold=None, alpha: float = DEFAULT_ALPHA, rules=None) -> Comparison:
    check_compatible(base, new)
    if not any(name in new.benchmarks for name in base.benchmarks):
        # A gate that judged nothing must not pass: the files are of other families or suites.
        raise UsageError(
            f"no benchmark in common: {new.path} has none of the {len(base.benchmarks)} in {base.path} "
            f"(e.g. '{next(iter(base.benchmarks))}'); nothing to judge"
        )
    rules = load_thresholds() if rules is None else rules
    rows = [
        judge(
            name,
            base.benchmarks[name],
            new.benchmarks[name],
            base.measure,
            threshold_for(name, base.measure, rules, threshold),
            alpha,
        )
        for name in base.benchmarks
        if name in new.benchmarks
    ]
    return Comparison(
        base,
        new,
        alpha,
        rows,
        new_only=[name for name in new.benchmarks if name not in base.benchmarks],
        missing=[name for name in base.benchmarks if name not in new.benchmarks],
        warnings=context_warnings(base, new),
    )


# ------------------------------------------------------------------------------------------- rendering


def _value(value: float, measure: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if measure == "instructions":
        return f"{value:,.0f} Ir" if value >= 100 else f"{value:.1f} Ir"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.3g} ns"


def _pct(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "+inf"
    return f"{value:+.1%}"


def _pair_change(pair: tuple, unit: str = "") -> str:
    old, new = pair
    if old is None or new is None:
        return "-"
    if unit != "B" and max(old, new) < CTX_SMALL:
        return f"<{CTX_SMALL:g}"  # a stray switch per 100 operations: scheduler noise, not a change
    if old == new:
        return "="
    if old == 0:
        return f"0 → {_count(new, unit)}"
    return _pct(new / old - 1)


def _count(value: float, unit: str) -> str:
    if unit == "B":
        for suffix, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
            if value >= scale:
                return f"{value / scale:.3g} {suffix}"
        return f"{value:.0f} B"
    return f"{value:.3g}"


def _p(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3f}"


def _cvs(row: Row) -> str:
    return "/".join("-" if math.isnan(value) else f"{value:.1%}" for value in (row.base_cv, row.new_cv))


ORDER = {verdict: index for index, verdict in enumerate(VERDICTS)}
HEADER = ("benchmark", "base", "new", "change", "p", "cv base/new", "reps", "heap peak", "ctx sw", "verdict")


def _cells(row: Row, measure: str) -> tuple:
    return (
        row.name,
        _value(row.base_median, measure),
        _value(row.new_median, measure),
        _pct(row.change),
        _p(row.p),
        _cvs(row),
        f"{row.base_reps}/{row.new_reps}",
        _pair_change(row.heap_change, "B"),
        _pair_change(row.ctx_change),
        row.verdict.upper() if row.verdict == "regression" else row.verdict,
    )


def headline(comparison: Comparison) -> str:
    counts = ", ".join(f"{comparison.count(verdict)} {verdict}" for verdict in VERDICTS if comparison.count(verdict))
    result = "FAIL" if comparison.exit_status else "PASS"
    return (
        f"{result}: {len(comparison.rows)} benchmarks compared ({counts or 'none'})"
        + (f"; {len(comparison.new_only)} new" if comparison.new_only else "")
        + (f"; {len(comparison.missing)} missing" if comparison.missing else "")
    )


def render_text(comparison: Comparison) -> str:
    measure = comparison.base.measure
    lines = [f"warning: {warning}" for warning in comparison.warnings]
    lines.append(
        f"base {comparison.base.path}\nnew  {comparison.new.path}\nmeasure: {measure}, alpha {comparison.alpha:g}"
    )
    rows = sorted(comparison.rows, key=lambda row: (ORDER[row.verdict], row.name))
    table = [HEADER] + [_cells(row, measure) for row in rows]
    widths = [max(len(cells[column]) for cells in table) for column in range(len(HEADER))]
    for cells in table:
        lines.append(
            "  ".join(
                cell.ljust(width) if column in (0, 9) else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(cells, widths))
            ).rstrip()
        )
    explained = [row for row in rows if row.verdict in ("regression", "improvement", "noisy", "error")]
    if explained:
        lines.append("")
        lines += [f"  {row.verdict}: {row.name}: {row.reason}" for row in explained]
    if comparison.new_only:
        lines.append("")
        lines.append(f"new (not in base, not judged): {len(comparison.new_only)}")
        lines += [f"  + {name}" for name in comparison.new_only]
    if comparison.missing:
        lines.append("")
        lines.append(f"missing (in base, not in new, not judged): {len(comparison.missing)}")
        lines += [f"  - {name}" for name in comparison.missing]
    lines.append("")
    lines.append(headline(comparison))
    return "\n".join(lines)


def render_markdown(comparison: Comparison) -> str:
    measure = comparison.base.measure
    out = [f"## Regression gate: {headline(comparison)}", ""]
    out += [f"> **Warning:** {warning}" for warning in comparison.warnings]
    if comparison.warnings:
        out.append("")
    out.append(
        f"Base `{comparison.base.path}`, new `{comparison.new.path}`; measure **{measure}**, "
        f"alpha {comparison.alpha:g}; a verdict needs p < alpha and |change| > the benchmark's threshold."
    )
    out.append("")
    out.append("| " + " | ".join(HEADER) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * 8 + ["---"]) + "|")
    for row in sorted(comparison.rows, key=lambda row: (ORDER[row.verdict], row.name)):
        cells = list(_cells(row, measure))
        cells[0] = f"`{cells[0]}`"
        if row.verdict == "regression":
            cells[-1] = "**REGRESSION**"
        out.append("| " + " | ".join(cells) + " |")
    explained = [row for row in comparison.rows if row.verdict in ("regression", "improvement", "noisy", "error")]
    if explained:
        out += ["", "Why:", ""]
        out += [f"- `{row.name}` — {row.verdict}: {row.reason}" for row in explained]
    for title, names in (
        ("New benchmarks (not judged)", comparison.new_only),
        ("Missing benchmarks (not judged)", comparison.missing),
    ):
        if names:
            out += ["", f"{title}:", ""] + [f"- `{name}`" for name in names]
    return "\n".join(out) + "\n"

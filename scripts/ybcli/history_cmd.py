"""`yieldbench history list|show|trend|changes|import|export`: the results history across runs.

Every `yieldbench run` and `ci` records its run in the history (results.json is written first; a history that
cannot be written costs one warning line, never the results). The history is a SQLite file,
results/history.sqlite, unless --history or $YIELDBENCH_HISTORY names another file or a PostgreSQL server
(postgresql://user@host/db): one code path, ybhistory, over SQLAlchemy Core."""
import argparse
import os
import pathlib
import subprocess
import sys
import time
from dataclasses import dataclass

import ybresults
from ybresults import units

from . import arguments, baseline_cmd, build, compare_cmd, paths
from .errors import UsageError

ACTIONS = ("list", "show", "trend", "changes", "import", "export")
FORMATS = ("csv", "json")
SHAPES = ("customSmallerIsBetter", "bencher")


@dataclass(frozen=True)
class Options:
    action: str = "list"
    history: str = None  # a SQLite path or a database URL; None: $YIELDBENCH_HISTORY, else results/history.sqlite
    machine_class: str = None  # None: the most recently recorded one
    measure: str = None  # None: the most recently recorded one (of the machine class)
    limit: int = None  # list: the last N runs
    run: str = "latest"  # show, export --format json: a run's number, its label, or latest
    names: tuple = ()  # trend: benchmark names (or regular expressions)
    counter: str = None  # trend: None is the primary metric (time_ns, or instructions)
    chart: pathlib.Path = None  # trend: also draw the chart(s) into this folder
    files: tuple = ()  # import: results files, run folders or results roots
    ref: str = ""  # import: the branch or ref the files came from
    format: str = "csv"
    shape: str = "customSmallerIsBetter"
    out: pathlib.Path = None  # export: write here instead of stdout
    penalty: float = None  # changes: PELT's penalty in noise variances (None: 5 ln n)
    min_change: float = 0.01  # changes: smallest relative step listed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    helps = {
        "list": "the recorded runs, oldest first",
        "show": "one run: its context and every benchmark's median, skip or failure",
        "trend": "one or more benchmarks' medians and spread across runs (and --chart DIR to draw them)",
        "changes": "the commits where a benchmark's median stepped (PELT change points), by how much, how sure",
        "import": "record earlier results files or results folders",
        "export": "CSV of every repetition, or one run as JSON for dashboards",
    }
    subs = {name: actions.add_parser(name, help=text, description=text) for name, text in helps.items()}
    for sub in subs.values():
        sub.add_argument(
            "--history",
            metavar="URL|PATH",
            help="the database: a SQLite file or postgresql://user@host/db (default: $YIELDBENCH_HISTORY, "
            "else results/history.sqlite)",
        )
        sub.add_argument("--machine-class", metavar="NAME", help="default: the most recently recorded one")
        sub.add_argument("--measure", choices=("time", "instructions"), help="default: the most recently recorded")
    subs["list"].add_argument("--limit", type=arguments.positive_int, metavar="N", help="only the last N runs")
    subs["show"].add_argument("run", nargs="?", default="latest", metavar="RUN", help="number, run id or latest")
    subs["trend"].add_argument("names", nargs="+", metavar="NAME", help="benchmark names or regular expressions")
    subs["trend"].add_argument("--counter", metavar="C", help="a counter other than the time (or instructions)")
    subs["trend"].add_argument("--chart", type=pathlib.Path, metavar="DIR", help="also draw the trend chart(s)")
    subs["changes"].add_argument(
        "--penalty",
        type=arguments.positive_float,
        metavar="BETA",
        help="PELT's penalty per change point, in noise variances (default 5 ln n)",
    )
    subs["changes"].add_argument(
        "--min-change", type=arguments.positive_float, default=0.01, metavar="R", help="smallest step (default 0.01)"
    )
    subs["import"].add_argument(
        "files", nargs="+", type=pathlib.Path, metavar="RESULTS.json", help="results files, run folders or roots"
    )
    subs["import"].add_argument("--ref", default="", metavar="REF", help="the branch or ref they came from")
    subs["export"].add_argument("--format", choices=FORMATS, default="csv", help="csv (every run) or json (one run)")
    subs["export"].add_argument(
        "--shape",
        choices=SHAPES,
        default="customSmallerIsBetter",
        help="json: github-action-benchmark's customSmallerIsBetter (default) or Bencher's metric format",
    )
    subs["export"].add_argument("--run", default="latest", metavar="RUN", help="json: the run (default latest)")
    subs["export"].add_argument("--out", type=pathlib.Path, metavar="FILE", help="default: standard output")


def options_from(args: argparse.Namespace) -> Options:
    given = {field: getattr(args, field) for field in Options.__dataclass_fields__ if hasattr(args, field)}
    for field in ("names", "files"):
        if field in given:
            given[field] = tuple(given[field])
    return Options(**given)


def _open(history: str):
    import ybhistory

    url = ybhistory.url_for(history, paths.RESULTS)
    if url is None:
        raise UsageError("--history off: there is no history to read")
    return ybhistory.Store(url)


def execute(opts: Options) -> int:
    if opts.action == "import":
        return _import(opts)
    with _open(opts.history) as store:
        return {
            "list": _list,
            "show": _show,
            "trend": _trend,
            "changes": _changes,
            "export": _export,
        }[
            opts.action
        ](store, opts)


# ---- recording (run, ci, import)


def current_ref() -> str:
    """The branch being measured: CI's variables, else git's current branch ('' when detached or unknown)."""
    for variable in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    found = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=paths.REPO_ROOT, capture_output=True, text=True
    )
    ref = found.stdout.strip()
    return "" if found.returncode != 0 or ref == "HEAD" else ref


def record(results_file: pathlib.Path, history: str, results_root: pathlib.Path, machine_class: str = None) -> bool:
    """Records a written results file in the history. Never fails the run: a problem is one warning line (the
    results file is already written). True when the run is in the history."""
    try:
        import ybhistory
    except ImportError as error:
        build.say(f"history: not recorded ({error}; scripts/bootstrap installs python3-sqlalchemy)")
        return False
    url = ybhistory.url_for(history, results_root)
    if url is None:
        return False
    try:
        results = ybresults.load(results_file)
        entry = ybhistory.from_results(
            results, baseline_cmd.machine_class(results.context, machine_class), current_ref()
        )
        with ybhistory.Store(url) as store:
            recorded = store.record(entry)
    except (ybhistory.HistoryError, ybresults.ResultsError, UsageError) as error:
        build.say(f"history: not recorded: {error}")
        return False
    build.say(
        f"history: recorded as run {recorded.run_id} ({entry.machine_class}, {entry.measure}) in "
        f"{ybhistory.shown(url)}"
        if recorded.new
        else f"history: run {recorded.run_id} was recorded already in {ybhistory.shown(url)}"
    )
    return True


def _results_files(given: pathlib.Path) -> list:
    if given.is_dir():
        if (given / "results.json").is_file():
            return [given / "results.json"]
        found = sorted(path for path in given.glob("*/results.json") if not path.parent.is_symlink())
        if not found:
            raise UsageError(f"{given}: no results.json in it or in its run folders")
        return found
    return [given]


def _import(opts: Options) -> int:
    import ybhistory

    files = [found for given in opts.files for found in _results_files(given)]
    loaded = [ybresults.load(path) for path in files]  # every file checked before anything is written
    with _open(opts.history) as store:
        for path, results in zip(files, loaded):
            klass = baseline_cmd.machine_class(results.context, opts.machine_class)
            recorded = store.record(ybhistory.from_results(results, klass, opts.ref))
            said = "recorded as run" if recorded.new else "already there as run"
            print(
                f"{paths.shown(path)}: {said} {recorded.run_id} ({klass}, {results.measure}, "
                f"{recorded.benchmarks} benchmarks)"
            )
    return 0


# ---- reading


def _class_and_measure(store, opts: Options) -> tuple:
    classes = store.classes()
    if not classes:
        raise UsageError(f"the history {store.shown} holds no runs yet (`yieldbench run` records one)")
    for klass, measure, _count in classes:
        if (opts.machine_class in (None, klass)) and (opts.measure in (None, measure)):
            return klass, measure
    known = ", ".join(f"{klass} ({measure})" for klass, measure, _ in classes)
    raise UsageError(
        f"no runs of machine class {opts.machine_class or 'any'} and measure {opts.measure or 'any'} "
        f"(recorded: {known})"
    )


def _table(headers: list, rows: list) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [headers, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths).rstrip())
    return "\n".join(lines)


def _value(measure: str, value) -> str:
    if value is None:
        return "–"
    return units.fmt_count(value) if measure == "instructions" else units.fmt_time(value)


def _list(store, opts: Options) -> int:
    runs = store.runs(opts.machine_class, opts.measure, opts.limit)
    if not runs:
        print(f"no runs in {store.shown}")
        return 0
    rows = [
        [
            run.id,
            run.label,
            run.date,
            run.commit[:12],
            run.ref or "–",
            run.machine_class,
            run.measure,
            run.profile or "–",
            run.benchmarks,
            run.failed,
            run.skipped,
            "partial" if run.partial else "",
        ]
        for run in runs
    ]
    headers = ["#", "run", "date (UTC)", "commit", "ref", "machine class", "measure", "profile", "benchmarks"]
    print(_table(headers + ["failed", "skipped", ""], rows))
    print(f"{len(runs)} run(s) in {store.shown}")
    return 0


def _show(store, opts: Options) -> int:
    run = store.run(opts.run)
    print(f"run {run.id}: {run.label}")
    for key, value in (
        ("date", run.date),
        ("commit", run.commit),
        ("ref", run.ref or "–"),
        ("machine class", run.machine_class),
        ("measure", run.measure),
        ("profile", run.profile or "–"),
        ("partial", "yes" if run.partial else "no"),
        ("version", run.yb_version or "–"),
        ("cpu", run.context.get("cpu_model", "–")),
        ("kernel", run.context.get("kernel", "–")),
        ("command", run.meta.get("command", "–")),
    ):
        print(f"  {key + ':':15}{value}")
    rows = []
    for name, status, reason, median, values in store.results_of(run.id):
        if status == "ok":
            spread = f"{_value(run.measure, min(values))} – {_value(run.measure, max(values))}" if values else "–"
            rows.append([name, _value(run.measure, median), spread, len(values), ""])
        else:
            rows.append([name, status.upper(), "", 0, reason or ""])
    print()
    print(_table(["benchmark", "median", "min – max", "reps", "reason"], rows))
    return 0


def _matching(store, klass: str, measure: str, wanted: tuple) -> list:
    import re

    known = store.names(klass, measure)
    chosen = []
    for pattern in wanted:
        if pattern in known:
            chosen.append(pattern)
            continue
        try:
            expression = re.compile(pattern)
        except re.error as error:
            raise UsageError(f"'{pattern}' is neither a benchmark name nor a regular expression ({error})") from None
        found = [name for name in known if expression.search(name)]
        if not found:
            raise UsageError(f"no benchmark '{pattern}' in the history of {klass} ({measure})")
        chosen += found
    return list(dict.fromkeys(chosen))


def _trend(store, opts: Options) -> int:
    from ybhistory import changes

    klass, measure = _class_and_measure(store, opts)
    chosen = _matching(store, klass, measure, opts.names)
    started = time.monotonic()
    series = {name: store.trend(name, klass, measure, opts.counter) for name in chosen}
    elapsed = time.monotonic() - started
    for name, points in series.items():
        shown_measure = "count" if opts.counter else measure
        print(f"{name}  ({klass}, {measure}{', ' + opts.counter if opts.counter else ''}; {len(points)} runs)")
        found = {step.index: step for step in changes.steps(name, points, confidence=False)}
        rows = []
        for index, point in enumerate(points):
            values = point.values or [point.median]
            mark = f"step {found[index].change:+.1%}" if index in found else ""
            fmt = (lambda v: units.fmt_count(v)) if shown_measure == "count" else (lambda v: _value(measure, v))
            rows.append(
                [
                    point.run_id,
                    point.label,
                    point.date,
                    point.commit[:12],
                    fmt(point.median),
                    fmt(min(values)),
                    fmt(max(values)),
                    len(point.values),
                    mark,
                ]
            )
        print(_table(["#", "run", "date (UTC)", "commit", "median", "min", "max", "reps", "change"], rows))
        print()
    build.say(f"history trend: {sum(len(p) for p in series.values())} points read in {elapsed:.3f} s")
    if opts.chart is not None:
        from ybhistory import trend

        charts = trend.draw_all(store, klass, measure, opts.chart, chosen)
        for chart in charts:
            print(f"chart: {paths.shown(chart.path)} ({chart.series} series, {len(chart.steps)} change point(s))")
    return 0


def _changes(store, opts: Options) -> int:
    from ybhistory import changes

    klass, measure = _class_and_measure(store, opts)
    series = store.medians(klass, measure)
    steps = changes.all_steps(series, opts.penalty, opts.min_change)
    runs = {len(points) for points in series.values()}
    print(
        f"{klass} ({measure}): {len(series)} benchmarks over up to {max(runs, default=0)} runs; "
        f"PELT change points, penalty {'5 ln n' if opts.penalty is None else opts.penalty} noise variances"
    )
    if not steps:
        print("no change points")
        return 0
    rows = [
        [
            step.date,
            f"{step.previous_commit[:9]}..{step.commit[:9]}",
            step.name,
            _value(measure, step.before),
            _value(measure, step.after),
            f"{step.change:+.1%}",
            f"{step.confidence:.3f}",
        ]
        for step in steps
    ]
    print(_table(["date (UTC)", "between commits", "benchmark", "before", "after", "change", "confidence"], rows))
    return 0


def _export(store, opts: Options) -> int:
    from ybhistory import export

    if opts.format == "csv":
        text = export.to_csv(store, store.runs(opts.machine_class, opts.measure))
    else:
        text = export.to_json(store, store.run(opts.run), opts.shape)
    if opts.out is None:
        sys.stdout.write(text)
    else:
        compare_cmd.write_text(opts.out, text)
        build.say(f"wrote {paths.shown(opts.out)}")
    return 0

"""`yieldbench gate-check`: the regression gate's own error rates, measured, as a command anyone can rerun.

Each run is a whole A/B gate (ab.gate: alternating processes, the verdicts, the confirmation pass) of one build
against itself, over a fixed subset of generators and coroutines:

  A/A         nothing changed: any regression the gate reports is a false alarm
  slowdowns   YB_FAILPOINT=slow:PCT@VICTIM on the head side only: the harness adds calibrated extra work of
              PCT% to one benchmark's operation (harness/failpoints.h); the gate should name the victim, and
              blaming any other benchmark is a false alarm too

Victims rotate through VICTIMS, one a run. Writes <out>/gate-check-<stamp>/summary.md (the table) and
records.json (every run's findings), and prints the table. Exit 0 when it measured (the rates are the output,
not a verdict), 2 on bad input."""
import argparse
import datetime
import json
import pathlib
import statistics
from dataclasses import dataclass

import ybresults

from . import ab, arguments, build, ci_cmd, families, options, paths, runfolder
from .errors import UsageError

SUBSET = r"^(generators/sum_plus_one|coroutines/switch_round_trip)/[a-z_0-9]+/n:100000(/|$)"
VICTIMS = (
    "generators/sum_plus_one/iterator/n:100000",
    "generators/sum_plus_one/callback/n:100000",
    "coroutines/switch_round_trip/cxx20_coroutine/n:100000",
    "coroutines/switch_round_trip/boost_fiber/n:100000/stack:fixed",
)
DEFAULT_SLOWDOWNS = {"time": (5.0, 10.0, 20.0), "instructions": (0.5, 1.0, 2.0)}


@dataclass(frozen=True)
class Options:
    runs: int = 20
    slowdowns: tuple = None  # percent; None: DEFAULT_SLOWDOWNS of the measure
    measure: str = "time"
    filter: str = SUBSET
    victims: tuple = VICTIMS
    rounds: int = ci_cmd.AB_ROUNDS
    repetitions: int = None  # None: as `yieldbench ci` for the measure
    a_a: bool = True  # the A/A scenario first
    out: pathlib.Path = paths.RESULTS

    def __post_init__(self):
        if self.measure not in DEFAULT_SLOWDOWNS:
            raise UsageError(f"unknown measure '{self.measure}' (known: {', '.join(DEFAULT_SLOWDOWNS)})")
        families.check_filter(self.filter)

    @property
    def repetitions_or_default(self) -> int:
        if self.repetitions:
            return self.repetitions
        return ci_cmd.INSTRUCTION_REPETITIONS if self.measure == "instructions" else ci_cmd.CI_REPETITIONS

    @property
    def scenarios(self) -> tuple:
        return (0.0,) * self.a_a + tuple(self.slowdowns or DEFAULT_SLOWDOWNS[self.measure])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=arguments.positive_int, default=20, metavar="N", help="gate runs a scenario")
    parser.add_argument(
        "--slowdowns",
        metavar="PCT,...",
        help="injected slowdowns in percent (default 5,10,20 for time, 0.5,1,2 for instructions); A/A always runs",
    )
    parser.add_argument("--measure", choices=tuple(DEFAULT_SLOWDOWNS), default="time", help="as for `yieldbench ci`")
    parser.add_argument("--filter", default=SUBSET, metavar="RE", help="the benchmarks of every gate run")
    parser.add_argument(
        "--victims", metavar="NAME,...", help="benchmarks slowed, one a run in turn (default: four of the subset)"
    )
    parser.add_argument(
        "--rounds", type=arguments.positive_int, default=ci_cmd.AB_ROUNDS, metavar="N", help="processes a side (time)"
    )
    parser.add_argument(
        "--repetitions", type=arguments.positive_int, metavar="N", help="per process (default: as `yieldbench ci`)"
    )
    parser.add_argument(
        "--no-a-a",
        dest="a_a",
        action="store_false",
        help="leave out the A/A scenario (to add slowdowns to an earlier check)",
    )
    parser.add_argument("--out", type=pathlib.Path, default=paths.RESULTS, metavar="DIR", help="results folder")


def options_from(args: argparse.Namespace) -> Options:
    slowdowns = None
    if args.slowdowns:
        try:
            slowdowns = tuple(float(text) for text in args.slowdowns.split(",") if text)
        except ValueError:
            raise UsageError(f"--slowdowns '{args.slowdowns}': expected percentages such as 5,10,20") from None
        if not slowdowns or any(not 0 < value <= 1000 for value in slowdowns):
            raise UsageError(f"--slowdowns '{args.slowdowns}': each must be above 0 and at most 1000")
    victims = options.split_list([args.victims]) if args.victims else VICTIMS
    return options.from_namespace(Options, args, slowdowns=slowdowns, victims=victims)


@dataclass
class Record:
    slowdown: float
    run: int
    victim: str
    regressions: list
    shift: str
    victim_change: float  # what the gate measured of the victim
    achieved: float  # the slowdown the failpoint says it added (failpoint_slowdown), median of the head's

    @property
    def caught(self) -> bool:
        return self.victim in self.regressions

    @property
    def others(self) -> list:
        return [name for name in self.regressions if name != self.victim or not self.slowdown]


def execute(opts: Options) -> int:
    build.bootstrap(profiling=opts.measure == "instructions")
    build.build("release")
    executables = families.executables("release")
    commit = ab.head_commit()
    base = ab.Side("base", commit, executables)
    chosen = ab.plan(base, base, [], opts.filter)
    if chosen.total == 0:
        raise UsageError(f"no benchmark matches --filter '{opts.filter}'")
    listed = {name for selected in chosen.families.values() for name in selected}
    unknown = [victim for victim in opts.victims if victim not in listed]
    if unknown:
        raise UsageError(f"victim '{unknown[0]}' is not among the {len(listed)} benchmarks --filter selects")
    root = opts.out.resolve()
    runfolder.check_results_root(root)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = root / f"gate-check-{stamp}-{opts.measure}"
    settings = ab.Settings(opts.measure, opts.rounds, opts.repetitions_or_default)
    build.say(
        f"gate check: {len(opts.scenarios)} scenarios x {opts.runs} gate runs of {chosen.total} benchmarks "
        f"({settings.describe()}) into {paths.shown(folder)}/"
    )
    records = []
    for slowdown in opts.scenarios:
        for run in range(1, opts.runs + 1):
            victim = opts.victims[(run - 1) % len(opts.victims)]
            head = ab.Side(
                "head", commit, executables, {"YB_FAILPOINT": f"slow:{slowdown:g}@{victim}"} if slowdown else {}
            )
            run_dir = folder / f"slow-{slowdown:g}" / f"run-{run}"
            build.say(f"scenario {slowdown:g}%, run {run}/{opts.runs}" + (f": slowing {victim}" if slowdown else ""))
            comparison, written = ab.gate(base, head, chosen, settings, run_dir, f"{stamp}-{slowdown:g}-{run}")
            records.append(_record(slowdown, run, victim, comparison, written["head"]))
            _save(folder, opts, records)
    table = render(opts, records)
    print(table)
    build.say(f"gate check: {paths.shown(folder / 'summary.md')}")
    return 0


def _record(slowdown: float, run: int, victim: str, comparison, head_file: pathlib.Path) -> Record:
    verdict = next((v for v in comparison.verdicts if v.name == victim), None)
    bench = ybresults.load(head_file).benchmarks.get(victim)
    achieved = bench.samples("failpoint_slowdown") if bench else []
    return Record(
        slowdown,
        run,
        victim,
        [v.name for v in comparison.of_kind("regression")],
        comparison.shift.describe() if comparison.shift else "",
        verdict.change if verdict else float("nan"),
        statistics.median(achieved) if achieved else float("nan"),
    )


def _save(folder: pathlib.Path, opts: Options, records: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    finite = [
        {key: (None if isinstance(value, float) and value != value else value) for key, value in vars(record).items()}
        for record in records
    ]
    (folder / "records.json").write_text(json.dumps(finite, indent=1), encoding="utf-8")
    (folder / "summary.md").write_text(render(opts, records) + "\n", encoding="utf-8")


def _pct(value: float) -> str:
    return "-" if value != value else f"{value:+.1%}"


def render(opts: Options, records: list) -> str:
    """One Markdown row per scenario: false alarms, victims caught, others blamed, measured changes."""
    lines = [
        f"gate check, {opts.measure} mode, `--filter '{opts.filter}'`, "
        + (
            f"{opts.repetitions_or_default} repetitions a side"
            if opts.measure == "instructions"
            else f"{opts.rounds} processes x {opts.repetitions_or_default} repetitions a side"
        )
        + ", confirmation pass on",
        "",
        "| injected | runs | runs with any false alarm | victim caught and named | median change seen | "
        "median slowdown injected |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for slowdown in opts.scenarios:
        mine = [record for record in records if record.slowdown == slowdown]
        if not mine:
            continue
        alarms = sum(1 for record in mine if record.others or record.shift)
        seen = [record.victim_change for record in mine if record.victim_change == record.victim_change]
        injected = [record.achieved for record in mine if record.achieved == record.achieved]
        caught = "-" if not slowdown else f"{sum(record.caught for record in mine)} of {len(mine)}"
        lines.append(
            f"| {'none (A/A)' if not slowdown else f'{slowdown:g}%'} | {len(mine)} | {alarms} | {caught} | "
            f"{_pct(statistics.median(seen)) if seen and slowdown else '-'} | "
            f"{_pct(statistics.median(injected)) if injected else '-'} |"
        )
    return "\n".join(lines)

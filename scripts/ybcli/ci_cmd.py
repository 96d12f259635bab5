"""`yieldbench ci`: the whole CI regression run in one command whose exit status is the gate's.

  1. test      build and run every test (`yieldbench test`); a failure ends the run with status 1
  2. measure   with --base REF: REF (built in a worktree of its own) and the checkout, measured alternately on
               this machine (ab.py); without it, a quick run (`yieldbench run --profile quick --repetitions 5`,
               or --measure instructions) to hold against ci/baselines/<measure>-<machine class>.json
  3. compare   ybgate's verdicts; with --base, suspects are measured again before they fail the gate
  4. report    <run>/gate/summary.md (every verdict), <run>/gate/comment.md (at most 60,000 characters, for
               a pull request), <run>/gate/report/ (comparison charts), and under GitHub Actions the
               verdicts on the job's summary page

Exit status: 1 on a regression (or failed tests), 0 otherwise — also when there is no baseline yet
(it says so and how to make one), 2 on bad input, 3 on an internal error."""
import argparse
import os
import pathlib
from dataclasses import dataclass

import ybgate
import ybresults

from . import (
    ab,
    arguments,
    baseline_cmd,
    build,
    compare_cmd,
    families,
    history_cmd,
    options,
    paths,
    run,
    runfolder,
    test_cmd,
)
from .errors import UsageError

# 5 against 5 repetitions is the smallest quick run where the U test can go below 0.01 (at best 0.008);
# 3 against 3 (the quick profile's default) can never reach p < 0.05.
CI_REPETITIONS = 5
INSTRUCTION_REPETITIONS = 3
# A/B: processes per side, alternating ABBA...: 4 x 5 repetitions = 20 samples a side, from 4 processes, enough
# for the U test to reach q < 0.05 across hundreds of benchmarks and for the process-separation rule to mean
# something (4 against 4 processes are all apart by chance in 2 of 70 orders).
AB_ROUNDS = 4
AUTO_BASE = "auto"


@dataclass(frozen=True)
class Options:
    family: tuple = ()
    filter: str = "."
    measure: str = "time"
    repetitions: int = None  # None: CI_REPETITIONS for time, INSTRUCTION_REPETITIONS for instructions
    base: str = None  # a commit to measure against on this machine (AUTO_BASE: the default one); None: a baseline
    rounds: int = AB_ROUNDS  # with base: processes per side
    skip_tests: bool = False
    results: pathlib.Path = None  # judge this file instead of testing and running
    baseline: pathlib.Path = None  # None: ci/baselines/<measure>-<machine class>.json
    machine_class: str = None
    save_baseline: bool = False
    gate: compare_cmd.GateOptions = compare_cmd.GateOptions()
    out: pathlib.Path = paths.RESULTS
    history: str = None  # as for run: None is $YIELDBENCH_HISTORY, else <out>/history.sqlite; "off"

    def run_options(self) -> run.Options:
        """The quick run this gate judges (also checks the family and filter, before any testing)."""
        default = INSTRUCTION_REPETITIONS if self.measure == "instructions" else CI_REPETITIONS
        return run.Options(
            family=self.family,
            filter=self.filter,
            profile="quick",
            repetitions=self.repetitions or default,
            measure=self.measure,
            out=self.out,
            history=self.history,
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", default=[], metavar="F", help="as for `yieldbench run`")
    parser.add_argument("--filter", default=".", metavar="RE", help="as for `yieldbench run`")
    parser.add_argument(
        "--measure",
        choices=run.MEASURES,
        default="time",
        help="time: wall clock, Mann-Whitney U over repetitions; instructions: callgrind counts",
    )
    parser.add_argument(
        "--repetitions",
        type=arguments.positive_int,
        default=None,
        metavar="N",
        help=f"repetitions per benchmark (default {CI_REPETITIONS} for time, {INSTRUCTION_REPETITIONS} for "
        "instructions)",
    )
    parser.add_argument(
        "--base",
        nargs="?",
        const=AUTO_BASE,
        metavar="REF",
        help="measure REF and this checkout alternately on this machine and judge the checkout against it "
        "(default REF: the merge base with $GITHUB_BASE_REF on a pull request, else HEAD~1); without --base, "
        "the committed baseline is the reference",
    )
    parser.add_argument(
        "--rounds",
        type=arguments.positive_int,
        default=AB_ROUNDS,
        metavar="N",
        help=f"with --base: processes per side, run alternately (default {AB_ROUNDS})",
    )
    parser.add_argument("--skip-tests", action="store_true", help="skip step 1 (the tests)")
    parser.add_argument(
        "--results",
        type=pathlib.Path,
        metavar="RESULTS.json",
        help="judge this results file instead of running (skips steps 1 and 2)",
    )
    parser.add_argument(
        "--baseline",
        type=pathlib.Path,
        metavar="FILE",
        help="compare against this file (default: ci/baselines/<measure>-<machine class>.json)",
    )
    parser.add_argument(
        "--machine-class", metavar="NAME", help=f"default: ${baseline_cmd.ENV_CLASS}, else <cpus>cpu-<hypervisor>"
    )
    parser.add_argument(
        "--save-baseline", action="store_true", help="after the comparison, store this run as the baseline (to commit)"
    )
    compare_cmd.add_gate_arguments(parser, same_as="compare")
    parser.add_argument(
        "--out", type=pathlib.Path, default=paths.RESULTS, metavar="DIR", help="results folder (default: results/)"
    )
    run.add_history_argument(parser)


def options_from(args: argparse.Namespace) -> Options:
    return options.from_namespace(
        Options, args, family=options.split_list(args.family), gate=compare_cmd.GateOptions.from_args(args)
    )


def execute(opts: Options) -> int:
    rules = opts.gate.rules()  # bad options fail before minutes of testing
    if opts.results is not None and opts.base is not None:
        raise UsageError("--results judges a finished run against a baseline; --base measures a new one: not both")
    if opts.results is None:
        run_options = opts.run_options()
        runfolder.check_results_root(opts.out.resolve())
        if not opts.skip_tests:
            build.say("step 1/4: tests")
            if test_cmd.execute(test_cmd.Options()) != 0:
                build.say("tests failed: no benchmark run, exit 1")
                return 1
        if opts.base is not None:
            return _execute_ab(opts, run_options, rules)
        build.say(f"step 2/4: quick run ({opts.measure})")
        status = run.execute(run_options)
        if status > 1:  # interrupted: `latest` is still the previous run, which must not be judged as this one
            return status
        if status == 1:
            build.say("some benchmarks failed in the run; they are listed as errors, not judged")
        results_file = run.results_file(run_options)
    else:
        results_file = opts.results
    new = ybresults.load(results_file)  # a given results file decides the measure mode
    gate_dir = results_file.parent / "gate"
    klass = baseline_cmd.machine_class(new.context, opts.machine_class)
    baseline = opts.baseline or baseline_cmd.path_for(baseline_cmd.BASELINES, new.measure, klass)

    build.say(f"step 3/4: compare with {paths.shown(baseline)}")
    if not baseline.exists():
        message = (
            f"no baseline {paths.shown(baseline)} for measure '{new.measure}' on machine class '{klass}': "
            f"nothing to compare, the gate passes. Make one from this run with "
            f"`yieldbench baseline save {paths.shown(results_file)}` (or `yieldbench ci --save-baseline`) "
            f"and commit it, or measure against a commit on this machine with `yieldbench ci --base`."
        )
        print(message)
        text = f"## Regression gate: no baseline\n\n{message}\n"
        _write_outputs(gate_dir, text, f"{ybgate.render.COMMENT_MARKER}\n{text}")
        status = 0
    else:
        comparison = ybgate.compare(ybresults.load(baseline), new, opts.gate.threshold, opts.gate.alpha, rules)
        status = _report(comparison, baseline, results_file, gate_dir)
    if opts.save_baseline:
        baseline_cmd.save(
            baseline_cmd.SaveOptions(
                results=results_file, machine_class=opts.machine_class, dir=baseline_cmd.BASELINES, target=baseline
            )
        )
    return status


def _report(comparison, base_file: pathlib.Path, new_file: pathlib.Path, gate_dir: pathlib.Path) -> int:
    print(ybgate.render_text(comparison))
    _write_outputs(gate_dir, ybgate.render_markdown(comparison), ybgate.render_comment(comparison))
    build.say("step 4/4: comparison report")
    compare_cmd.draw_report(base_file, new_file, gate_dir / "report")
    build.say(f"gate: {paths.shown(gate_dir / 'summary.md')}; exit {comparison.exit_status}")
    return comparison.exit_status


def _write_outputs(gate_dir: pathlib.Path, summary: str, comment: str) -> None:
    compare_cmd.write_text(gate_dir / "summary.md", summary)
    compare_cmd.write_text(gate_dir / "comment.md", comment)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as file:
            file.write(summary)


def _execute_ab(opts: Options, run_options: run.Options, rules: list) -> int:
    """Steps 2 to 4 against a commit measured on this machine, alternately with the checkout."""
    build.bootstrap(profiling=opts.measure == "instructions")
    build.build("release")
    head = ab.Side("head", ab.head_commit(), families.executables("release"))
    commit = ab.resolve(ab.default_base() if opts.base == AUTO_BASE else opts.base)
    base = ab.Side("base", commit, ab.build_commit(commit))
    chosen = ab.plan(base, head, list(opts.family), opts.filter)
    if chosen.total == 0:
        raise UsageError(f"no benchmark matches --filter '{opts.filter}' in both the base and the checkout")
    results_root = opts.out.resolve()
    run_id, run_dir = runfolder.new_run_dir(results_root, "ab")
    settings = ab.Settings(
        opts.measure, opts.rounds, run_options.repetitions_or_default, opts.gate.threshold, opts.gate.alpha, rules
    )
    build.say(
        f"step 2/4: {chosen.total} benchmarks, base {commit[:12]} against the checkout ({head.commit[:12]}), "
        f"{settings.describe()}, into {paths.shown(run_dir)}/"
    )
    comparison, written = ab.gate(base, head, chosen, settings, run_dir, run_id)
    runfolder.point_latest(results_root, run_dir)
    history_cmd.record(written["head"], opts.history, results_root, opts.machine_class)
    return _report(comparison, written["base"], written["head"], run_dir / "gate")

"""`yieldbench ci`: the whole CI regression run in one command whose exit status is the gate's.

  1. test      build and run every test (`yieldbench test`); a failure ends the run with status 1
  2. run       a quick run (`yieldbench run --profile quick --repetitions 5`, or --measure instructions)
  3. compare   against ci/baselines/<measure>-<machine class>.json (see `yieldbench baseline`)
  4. report    <run>/gate/summary.md (the verdicts), <run>/gate/report/ (reports/' comparison charts),
               and, under GitHub Actions, the verdicts on the job's summary page

Exit status: 1 on a regression (or failed tests), 0 otherwise — also when there is no baseline yet
(it says so and how to make one), 2 on bad input."""
import argparse
import os
import pathlib

from . import arguments, baseline_cmd, build, compare_cmd, families, gate, paths, results
from .errors import UsageError

# 5 against 5 repetitions is the smallest quick run where the U test can go below 0.01 (at best 0.008);
# 3 against 3 (the quick profile's default) can never reach p < 0.05.
CI_REPETITIONS = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", default=[], metavar="F", help="as for `yieldbench run`")
    parser.add_argument("--filter", default=".", metavar="RE", help="as for `yieldbench run`")
    parser.add_argument(
        "--measure",
        choices=("time", "instructions"),
        default="time",
        help="time: wall clock, Mann-Whitney U over repetitions; instructions: callgrind counts",
    )
    parser.add_argument(
        "--repetitions",
        type=arguments.positive_int,
        default=None,
        metavar="N",
        help=f"repetitions per benchmark (default {CI_REPETITIONS} for time, 3 for instructions)",
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
    parser.add_argument("--threshold", metavar="P", help="as for `yieldbench compare`")
    parser.add_argument(
        "--alpha", type=float, default=gate.DEFAULT_ALPHA, metavar="A", help="as for `yieldbench compare`"
    )
    parser.add_argument("--thresholds", type=pathlib.Path, metavar="FILE", help="as for `yieldbench compare`")
    parser.add_argument(
        "--out", type=pathlib.Path, default=paths.RESULTS, metavar="DIR", help="results folder (default: results/)"
    )


def execute(args: argparse.Namespace) -> int:
    threshold, alpha, rules = compare_cmd.options(args)  # bad options fail before minutes of testing
    if args.results is None:
        families.check_known([name for value in args.family for name in value.split(",") if name])
        families.check_filter(args.filter)
        results.check_results_folder(args.out.resolve())
    if args.results is None:
        if not args.skip_tests:
            build.say("step 1/4: tests")
            from . import test_cmd

            if test_cmd.execute(argparse.Namespace(ctest_args="", pytest_args="")) != 0:
                build.say("tests failed: no benchmark run, exit 1")
                return 1
        build.say(f"step 2/4: quick run ({args.measure})")
        results_file = _run(args)
    else:
        results_file = args.results
    new = gate.load(results_file)
    if new.measure != args.measure and args.results is not None:
        args.measure = new.measure  # a given results file decides the mode
    gate_dir = results_file.parent / "gate"
    klass = baseline_cmd.machine_class(new.context, args.machine_class)
    baseline = args.baseline or baseline_cmd.path_for(baseline_cmd.BASELINES, new.measure, klass)

    build.say(f"step 3/4: compare with {_shown(baseline)}")
    if not baseline.exists():
        message = (
            f"no baseline {_shown(baseline)} for measure '{new.measure}' on machine class '{klass}': "
            f"nothing to compare, the gate passes. Make one from this run with "
            f"`yieldbench baseline save {_shown(results_file)}` (or `yieldbench ci --save-baseline`) "
            f"and commit it."
        )
        print(message)
        _write(gate_dir / "summary.md", f"## Regression gate: no baseline\n\n{message}\n")
        status = 0
    else:
        comparison = gate.compare(gate.load(baseline), new, threshold, alpha, rules)
        print(gate.render_text(comparison))
        markdown = gate.render_markdown(comparison)
        _write(gate_dir / "summary.md", markdown)
        build.say("step 4/4: comparison report")
        _report(baseline, results_file, gate_dir / "report")
        status = comparison.exit_status
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as file:
            file.write((gate_dir / "summary.md").read_text(encoding="utf-8"))
    build.say(f"gate: {_shown(gate_dir / 'summary.md')}; exit {status}")
    if args.save_baseline:
        baseline_cmd.save(
            argparse.Namespace(
                results=results_file, machine_class=args.machine_class, dir=baseline_cmd.BASELINES, target=baseline
            )
        )
    return status


def _run(args) -> pathlib.Path:
    from . import run

    repetitions = args.repetitions or (3 if args.measure == "instructions" else CI_REPETITIONS)
    run_args = argparse.Namespace(
        family=args.family,
        filter=args.filter,
        profile="quick",
        repetitions=repetitions,
        out=args.out,
        measure=args.measure,
    )
    status = run.execute(run_args)
    results_file = args.out.resolve() / "latest" / "results.json"
    if not results_file.exists():
        raise UsageError(f"the run wrote no {results_file}")
    if status != 0:
        build.say("some benchmarks failed in the run; they are listed as errors, not judged")
    return results_file


def _report(baseline: pathlib.Path, results_file: pathlib.Path, out: pathlib.Path) -> None:
    compare_cmd.draw_report(baseline, results_file, out)


def _write(path: pathlib.Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        blocker = next((parent for parent in path.parents if parent.is_file()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else error.strerror
        raise UsageError(f"cannot write {path}: {reason}") from None


def _shown(path: pathlib.Path) -> str:
    try:
        return str(pathlib.Path(path).resolve().relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)

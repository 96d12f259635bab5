"""`yieldbench bisect --good A --bad B --benchmark NAME`: the first commit between A and B where NAME got slower.

The commits on the ancestry path from A to B are bisected: each commit tested is built in its own worktree
(ab.build_commit: build/ab/<commit>/, kept, so a commit measured again costs no build) and measured against
the good commit A with the gate's A/B measurement and verdict (ab.gate: alternating processes, Mann-Whitney U,
the threshold from ci/thresholds, suspects measured again). A confirmed regression makes the commit bad;
anything else (unchanged, noisy, an improvement) good. The first bad commit is found in about log2(commits)
steps; B is taken as bad without being measured, as git bisect does."""
import argparse
import math
import pathlib
import subprocess
from dataclasses import dataclass, field
from typing import Callable

from ybresults import names

from . import ab, arguments, build, families, options, paths, run, runfolder
from .errors import UsageError

ROUNDS = 2  # processes per side: each step is one A/B gate of one benchmark, so keep it short
REPETITIONS = 5


@dataclass(frozen=True)
class Options:
    good: str = None
    bad: str = None
    benchmark: str = None
    measure: str = "time"
    rounds: int = ROUNDS
    repetitions: int = REPETITIONS
    threshold: float = None  # None: ci/thresholds
    out: pathlib.Path = paths.RESULTS

    def __post_init__(self):
        if not self.good or not self.bad or not self.benchmark:
            raise UsageError("--good, --bad and --benchmark are all needed")
        if names.parse_name(self.benchmark) is None:
            raise UsageError(f"--benchmark '{self.benchmark}' is not a benchmark name (family/workload/impl[/k:v])")
        if self.measure not in run.MEASURES:
            raise UsageError(f"unknown measure '{self.measure}' (known: {', '.join(run.MEASURES)})")


@dataclass(frozen=True)
class Step:
    commit: str
    bad: bool
    verdict: str  # what the measurement said, one line


@dataclass
class Outcome:
    commits: list  # the candidates, oldest first (the good commit excluded, the bad one included)
    first_bad: str = None
    steps: list = field(default_factory=list)

    @property
    def expected_steps(self) -> int:
        return math.ceil(math.log2(len(self.commits))) if len(self.commits) > 1 else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--good", required=True, metavar="REF", help="a commit where the benchmark was fine")
    parser.add_argument("--bad", required=True, metavar="REF", help="a later commit where it is slower")
    parser.add_argument("--benchmark", required=True, metavar="NAME", help="the benchmark's full name")
    parser.add_argument("--measure", choices=run.MEASURES, default="time", help="time (default) or instructions")
    parser.add_argument(
        "--rounds",
        type=arguments.positive_int,
        default=ROUNDS,
        metavar="N",
        help=f"processes per side in each A/B measurement (default {ROUNDS})",
    )
    parser.add_argument(
        "--repetitions",
        type=arguments.positive_int,
        default=REPETITIONS,
        metavar="N",
        help=f"repetitions per process (default {REPETITIONS})",
    )
    parser.add_argument(
        "--threshold",
        metavar="PCT",
        help="the change that counts as a regression (default: ci/thresholds)",
    )
    parser.add_argument("--out", type=pathlib.Path, default=paths.RESULTS, metavar="DIR", help="default: results/")


def options_from(args: argparse.Namespace) -> Options:
    return options.from_namespace(Options, args, threshold=arguments.threshold(args.threshold))


def candidates(good: str, bad: str) -> list:
    """The commits after `good` up to `bad`, oldest first, on the ancestry path (commits that have good as an
    ancestor and are ancestors of bad)."""
    if subprocess.run(["git", "merge-base", "--is-ancestor", good, bad], cwd=paths.REPO_ROOT).returncode != 0:
        raise UsageError(f"--good {good[:12]} is not an ancestor of --bad {bad[:12]}")
    listed = subprocess.run(
        ["git", "rev-list", "--reverse", "--ancestry-path", f"{good}..{bad}"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    found = listed.stdout.split()
    if listed.returncode != 0 or not found:
        raise UsageError(f"no commits between --good {good[:12]} and --bad {bad[:12]}")
    return found


def bisect(commits: list, is_bad: Callable[[str], tuple], say=build.say) -> Outcome:
    """The first bad commit of `commits` (oldest first; the last is known bad, the one before the first known
    good); `is_bad(commit)` -> (bad, one line) measures one commit. About log2(len(commits)) calls."""
    outcome = Outcome(list(commits))
    low, high = -1, len(commits) - 1  # commits[low] good (or the good ref), commits[high] bad
    while high - low > 1:
        middle = (low + high) // 2
        left = math.ceil(math.log2(high - low))  # measurements left, this one included
        say(f"bisect: step {len(outcome.steps) + 1} (about {left} left): {commits[middle][:12]}")
        bad, verdict = is_bad(commits[middle])
        outcome.steps.append(Step(commits[middle], bad, verdict))
        say(f"bisect: {commits[middle][:12]} is {'bad' if bad else 'good'}: {verdict}")
        if bad:
            high = middle
        else:
            low = middle
    outcome.first_bad = commits[high]
    return outcome


def ab_judge(good: str, name: str, settings: ab.Settings, folder: pathlib.Path) -> Callable[[str], tuple]:
    """is_bad for bisect(): `commit` built and measured against `good` with the gate (ab.gate); bad when the
    benchmark's verdict is a confirmed regression."""
    family = names.parse_name(name).family

    def is_bad(commit: str) -> tuple:
        base = ab.Side("base", good, ab.build_commit(good))  # built once, then cached; also keeps it recent
        head = ab.Side("head", commit, ab.build_commit(commit))
        if family not in base.executables or family not in head.executables:
            raise UsageError(f"family '{family}' is not built at both {good[:12]} and {commit[:12]}")
        chosen = ab.plan(base, head, [family], names.anchored(name))
        if chosen.total == 0:
            raise UsageError(f"--benchmark {name} is not in both {good[:12]} and {commit[:12]}")
        step_dir = folder / commit[:12]
        comparison, _ = ab.gate(base, head, chosen, settings, step_dir, f"{folder.name}-{commit[:12]}")
        verdict = next((v for v in comparison.verdicts if v.name == name), None)
        if verdict is None:
            return False, "no verdict (the benchmark did not run)"
        return verdict.kind == "regression", f"{verdict.kind}, {verdict.change:+.1%} against the good commit"

    return is_bad


def execute(opts: Options) -> int:
    good, bad = ab.resolve(opts.good, "--good"), ab.resolve(opts.bad, "--bad")
    commits = candidates(good, bad)
    build.say(
        f"bisect: {len(commits)} commit(s) after {good[:12]} up to {bad[:12]}; about "
        f"{Outcome(commits).expected_steps} measurement(s) of {opts.benchmark}"
    )
    if opts.measure == "time":
        build.bootstrap()
    else:
        build.bootstrap(profiling=True)
    families.check_known([names.parse_name(opts.benchmark).family])
    root = opts.out.resolve()
    runfolder.check_results_root(root)
    _run_id, folder = runfolder.new_run_dir(root, "bisect")
    settings = ab.Settings(opts.measure, opts.rounds, opts.repetitions, opts.threshold)
    outcome = bisect(commits, ab_judge(good, opts.benchmark, settings, folder))
    print(f"bisect of {opts.benchmark}: good {good[:12]}, bad {bad[:12]}, {len(commits)} commit(s)")
    for number, step in enumerate(outcome.steps, 1):
        print(f"  step {number}: {step.commit[:12]} {'bad ' if step.bad else 'good'}  {step.verdict}")
    subject = subprocess.run(
        ["git", "log", "-1", "--format=%h %s", outcome.first_bad], cwd=paths.REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(f"first bad commit: {outcome.first_bad} ({subject}) after {len(outcome.steps)} measurement(s)")
    build.say(f"bisect: measurements under {paths.shown(folder)}/")
    return 0

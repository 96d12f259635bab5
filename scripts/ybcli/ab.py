"""Base and head on the same machine, alternately: `yieldbench ci --base REF` (asv's `continuous` is the model).

The base commit is built in a git worktree of its own under build/ab/<commit>/ (its build folder kept, so a
base measured again costs no build; the newest KEEP_BUILDS are kept). Then each family executable of each
side runs ROUNDS times in separate processes, in the order ABBA ABBA..., so both sides see the same machine,
the same drift and the same neighbours, and the spread between processes is in the data. Every entry says
which round (process) made it, `process_index`, for the gate's process-separation rule.

Suspects (regressions) are measured again, interleaved the same way, before the gate fails: a regression
stands only when the second measurement finds it too."""
import os
import pathlib
import shutil
import subprocess
import time
from dataclasses import dataclass, field

import ybgate
import ybresults

from . import build, families, paths, runfolder
from .errors import SetupError, UsageError
from .supervisor import FamilyRun

AB_ROOT = paths.REPO_ROOT / "build" / "ab"
KEEP_BUILDS = 4
# Seconds per repetition: the gate's thresholds (ci/thresholds) were set with these samples, the quick
# profile's before it sampled adaptively; its processes and repetitions are the gate's own (Settings).
MIN_TIME = 0.05


@dataclass(frozen=True)
class Side:
    label: str  # "base" or "head"
    commit: str
    executables: dict  # family -> executable
    environment: dict = field(default_factory=dict)  # extra variables for its processes (failpoints)


def _git(*arguments, cwd=paths.REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True)


def default_base() -> str:
    """On a pull request (GitHub's GITHUB_BASE_REF) the merge base with the target branch; else HEAD~1."""
    target = os.environ.get("GITHUB_BASE_REF")
    if target:
        found = _git("merge-base", "HEAD", f"origin/{target}")
        if found.returncode != 0:
            raise UsageError(
                f"no merge base of HEAD and origin/{target}: {found.stderr.strip() or 'unknown'} "
                f"(check out with full history: actions/checkout fetch-depth: 0)"
            )
        return found.stdout.strip()
    return "HEAD~1"


def resolve(ref: str, option: str = "--base") -> str:
    """The full commit id of `ref`; UsageError naming the option and the ref when git does not know it."""
    found = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(f"{option} {ref}: not a commit of this repository (git rev-parse found nothing)")
    return found.stdout.strip()


def head_commit() -> str:
    found = _git("rev-parse", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    return (found.stdout.strip() or "unknown") + ("-dirty" if dirty else "")


def build_commit(commit: str) -> dict:
    """{family: executable} of `commit`'s release build, in its own worktree (built once, then reused). The
    checkout's own build where it is that commit, unchanged (an A/A gate: the same binaries on both sides)."""
    if head_commit() == commit:
        build.say(f"the base {commit[:12]} is the checkout, unchanged: both sides run its build")
        return families.executables("release")
    source = AB_ROOT / commit[:12]
    if not (source / ".git").exists():
        AB_ROOT.mkdir(parents=True, exist_ok=True)
        _git("worktree", "prune")
        added = _git("worktree", "add", "--detach", "--force", str(source), commit)
        if added.returncode != 0:
            raise SetupError(f"cannot check out {commit[:12]} into {paths.shown(source)}: {added.stderr.strip()}")
    build.say(f"building the base {commit[:12]} in {paths.shown(source)}/ (kept for the next gate)")
    for step in (["cmake", "--preset", "release"], ["cmake", "--build", "--preset", "release"]):
        done = subprocess.run(step, cwd=source, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            print("\n".join(done.stdout.splitlines()[-30:]))
            raise SetupError(f"the base {commit[:12]} does not build ({' '.join(step)} failed; output above)")
    os.utime(source)
    _prune(keep=source)
    found = families.executables_in(source / "build" / "release" / "bin")
    if not found:
        raise SetupError(f"the base {commit[:12]} built no family executable")
    return found


def _prune(keep: pathlib.Path) -> None:
    """Removes all but the newest KEEP_BUILDS base worktrees (never `keep`)."""
    trees = sorted((path for path in AB_ROOT.iterdir() if (path / ".git").exists()), key=lambda p: p.stat().st_mtime)
    for old in trees[:-KEEP_BUILDS]:
        if old != keep:
            _git("worktree", "remove", "--force", str(old))
            shutil.rmtree(old, ignore_errors=True)


@dataclass
class Plan:
    families: dict  # family -> names both sides run
    new_only: list  # names only the head has (not judged)
    missing: list  # names only the base has

    @property
    def total(self) -> int:
        return sum(len(selected) for selected in self.families.values())


def plan(base: Side, head: Side, wanted: list, regex: str) -> Plan:
    """The benchmarks `regex` selects in both builds (the families `wanted`, or all)."""
    chosen = families.choose(head.executables, wanted)
    common, new_only, missing = {}, [], []
    for family, executable in chosen.items():
        on_head = families.benchmark_names(executable, regex)
        on_base = families.benchmark_names(base.executables[family], regex) if family in base.executables else []
        shared = [name for name in on_head if name in set(on_base)]
        new_only += [name for name in on_head if name not in set(on_base)]
        missing += [name for name in on_base if name not in set(on_head)]
        if shared:
            common[family] = shared
    return Plan(common, new_only, missing)


class RoundProgress:
    """One line per side and round, with the time left at the pace so far."""

    def __init__(self, runs: int):
        self.runs, self.done, self.errors = runs, 0, 0
        self.started = time.monotonic()

    def finished(self, name: str, status: str) -> None:
        if status not in (ybresults.progress.OK, ybresults.progress.RUNNING) and not status.startswith(
            ybresults.progress.SKIPPED
        ):
            self.errors += 1

    def ran(self, what: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.runs - self.done)
        build.say(f"[{self.done}/{self.runs}] {what} done, {elapsed:.0f} s so far, about {left:.0f} s left")


def measure(sides: list, chosen: Plan, rounds: int, arguments: list, budget: float, out: pathlib.Path) -> dict:
    """{side label: {family: Google Benchmark document}} of `rounds` alternating processes per side and family;
    entries carry the round as process_index."""
    outputs = {side.label: {} for side in sides}
    shown = RoundProgress(rounds * len(sides))
    for round_index in range(rounds):
        for side in sides if round_index % 2 == 0 else list(reversed(sides)):
            folder = out / f"round-{round_index + 1}" / side.label
            folder.mkdir(parents=True, exist_ok=True)
            for family, selected in chosen.families.items():
                run = FamilyRun(family)
                run.run(
                    side.executables[family],
                    selected,
                    arguments,
                    budget,
                    folder,
                    shown,
                    side.environment,
                )
                document = run.output()
                if document is None:
                    continue
                for entry in document["benchmarks"]:
                    entry["process_index"] = round_index
                kept = outputs[side.label].setdefault(
                    family, {"context": document.get("context", {}), "benchmarks": []}
                )
                kept["benchmarks"] += document["benchmarks"]
            shown.ran(f"round {round_index + 1}/{rounds} {side.label}")
    return outputs


@dataclass(frozen=True)
class Settings:
    """How an A/B gate measures and decides."""

    measure: str = "time"
    rounds: int = 4  # processes per side, alternating
    repetitions: int = 5  # per process
    threshold: float = None  # None: ci/thresholds
    alpha: float = ybgate.ALPHA
    rules: tuple = None  # thresholds rules (None: ci/thresholds)

    def describe(self) -> str:
        if self.measure == "instructions":
            return f"instruction counts, {self.repetitions} repetitions a side"
        return f"{self.rounds} alternating processes a side x {self.repetitions} repetitions"


def side_outputs(settings: Settings, sides: list, chosen: Plan, folder: pathlib.Path) -> dict:
    """{side label: {family: document}}: time in alternating rounds; instruction counts once a side (they repeat)."""
    if settings.measure == "instructions":
        from . import instructions

        outputs = {}
        for side in sides:
            counted = {
                family: [name for name in selected if not instructions.covered(name, family)]
                for family, selected in chosen.families.items()
            }
            side_dir = folder / side.label
            side_dir.mkdir(parents=True, exist_ok=True)
            shown = RoundProgress(1)
            outputs[side.label], _ = instructions.measure_families(
                side.executables,
                {family: names for family, names in counted.items() if names},
                settings.repetitions,
                side_dir,
                shown,
                side.environment,
            )
            shown.ran(f"instruction counts of the {side.label}")
        return outputs
    from .run import PROFILES  # the quick profile's latency pass and watchdog budget

    profile = PROFILES["quick"]
    arguments = [
        f"--benchmark_min_time={MIN_TIME}",
        f"--benchmark_repetitions={settings.repetitions}",
        f"--yb_latency_seconds={profile.latency_seconds}",
        "--benchmark_enable_random_interleaving=false",
        "--benchmark_report_aggregates_only=false",
    ]
    return measure(sides, chosen, settings.rounds, arguments, profile.budget_seconds, folder)


def gate(base: Side, head: Side, chosen: Plan, settings: Settings, run_dir: pathlib.Path, run_id: str) -> tuple:
    """(ybgate.Comparison, {"base": results file, "head": results file}): both sides measured into `run_dir`
    (base/results.json, results.json), judged, suspects confirmed by a second measurement."""
    outputs = side_outputs(settings, [base, head], chosen, run_dir / "rounds")
    written = {}
    for side in (base, head):
        metadata = {
            "run_id": f"{run_id}-{side.label}" if side is base else run_id,
            "profile": "quick",
            "measure": settings.measure,
            "repetitions": settings.repetitions,
            "rounds": settings.rounds,
            "side": side.label,
            "commit": side.commit,
            "families": list(outputs[side.label]),
            "partial": False,
            "failures": [],
            "command": runfolder.command_line(),
        }
        written[side.label] = run_dir / ("base" if side is base else ".") / "results.json"
        ybresults.write(written[side.label], ybresults.merge(outputs[side.label], metadata))
    build.say("step 3/4: compare")
    comparison = ybgate.compare(
        ybresults.load(written["base"]),
        ybresults.load(written["head"]),
        settings.threshold,
        settings.alpha,
        list(settings.rules) if settings.rules is not None else None,
        mode="ab",
    )
    comparison.new_only, comparison.missing = chosen.new_only, chosen.missing
    suspects = [verdict.name for verdict in comparison.of_kind("regression")]
    if suspects and settings.measure == "time":
        confirm(comparison, base, head, chosen, suspects, settings, run_dir / "confirm")
    return comparison, written


def confirm(comparison, base: Side, head: Side, chosen: Plan, suspects: list, settings: Settings, folder) -> None:
    """Measures the suspects again, alternately; a regression stands only when this measurement finds it too."""
    build.say(f"confirming {len(suspects)} suspect(s): measured again, {settings.describe()}")
    wanted = set(suspects)
    selected = {family: [n for n in found if n in wanted] for family, found in chosen.families.items()}
    selected = {family: found for family, found in selected.items() if found}
    again = Plan(selected, [], [])
    outputs = side_outputs(settings, [base, head], again, folder)
    measured = {
        side: ybresults.model.from_document(
            ybresults.merge(outputs[side], {"measure": settings.measure}), folder / side
        )
        for side in ("base", "head")
    }
    rules = list(settings.rules) if settings.rules is not None else None
    second = ybgate.compare(measured["base"], measured["head"], settings.threshold, settings.alpha, rules, mode="ab")
    by_name = {verdict.name: verdict for verdict in second.verdicts}
    confirmed = 0
    for verdict in comparison.of_kind("regression"):
        other = by_name.get(verdict.name)
        if other is not None and other.kind == "regression":
            confirmed += 1
            verdict.reason += f"; confirmed when measured again ({other.change:+.1%}, q {other.q:.2g})"
        else:
            verdict.kind = "unchanged"
            verdict.reason = f"not confirmed when measured again ({other.reason if other else 'no result'})"
    comparison.verdicts.sort(key=lambda verdict: (ybgate.KINDS.index(verdict.kind), verdict.name))
    comparison.confirmation = (
        f"confirmation: {len(suspects)} suspect(s) measured again, alternately: {confirmed} confirmed, "
        f"{len(suspects) - confirmed} not (their first verdicts set aside)"
    )

"""`yieldbench bisect`: the bisection over a fake measurement (building and A/B-measuring commits takes minutes
per step; the measurement itself is ab.gate, tested with the gate), the candidate commits from git, and the
command's bad input end to end."""
import math
import pathlib
import subprocess

import pytest

from ybcli import bisect_cmd
from ybcli.errors import UsageError

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 33, 100])
def test_bisect_names_the_first_bad_commit_in_about_log2_steps(count):
    commits = [f"{index:040x}" for index in range(count)]
    for first_bad in range(count):
        measured = []

        def is_bad(commit):
            measured.append(commit)
            bad = commits.index(commit) >= first_bad
            return bad, "regression, +12.0% against the good commit" if bad else "unchanged, +0.3%"

        outcome = bisect_cmd.bisect(commits, is_bad, say=lambda message: None)
        assert outcome.first_bad == commits[first_bad]
        assert len(measured) <= math.ceil(math.log2(count)) if count > 1 else not measured
        assert len(set(measured)) == len(measured), "no commit is measured twice"
        assert [step.commit for step in outcome.steps] == measured


def test_the_candidates_are_the_commits_after_good_up_to_bad():
    commits = subprocess.run(
        ["git", "rev-list", "--reverse", "--first-parent", "-n", "4", "HEAD"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    if len(commits) < 4:
        pytest.skip("a shallow clone: fewer than 4 commits")
    newest = subprocess.run(
        ["git", "rev-list", "-n", "4", "--first-parent", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.split()[::-1]
    found = bisect_cmd.candidates(newest[0], newest[-1])
    assert found[0] != newest[0] and found[-1] == newest[-1] and newest[1] in found
    with pytest.raises(UsageError, match="is not an ancestor"):
        bisect_cmd.candidates(newest[-1], newest[0])


def test_options_are_checked_before_anything_is_built():
    with pytest.raises(UsageError, match="not a benchmark name"):
        bisect_cmd.Options("HEAD~1", "HEAD", "nope")
    assert bisect_cmd.Options("HEAD~1", "HEAD", "a/b/c").rounds == bisect_cmd.ROUNDS


def yieldbench(*args):
    return subprocess.run([YIELDBENCH, *args], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)


def test_bisect_bad_input_is_one_line_exit_2():
    unknown = yieldbench("bisect", "--good", "no-such-ref", "--bad", "HEAD", "--benchmark", "generators/a/b")
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "no-such-ref: not a commit" in unknown.stderr
    name = yieldbench("bisect", "--good", "HEAD", "--bad", "HEAD", "--benchmark", "x")
    assert name.returncode == 2 and "not a benchmark name" in name.stderr
    same = yieldbench("bisect", "--good", "HEAD", "--bad", "HEAD", "--benchmark", "generators/a/b")
    assert same.returncode == 2 and "no commits between" in same.stderr
    missing = yieldbench("bisect", "--good", "HEAD")
    assert missing.returncode == 2 and "required" in missing.stderr

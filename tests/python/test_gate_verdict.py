"""The one verdict function (ybgate.verdict.decide) on synthetic samples: multiple-testing control, the
whole-run shift, process separation, the far-beyond-the-spread rule, instruction counts; and the
pull-request comment's size limit."""
import math
import random

import pytest

import ybgate
from ybgate import Pair, Samples, decide, render

THRESHOLD = 0.05


def processes(center: float, spread: float, rng, count=4, repetitions=5, process_spread=0.0) -> Samples:
    """count processes x repetitions values around `center`, each process shifted by its own offset."""
    values, owners = [], []
    for process in range(count):
        offset = 1 + rng.gauss(0, process_spread)
        for _ in range(repetitions):
            values.append(center * offset * (1 + rng.gauss(0, spread)))
            owners.append(process)
    return Samples(tuple(values), tuple(owners))


def kinds(verdicts) -> dict:
    return {verdict.name: verdict.kind for verdict in verdicts}


def test_four_hundred_identical_benchmarks_raise_no_alarm():
    rng = random.Random(1)
    pairs = [
        Pair(f"g/w/i/n:{i}", processes(1000, 0.02, rng), processes(1000, 0.02, rng), THRESHOLD) for i in range(400)
    ]
    verdicts, shift = decide(pairs)
    assert shift is None
    assert sum(v.kind in ("regression", "improvement") for v in verdicts) == 0


def test_one_ten_percent_slower_benchmark_among_many_is_found_and_only_it():
    rng = random.Random(2)
    pairs = [
        Pair(f"g/w/i/n:{i}", processes(1000, 0.02, rng), processes(1000, 0.02, rng), THRESHOLD) for i in range(200)
    ]
    pairs.append(Pair("g/w/slow/n:1", processes(1000, 0.02, rng), processes(1100, 0.02, rng), THRESHOLD))
    verdicts, _ = decide(pairs)
    found = {v.name for v in verdicts if v.kind == "regression"}
    assert found == {"g/w/slow/n:1"}
    slow = next(v for v in verdicts if v.name == "g/w/slow/n:1")
    assert slow.q < ybgate.ALPHA and slow.change == pytest.approx(0.10, abs=0.02)


def test_a_whole_run_shift_is_one_finding_and_each_benchmark_is_judged_against_it():
    rng = random.Random(3)
    pairs = [Pair(f"g/w/i/n:{i}", processes(1000, 0.01, rng), processes(1060, 0.01, rng), THRESHOLD) for i in range(30)]
    pairs.append(Pair("g/w/worse/n:1", processes(1000, 0.01, rng), processes(1060 * 1.2, 0.01, rng), THRESHOLD))
    verdicts, shift = decide(pairs)
    assert shift is not None and shift.change == pytest.approx(0.06, abs=0.01) and shift.compared == 31
    assert "all 31 moved +6" in shift.describe() and "machine drift or a build-wide change" in shift.describe()
    assert kinds(verdicts)["g/w/worse/n:1"] == "regression"
    assert sum(v.kind == "regression" for v in verdicts) == 1, "the shift is not hundreds of rows"


def test_the_shift_fails_an_ab_gate_but_only_warns_against_a_committed_baseline():
    rng = random.Random(4)
    pairs = [Pair(f"g/w/i/n:{i}", processes(1000, 0.01, rng), processes(1080, 0.01, rng), THRESHOLD) for i in range(12)]
    verdicts, shift = decide(pairs)
    for mode, status in (("ab", 1), ("baseline", 0)):
        comparison = ybgate.Comparison(None, None, 0.05, verdicts, shift, mode)
        comparison.base = type("R", (), {"measure": "time", "path": "b"})()
        assert comparison.exit_status == status, mode


def test_one_odd_process_is_not_a_regression():
    # Three processes agree with the base; one ran 30% slower (a neighbour's compile on its CPU).
    base = Samples(tuple([1000.0] * 20), tuple(p for p in range(4) for _ in range(5)))
    new_values = [1000.0] * 15 + [1300.0] * 5
    new = Samples(tuple(v * (1 + 0.001 * i) for i, v in enumerate(new_values)), base.processes)
    verdicts, _ = decide([Pair("g/w/a/n:1", base, new, THRESHOLD)])
    assert verdicts[0].kind != "regression"


def test_noisy_never_hides_a_change_far_beyond_the_spread():
    rng = random.Random(5)
    base = processes(1000, 0.08, rng, count=1, repetitions=3)
    new = Samples(tuple(v * 2.0 for v in base.values), base.processes)  # twice as slow, 3 repetitions each
    verdicts, _ = decide([Pair("g/w/a/n:1", base, new, THRESHOLD)])
    assert verdicts[0].kind == "regression" and "spread" in verdicts[0].reason


def test_instruction_counts_decide_by_threshold_and_ranges():
    base = Samples((5000.0, 5000.0, 5000.0))
    verdicts, _ = decide(
        [
            Pair("g/w/a/n:1", base, Samples((5100.0,) * 3), 0.01),
            Pair("g/w/b/n:1", base, Samples((5040.0,) * 3), 0.01),
        ],
        deterministic=True,
    )
    assert kinds(verdicts) == {"g/w/a/n:1": "regression", "g/w/b/n:1": "unchanged"}
    assert all(math.isnan(v.p) for v in verdicts), "no test is needed for deterministic counts"


def test_a_failed_side_is_an_error_verdict():
    verdicts, _ = decide([Pair("g/w/a/n:1", Samples(error="checksum mismatch"), Samples((1.0, 2.0)), THRESHOLD)])
    assert verdicts[0].kind == "error" and "checksum mismatch" in verdicts[0].reason


def test_the_pull_request_comment_fits_and_leads_with_the_findings():
    rng = random.Random(6)
    pairs = [
        Pair(f"generators/sum_plus_one/impl_{i}/n:{i}", processes(1000, 0.01, rng), processes(1000, 0.01, rng), 0.05)
        for i in range(2000)
    ]
    pairs.append(Pair("generators/sum_plus_one/slow/n:1", processes(1000, 0.01, rng), processes(1200, 0.01, rng), 0.05))
    verdicts, shift = decide(pairs)
    results = type("R", (), {"measure": "time", "path": "results.json"})()
    comparison = ybgate.Comparison(results, results, 0.05, sorted(verdicts, key=lambda v: ybgate.KINDS.index(v.kind)))
    full = render.render_markdown(comparison)
    comment = render.render_comment(comparison)
    assert len(full) > render.COMMENT_LIMIT >= len(comment)
    assert comment.startswith(render.COMMENT_MARKER)
    assert comment.index("generators/sum_plus_one/slow/n:1") < comment.index("full table")

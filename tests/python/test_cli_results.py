"""The results helpers on their own: noise verdicts, atomic writes, the latest link, the summary."""
import json

import pytest
from ybcli import results, summary


def iteration(name, real_time, **counters):
    return {
        "name": name,
        "run_name": name,
        "run_type": "iteration",
        "real_time": real_time,
        "time_unit": "ns",
        **counters,
    }


def test_noise_marks_a_spread_above_five_percent_unstable():
    benchmarks = [iteration("f/w/steady/n:1", t) for t in (100, 101, 99)]
    benchmarks += [iteration("f/w/jumpy/n:1", t) for t in (100, 130, 70)]
    benchmarks += [iteration("f/w/once/n:1", 100)]
    verdicts = results.noise(benchmarks)
    assert verdicts["f/w/steady/n:1"]["unstable"] is False
    assert verdicts["f/w/steady/n:1"]["cv"] == pytest.approx(0.01)
    assert verdicts["f/w/jumpy/n:1"]["unstable"] is True
    assert verdicts["f/w/once/n:1"] == {"repetitions": 1, "cv": None, "unstable": None}


def test_atomic_write_leaves_the_old_file_when_serialising_fails(tmp_path):
    target = tmp_path / "results.json"
    results.write_atomically(target, {"benchmarks": [1]})
    with pytest.raises(TypeError):
        results.write_atomically(target, {"benchmarks": [object()]})
    assert json.loads(target.read_text()) == {"benchmarks": [1]}
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


def test_latest_link_moves_to_the_newest_run(tmp_path):
    for run in ("run-a", "run-b"):
        (tmp_path / run).mkdir()
        results.point_latest(tmp_path, tmp_path / run)
    assert (tmp_path / "latest").resolve() == (tmp_path / "run-b").resolve()


def test_summary_sorts_by_time_and_separates_shared_parameters():
    document = {
        "benchmarks": [
            iteration("g/sum/slow/n:10", 300.0, heap_peak_bytes=2048, ctx_voluntary=0, ctx_involuntary=0),
            iteration("g/sum/fast/n:10", 100.0, heap_peak_bytes=0, ctx_voluntary=0, ctx_involuntary=0),
            iteration("g/sum/eager/n:10/pages:cold", 200.0, heap_peak_bytes=4096, ctx_voluntary=1, ctx_involuntary=0),
            {**iteration("g/sum/broken/n:10", 0.0), "error_occurred": True, "error_message": "checksum mismatch"},
            {**iteration("g/sum/huge/n:10", 0.0), "error_occurred": True, "error_message": "skipped: needs 8 GiB"},
        ]
    }
    text = summary.render(document)
    lines = text.splitlines()
    assert lines[0] == "g/sum  n:10"
    order = [line.split()[0] for line in lines[2:7]]
    assert order[:3] == ["fast", "eager", "slow"] and sorted(order[3:]) == ["broken", "huge"]
    assert "eager pages:cold" in text and "2 KiB" in text
    assert "  - broken: checksum mismatch" in lines and "  - huge: skipped: needs 8 GiB" in lines
    assert any(line.split()[:2] == ["huge", "SKIPPED"] for line in lines)
    assert max(map(len, lines[1:7])) < 100, "messages stay out of the columns"


def test_merge_keeps_what_a_later_family_says_differently():
    outputs = {
        "generators": {
            "context": {"executable": "bin/yb_generators", "cpu_model": "X", "unavailable_metrics": "none"},
            "benchmarks": [iteration("generators/w/i/n:1", 1.0)],
        },
        "python": {
            "context": {"executable": "bin/yb_python", "cpu_model": "X", "unavailable_metrics": "heap_allocs"},
            "benchmarks": [iteration("generators/w/py_i/n:1", 2.0)],
        },
    }
    merged = results.merge(outputs, {"run_id": "r"})
    assert merged["context"]["unavailable_metrics"] == "none"
    assert merged["context"]["executables"] == ["bin/yb_generators", "bin/yb_python"]
    assert merged["yieldbench"]["family_contexts"] == {"python": {"unavailable_metrics": "heap_allocs"}}
    assert len(merged["benchmarks"]) == 2

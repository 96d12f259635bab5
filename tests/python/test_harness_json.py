"""What a family executable writes: every repetition reports numbers measured in it, none left over."""
import json
import math
import subprocess

import pytest
from ybcli import paths

GENERATORS = paths.bin_dir("release") / "yb_generators"


@pytest.mark.skipif(
    not GENERATORS.exists(),
    reason="needs build/release/bin/yb_generators " "(`scripts/yieldbench test` builds it before pytest)",
)
def test_every_repetition_reports_only_numbers_it_measured(tmp_path):
    # Google Benchmark 1.7.1's memory pass reported freed memory for all repetitions but the last
    # (max_bytes_used 7.3e18); the harness no longer registers it, and its own heap counters must
    # agree across repetitions of a deterministic workload.
    out = tmp_path / "out.json"
    done = subprocess.run(
        [
            str(GENERATORS),
            "--benchmark_filter=^generators/fibonacci_take/eager_vector/n:1000/pages:warm/",
            "--benchmark_min_time=0.001",
            "--benchmark_repetitions=3",
            "--yb_latency_seconds=0.01",
            "--benchmark_report_aggregates_only=false",
            f"--benchmark_out={out}",
            "--benchmark_out_format=json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    iterations = [e for e in json.loads(out.read_text())["benchmarks"] if e["run_type"] == "iteration"]
    assert [e["repetition_index"] for e in iterations] == [0, 1, 2]
    for entry in iterations:
        assert not {"max_bytes_used", "total_allocated_bytes", "net_heap_growth"} & entry.keys()
        for key, value in entry.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert math.isfinite(value) and abs(value) < 2**53, (key, value)
        assert entry["heap_peak_bytes"] >= 8 * 1000, "the eager vector holds 1000 numbers"
    assert len({(e["heap_peak_bytes"], e["heap_allocs"]) for e in iterations}) == 1

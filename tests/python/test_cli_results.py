"""The run folder's `latest` link and the terminal summary, on their own."""
import ybresults
from ybcli import runfolder, summary


def iteration(name, real_time, **counters):
    return {
        "name": name,
        "run_name": name,
        "run_type": "iteration",
        "real_time": real_time,
        "time_unit": "ns",
        **counters,
    }


def test_latest_link_moves_to_the_newest_run(tmp_path):
    for run in ("run-a", "run-b"):
        (tmp_path / run).mkdir()
        runfolder.point_latest(tmp_path, tmp_path / run)
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
    text = summary.render(ybresults.model.from_document(document, "memory"))
    lines = text.splitlines()
    assert lines[0] == "g/sum  n:10"
    order = [line.split()[0] for line in lines[2:7]]
    assert order[:3] == ["fast", "eager", "slow"] and sorted(order[3:]) == ["broken", "huge"]
    assert "eager pages:cold" in text and "2 KiB" in text
    assert "  - broken: checksum mismatch" in lines and "  - huge: skipped: needs 8 GiB" in lines
    assert any(line.split()[:2] == ["huge", "SKIPPED"] for line in lines)
    assert max(map(len, lines[1:7])) < 100, "messages stay out of the columns"

"""results.csv beside results.json: one row per benchmark and repetition, counters as columns, aggregates left
out; written by every run, whole or partial."""
import csv
import io
import json
import pathlib
import subprocess

import pytest

import ybresults
from ybresults import results_csv
from ybresults.units import TIME_UNIT_NS

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1].parent
FIXTURES = REPO_ROOT / "tests" / "python" / "reports" / "fixtures"
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")


def read_csv(text: str) -> list:
    return list(csv.DictReader(io.StringIO(text)))


def check_matches(document: dict, rows: list) -> None:
    """Every non-aggregate entry is one row, in order, with its name, status and every number it holds."""
    entries = [e for e in document["benchmarks"] if e.get("run_type", "iteration") != "aggregate"]
    assert len(rows) == len(entries) > 0
    for entry, row in zip(entries, rows):
        assert row["name"] == entry["run_name"]
        parts = entry["run_name"].split("/")
        if len(parts) >= 3 and ":" not in parts[2]:
            assert [row["family"], row["workload"], row["implementation"]] == parts[:3]
        if entry.get("error_occurred") or entry.get("skipped"):
            assert row["status"] in ("skipped", "failed") and row["message"]
            assert row["time_ns"] == ""
            continue
        assert row["status"] == "ok"
        factor = TIME_UNIT_NS[entry.get("time_unit", "ns")]
        assert float(row["time_ns"]) == pytest.approx(entry["real_time"] * factor)
        for key, value in entry.items():
            if key in ("real_time", "cpu_time") or key not in row:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in ("iterations",):
                assert float(row[key]) == pytest.approx(value), key
        if entry.get("items_per_second"):
            assert float(row["ns_per_item"]) == pytest.approx(1e9 / entry["items_per_second"])


@pytest.mark.parametrize("fixture", ["quick_reps.json", "errored.json", "single_run.json"])
def test_csv_rows_and_columns_match_the_json(fixture):
    document = (
        ybresults.read(FIXTURES / fixture) if fixture != "errored.json" else ybresults.read_output(FIXTURES / fixture)
    )
    text = results_csv.text(document)
    rows = read_csv(text)
    check_matches(document, rows)
    header = text.splitlines()[0].split(",")
    numbers = {
        key
        for e in document["benchmarks"]
        if e.get("run_type", "iteration") != "aggregate" and not e.get("error_occurred") and not e.get("skipped")
        for key, value in e.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    }
    counters = numbers - set(ybresults.counters.BOOKKEEPING) - {"real_time", "cpu_time"}
    assert counters <= set(header), counters - set(header)
    assert header.index("time_ns") < min(header.index(c) for c in counters)


def test_csv_says_skipped_and_failed_apart():
    rows = read_csv(results_csv.text(ybresults.read_output(FIXTURES / "errored.json")))
    status = {row["name"]: (row["status"], row["message"]) for row in rows}
    assert status["parallelism/spawn_join/posix_spawn/workers:4"] == ("failed", "checksum mismatch: expected 10 got 0")
    assert status["io/echo_tcp/io_uring/conns:4/msg:64"][0] == "skipped"


def test_csv_names_the_item_and_leaves_aggregates_out(tmp_path):
    document = {
        "context": {"yb_item:g/w": "round trip"},
        "benchmarks": [
            {
                "name": "g/w/i/n:1",
                "run_name": "g/w/i/n:1",
                "run_type": "iteration",
                "repetition_index": r,
                "real_time": 2.0,
                "time_unit": "us",
                "items_per_second": 1e8,
            }
            for r in (0, 1)
        ]
        + [
            {
                "name": "g/w/i/n:1_mean",
                "run_name": "g/w/i/n:1",
                "run_type": "aggregate",
                "aggregate_name": "mean",
                "real_time": 2.0,
                "time_unit": "us",
            }
        ],
    }
    path = tmp_path / "results.csv"
    ybresults.write_csv(path, document)
    rows = read_csv(path.read_text())
    assert [(r["item"], r["repetition_index"], r["time_ns"], r["ns_per_item"]) for r in rows] == [
        ("round trip", "0", "2000.0", "10.0"),
        ("round trip", "1", "2000.0", "10.0"),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"], "no temporary file left"


def test_instruction_mode_has_instructions_and_no_time_per_item():
    document = {
        "context": {"yb_item:g/w": "element"},
        "yieldbench": {"measure": "instructions"},
        "benchmarks": [
            {
                "name": "g/w/i/n:1",
                "run_name": "g/w/i/n:1",
                "run_type": "iteration",
                "real_time": 1234.0,
                "time_unit": "Ir",
                "items_per_second": 1e6,
            }
        ],
    }
    (row,) = read_csv(results_csv.text(document))
    assert row["instructions"] == "1234.0" and "time_ns" not in row and "ns_per_item" not in row


def test_a_run_writes_results_csv_beside_results_json(tmp_path):
    done = subprocess.run(
        [
            YIELDBENCH,
            "run",
            "--family",
            "generators",
            "--filter",
            "sum_plus_one",
            "--profile",
            "smoke",
            "--out",
            str(tmp_path),
            "--history",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    latest = tmp_path / "latest"
    document = json.loads((latest / "results.json").read_text())
    rows = read_csv((latest / "results.csv").read_text())
    check_matches(document, rows)
    assert {row["item"] for row in rows} == {"element"}
    assert "time/element" in done.stdout
    summary_md = (latest / "report" / "summary.md").read_text()
    assert "wall time per element" in summary_md

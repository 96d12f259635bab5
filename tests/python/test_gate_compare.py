"""yieldbench compare: verdicts on synthetic results, thresholds, contexts, exit statuses, bad input."""
import json
import pathlib

import pytest

import ybgate
import ybresults
from ybcli.__main__ import main

FIXTURES = pathlib.Path(__file__).parent / "gate_fixtures"
# Nine repetitions around 1000 ns with a 1% spread: a quiet benchmark.
QUIET = [990.0, 1000.0, 1010.0, 995.0, 1005.0, 1002.0, 998.0, 1008.0, 992.0]


def document(benchmarks: dict, measure: str = "time", **context) -> dict:
    """A results document: {run_name: [per-repetition real_time]} -> GB JSON with aggregates."""
    entries = []
    for name, times in benchmarks.items():
        for index, value in enumerate(times):
            entries.append(
                {
                    "name": name,
                    "run_name": name,
                    "run_type": "iteration",
                    "repetitions": len(times),
                    "repetition_index": index,
                    "iterations": 100,
                    "real_time": value,
                    "cpu_time": value,
                    "time_unit": "ns",
                    "heap_peak_bytes": 4096.0,
                    "ctx_switches": 0.0,
                }
            )
        entries.append(
            {
                "name": name + "_median",
                "run_name": name,
                "run_type": "aggregate",
                "aggregate_name": "median",
                "real_time": 1.0,
                "time_unit": "ns",
            }
        )
    return {
        "context": {"compiler": "GNU 12.2.0", "cpu_model": "Test CPU", "build_preset": "release", **context},
        "benchmarks": entries,
        "yieldbench": {"measure": measure},
    }


def write(tmp_path, name: str, doc) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return str(path)


def run_compare(tmp_path, base: dict, new: dict, *options) -> int:
    return main(["compare", write(tmp_path, "base.json", base), write(tmp_path, "new.json", new), *options])


def comparison_of(tmp_path, base: dict, new: dict, **options) -> ybgate.Comparison:
    return ybgate.compare(
        ybresults.load(write(tmp_path, "b.json", base)), ybresults.load(write(tmp_path, "n.json", new)), **options
    )


def verdicts(tmp_path, base: dict, new: dict, **options) -> dict:
    comparison = comparison_of(tmp_path, base, new, rules=[], **options)
    return {verdict.name: verdict.kind for verdict in comparison.verdicts}


def test_identical_results_are_unchanged_and_pass(tmp_path, capsys):
    doc = document({"g/w/a/n:1": QUIET, "g/w/b/n:1": [value * 3 for value in QUIET]})
    assert run_compare(tmp_path, doc, doc) == 0
    out = capsys.readouterr().out
    assert "PASS: 2 benchmarks compared (2 unchanged)" in out


def test_ten_percent_slower_with_nine_repetitions_is_a_regression_exit_1(tmp_path, capsys):
    base = document({"g/w/a/n:1": QUIET, "g/w/b/n:1": QUIET})
    new = document({"g/w/a/n:1": [value * 1.10 for value in QUIET], "g/w/b/n:1": QUIET})
    assert run_compare(tmp_path, base, new, "--markdown", str(tmp_path / "gate.md")) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("g/w/a/n:1"))
    assert "+10.0%" in line and "REGRESSION" in line
    assert "FAIL" in out.splitlines()[-1]
    markdown = (tmp_path / "gate.md").read_text()
    assert "**REGRESSION**" in markdown and "| `g/w/b/n:1` |" in markdown


def test_ten_percent_faster_is_an_improvement_and_passes(tmp_path):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": [value * 0.9 for value in QUIET]})
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "improvement"}
    assert run_compare(tmp_path, base, new) == 0


def test_two_repetitions_decide_only_a_change_far_beyond_their_spread(tmp_path, capsys):
    # 10% against a 0.7% spread: too few repetitions for the U test, but `noisy` may not hide it.
    base = document({"g/w/a/n:1": QUIET[:2]})
    new = document({"g/w/a/n:1": [value * 1.10 for value in QUIET[:2]]})
    assert run_compare(tmp_path, base, new) == 1
    assert "3 x its spread" in capsys.readouterr().out
    # 10% against a 4% spread with overlapping repetitions: the test cannot decide, nor can the spread.
    wide = [960.0, 1040.0]
    base = document({"g/w/a/n:1": wide})
    new = document({"g/w/a/n:1": [value * 1.10 for value in wide]})
    assert run_compare(tmp_path, base, new) == 0
    assert "too few repetitions (2 vs 2)" in capsys.readouterr().out


def test_three_against_three_cannot_reach_alpha_but_four_can():
    assert ybgate.smallest_p(3, 3) == pytest.approx(0.1)
    assert ybgate.smallest_p(4, 4) < 0.05


def test_a_shift_inside_the_runs_own_scatter_is_noisy(tmp_path):
    wild = [700.0, 1300.0, 900.0, 1100.0, 1000.0, 800.0, 1200.0, 950.0, 1050.0]  # CV about 19%
    base = document({"g/w/a/n:1": wild})
    new = document({"g/w/a/n:1": [value * 1.10 for value in wild]})
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "noisy"}


def test_small_significant_change_below_the_threshold_is_unchanged(tmp_path):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": [value * 1.03 for value in QUIET]})
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "unchanged"}
    assert verdicts(tmp_path, base, new, threshold=0.02) == {"g/w/a/n:1": "regression"}


def test_new_and_missing_benchmarks_are_listed_not_failed(tmp_path, capsys):
    base = document({"g/w/a/n:1": QUIET, "g/w/gone/n:1": QUIET})
    new = document({"g/w/a/n:1": QUIET, "g/w/added/n:1": QUIET})
    assert run_compare(tmp_path, base, new) == 0
    out = capsys.readouterr().out
    assert "  + g/w/added/n:1" in out and "  - g/w/gone/n:1" in out
    assert "1 new; 1 missing" in out


def test_errored_benchmark_is_listed_not_failed(tmp_path):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": QUIET})
    new["benchmarks"][0].update(error_occurred=True, error_message="checksum mismatch")
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "error"}


def test_differing_contexts_are_a_warning_on_top(tmp_path, capsys):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": QUIET}, compiler="Clang 16", cpu_model="Other CPU")
    assert run_compare(tmp_path, base, new) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "warning: compiler differs: base 'GNU 12.2.0', new 'Clang 16'"
    assert lines[1].startswith("warning: CPU model differs")


def test_differing_measure_modes_are_bad_input(tmp_path, capsys):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": QUIET}, measure="instructions")
    assert run_compare(tmp_path, base, new) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "measure modes differ" in err


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"benchmarks": [', "truncated JSON"),
        ("[1, 2]", "the top level is an array"),
        ('{"benchmarks": [{"name": "g/w/a", "run_type": "iteration"}]}', "has no real_time"),
        ('{"benchmarks": [{"name": "g/w/a", "real_time": "fast"}]}', "not a number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    good = write(tmp_path, "good.json", document({"g/w/a/n:1": QUIET}))
    assert main(["compare", good, write(tmp_path, "bad.json", content)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_file_and_bad_options_are_exit_2(tmp_path, capsys):
    good = write(tmp_path, "good.json", document({"g/w/a/n:1": QUIET}))
    assert main(["compare", good, str(tmp_path / "absent.json")]) == 2
    assert main(["compare", good, good, "--threshold", "lots"]) == 2
    assert main(["compare", good, good, "--alpha", "3"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "no such file" in err[0] and "--threshold" in err[1] and "--alpha" in err[2]


def test_thresholds_file_most_specific_line_wins(tmp_path):
    path = tmp_path / "thresholds"
    path.write_text("# comment\ntime * 5%\ntime io 10%   # sockets\ntime io/echo_tcp/epoll 0.2\n" "instructions * 1%\n")
    rules = ybgate.load_thresholds(path)
    assert ybgate.threshold_for("generators/x/y/n:1", "time", rules) == 0.05
    assert ybgate.threshold_for("io/pipe/z/n:1", "time", rules) == 0.10
    assert ybgate.threshold_for("io/echo_tcp/epoll/conns:1", "time", rules) == 0.2
    assert ybgate.threshold_for("iox/a/b", "time", rules) == 0.05, "a family is matched whole, not as a prefix"
    assert ybgate.threshold_for("io/pipe/z/n:1", "instructions", rules) == 0.01
    assert ybgate.threshold_for("io/pipe/z/n:1", "time", rules, override=0.5) == 0.5


def test_a_family_threshold_changes_the_verdict(tmp_path):
    base = document({"io/w/a/n:1": QUIET, "g/w/a/n:1": QUIET})
    new = document({"io/w/a/n:1": [v * 1.08 for v in QUIET], "g/w/a/n:1": [v * 1.08 for v in QUIET]})
    comparison = comparison_of(tmp_path, base, new, rules=[ybgate.Rule("time", "io", 0.10, 1)])
    assert {v.name: v.kind for v in comparison.verdicts} == {"io/w/a/n:1": "unchanged", "g/w/a/n:1": "regression"}


def test_malformed_thresholds_file_is_a_one_line_error(tmp_path, capsys):
    path = write(tmp_path, "thresholds", "time generators\n")
    good = write(tmp_path, "good.json", document({"g/w/a/n:1": QUIET}))
    assert main(["compare", good, good, "--thresholds", path]) == 2
    assert "thresholds:1: expected" in capsys.readouterr().err


def test_instruction_counts_decide_by_threshold_without_the_u_test(tmp_path):
    base = document({"g/w/a/n:1": [5000.0] * 3, "g/w/b/n:1": [5000.0] * 3}, measure="instructions")
    new = document({"g/w/a/n:1": [5100.0] * 3, "g/w/b/n:1": [5020.0] * 3}, measure="instructions")
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "regression", "g/w/b/n:1": "unchanged"}


def test_time_units_are_normalised(tmp_path):
    base = document({"g/w/a/n:1": QUIET})
    new = document({"g/w/a/n:1": [value / 1000 for value in QUIET]})
    for entry in new["benchmarks"]:
        entry["time_unit"] = "us"
    assert verdicts(tmp_path, base, new) == {"g/w/a/n:1": "unchanged"}


def test_fixture_files_from_a_real_run_shape(capsys):
    """Two small files in the shape `yieldbench run` writes: a regression, an improvement, noise, and three
    repetitions whose +20% is far beyond their 1% spread (too few for the U test, but not hidden as noise)."""
    status = main(["compare", str(FIXTURES / "base.json"), str(FIXTURES / "new.json")])
    out = capsys.readouterr().out
    assert status == 1
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines() if line.startswith("generators/")}
    assert rows == {
        "generators/sum_plus_one/iterator/n:1000": "REGRESSION",
        "generators/sum_plus_one/callback/n:1000": "improvement",
        "generators/sum_plus_one/fiber_generator/n:1000": "noisy",
        "generators/sum_plus_one/ranges_view/n:1000": "unchanged",
        "generators/sum_plus_one/eager_vector/n:1000/pages:warm": "REGRESSION",
    }


def test_report_draws_the_comparison_through_reports(tmp_path):
    out = tmp_path / "report"
    assert main(["compare", str(FIXTURES / "base.json"), str(FIXTURES / "new.json"), "--report", str(out)]) == 1
    assert (out / "index.html").is_file()


def test_compare_on_the_command_line_exits_with_the_verdict_and_writes_markdown(tmp_path):
    import subprocess

    yieldbench = str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "yieldbench")
    base = write(tmp_path, "base.json", document({"g/w/a/n:1": QUIET}))
    slower = write(tmp_path, "slower.json", document({"g/w/a/n:1": [value * 1.3 for value in QUIET]}))
    same = subprocess.run([yieldbench, "compare", base, base], capture_output=True, text=True, timeout=120)
    assert same.returncode == 0 and "PASS" in same.stdout, same.stderr
    markdown = tmp_path / "gate.md"
    regressed = subprocess.run(
        [yieldbench, "compare", base, slower, "--markdown", str(markdown)], capture_output=True, text=True, timeout=120
    )
    assert regressed.returncode == 1 and "FAIL" in regressed.stdout, regressed.stderr
    assert "**REGRESSION**" in markdown.read_text()

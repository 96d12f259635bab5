"""Results from another machine, build or measure mode. The regression gate (compare, ci) refuses results
whose contexts make every verdict meaningless (docs/design.md: "results from incompatible contexts ... one-line
error"); a side-by-side report draws them, with a warning line per difference, except other measure modes."""
import copy
import json

import pytest

import reports
from test_bad_input import GOOD, assert_one_line_error
from ybcli.__main__ import main


def variant(tmp_path, name: str, measure: str = None, **context) -> str:
    """GOOD with some context keys changed (and the measure mode), written beside the test."""
    document = copy.deepcopy(json.loads(GOOD.read_text()))
    document["context"].update(context)
    if measure:
        document.setdefault("yieldbench", {})["measure"] = measure
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"num_cpus": 64}, "CPU count: base '2', new '64'"),
        ({"hypervisor": "none"}, "hypervisor: base 'KVMKVMKVM', new 'none'"),
        ({"build_preset": "asan (Debug)"}, "build preset: base 'release (RelWithDebInfo)', new 'asan (Debug)'"),
    ],
)
def test_compare_refuses_time_results_from_another_machine_or_build(change, needle, tmp_path, capsys):
    base = variant(tmp_path, "base", hypervisor="KVMKVMKVM")
    new = variant(tmp_path, "new", **{"hypervisor": "KVMKVMKVM", **change})
    assert main(["compare", base, new]) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured.err, "compare", "incompatible contexts", needle, "yieldbench report BASE NEW")
    assert captured.out == "", "no verdicts"


def test_instruction_counts_from_another_machine_class_compare_with_a_warning(tmp_path, capsys):
    base = variant(tmp_path, "base", measure="instructions")
    new = variant(tmp_path, "new", measure="instructions", num_cpus=64, cpu_model="Other CPU")
    assert main(["compare", base, new]) == 0
    captured = capsys.readouterr()
    assert "warning: CPU model differs" in captured.out and "warning: CPU count differs" in captured.out
    assert captured.err == ""


def test_instruction_counts_of_another_build_are_refused(tmp_path, capsys):
    base = variant(tmp_path, "base", measure="instructions")
    new = variant(tmp_path, "new", measure="instructions", build_preset="profile (RelWithDebInfo)")
    assert main(["compare", base, new]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", "incompatible contexts", "build preset")


def test_another_compiler_is_a_warning_not_an_error(tmp_path, capsys):
    assert main(["compare", str(GOOD), variant(tmp_path, "new", compiler="Clang 17.0.0")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "warning: compiler differs: base 'GNU 12.2.0', new 'Clang 17.0.0'"


def test_measure_modes_differ_is_one_line(tmp_path, capsys):
    assert main(["compare", str(GOOD), variant(tmp_path, "new", measure="instructions")]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", "measure modes differ")


def test_results_with_no_benchmark_in_common_are_refused(tmp_path, capsys):
    other = json.loads(GOOD.read_text())
    for entry in other["benchmarks"]:
        for key in ("name", "run_name"):
            if key in entry:
                entry[key] = entry[key].replace("generators/", "coroutines/", 1)
    path = tmp_path / "other_family.json"
    path.write_text(json.dumps(other))
    assert main(["compare", str(GOOD), str(path)]) == 2
    assert_one_line_error(capsys.readouterr().err, "compare", "no benchmark in common", "nothing to judge")


def test_ci_refuses_a_baseline_from_another_machine(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    results = run / "results.json"
    results.write_bytes(GOOD.read_bytes())
    baseline = variant(tmp_path, "baseline", num_cpus=16)
    assert main(["ci", "--results", str(results), "--baseline", baseline]) == 2
    assert_one_line_error(capsys.readouterr().err, "ci", "incompatible contexts", "CPU count: base '16', new '2'")
    assert not (run / "gate" / "summary.md").exists(), "no verdict written from a meaningless comparison"


def test_report_draws_another_machine_side_by_side_with_a_warning_line(tmp_path, capsys):
    other = variant(tmp_path, "other_machine", cpu_model="Other CPU 9000", num_cpus=64)
    out = tmp_path / "report"
    assert reports.main([str(GOOD), other, "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "warning" in line] == [
        "yieldbench report: warning: CPU model differs: base 'Intel(R) Xeon(R) Processor @ 2.50GHz', "
        "other_machine 'Other CPU 9000' (not like for like)",
        "yieldbench report: warning: CPU count differs: base '2', other_machine '64' (not like for like)",
    ]
    assert "CPU count differs" in (out / "summary.md").read_text()
    assert "CPU count differs" in (out / "index.html").read_text()


def test_report_refuses_time_beside_instruction_counts(tmp_path, capsys):
    instructions = variant(tmp_path, "instructions", measure="instructions")
    out = tmp_path / "report"
    assert reports.main([str(GOOD), instructions, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "measure mode 'instructions' differs from 'time'" in err, err
    assert not out.exists()

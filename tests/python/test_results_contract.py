"""ybresults, the results contract, on its own: the name grammar, strict JSON with the reasons for what is
left out, schema versions, merging, atomic writing, partial-file recovery, the progress channel, the counter
registry and the noise verdict."""
import json
import math

import pytest

import ybresults
from ybresults import counters, document, names, noise, progress, schema, strict


def iteration(name, real_time, **fields):
    return {
        "name": name,
        "run_name": name,
        "run_type": "iteration",
        "real_time": real_time,
        "time_unit": "ns",
        **fields,
    }


def strict_json(text: str):
    """A parser that refuses NaN and Infinity, as JavaScript's JSON.parse does."""

    def refuse(constant):
        raise ValueError(f"not RFC 8259 JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, family, workload, implementation, params",
    [
        ("generators/sum_plus_one/iterator/n:1000", "generators", "sum_plus_one", "iterator", (("n", "1000"),)),
        (
            "io/echo_tcp/epoll/conns:256/msg:64/mode:edge",
            "io",
            "echo_tcp",
            "epoll",
            (("conns", "256"), ("msg", "64"), ("mode", "edge")),
        ),
        ("coroutines/skynet/state_machine", "coroutines", "skynet", "state_machine", ()),
        (
            "generators/sum_plus_one/iterator/n:1000/real_time",
            "generators",
            "sum_plus_one",
            "iterator",
            (("n", "1000"),),
        ),
        ("g/w/i/n:1/repeats:3/threads:1/min_time:0.5", "g", "w", "i", (("n", "1"),)),
    ],
)
def test_names_parse_into_their_parts_and_drop_google_benchmarks_suffixes(
    text, family, workload, implementation, params
):
    parsed = names.parse_name(text)
    assert parsed == names.Name(family, workload, implementation, params)
    assert names.format_name(family, workload, implementation, params) == names.plain_name(text)


@pytest.mark.parametrize(
    "text", ["BM_Foo/8", "only/two", "g/w/i/n", "g/w/i/n:1/extra", "1g/w/i/n:1", "g/w/i/n:a b", "g//i/n:1", None, 7]
)
def test_anything_else_is_not_a_yieldbench_name(text):
    assert names.parse_name(text) is None


def test_a_parameter_may_not_be_named_like_a_google_benchmark_suffix():
    with pytest.raises(ValueError, match="repeats"):
        names.format_name("g", "w", "i", {"repeats": 3})


def test_anchored_filters_match_exactly_the_names_whatever_google_benchmark_appends():
    import re

    pattern = re.compile(names.anchored("g/w/i.x/n:1", "g/w/j/n:2"))
    assert pattern.match("g/w/i.x/n:1/real_time") and pattern.match("g/w/j/n:2")
    assert not pattern.match("g/w/iXx/n:1") and not pattern.match("g/w/i.x/n:10")


# --- strict JSON ---------------------------------------------------------------------------------------


def test_non_finite_values_are_left_out_with_the_reason(tmp_path):
    doc = {
        "context": {"load_avg": [0.5, math.nan]},
        "benchmarks": [
            iteration("g/w/i/n:1", 5.0, speedup=math.inf),
            {**iteration("g/w/i/n:1", 0.4), "run_type": "aggregate", "aggregate_name": "cv", "heap_allocs": math.nan},
        ],
        "yieldbench": {"run_id": "r"},
    }
    path = tmp_path / "results.json"
    ybresults.write(path, doc)
    written = strict_json(path.read_text())
    first, cv = written["benchmarks"]
    assert "speedup" not in first and first["omitted"]["speedup"].startswith("Infinity")
    assert "heap_allocs" not in cv and "mean is 0" in cv["omitted"]["heap_allocs"]
    assert written["context"]["load_avg"] == [0.5, None]
    assert written["yieldbench"]["omitted"] == {
        "/context/load_avg/1": "NaN as measured: not a number that can be reported"
    }
    assert written["yieldbench"]["schema_version"] == schema.SCHEMA_VERSION
    assert doc["benchmarks"][0]["speedup"] == math.inf, "the caller's document is not changed"


def test_a_counter_that_can_be_unmeasurable_is_left_out_with_its_registered_reason(tmp_path):
    name = "io/echo_tcp/epoll/conns:256/msg:64/trigger:edge"
    doc = {
        "context": {},
        "benchmarks": [iteration(name, 5.0, kernel_bytes_per_conn=math.nan, heap_bytes_per_conn=math.nan)],
        "yieldbench": {"run_id": "r"},
    }
    path = tmp_path / "results.json"
    ybresults.write(path, doc)
    (entry,) = strict_json(path.read_text())["benchmarks"]
    assert "kernel_bytes_per_conn" not in entry
    assert entry["omitted"]["kernel_bytes_per_conn"] == "NaN: " + counters.get("kernel_bytes_per_conn").not_measured
    assert "did not grow" in entry["omitted"]["kernel_bytes_per_conn"]
    assert entry["omitted"]["heap_bytes_per_conn"] == "NaN as measured: not a number that can be reported"


def test_a_version_1_file_with_nan_reads_as_the_current_schema(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(
        '{"context": {}, "yieldbench": {"version": "0.1.0", "run_id": "old"}, "benchmarks": ['
        '{"name": "g/w/i/n:1", "run_name": "g/w/i/n:1", "run_type": "iteration", "real_time": 2, '
        '"time_unit": "us", "lat_p50_ns": NaN, "heap_peak_bytes": 0}]}'
    )
    results = ybresults.load(path)
    bench = results.benchmarks["g/w/i/n:1"]
    assert bench.samples("time_ns") == [2000.0] and "lat_p50_ns" not in bench.repetitions[0]
    assert bench.omitted == {"lat_p50_ns": "NaN as measured: not a number that can be reported"}
    assert results.meta["schema_version"] == schema.SCHEMA_VERSION


def test_a_newer_schema_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"yieldbench": {"schema_version": 99}, "benchmarks": [iteration("g/w/i/n:1", 1)]}))
    with pytest.raises(
        ybresults.ResultsError,
        match=f"schema_version 99 is newer than this yieldbench reads \\({schema.SCHEMA_VERSION}\\)",
    ):
        ybresults.load(path)


def test_compact_entries_are_one_per_line_and_strict(tmp_path):
    path = tmp_path / "baseline.json"
    ybresults.write(
        path,
        {"context": {"a": 1}, "benchmarks": [iteration("g/w/i/n:1", 1.0), iteration("g/w/i/n:2", 2.0)]},
        compact_entries=True,
    )
    text = path.read_text()
    assert strict_json(text)["benchmarks"][1]["real_time"] == 2.0
    assert sum('"name":' in line for line in text.splitlines()) == 2
    assert all(line.count('"name":') <= 1 for line in text.splitlines())


def test_atomic_write_leaves_the_old_file_when_serialising_fails(tmp_path):
    target = tmp_path / "results.json"
    ybresults.write(target, {"benchmarks": [1]})
    with pytest.raises(TypeError):
        ybresults.write(target, {"benchmarks": [object()]})
    assert json.loads(target.read_text()) == {"benchmarks": [1]}
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


# --- merging and the noise verdict ----------------------------------------------------------------------


def test_noise_marks_a_spread_above_five_percent_unstable():
    benchmarks = [iteration("f/w/steady/n:1", t) for t in (100, 101, 99)]
    benchmarks += [iteration("f/w/jumpy/n:1", t) for t in (100, 130, 70)]
    benchmarks += [iteration("f/w/once/n:1", 100)]
    verdicts = ybresults.merge({"f": {"benchmarks": benchmarks}}, {})["yieldbench"]["noise"]
    assert verdicts["f/w/steady/n:1"]["unstable"] is False
    assert verdicts["f/w/steady/n:1"]["cv"] == pytest.approx(0.01)
    assert verdicts["f/w/jumpy/n:1"]["unstable"] is True
    assert verdicts["f/w/once/n:1"] == {
        "repetitions": 1,
        "cv": None,
        "unstable": None,
        "ci": None,
        "ci_confidence": None,
        "processes": 1,
    }
    assert noise.text(verdicts["f/w/jumpy/n:1"]).endswith("UNSTABLE") and noise.text(None) == "1 rep"


def test_merge_keeps_what_a_later_family_says_differently_and_stamps_the_versions():
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
    merged = ybresults.merge(outputs, {"run_id": "r"})
    assert merged["context"]["unavailable_metrics"] == "none"
    assert merged["context"]["executables"] == ["bin/yb_generators", "bin/yb_python"]
    assert merged["yieldbench"]["family_contexts"] == {"python": {"unavailable_metrics": "heap_allocs"}}
    assert merged["yieldbench"]["schema_version"] == schema.SCHEMA_VERSION
    assert merged["yieldbench"]["version"] == schema.VERSION
    assert len(merged["benchmarks"]) == 2


# --- reading -------------------------------------------------------------------------------------------


def test_partial_recovery_keeps_every_complete_entry(tmp_path):
    path = tmp_path / "cut.json"
    whole = json.dumps(
        {"context": {"a": 1}, "benchmarks": [iteration("g/w/i/n:1", 1.0), iteration("g/w/i/n:2", 2.0)]}, indent=1
    )
    path.write_text(whole[: whole.rindex('"real_time"')])  # cut inside the second entry
    recovered = ybresults.read_partial(path)
    assert [entry["name"] for entry in recovered["benchmarks"]] == ["g/w/i/n:1"]
    assert recovered["context"] == {"a": 1, "truncated": True}
    path.write_text('{"cont')
    assert ybresults.read_partial(path) is None


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty file"),
        ("{", "truncated JSON"),
        ("[1, 2]", "the top level is an array"),
        ("null", "the top level is null"),
        ('{"benchmarks": []}', "no benchmarks"),
        ('{"benchmarks": [1]}', "no yieldbench-named benchmarks"),
        ('{"benchmarks": [{"name": "g/w/i/n:1", "time_unit": "ns"}]}', "has no real_time"),
        ('{"benchmarks": [{"name": "g/w/i/n:1", "real_time": "x"}]}', "not a number"),
        ('{"benchmarks": [{"name": "g/w/i/n:1", "real_time": 1, "time_unit": "ks"}]}', "unknown time_unit"),
        ('{"yieldbench": {"schema_version": "2"}, "benchmarks": []}', "schema_version '2' is not a whole number"),
    ],
)
def test_every_problem_is_one_line_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ybresults.ResultsError) as caught:
        ybresults.load(path)
    assert problem in str(caught.value) and str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_instruction_counts_read_as_instructions_and_times_as_nanoseconds():
    def read(measure, entry):
        meta = {"measure": measure} if measure else {}
        doc = document.check_shape({"yieldbench": meta, "benchmarks": [entry]}, "memory")
        return ybresults.model.from_document(doc, "memory")

    counted = read("instructions", {**iteration("g/w/i/n:1", 1234.0), "time_unit": "Ir"})
    assert counted.measure == "instructions" and counted.benchmarks["g/w/i/n:1"].samples("instructions") == [1234.0]
    # In instruction mode real_time is a count whatever the unit says (files from before "Ir" was written).
    assert read("instructions", iteration("g/w/i/n:1", 99.0)).benchmarks["g/w/i/n:1"].samples("instructions") == [99.0]
    timed = read(None, {**iteration("g/w/j/n:1", 1.5), "time_unit": "ms"})
    assert timed.measure == "time" and timed.benchmarks["g/w/j/n:1"].samples("time_ns") == [1.5e6]


# --- the progress channel -------------------------------------------------------------------------------


def test_progress_lines_round_trip_and_say_what_happened():
    text = "\n".join(
        [
            progress.line("g/w/i/n:1", "running"),
            "a line of something else",
            progress.line("g/w/i/n:1", "ok"),
            progress.line("g/w/j/n:1", "skipped: needs\n8 GiB"),
            progress.line("g/w/k/n:1", "checksum 1 != 2"),
        ]
    )
    events = progress.parse(text)
    assert [(event.name, event.running, event.ok, event.skipped, event.failed) for event in events] == [
        ("g/w/i/n:1", True, False, False, False),
        ("g/w/i/n:1", False, True, False, False),
        ("g/w/j/n:1", False, False, True, False),
        ("g/w/k/n:1", False, False, False, True),
    ]
    assert events[2].status == "skipped: needs 8 GiB"


# --- the counter registry -------------------------------------------------------------------------------


def test_every_registered_counter_says_its_unit_direction_and_meaning():
    units = {counters.NS, counters.BYTES, counters.COUNT, counters.PER_SECOND, counters.BYTES_PER_SECOND}
    units |= {counters.RATIO, counters.CPU, counters.INSTRUCTIONS}
    for name, counter in counters.REGISTRY.items():
        assert counter.name == name and counter.unit in units and counter.description
        assert counter.better in (counters.LOWER, counters.HIGHER, counters.NEITHER)
    assert set(counters.REQUIRED) <= set(counters.REGISTRY)
    assert not set(counters.REGISTRY) & set(counters.BOOKKEEPING)


def test_unregistered_counters_are_found_and_bookkeeping_is_not():
    entries = [{"name": "g/w/i/n:1", "iterations": 3, "real_time": 2.0, "heap_allocs": 1, "mystery": 3.5}, "x"]
    assert counters.unregistered(entries) == ["mystery"]


def test_strict_dump_refuses_nothing_it_was_given():
    assert strict_json(strict.dumps({"benchmarks": [{"x": math.nan}]}))["benchmarks"][0]["omitted"]["x"]

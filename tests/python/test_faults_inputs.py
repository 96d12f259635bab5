"""Any input: generated results documents (random structure, non-finite, huge and negative numbers, duplicated
and unicode names, missing fields, wrong types, truncation anywhere) given to the results reader, `compare` and
`report` and `yieldbench history import`, and generated argument lists given to every command. Never a
traceback; exit status only as the README defines it (0, 1 or 2 here: nothing is interrupted)."""
import contextlib
import io
import json
import math
import os
import pathlib
import shutil
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reports
import ybresults
from ybcli import (
    __main__ as cli,
    baseline_cmd,
    ci_cmd,
    gate_check_cmd,
    list_cmd,
    profile,
    run,
    test_cmd,
)
from ybresults import document as reading
from ybresults import model

FIXTURES = pathlib.Path(__file__).parent / "gate_fixtures"
GOOD = FIXTURES / "base.json"
ALLOWED = {0, 1, 2}
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1e308, -1e308, 5e-324, 2**63, -(2**63), math.nan, math.inf, -math.inf]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=12))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
segments = st.one_of(
    st.sampled_from(["generators", "io", "sum_plus_one", "iterator", "epoll", "n:1000", "conns:1", "x"]),
    st.text(min_size=0, max_size=6),  # unicode, empty, slashes
)
names = st.one_of(
    st.sampled_from(
        [
            "generators/sum_plus_one/iterator/n:1000",
            "generators/sum_plus_one/callback/n:1000",
            "generators/sum_plus_one/iterator/n:1000_mean",
            "io/echo_tcp/epoll/conns:1/msg:64/repeats:3",
            "générateurs/somme/itérateur/n:1",
        ]
    ),
    st.lists(segments, min_size=1, max_size=5).map("/".join),
    json_values,
)
maybe = lambda strategy: st.one_of(strategy, json_values)  # noqa: E731 -- the right type, or any other

entries = st.fixed_dictionaries(
    {},
    optional={
        "name": names,
        "run_name": names,
        "run_type": maybe(st.sampled_from(["iteration", "aggregate", "other"])),
        "aggregate_name": maybe(st.sampled_from(["mean", "median", "stddev", "cv"])),
        "repetitions": maybe(numbers),
        "repetition_index": maybe(numbers),
        "family_index": maybe(numbers),
        "per_family_instance_index": maybe(numbers),
        "threads": maybe(numbers),
        "iterations": maybe(numbers),
        "real_time": maybe(numbers),
        "cpu_time": maybe(numbers),
        "time_unit": maybe(st.sampled_from(["ns", "us", "ms", "s", "h"])),
        "error_occurred": maybe(st.booleans()),
        "error_message": maybe(st.text(max_size=20)),
        "heap_peak_bytes": maybe(numbers),
        "ctx_switches": maybe(numbers),
        "lat_p99_ns": maybe(numbers),
        "items_per_second": maybe(numbers),
        "omitted": json_values,
    },
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "num_cpus": maybe(numbers),
        "cpu_count": maybe(numbers),
        "hypervisor": maybe(st.sampled_from(["none", "kvm"])),
        "build_preset": maybe(st.sampled_from(["release (RelWithDebInfo)", "asan"])),
        "executable": json_values,
        "load_avg": json_values,
    },
)
metas = st.fixed_dictionaries(
    {},
    optional={
        "schema_version": maybe(st.sampled_from([1, 2, 3])),
        "measure": maybe(st.sampled_from(["time", "instructions"])),
        "run_id": json_values,
        "profile": json_values,
        "noise": json_values,
        "failures": json_values,
        "partial": json_values,
        "families": json_values,
        "omitted": json_values,
    },
)
documents = st.one_of(
    st.fixed_dictionaries(
        {"benchmarks": st.one_of(st.lists(entries, max_size=8), json_values)},
        optional={"context": st.one_of(contexts, json_values), "yieldbench": st.one_of(metas, json_values)},
    ),
    json_values,
)


@st.composite
def texts(draw):
    """A document as a file holds it (NaN and Infinity literals included), maybe cut short anywhere."""
    text = json.dumps(draw(documents), allow_nan=True, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


@st.composite
def near_good(draw):
    """The good fixture with some values replaced by generated ones: deep enough to reach the gate."""
    document = json.loads(GOOD.read_text())
    benchmarks = document["benchmarks"] = document["benchmarks"][::2]  # fewer repetitions
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        entry = benchmarks[draw(st.integers(min_value=0, max_value=len(benchmarks) - 1))]
        key = draw(
            st.sampled_from(["real_time", "cpu_time", "time_unit", "run_name", "repetitions", "heap_peak_bytes"])
        )
        if draw(st.booleans()):
            entry[key] = draw(maybe(numbers))
        else:
            entry.pop(key, None)
    if draw(st.booleans()):
        benchmarks.append(dict(benchmarks[0]))  # a duplicated entry
    return json.dumps(document, allow_nan=True)


def read_in_memory(text):
    """What ybresults.read does with a file's text, and the model compare and report read."""
    try:
        document = reading.check_yieldbench(reading.check_shape(reading.parse_text(text, "x.json"), "x.json"), "x.json")
        model.from_document(document, "x.json")
    except ybresults.ResultsError as error:
        assert "\n" not in str(error)


def call(argv, workdir):
    """`yieldbench ARGV` in this process: (exit status, stderr)."""
    stderr, stdout = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(workdir)
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            try:
                status = cli.main(argv)
            except SystemExit as exit:  # --help
                status = exit.code
    finally:
        os.chdir(previous)
    return status, stderr.getvalue()


def assert_answered(status, stderr):
    assert "Traceback" not in stderr, stderr
    assert status in ALLOWED, stderr
    if status == 2:  # one line naming the problem; the top-level parser's starts "yieldbench: " like progress
        lines = [line for line in stderr.splitlines() if not line.startswith("yieldbench: ")]
        assert len(lines) == 1 or (not lines and stderr.strip()), stderr


@settings(max_examples=150, **SETTINGS)
@given(texts())
def test_the_reader_answers_any_text_with_a_document_or_one_line(text):
    read_in_memory(text)


@settings(max_examples=150, **SETTINGS)
@given(near_good())
def test_the_reader_answers_a_near_good_document(text):
    read_in_memory(text)


def test_a_results_file_cut_at_every_position_is_one_line_or_read():
    text = GOOD.read_text()
    for end in range(len(text) + 1):
        read_in_memory(text[:end])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copy(GOOD, folder / "base.json")
    shutil.copy(FIXTURES / "base.json", folder / "new.json")
    return folder


def test_compare_with_non_finite_values_is_no_traceback(workdir):
    document = json.loads(GOOD.read_text())
    for index, entry in enumerate(document["benchmarks"]):
        entry["real_time"] = [math.nan, math.inf, -math.inf][index % 3]
    (workdir / "nonfinite.json").write_text(json.dumps(document, allow_nan=True))
    for argv in (["compare", "base.json", "nonfinite.json"], ["compare", "nonfinite.json", "base.json"]):
        assert_answered(*call(argv, workdir))


@settings(max_examples=60, **SETTINGS)
@given(st.one_of(texts(), near_good()), st.booleans())
def test_compare_answers_any_document(workdir, text, new_side):
    (workdir / "generated.json").write_text(text)
    sides = ["base.json", "generated.json"] if new_side else ["generated.json", "base.json"]
    assert_answered(*call(["compare", *sides], workdir))


@settings(max_examples=12, **SETTINGS)
@given(st.one_of(texts(), near_good()))
def test_report_answers_any_document(workdir, text):
    (workdir / "report-input.json").write_text(text)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = reports.main([str(workdir / "report-input.json"), "--out", str(workdir / "report"), "-q"])
    assert_answered(status, stderr.getvalue())


@settings(max_examples=40, **SETTINGS)
@given(st.one_of(texts(), near_good()))
def test_history_import_answers_any_document(workdir, text):
    pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (python3-sqlalchemy)")
    (workdir / "imported.json").write_text(text)
    history = workdir / "history.sqlite"
    with mock.patch.dict(os.environ, {"YIELDBENCH_MACHINE_CLASS": "test-class"}):
        assert_answered(*call(["history", "import", "imported.json", "--history", str(history)], workdir))


# Commands that build, run benchmarks or write into the checkout are stopped once their options are made and
# checked (everything argument handling can get wrong); compare and report run whole.
STOPPED = [run, test_cmd, list_cmd, ci_cmd, gate_check_cmd, profile, baseline_cmd]
WORDS = [
    *cli.COMMANDS,
    "report",
    "save",
    "show",
    "--help",
    "-h",
    "--family",
    "--filter",
    "--profile",
    "--measure",
    "--repetitions",
    "--timeout",
    "--out",
    "--threshold",
    "--alpha",
    "--thresholds",
    "--markdown",
    "--report",
    "--base",
    "--rounds",
    "--tool",
    "--sanitize",
    "--results",
    "-q",
    "generators",
    "io,parallelism",
    "nope",
    "smoke",
    "full",
    "time",
    "instructions",
    "perf",
    "address",
    "0",
    "-1",
    "1e309",
    "nan",
    "5%",
    "0.5",
    "(",
    "[a-",
    ".",
    "base.json",
    "new.json",
    "absent.json",
    "out/dir",
    "--",
    "=",
    "--out=",
    "--family=",
    "generators/sum_plus_one/iterator/n:1000",
]
arguments = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), max_size=8)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(st.sampled_from(list(cli.COMMANDS)).flatmap(lambda c: arguments.map(lambda a: [c, *a])), arguments))
def test_every_command_answers_any_argument_list(workdir, argv):
    if argv[:1] == ["report"]:
        return  # report's own arguments: test_report_answers_any_document and tests/python/reports
    with contextlib.ExitStack() as stack:
        for module in STOPPED:
            stack.enter_context(mock.patch.object(module, "execute", lambda opts: 0))
        status, stderr = call(argv, workdir)
    assert_answered(status, stderr)

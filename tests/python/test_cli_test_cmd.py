"""`yieldbench test`: the style check, a narrowed run end to end, and `--sanitize`: its arguments, the family
run's command line, and how a sanitized family run is judged. (The sanitized builds themselves are what
`yieldbench test --sanitize address|thread` runs; they take minutes, so they are not run from here.)"""
import json
import pathlib
import subprocess

from ybcli import test_cmd

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
YIELDBENCH = str(REPO_ROOT / "scripts" / "yieldbench")


def yieldbench(*args, timeout=60):
    return subprocess.run([YIELDBENCH, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)


def test_an_unknown_sanitizer_is_one_line_and_exit_2():
    done = yieldbench("test", "--sanitize", "bogus")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "--sanitize" in done.stderr and "bogus" in done.stderr
    assert "address" in done.stderr and "thread" in done.stderr, "the error names the valid choices"


def test_help_says_what_sanitize_runs_and_that_pytest_does_not():
    done = yieldbench("test", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "--sanitize {address,thread}" in text
    assert "The Python tests are not run" in text


def test_each_sanitizer_has_a_preset_and_options():
    presets = json.loads((REPO_ROOT / "CMakePresets.json").read_text())
    configure = {preset["name"]: preset for preset in presets["configurePresets"]}
    tests = {preset["name"] for preset in presets["testPresets"]}
    for sanitizer, preset in test_cmd.SANITIZER_PRESETS.items():
        assert configure[preset]["cacheVariables"]["YB_SANITIZER"] == sanitizer
        assert preset in tests
        assert test_cmd.SANITIZER_ENVIRONMENT[preset]


def test_the_family_run_covers_every_benchmark_once_at_a_smoke_size():
    executable = pathlib.Path("build/asan/bin/yb_generators")
    command = test_cmd.sanitized_family_command(executable)
    assert command[0] == str(executable)
    assert not any(arg.startswith("--benchmark_filter") for arg in command), "every benchmark, none filtered out"
    assert "--benchmark_repetitions=1" in command
    assert "--benchmark_min_time=0.001" in command  # GB 1.7.1: plain seconds, no suffix
    assert "--yb_progress" in command, "the progress lines are how errors are found"


def test_benchmarks_a_sanitizer_cannot_run_are_left_out_by_a_negative_filter():
    command = test_cmd.sanitized_family_command(pathlib.Path("yb_coroutines"), "^coroutines/alive_many/x")
    assert command[-1] == "--benchmark_filter=-^coroutines/alive_many/x"
    for preset, exclusions in test_cmd.NOT_RUN_UNDER.items():
        assert preset in test_cmd.SANITIZER_PRESETS.values()
        for regex, why in exclusions.values():
            assert regex and why, "every exclusion says why"


def test_a_clean_family_run_has_no_problems_and_skips_are_not_errors():
    progress = (
        "YB_PROGRESS\tcoroutines/skynet/ucontext/n:1000000\trunning\n"
        "YB_PROGRESS\tcoroutines/skynet/ucontext/n:1000000\tskipped: n=1000000: too slow here\n"
        "YB_PROGRESS\tcoroutines/skynet/ucontext/n:1000\trunning\n"
        "YB_PROGRESS\tcoroutines/skynet/ucontext/n:1000\tok\n"
    )
    log = "==1==WARNING: ASan doesn't fully support makecontext/swapcontext functions\n"
    assert test_cmd.family_run_problems(progress, log) == []
    assert test_cmd.unfinished_benchmark(progress) is None


def test_the_benchmark_running_when_a_family_crashed_is_named():
    progress = (
        "YB_PROGRESS\tio/echo_tcp/epoll/conns:1\trunning\n"
        "YB_PROGRESS\tio/echo_tcp/epoll/conns:1\tok\n"
        "YB_PROGRESS\tio/echo_tcp/io_uring/conns:1\trunning\n"
    )
    assert test_cmd.unfinished_benchmark(progress) == "io/echo_tcp/io_uring/conns:1"


def test_benchmark_errors_and_sanitizer_reports_are_problems():
    progress = "YB_PROGRESS\tgenerators/sum_plus_one/iterator/n:1000\tchecksum 1 != expected 2\n"
    log = (
        "==42==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n"
        "fiber_generator.cpp:57:12: runtime error: signed integer overflow\n"
        "WARNING: ThreadSanitizer: data race (pid=7)\n"
    )
    problems = test_cmd.family_run_problems(progress, log)
    assert problems[0] == "generators/sum_plus_one/iterator/n:1000: checksum 1 != expected 2"
    assert len(problems) == 4
    assert any("heap-use-after-free" in problem for problem in problems)
    assert any("runtime error" in problem for problem in problems)
    assert any("data race" in problem for problem in problems)


def test_sanitizer_exemptions_come_from_the_compile_commands(tmp_path):
    coroutines = REPO_ROOT / "benchmarks" / "coroutines"
    (tmp_path / "compile_commands.json").write_text(
        json.dumps(
            [
                {
                    "file": str(coroutines / "boost_fiber.cpp"),
                    "command": "g++ -O1 -fsanitize=thread --param=tsan-instrument-func-entry-exit=0 -c boost_fiber.cpp",
                },
                {
                    "file": str(coroutines / "cxx20_coroutine.cpp"),
                    "command": "g++ -O1 -fsanitize=address -foptimize-sibling-calls --param=asan-stack=0 "
                    "-c cxx20_coroutine.cpp",
                },
                {
                    "file": str(REPO_ROOT / "harness" / "measure.cpp"),
                    "command": "g++ -O1 -fsanitize=thread -c measure.cpp",
                },
            ]
        )
    )
    assert test_cmd.sanitizer_exemptions(tmp_path) == [
        ("benchmarks/coroutines/boost_fiber.cpp", "without TSan's function entry/exit hooks"),
        ("benchmarks/coroutines/cxx20_coroutine.cpp", "without ASan's stack instrumentation, with sibling calls"),
    ]
    assert test_cmd.sanitizer_exemptions(tmp_path / "no-such-build") == []


class BuildReached(Exception):
    """Stops execute() at its build step: which preset it asked for is what is checked."""


def preset_built(monkeypatch, opts):
    from ybcli import build, style

    def stop_at_build(preset="release"):
        raise BuildReached(preset)

    monkeypatch.setattr(build, "bootstrap", lambda **_: None)
    monkeypatch.setattr(build, "build", stop_at_build)
    monkeypatch.setattr(style, "check", lambda: [])
    try:
        test_cmd.execute(opts)
    except BuildReached as reached:
        return str(reached)
    raise AssertionError("execute() never built a preset")


def test_without_sanitize_the_release_preset_is_built_as_before(monkeypatch):
    # `yieldbench ci` calls execute() with the default options.
    assert preset_built(monkeypatch, test_cmd.Options()) == "release"


def test_sanitize_builds_that_sanitizers_preset(monkeypatch):
    for sanitizer, preset in test_cmd.SANITIZER_PRESETS.items():
        assert preset_built(monkeypatch, test_cmd.Options(sanitize=sanitizer)) == preset


def test_the_test_command_runs_style_ctest_and_pytest_as_selected():
    done = yieldbench(
        "test", "--ctest-args", "-R LatencyHistogram", "--pytest-args", "-k test_names_parse", timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "checking the style" in done.stderr and "style:" not in done.stderr
    assert "tests passed" in done.stdout and " passed" in done.stdout.splitlines()[-1]


def test_a_style_problem_fails_the_tests(monkeypatch):
    from ybcli import build, style

    monkeypatch.setattr(build, "bootstrap", lambda **_: None)
    monkeypatch.setattr(build, "build", lambda preset="release": None)
    monkeypatch.setattr(style, "check", lambda: ["x.py is not black-formatted (run: black x.py)"])
    monkeypatch.setattr(test_cmd.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0))
    assert test_cmd.execute(test_cmd.Options()) == 1


def test_style_names_each_file_out_of_style_and_the_command_that_fixes_it(tmp_path):
    from ybcli import paths, style

    for config in (".clang-format", "pyproject.toml", ".flake8", ".yamllint"):
        (tmp_path / config).write_bytes((paths.REPO_ROOT / config).read_bytes())
    (tmp_path / "good.py").write_text('"""A module."""\nVALUE = {"a": 1}\n')
    (tmp_path / "bad.py").write_text("import os\nx = {  'a':1}\n")
    (tmp_path / "good.cpp").write_text("int main() { return 0; }\n")
    (tmp_path / "bad.cpp").write_text("int  main( ){return 0;}\n")
    (tmp_path / "good.yml").write_text("on:\n  push:\n")
    (tmp_path / "bad.yml").write_text("a: 1\na: 2\n")
    problems = style.check(tmp_path)
    assert "bad.cpp is not clang-formatted (run: clang-format -i bad.cpp)" in problems
    assert "bad.py is not black-formatted (run: black bad.py)" in problems
    assert any(problem.startswith("flake8: bad.py:1:1: F401") for problem in problems)
    assert any(problem.startswith("yamllint: bad.yml:2:1") and "duplication" in problem for problem in problems)
    assert not [problem for problem in problems if "good." in problem]
    assert style.check(tmp_path, ["good.py", "good.cpp", "good.yml"]) == []

"""`yieldbench profile`: callgrind, heaptrack and perf on tiny generators benchmarks, and its errors.

The profile preset is built once (a no-op when it is up to date); every profile is tiny (n:1000,
two operations under callgrind) so the whole file takes seconds, valgrind included.
"""
import os
import pathlib
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from ybcli import __main__ as cli
from ybcli import build, flamegraph, profile
from ybcli.errors import SetupError
from ybcli.profile import perf, preconditions, selection
from ybresults import names

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def profile_preset():
    """The profile preset, built (a no-op when it is up to date)."""
    build.build("profile")


def run_cli(*args):
    environment = {**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'scripts'}:{REPO_ROOT}"}
    return subprocess.run(
        ["/usr/bin/python3", "-m", "ybcli", "profile", *args, "--no-build"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def needs(*tools):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return pytest.mark.skipif(
        bool(missing), reason=f"not installed: {', '.join(missing)} (scripts/bootstrap --profiling)"
    )


@needs("valgrind", "callgrind_annotate")
def test_callgrind_puts_the_implementation_among_the_top_functions(profile_preset, tmp_path):
    done = run_cli(
        "generators/sum_plus_one/iterator/n:1000", "--tool", "callgrind", "--iterations", "2", "--out", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "generators_sum_plus_one_iterator_n-1000" / "callgrind"
    for name in ("callgrind.out", "top_functions.txt", "index.html"):
        assert (folder / name).is_file(), name
    table = (folder / "top_functions.txt").read_text()
    exclusive = table.split("\n\n")[0].splitlines()[2:5]  # title, header, then the top three
    assert any("sum_plus_one" in row and "iterator.cpp" in row and " own " in row for row in exclusive), table
    assert "inclusive" in table and "sum_plus_one" in done.stdout  # the table is on the terminal too
    assert "callgrind_annotate" in done.stdout and "2 per benchmark" in done.stdout
    assert "sum_plus_one" in (folder / "index.html").read_text()


@needs("heaptrack", "heaptrack_print")
def test_heaptrack_shows_the_vectors_allocation_site(profile_preset, tmp_path):
    done = run_cli(
        "generators/sum_plus_one/eager_vector/n:100000/pages:cold",
        "--tool",
        "heaptrack",
        "--iterations",
        "1",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "generators_sum_plus_one_eager_vector_n-100000_pages-cold" / "heaptrack"
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("allocations by call site"))
    top_site = lines[header + 2]
    # The vector of 100,000 uint64_t (781 KiB) is the largest thing alive at the peak.
    assert "sum_plus_one (eager_vector.cpp)" in top_site and " own " in top_site and "KiB" in top_site, done.stdout
    assert "peak heap" in done.stdout and "total allocated" in done.stdout
    assert "eager_vector.cpp" in (folder / "flamegraph.svg").read_text()
    ElementTree.parse(folder / "flamegraph.svg")
    assert any(folder.glob("heaptrack.*.folded")) and (folder / "index.html").is_file()
    assert "heaptrack_print" in done.stdout


@needs("perf")
def test_perf_samples_the_timed_loop_and_splits_own_harness_kernel(profile_preset, tmp_path):
    done = run_cli(
        "generators/sum_plus_one/iterator/n:100000", "--tool", "perf", "--seconds", "0.3", "--out", str(tmp_path)
    )
    if done.returncode == 2 and "not permitted" in done.stderr:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "generators_sum_plus_one_iterator_n-100000" / "perf"
    assert (folder / "perf.data").is_file() and (folder / "index.html").is_file()
    ElementTree.parse(folder / "flamegraph.svg")
    assert "the implementation's own code" in done.stdout and "the kernel" in done.stdout
    own = next(line for line in done.stdout.splitlines() if line.endswith("the implementation's own code"))
    # Only the timed loop is sampled (perf --control): nearly all of it is the iterator's loop.
    assert float(own.split("%")[0]) > 50, done.stdout
    assert "perf report -i" in done.stdout


def test_a_name_matching_nothing_is_one_line_and_exit_2(profile_preset, capsys):
    assert cli.main(["profile", "generators/no_such_workload/x/n:1", "--tool", "callgrind", "--no-build"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "no benchmark matches" in error


def test_an_output_folder_that_cannot_be_made_is_one_line_and_exit_2(profile_preset, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_cli("generators/sum_plus_one/iterator/n:1000", "--tool", "callgrind", "--out", str(blocker))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot create the output folder" in done.stderr
    assert blocker.read_text() == "not a folder"


def test_a_missing_tool_names_the_install_command(monkeypatch, capsys):
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "heaptrack" else real_which(name, *a, **k)
    )
    assert cli.main(["profile", "generators/sum_plus_one/iterator/n:1000", "--tool", "heaptrack"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "scripts/bootstrap --profiling" in error and "heaptrack" in error


def test_perf_not_permitted_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(profile, "perf_paranoid", lambda: 3)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert cli.main(["profile", "generators/sum_plus_one/iterator/n:1000", "--tool", "perf"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "perf_event_paranoid" in error


def test_perf_permission_rules():
    assert preconditions.perf_event_modifier(2, 0) == ""  # root samples the kernel too
    assert preconditions.perf_event_modifier(2, 1000) == ":u"  # others: their own user space only
    assert preconditions.perf_event_modifier(1, 1000) == ""
    with pytest.raises(SetupError, match="perf_event_paranoid is 3"):
        preconditions.perf_event_modifier(3, 1000)


def test_names_anchor_and_sanitise():
    assert selection.sanitise("generators/sum_plus_one/iterator/n:1000") == "generators_sum_plus_one_iterator_n-1000"
    assert names.plain_name("generators/x/iterator/n:1000/real_time") == "generators/x/iterator/n:1000"
    pattern = names.anchored("generators/x/iterator/n:1000")
    assert pattern.startswith("^generators/x/iterator/n:1000(") and pattern.endswith(")*$")


def test_perf_script_parsing_keeps_kernel_and_user_frames():
    text = (
        "yb_generators 250000\n"
        "\tffffffff81234567 _raw_spin_unlock_irq+0x1d ([kernel.kallsyms])\n"
        "\t55d4c0a01234 _ZN12_GLOBAL__N_112sum_plus_oneEm+0x14 (/x/bin/yb_generators)\n"
        "\t7f00000000 [unknown] (/usr/lib/libbenchmark.so.1)\n\n"
        "yb_generators 250000\n"
        "\t55d4c0a01234 _ZN12_GLOBAL__N_112sum_plus_oneEm+0x20 (/x/bin/yb_generators)\n"
    )
    samples = perf.parse_perf_script(text)
    assert [weight for _, weight in samples] == [250000, 250000]
    assert samples[0][0][0] == ("_raw_spin_unlock_irq", True)
    assert samples[0][0][1] == ("_ZN12_GLOBAL__N_112sum_plus_oneEm", False)
    assert samples[0][0][2] == ("[libbenchmark.so.1]", False)


def test_flame_graph_is_valid_svg_with_every_frame():
    stacks = flamegraph.parse_folded("main;run;leaf_a 3\nmain;run;leaf_b 1\nmain;other<&> 2\n")
    svg = flamegraph.render(stacks, "a <title>", "samples")
    root = ElementTree.fromstring(svg)
    titles = [element.text for element in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any(title.startswith("leaf_a (3 samples, 50.00%)") for title in titles)
    assert any(title.startswith("other<&> (2 samples") for title in titles)
    assert flamegraph.parse_folded(flamegraph.folded_text(stacks)) == stacks

"""Session fixtures for the report tests: each report is generated once and inspected by many tests."""
import pytest

from reports_testlib import changed_copy, fixture, generate


@pytest.fixture(scope="session")
def quick_report(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("quick") / "report", fixture("quick_reps.json"))


@pytest.fixture(scope="session")
def single_report(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("single") / "report", fixture("single_run.json"))


@pytest.fixture(scope="session")
def errored_report(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("errored") / "report", fixture("errored.json"))


@pytest.fixture(scope="session")
def new_run(tmp_path_factory):
    """quick_reps.json again, with eager_vector 30% slower and ranges_view 0.5% faster."""
    return changed_copy(
        fixture("quick_reps.json"),
        tmp_path_factory.mktemp("new") / "results.json",
        {"eager_vector": 1.3, "ranges_view": 0.995},
        "20261123-010000-quick",
    )


@pytest.fixture(scope="session")
def compare_report(tmp_path_factory, new_run):
    return generate(tmp_path_factory.mktemp("compare") / "report", fixture("quick_reps.json"), new_run)


def pytest_terminal_summary(terminalreporter):
    """Names the folder of the browser test's screenshots when that test took any."""
    from browser_testlib import SHOTS, taken

    if taken:
        terminalreporter.write_line(f"report pages' screenshots: {SHOTS}/ ({', '.join(sorted(taken))})")

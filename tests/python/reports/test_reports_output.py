"""A report folder: every expected file is written, PNGs are real images, index.html needs only its folder."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest

import reports
from reports_testlib import fixture

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED_CHARTS = {
    "quick": [
        "generators-sum_plus_one-time.png",
        "generators-sum_plus_one-memory.png",
        # no ctx chart: no generator waits (reports/omitted.py); the table says so
        "generators-sum_plus_one-scaling-n.png",
    ],
    "single": [
        "coroutines-pingpong-time.png",
        "coroutines-pingpong-memory.png",
        "coroutines-pingpong-ctx.png",
        "coroutines-pingpong-latency.png",
        "coroutines-pingpong-scaling-alive.png",
    ],
    "errored": [
        "parallelism-spawn_join-time.png",
        "parallelism-spawn_join-memory.png",
        "parallelism-spawn_join-ctx.png",
        "io-echo_tcp-time.png",
        "io-echo_tcp-ctx.png",
        "io-echo_tcp-latency.png",
    ],
}


@pytest.fixture(params=sorted(EXPECTED_CHARTS))
def report_dir(request):
    return request.param, request.getfixturevalue(f"{request.param}_report")


def test_expected_files_and_only_those(report_dir):
    name, out = report_dir
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == sorted(EXPECTED_CHARTS[name])
    assert (out / "index.html").stat().st_size > 2000
    assert (out / "summary.md").stat().st_size > 200
    assert not list(out.glob(".*")), "temporary files left behind"


def test_pngs_are_valid_images(report_dir):
    _, out = report_dir
    for png in out.glob("*.png"):
        data = png.read_bytes()
        assert data.startswith(PNG_SIGNATURE), png
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert 500 <= width <= 4000 and 200 <= height <= 6000, (png.name, width, height)
        pixels = matplotlib.image.imread(png)  # decodes the whole image
        assert pixels.shape[:2] == (height, width)
        assert pixels.std() > 0.05, f"{png.name} looks blank"


def test_html_references_only_existing_files_and_no_network(report_dir):
    _, out = report_dir
    html = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html), "index.html must not reach the network"
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all(re.fullmatch(r' defer src="assets/[^"/]+\.js"| type="application/json" id="[^"]+"', s) for s in scripts)
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    files = [r for r in refs if not r.startswith("#")]
    assert files, "no images referenced"
    for ref in files:
        assert (ref.startswith("assets/") or "/" not in ref) and (out / ref).is_file(), ref
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for ref in refs:
        if ref.startswith("#"):
            assert ref[1:] in anchors, ref
    pngs = [f for f in files if not f.startswith("assets/")]
    assert sorted(set(pngs)) == sorted(p.name for p in out.glob("*.png")), "every chart is shown once"


def test_html_shows_context_unavailable_metrics_unstable_and_failures(quick_report, errored_report):
    html = (quick_report / "index.html").read_text(encoding="utf-8")
    for text in (
        "Run context",
        "GNU 12.2.0",
        "08ecf44",
        "KVMKVMKVM",
        "Metrics not measured",
        "perf_event_open software events unavailable",
        "latency: mean only",
        "⚠ unstable",
        'class="unstable"',
    ):
        assert text in html, text
    errored = (errored_report / "index.html").read_text(encoding="utf-8")
    assert "checksum mismatch: expected 10 got 0" in errored
    assert "io_uring unavailable" in errored
    assert 'class="failed"' in errored
    assert "BM_legacy/8" in errored  # names not in yieldbench form are reported as left out


def test_summary_md_for_ci(quick_report, errored_report):
    md = (quick_report / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("## yieldbench report")
    assert "20261122-031000-quick" in md and "commit `08ecf44`" in md
    assert "| implementation | parameters | wall time per item (median) | time / op (median) |" in md
    assert "⚠ unstable" in md and "### Not measured" in md
    assert "![" not in md  # no images: CI step summaries cannot show local files
    errored = (errored_report / "summary.md").read_text(encoding="utf-8")
    assert "1 skipped, 1 failed" in errored and "checksum mismatch" in errored


def test_default_out_dir_is_report_beside_first_results(tmp_path, capsys):
    run_dir = tmp_path / "results" / "20261122-031000-quick"
    run_dir.mkdir(parents=True)
    shutil.copy(fixture("errored.json"), run_dir / "results.json")
    assert reports.main([str(run_dir / "results.json")]) == 0
    assert (run_dir / "report" / "index.html").is_file()
    out = capsys.readouterr().out
    assert "index.html" in out and "6 charts" in out


def test_existing_files_in_out_dir_are_kept(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert reports.main([str(fixture("errored.json")), "--out", str(out), "-q"]) == 0
    assert (out / "notes.txt").read_text() == "mine"


def test_help_returns_zero(capsys):
    assert reports.main(["--help"]) == 0
    assert "RESULTS.json" in capsys.readouterr().out


def test_module_entry_point_runs_with_agg_and_no_display(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no DISPLAY, no MPLBACKEND
    root = Path(reports.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "reports", str(fixture("errored.json")), "--out", str(tmp_path / "r")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (tmp_path / "r" / "index.html").is_file()
